//! `openwelfare seed-bench`: the synthetic province of the search benchmark
//! (`cargo xtask bench`, docs/ARCHITECTURE.md §7): `tenants` municipality tenants of
//! the Provincia di Brescia with `per_tenant` published facilities each, loaded through
//! the real CSV importer. Deterministic, so runs are comparable.

use crate::{import, tenants, users, Db, TenantContext};
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

/// The Provincia di Brescia (with the ISTAT comuni), as the benchmarks' province admin.
async fn province(db: &Db) -> anyhow::Result<TenantContext> {
    if !crate::reference::comuni_loaded(db).await? {
        crate::reference::load_comuni(db).await?;
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
    Ok(TenantContext::resolve(db, admin, &province.slug).await?)
}

/// Loads the benchmark data; returns the province slug to search.
pub async fn seed(db: &Db, tenant_count: usize, per_tenant: usize) -> anyhow::Result<String> {
    let ctx = province(db).await?;

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
            Ok(_) | Err(crate::AppError::Conflict(_)) => {}
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
            type_values: Default::default(),
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
    Ok(ctx.tenant().slug.clone())
}

/// The social worker who signs in for the case-record benchmark, and their password.
pub const CASE_WORKER: &str = "bench.worker0@openwelfare.invalid";
pub const CASE_WORKER_PASSWORD: &str = "bench-password-2026";
/// Social workers sharing the benchmark's cases.
const WORKERS: usize = 25;
/// Cases written per transaction.
const CHUNK: usize = 5_000;
/// Rows per INSERT statement (SQLite allows 32 766 bound values).
const ROWS: usize = 1_000;

/// `openwelfare seed-bench-cases`: one municipality of the Provincia di Brescia with
/// `cases` cases (a person each, two sections, an assessment, a plan) and `per_case`
/// interventions on each, shared by 25 social workers, written in bulk. Returns the
/// tenant's slug and the ids of the cases of `CASE_WORKER`.
pub async fn seed_cases(db: &Db, cases: usize, per_case: usize) -> anyhow::Result<(String, Vec<i64>)> {
    use crate::case_access::NewCase;
    use crate::TenantTx;
    use chrono::{Duration, NaiveDate};
    use entity::{assessment, care_plan, case_section, intervention, person};
    use sea_orm::Set;
    use types::directory::AREAS;
    use types::plans::INTERVENTION_TYPES;
    use types::UserId;

    let ctx = province(db).await?;
    // The province's last comune: apart from the search benchmark's tenants.
    let comune = entity::comune::Entity::find()
        .filter(entity::comune::Column::ProvinceCode.eq("017"))
        .order_by_desc(entity::comune::Column::IstatCode)
        .one(db)
        .await?
        .ok_or_else(|| anyhow::anyhow!("no comuni of the province"))?;
    let tenant =
        match tenants::create_municipality(db, &ctx, MunicipalityIn { istat_code: comune.istat_code.clone() }).await {
            Ok(_) | Err(crate::AppError::Conflict(_)) => entity::tenant::Entity::find()
                .filter(entity::tenant::Column::IstatCode.eq(comune.istat_code.as_str()))
                .filter(entity::tenant::Column::Kind.eq(TenantKind::Municipality.code()))
                .one(db)
                .await?
                .ok_or_else(|| anyhow::anyhow!("bench tenant missing"))?,
            Err(e) => anyhow::bail!("{e:?}"),
        };
    let mut workers = Vec::with_capacity(WORKERS);
    for i in 0..WORKERS {
        let email = format!("bench.worker{i}@openwelfare.invalid");
        let password = (i == 0).then_some(CASE_WORKER_PASSWORD);
        let id = users::ensure_user(db, &email, &format!("Assistente {i}"), password).await?;
        users::grant(db, id, TenantId(tenant.id), Role::SocialWorker).await?;
        workers.push(id.0);
    }

    let tenant_id = TenantId(tenant.id);
    let mut rng = Lcg(20_261_124);
    let now = db.now();
    let epoch = NaiveDate::from_ymd_opt(2015, 1, 1).unwrap_or_default();
    let mut mine = Vec::new();
    let started = std::time::Instant::now();
    for chunk in (0..cases).step_by(CHUNK) {
        let n = CHUNK.min(cases - chunk);
        let tx = TenantTx::for_operator(db, tenant_id).await?;
        let after = max_id(&tx, "person").await?;
        let persons: Vec<person::ActiveModel> = (0..n)
            .map(|i| person::ActiveModel {
                first_name: Set(format!("Nome{}", chunk + i)),
                last_name: Set(format!("{} {}", SECOND[(chunk + i) % SECOND.len()], chunk + i)),
                birth_date: Set(epoch.checked_sub_signed(Duration::days((rng.next() * 30_000.0) as i64))),
                sex: Set(Some(if i % 2 == 0 { "F" } else { "M" }.into())),
                citizenship: Set("italian".into()),
                version: Set(1),
                created_at: Set(now),
                updated_at: Set(now),
                ..Default::default()
            })
            .collect();
        insert_all(&tx, persons).await?;
        let person_ids = ids_after(&tx, "person", after).await?;
        let after = max_id(&tx, "social_case").await?;
        // The same rows as any new case (`NewCase`), written in bulk.
        let new_cases: Vec<NewCase> = person_ids
            .iter()
            .enumerate()
            .map(|(i, p)| {
                let opened = epoch + Duration::days((rng.next() * 4_000.0) as i64);
                let closed = (rng.next() < 0.3).then(|| (opened + Duration::days(200), "goals_reached".to_string()));
                let responsible = UserId(workers[(chunk + i) % WORKERS]);
                NewCase { closed, ..NewCase::open(*p, AREAS[(chunk + i) % AREAS.len()].into(), opened, responsible) }
            })
            .collect();
        insert_all(&tx, new_cases.iter().map(|c| c.case_row(now)).collect()).await?;
        let case_ids = ids_after(&tx, "social_case", after).await?;
        for (i, c) in case_ids.iter().enumerate() {
            if workers[(chunk + i) % WORKERS] == workers[0] {
                mine.push(*c);
            }
        }
        let members = new_cases.iter().zip(&case_ids).map(|(new, id)| new.member_row(*id, None, now));
        insert_all(&tx, members.collect()).await?;
        let sections = case_ids.iter().flat_map(|c| {
            [
                ("housing", r#"[{"tenure":"private_rent","rooms":"3","monthly_rent":"450.00"}]"#),
                ("needs", r#"[{"need":"housing"},{"need":"work","notes":"Cerca lavoro"}]"#),
            ]
            .map(|(code, content)| case_section::ActiveModel {
                case_id: Set(*c),
                section: Set(code.into()),
                content: Set(content.into()),
                version: Set(1),
                updated_by: Set(Some(workers[0])),
                updated_at: Set(now),
                ..Default::default()
            })
        });
        insert_all(&tx, sections.collect()).await?;
        let assessments = case_ids.iter().map(|c| assessment::ActiveModel {
            case_id: Set(*c),
            assessed_on: Set(epoch),
            problems: Set("Difficoltà abitative e lavorative".into()),
            resources: Set("Rete familiare presente".into()),
            summary: Set("Situazione di fragilità economica".into()),
            proposals: Set("Contributo affitto, orientamento al lavoro".into()),
            author_id: Set(Some(workers[0])),
            created_at: Set(now),
            ..Default::default()
        });
        insert_all(&tx, assessments.collect()).await?;
        let after = max_id(&tx, "care_plan").await?;
        let plans = case_ids.iter().map(|c| care_plan::ActiveModel {
            case_id: Set(*c),
            goals: Set("Autonomia abitativa".into()),
            planned: Set("Contributo, tutoring".into()),
            responsibilities: Set("Assistente sociale, persona".into()),
            started_on: Set(epoch),
            next_review_on: Set(Some(epoch + Duration::days(4_400))),
            status: Set(types::plans::PlanStatus::InCorso.code().into()),
            version: Set(1),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        });
        insert_all(&tx, plans.collect()).await?;
        let plan_ids = ids_after(&tx, "care_plan", after).await?;
        let mut interventions = Vec::with_capacity(n * per_case);
        for (c, plan) in case_ids.iter().zip(&plan_ids) {
            for k in 0..per_case {
                interventions.push(intervention::ActiveModel {
                    case_id: Set(*c),
                    plan_id: Set(Some(*plan)),
                    kind: Set(INTERVENTION_TYPES[k % INTERVENTION_TYPES.len()].into()),
                    started_on: Set(epoch + Duration::days(30 * k as i64)),
                    quantity_hundredths: Set(Some(100)),
                    unit: Set(Some("months".into())),
                    cost_cents: Set((rng.next() * 50_000.0) as i64),
                    funding: Set(Some("municipal".into())),
                    version: Set(1),
                    created_at: Set(now),
                    updated_at: Set(now),
                    ..Default::default()
                });
            }
        }
        insert_all(&tx, interventions).await?;
        tx.commit().await?;
        eprintln!("  {} cases ({:.0} s)", chunk + n, started.elapsed().as_secs_f64());
    }
    // Planner statistics after a bulk load, as an operator would (autovacuum would get
    // there later on PostgreSQL; SQLite keeps none until asked).
    use sea_orm::ConnectionTrait;
    db.execute_unprepared("ANALYZE").await?;
    Ok((tenant.slug, mine))
}

/// Inserts `rows` a statement of `ROWS` at a time.
async fn insert_all<A>(tx: &crate::TenantTx, rows: Vec<A>) -> anyhow::Result<()>
where
    A: sea_orm::ActiveModelTrait + Send,
    A::Entity: crate::tenancy::TenantOwned,
    <A::Entity as sea_orm::EntityTrait>::Model: sea_orm::IntoActiveModel<A>,
{
    let mut rows = rows.into_iter().peekable();
    while rows.peek().is_some() {
        let batch: Vec<A> = rows.by_ref().take(ROWS).collect();
        tx.insert_many(batch).await?;
    }
    Ok(())
}

/// The ids of `table` above `after`, in order: the rows just inserted.
async fn ids_after(tx: &crate::TenantTx, table: &str, after: i64) -> anyhow::Result<Vec<i64>> {
    use sea_orm::ConnectionTrait;
    let sql = format!("SELECT id FROM {table} WHERE tenant_id = {} AND id > {after} ORDER BY id", tx.tenant_id().0);
    let rows = tx.conn().query_all(sea_orm::Statement::from_string(tx.conn().get_database_backend(), sql)).await?;
    Ok(rows.iter().map(|r| r.try_get_by_index::<i64>(0)).collect::<Result<_, _>>()?)
}

/// The highest id of `table` in this tenant (0 when empty).
async fn max_id(tx: &crate::TenantTx, table: &str) -> anyhow::Result<i64> {
    use sea_orm::ConnectionTrait;
    let sql = format!("SELECT COALESCE(MAX(id), 0) FROM {table} WHERE tenant_id = {}", tx.tenant_id().0);
    let row = tx.conn().query_one(sea_orm::Statement::from_string(tx.conn().get_database_backend(), sql)).await?;
    Ok(row.map(|r| r.try_get_by_index::<i64>(0)).transpose()?.unwrap_or(0))
}
