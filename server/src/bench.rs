//! `openwelfare seed-bench`: the synthetic province of the search benchmark
//! (`cargo xtask bench`, DESIGN.md performance rule): `tenants` municipality tenants of
//! the Provincia di Brescia with `per_tenant` published facilities each, loaded through
//! the real CSV importer. Deterministic, so runs are comparable.

use domain::{import, tenants, users, DatabaseConnection, TenantContext};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use types::dto::MunicipalityIn;
use types::{Lang, Role, TenantId, TenantKind};

const ADMIN: &str = "bench@openwelfare.invalid";
const FIRST: [&str; 6] = ["Casa", "Centro", "Residenza", "Comunità", "Villa", "Fondazione"];
const SECOND: [&str; 8] =
    ["San Giuseppe", "Santa Maria", "Il Girasole", "Arcobaleno", "Don Bosco", "La Quercia", "Serena", "Aurora"];
/// Facility types spread over the rows (one import per type: a register lists one kind).
const TYPES: [&str; 5] = ["rsa", "cdd", "cse", "asilo_nido", "centro_diurno_anziani"];

/// A small deterministic generator (no `rand` in the data path: same data every run).
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> f64 {
        self.0 = self.0.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// Loads the benchmark data; returns the province slug to search.
pub async fn seed(db: &DatabaseConnection, tenant_count: usize, per_tenant: usize) -> anyhow::Result<String> {
    if !domain::reference::comuni_loaded(db).await? {
        domain::reference::load_comuni(db).await?;
    }
    let province = match entity::tenant::Entity::find()
        .filter(entity::tenant::Column::Kind.eq(TenantKind::Province.code()))
        .filter(entity::tenant::Column::IstatCode.eq("017"))
        .one(db)
        .await?
    {
        Some(t) => t,
        None => tenants::create_root(db, TenantKind::Province, "Provincia di Brescia", "017").await?,
    };
    let admin = users::ensure_user(db, ADMIN, "Benchmark", None).await?;
    users::grant(db, admin, TenantId(province.id), Role::ProvinceAdmin).await?;
    let ctx = TenantContext::resolve(db, admin, &province.slug).await?;

    let comuni: Vec<String> = entity::comune::Entity::find()
        .filter(entity::comune::Column::ProvinceCode.eq("017"))
        .order_by_asc(entity::comune::Column::IstatCode)
        .limit(tenant_count as u64)
        .all(db)
        .await?
        .into_iter()
        .map(|c| c.istat_code)
        .collect();
    for code in &comuni {
        match tenants::create_municipality(db, &ctx, MunicipalityIn { istat_code: code.clone() }).await {
            Ok(_) | Err(domain::AppError::Conflict(_)) => {}
            Err(e) => return Err(anyhow::anyhow!("{e:?}")),
        }
    }

    let mut rng = Lcg(20_261_123);
    let mut files: Vec<String> =
        TYPES.iter().map(|_| "code;name;address;comune;lat;lon;places;free\n".to_string()).collect();
    for (c, comune) in comuni.iter().enumerate() {
        for i in 0..per_tenant {
            let n = c * per_tenant + i;
            let name = format!("{} {} {}", FIRST[n % FIRST.len()], SECOND[(n / 7) % SECOND.len()], n);
            let lat = 45.55 + (rng.next() - 0.5) * 0.7;
            let lon = 10.20 + (rng.next() - 0.5) * 1.0;
            let places = 10 + (rng.next() * 110.0) as u32;
            let free = (rng.next() * 4.0) as u32;
            let row = format!("B{n};{name};Via Roma {};{comune};{lat:.5};{lon:.5};{places};{free}\n", i + 1);
            files[n % TYPES.len()].push_str(&row);
        }
    }
    for (ftype, csv) in TYPES.iter().zip(files) {
        let opts = import::ImportOptions {
            source: format!("bench-{ftype}"),
            facility_type: ftype.to_string(),
            mapping: [
                ("code", "code"),
                ("name", "name"),
                ("address", "address"),
                ("comune", "comune"),
                ("latitude", "lat"),
                ("longitude", "lon"),
                ("places_authorised", "places"),
                ("places_free", "free"),
            ]
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
            publish: true,
            skip_outside: false,
            dry_run: false,
        };
        let report = import::import_facilities(db, &ctx, csv.as_bytes(), &opts, Lang::It, &mut |_, _| {})
            .await
            .map_err(|e| anyhow::anyhow!("{e:?}"))?;
        if let Some(i) = report.issues.first() {
            anyhow::bail!("bench data, line {}: {} {}", i.line, i.field, i.message);
        }
        eprintln!("  {ftype}: {} new, {} unchanged", report.created, report.unchanged);
    }
    Ok(province.slug)
}
