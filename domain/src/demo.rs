//! Demo data for `openwelfare seed-demo`: the Provincia di Brescia with its 205 comuni,
//! its social zones (ambiti) and three municipality tenants; the Città metropolitana di Bologna
//! with the Comune di Bologna and its nine historical quartieri; one user per role.
//! Idempotent: running it again changes nothing that exists.

use entity::tenant;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use types::directory::FacilitySearch;
use types::dto::{DistrictIn, MunicipalityIn, ZoneIn};
use types::{Lang, Role, TenantId, TenantKind, UserId};

use crate::Db;
use crate::{districts, facilities, import, reference, tenants, users, AppError, Result, TenantContext};

/// The password of every demo account (printed by the command; demo only).
pub const DEMO_PASSWORD: &str = "demo-openwelfare-2026";

/// The TOTP secret (base32) every demo account is enrolled with, written in the README so
/// the demo can be tried with any authenticator app (demo only).
pub const DEMO_TOTP_SECRET: &str = "JBSWY3DPEHPK3PXP";

/// One demo login.
#[derive(Debug, Clone)]
pub struct DemoLogin {
    pub email: &'static str,
    pub name: &'static str,
    pub role: Role,
    pub tenant: String,
}

/// The demo province's widget colour and logo (a made-up emblem, not the real arms).
pub const DEMO_COLOUR: &str = "#00586e";
const DEMO_LOGO: &[u8] = include_bytes!("../demo-assets/demo-logo.png");
/// Regione Lombardia's register of RSA (reference-data/lombardia-rsa/SOURCE.md).
pub const LOMBARDIA_RSA: &[u8] = include_bytes!("../../reference-data/lombardia-rsa/lombardia-rsa.csv");
/// Regione Lombardia's register of integrated day centres (reference-data/lombardia-cdi/SOURCE.md).
pub const LOMBARDIA_CDI: &[u8] = include_bytes!("../../reference-data/lombardia-cdi/lombardia-cdi.csv");
/// Regione Lombardia's register of social units for older people: day centres and sheltered
/// flats (reference-data/lombardia-offerta-sociale/SOURCE.md).
pub const LOMBARDIA_OFFERTA_SOCIALE: &[u8] =
    include_bytes!("../../reference-data/lombardia-offerta-sociale/lombardia-offerta-sociale.csv");

/// Where `cargo xtask demo` serves its sample council website.
pub const DEMO_COUNCIL_SITE: &str = "http://127.0.0.1:3001";

/// Three of Brescia's social zones (ambiti distrettuali) with all their comuni; the others
/// come from the social units register (`brescia_zones`).
const BRESCIA_ZONES: &[(&str, &[&str])] = &[
    ("Ambito 1 – Brescia", &["017029", "017057"]),
    (
        "Ambito 2 – Brescia Ovest",
        &["017015", "017040", "017042", "017048", "017081", "017127", "017165", "017186", "017188"],
    ),
    (
        "Ambito 3 – Brescia Est",
        &["017021", "017023", "017043", "017107", "017119", "017120", "017132", "017155", "017161", "017178"],
    ),
];

/// Municipality tenants of the demo in the Provincia di Brescia: Brescia, Gussago, Rezzato.
const BRESCIA_MUNICIPALITIES: &[&str] = &["017029", "017081", "017161"];

/// Brescia's ambiti: `BRESCIA_ZONES`, and each ambito Regione Lombardia's register of social
/// units names for the province's comuni (its `AMBITO` column), with the comuni it places
/// there. The register gives the ambito only of comuni that have a unit, so the other
/// comuni stay with the province.
fn brescia_zones(comuni: &import::ComuniByName) -> Result<Vec<(String, Vec<String>)>> {
    let mut zones: Vec<(String, Vec<String>)> =
        BRESCIA_ZONES.iter().map(|(n, c)| (n.to_string(), c.iter().map(|c| c.to_string()).collect())).collect();
    let unreadable = |e: csv::Error| AppError::Internal(format!("social units register: {e}"));
    let mut reader = csv::Reader::from_reader(LOMBARDIA_OFFERTA_SOCIALE);
    let headers = reader.headers().map_err(unreadable)?.clone();
    let column = |name: &str| headers.iter().position(|h| h == name).ok_or(AppError::Internal(format!("no {name}")));
    let (prov, ambito, comune) = (column("PROV")?, column("AMBITO")?, column("COMUNE_DI_UBICAZIONE")?);
    for row in reader.records() {
        let row = row.map_err(unreadable)?;
        if row.get(prov) != Some("BS") {
            continue;
        }
        let key = (crate::facilities::normalise_search(row.get(comune).unwrap_or("")), "BS".to_string());
        let (Some(code), Some(name)) = (comuni.get(&key), row.get(ambito).map(ambito_name)) else { continue };
        // "Ambito 2 – Brescia Ovest" is the register's "BRESCIA OVEST - 2".
        let number = name.split(" – ").next().unwrap_or_default().to_string();
        let i = match zones.iter().position(|(n, _)| n == &name || n.split(" – ").next() == Some(number.as_str())) {
            Some(i) => i,
            None => {
                zones.push((name, vec![]));
                zones.len() - 1
            }
        };
        if !zones[i].1.contains(code) {
            zones[i].1.push(code.clone());
        }
    }
    Ok(zones)
}

/// A register's ambito as people write it: `BASSA BRESCIANA CENTRALE - 9` → "Ambito 9 –
/// Bassa Bresciana Centrale", `GARDA - SALO' - 11` → "Ambito 11 – Garda - Salò",
/// `VALLECAMONICA` → "Ambito Vallecamonica".
fn ambito_name(raw: &str) -> String {
    let raw = raw.trim();
    let (words, number) = match raw.rsplit_once(" - ") {
        Some((words, n)) if !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()) => (words, Some(n)),
        _ => (raw, None),
    };
    let title: Vec<String> = words
        .split(' ')
        .map(|w| {
            let w = w.to_lowercase();
            // Capitals without accents: SALO' is Salò.
            let w = match w.strip_suffix('\'') {
                Some(stem) if stem.ends_with(['a', 'e', 'i', 'o', 'u']) => {
                    let (head, vowel) = stem.split_at(stem.len() - 1);
                    let accented = match vowel {
                        "a" => "à",
                        "e" => "è",
                        "i" => "ì",
                        "o" => "ò",
                        _ => "ù",
                    };
                    format!("{head}{accented}")
                }
                _ => w,
            };
            let mut chars = w.chars();
            chars.next().map(|c| c.to_uppercase().chain(chars).collect()).unwrap_or_default()
        })
        .collect();
    match number {
        Some(n) => format!("Ambito {n} – {}", title.join(" ")),
        None => format!("Ambito {}", title.join(" ")),
    }
}

async fn slug_of(db: &Db, kind: TenantKind, istat: &str) -> Result<String> {
    tenant::Entity::find()
        .filter(tenant::Column::Kind.eq(kind.code()))
        .filter(tenant::Column::IstatCode.eq(istat))
        .one(db)
        .await?
        .map(|t| t.slug)
        .ok_or(AppError::NotFound)
}

async fn zone_named(db: &Db, name: &str) -> Result<Option<tenant::Model>> {
    Ok(tenant::Entity::find()
        .filter(tenant::Column::Kind.eq(TenantKind::Zone.code()))
        .filter(tenant::Column::Name.eq(name))
        .one(db)
        .await?)
}

/// Loads the demo; returns the logins to print.
pub async fn seed_demo(db: &Db) -> Result<Vec<DemoLogin>> {
    if !reference::comuni_loaded(db).await? {
        reference::load_comuni(db).await?;
    }
    let mut logins = Vec::new();

    // Province of Brescia and its admin, who then builds the tree through the same
    // services the web app uses.
    let brescia = tenants::create_root(db, TenantKind::Province, "Provincia di Brescia", "017").await?;
    let admin = users::ensure_user(db, "provincia@demo.openwelfare.it", "Marta Bonetti", Some(DEMO_PASSWORD)).await?;
    users::grant(db, admin, TenantId(brescia.id), Role::ProvinceAdmin).await?;
    // The deployment's operator names who keeps the national measures; in the demo, her.
    users::set_catalogue_keeper(db, "provincia@demo.openwelfare.it", true).await?;
    logins.push(DemoLogin {
        email: "provincia@demo.openwelfare.it",
        name: "Marta Bonetti",
        role: Role::ProvinceAdmin,
        tenant: brescia.name.to_string(),
    });
    let province = TenantContext::resolve(db, admin, &brescia.slug).await?;
    // The sample council site of `cargo xtask demo` embeds the province's widgets; what
    // an admin changed since stays.
    let current = tenants::settings(db, &province).await?;
    let mut origins = current.embed_origins;
    if !origins.iter().any(|o| o == DEMO_COUNCIL_SITE) {
        origins.push(DEMO_COUNCIL_SITE.to_string());
    }
    let embedding = types::dto::TenantSettingsIn {
        contact_email: current.contact_email,
        website: current.website,
        stale_after_days: None,
        embed_origins: Some(origins),
        // The widgets' default look (a council page may set its own colour).
        brand_colour: Some(current.brand_colour.unwrap_or_else(|| DEMO_COLOUR.to_string())),
    };
    tenants::update_settings(db, &province, embedding).await?;
    if current.logo.is_none() {
        crate::theme::set_logo(db, &province, DEMO_LOGO.to_vec()).await?;
    }
    for (name, comuni) in brescia_zones(&import::comuni_by_name(db).await?)? {
        if zone_named(db, &name).await?.is_none() {
            tenants::create_zone(db, &province, ZoneIn { name, comuni }).await?;
        }
    }
    for istat in BRESCIA_MUNICIPALITIES {
        match tenants::create_municipality(db, &province, MunicipalityIn { istat_code: istat.to_string() }).await {
            Ok(_) | Err(AppError::Conflict(_)) => {}
            Err(e) => return Err(e),
        }
    }

    let analyst =
        users::ensure_user(db, "osservatorio@demo.openwelfare.it", "Luca Zanardelli", Some(DEMO_PASSWORD)).await?;
    users::grant(db, analyst, TenantId(brescia.id), Role::ProvinceAnalyst).await?;
    logins.push(DemoLogin {
        email: "osservatorio@demo.openwelfare.it",
        name: "Luca Zanardelli",
        role: Role::ProvinceAnalyst,
        tenant: brescia.name.to_string(),
    });

    let comune_bs = slug_of(db, TenantKind::Municipality, "017029").await?;
    let comune_rezzato = slug_of(db, TenantKind::Municipality, "017161").await?;
    let staff: &[(&str, &str, Role)] = &[
        ("admin.brescia@demo.openwelfare.it", "Paola Ghidini", Role::TenantAdmin),
        ("assistente.sociale@demo.openwelfare.it", "Giulia Ferrari", Role::SocialWorker),
        ("sportello@demo.openwelfare.it", "Andrea Lombardi", Role::FrontDesk),
        ("struttura@demo.openwelfare.it", "Sara Pasotti", Role::FacilityManager),
        ("terzo.settore@demo.openwelfare.it", "Davide Bertoli", Role::ThirdSector),
    ];
    let bs = tenant_by_slug(db, &comune_bs).await?;
    for (email, name, role) in staff {
        let user = users::ensure_user(db, email, name, Some(DEMO_PASSWORD)).await?;
        users::grant(db, user, TenantId(bs.id), *role).await?;
        logins.push(DemoLogin { email, name, role: *role, tenant: bs.name.to_string() });
    }
    // The social worker also covers Rezzato: two memberships, to show the tenant switch.
    let worker = users::user_by_email(db, "assistente.sociale@demo.openwelfare.it").await?;
    let rezzato = tenant_by_slug(db, &comune_rezzato).await?;
    users::grant(db, worker, TenantId(rezzato.id), Role::SocialWorker).await?;

    // Città metropolitana di Bologna, the Comune di Bologna and its quartieri.
    let bo_root = tenants::create_root(db, TenantKind::Province, "Città metropolitana di Bologna", "237").await?;
    users::grant(db, admin, TenantId(bo_root.id), Role::ProvinceAdmin).await?;
    let bo_province = TenantContext::resolve(db, admin, &bo_root.slug).await?;
    match tenants::create_municipality(db, &bo_province, MunicipalityIn { istat_code: "037006".into() }).await {
        Ok(_) | Err(AppError::Conflict(_)) => {}
        Err(e) => return Err(e),
    }
    let comune_bo = tenant_by_slug(db, &slug_of(db, TenantKind::Municipality, "037006").await?).await?;
    let bo_admin =
        users::ensure_user(db, "admin.bologna@demo.openwelfare.it", "Elena Rinaldi", Some(DEMO_PASSWORD)).await?;
    users::grant(db, bo_admin, TenantId(comune_bo.id), Role::TenantAdmin).await?;
    logins.push(DemoLogin {
        email: "admin.bologna@demo.openwelfare.it",
        name: "Elena Rinaldi",
        role: Role::TenantAdmin,
        tenant: comune_bo.name.to_string(),
    });
    let ctx = TenantContext::resolve(db, bo_admin, &comune_bo.slug).await?;
    for (n, name) in crate::demo_caseload::BOLOGNA_QUARTIERI.iter().enumerate() {
        let code = Some(format!("Q{}", n + 1));
        match districts::create_district(db, &ctx, DistrictIn { name: name.to_string(), code }).await {
            Ok(_) | Err(AppError::Conflict(_)) => {}
            Err(e) => return Err(e),
        }
    }
    // Bologna's social workers and the synthetic caseload that follows the 2014 tables.
    let mut bo_workers = vec![];
    for (email, name) in [
        ("assistente.bologna@demo.openwelfare.it", "Chiara Marchetti"),
        ("assistente2.bologna@demo.openwelfare.it", "Paolo Bassi"),
        ("assistente3.bologna@demo.openwelfare.it", "Ilaria Venturi"),
    ] {
        let id = users::ensure_user(db, email, name, Some(DEMO_PASSWORD)).await?;
        users::grant(db, id, TenantId(comune_bo.id), Role::SocialWorker).await?;
        bo_workers.push(id);
    }
    logins.push(DemoLogin {
        email: "assistente.bologna@demo.openwelfare.it",
        name: "Chiara Marchetti",
        role: Role::SocialWorker,
        tenant: comune_bo.name.to_string(),
    });
    let by_name: std::collections::HashMap<String, types::DistrictId> =
        districts::all_districts(db, &ctx).await?.into_iter().map(|d| (d.name, d.id)).collect();
    let quartieri: Vec<types::DistrictId> =
        crate::demo_caseload::BOLOGNA_QUARTIERI.iter().filter_map(|q| by_name.get(*q).copied()).collect();
    let tx = ctx.begin(db).await?;
    crate::demo_caseload::seed_bologna(&tx, &quartieri, &bo_workers).await?;
    tx.commit().await?;

    // The real RSA register of Regione Lombardia: Brescia's 105 go to the municipality,
    // zone or province tenant that covers their comune.
    // The day centres of the CDI register and the social units (day centres, sheltered
    // flats) beside them: the directory shows more than one kind.
    let registers = [
        (LOMBARDIA_RSA, import::lombardia_rsa()),
        (LOMBARDIA_CDI, import::lombardia_cdi()),
        (LOMBARDIA_OFFERTA_SOCIALE, import::lombardia_offerta_sociale()),
    ];
    for (register, mut options) in registers {
        options.skip_outside = true;
        let report = import::import_facilities(db, &province, register, &options, Lang::It, &mut |_, _| {}).await?;
        if let Some(issue) = report.issues.first() {
            return Err(AppError::Internal(format!(
                "{} register, line {}: {} {}",
                options.source, issue.line, issue.field, issue.message
            )));
        }
    }
    // The demo facility manager keeps the first of the Comune di Brescia's RSA.
    let bs_admin = users::user_by_email(db, "admin.brescia@demo.openwelfare.it").await?;
    let bs_ctx = TenantContext::resolve(db, bs_admin, &comune_bs).await?;
    let search = FacilitySearch { comune: Some("017029".into()), per_page: Some(1), ..Default::default() };
    let first = facilities::search_staff(db, &bs_ctx, &search, Lang::It).await?;
    if let Some(f) = first.items.first() {
        let manager = users::user_by_email(db, "struttura@demo.openwelfare.it").await?;
        users::set_managed_facility(db, &bs_ctx, manager, f.facility.id).await?;
    }
    // A smaller caseload for the Comune di Brescia's social worker.
    let tx = bs_ctx.begin(db).await?;
    crate::demo_caseload::seed_small(&tx, "Porto", 40, &[worker], 17029).await?;
    tx.commit().await?;
    refer_one_case(db, &bs_ctx, &comune_bs, worker).await?;

    // Benefits: the national catalogue, and regional and municipal measures on both trees
    // (Lombardy's kept by the Province of Brescia, Emilia-Romagna's by the Città
    // metropolitana di Bologna, for want of region tenants in the demo).
    use crate::benefits::{install, install_national, COMUNE_BOLOGNA, COMUNE_BRESCIA, EMILIA_ROMAGNA, LOMBARDIA};
    use crate::tenancy::CatalogueOwner::Tenant;
    install_national(db).await?;
    install(db, Tenant(TenantId(brescia.id)), &LOMBARDIA).await?;
    install(db, Tenant(TenantId(bs.id)), &COMUNE_BRESCIA).await?;
    install(db, Tenant(TenantId(bo_root.id)), &EMILIA_ROMAGNA).await?;
    install(db, Tenant(TenantId(comune_bo.id)), &COMUNE_BOLOGNA).await?;
    // Every demo account, those not printed too, has the written-down authenticator.
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    let accounts = entity::user_account::Entity::find()
        .filter(entity::user_account::Column::Email.ends_with("@demo.openwelfare.it"))
        .all(db)
        .await?;
    for account in accounts {
        crate::second_factor::enrol_with_secret(db, &account.email, DEMO_TOTP_SECRET).await?;
    }
    Ok(logins)
}

/// The Brescia worker's first case, referred to the demo third-sector operator's
/// cooperative (housing and needs) and accepted: what `terzo.settore@…` sees.
async fn refer_one_case(db: &Db, admin: &TenantContext, slug: &str, worker: UserId) -> Result<()> {
    let coop = types::directory::OrganizationIn {
        name: "Cooperativa sociale Il Ponte".into(),
        tax_code: None,
        vat_number: None,
        legal_status: "private".into(),
        email: None,
        phone: None,
        website: None,
    };
    let coop = crate::organizations::create_organization(db, admin, coop).await?;
    let worker = TenantContext::resolve(db, worker, slug).await?;
    let search = types::cases::CaseSearch {
        mine: true,
        status: Some(types::cases::CaseStatus::Open.code().into()),
        ..Default::default()
    };
    let Some(case) = crate::cases::search_cases(db, &worker, search).await?.items.pop() else { return Ok(()) };
    let operator = users::user_by_email(db, "terzo.settore@demo.openwelfare.it").await?;
    let referral = types::referrals::ReferralIn {
        organization_id: Some(coop.id),
        user_id: Some(operator),
        sections: vec!["housing".into(), "needs".into()],
        reason: "Accompagnamento nella ricerca di un alloggio e orientamento ai servizi del territorio.".into(),
    };
    let referral = crate::referrals::refer(db, &worker, case.id, referral).await?;
    let operator = TenantContext::resolve(db, operator, slug).await?;
    let accept = types::referrals::DecisionIn {
        accept: true,
        note: Some("Presa in carico dal 1° dicembre.".into()),
        responsible_id: None,
    };
    crate::referrals::decide_referral(db, &operator, referral.id, accept).await?;
    Ok(())
}

async fn tenant_by_slug(db: &Db, slug: &str) -> Result<tenant::Model> {
    tenant::Entity::find().filter(tenant::Column::Slug.eq(slug)).one(db).await?.ok_or(AppError::NotFound)
}

#[cfg(test)]
mod tests {
    use super::ambito_name;

    #[test]
    fn register_ambiti_read_as_people_write_them() {
        assert_eq!(ambito_name("BASSA BRESCIANA CENTRALE - 9"), "Ambito 9 – Bassa Bresciana Centrale");
        assert_eq!(ambito_name("GARDA - SALO' - 11"), "Ambito 11 – Garda - Salò");
        assert_eq!(ambito_name("VALLECAMONICA"), "Ambito Vallecamonica");
        assert_eq!(ambito_name("BRESCIA - 1"), "Ambito 1 – Brescia");
    }
}
