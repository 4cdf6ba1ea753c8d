//! The demo caseload: synthetic persons, cases, plans, interventions and front-desk
//! contacts — no real person — whose counts follow Bologna's published Open Welfare 2014
//! tables (`reference-data/bologna-open-welfare-2014`), quartiere by quartiere, scaled
//! down. The tables give each characteristic's counts separately (gender, target area,
//! citizenship, age band, PAI status, intervention type, channel); each is apportioned
//! exactly to the scaled total and the lists are then paired at random, except age and
//! area, paired in order (the elderly area gets the oldest) so that no toddler is filed
//! under "Anziani". A fixed seed makes every run the same.
//!
//! Rows are written straight through a `TenantTx` (an operator's load, like an import):
//! the audit log records people's access to data, and nobody has looked at these yet.

use chrono::{Datelike, Duration, NaiveDate};
use entity::{care_plan, contact, intervention, person, plan_event};
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use sea_orm::Set;
use types::{DistrictId, UserId};

use crate::case_access::{insert_case, NewCase};
use crate::tenancy::TenantTx;
use crate::Result;

const PAI: &str = include_str!("../../reference-data/bologna-open-welfare-2014/pai-2014.tsv");
const INTERVENTIONS: &str = include_str!("../../reference-data/bologna-open-welfare-2014/interventi-2014.tsv");
const CONTACTS: &str = include_str!("../../reference-data/bologna-open-welfare-2014/sportelli-sociali-2014.tsv");

/// Bologna's nine quartieri before the 2016 reform, as in the Open Welfare 2014 tables.
pub(crate) const BOLOGNA_QUARTIERI: &[&str] =
    &["Borgo Panigale", "Navile", "Porto", "Reno", "San Donato", "Santo Stefano", "San Vitale", "Saragozza", "Savena"];

/// The published tables list this many times more than the demo holds.
pub const BOLOGNA_SCALE: u64 = 20;

const AGE_BANDS: [(&str, &str); 10] = [
    ("0-3", "0-3"),
    ("4-7", "4-7"),
    ("8-10", "8-10"),
    ("11-14", "11-14"),
    ("15-17", "15-17"),
    ("18-25", "18-25"),
    ("26-35", "26-35"),
    ("36-50", "36-50"),
    ("51-64", "51-64"),
    (">=65", "65+"),
];

/// An intervention column of the tables and how the demo draws one: its Nomenclatore
/// macro-area, unit, quantity range, cost per unit (euro cents) and usual funding —
/// plausible figures for a demo, not Bologna's.
#[derive(Clone, Copy)]
struct InterventionKind {
    column: &'static str,
    code: &'static str,
    unit: &'static str,
    quantity: (i64, i64),
    unit_cost: i64,
    funding: &'static str,
}

const fn kind(
    column: &'static str,
    code: &'static str,
    unit: &'static str,
    quantity: (i64, i64),
    unit_cost: i64,
    funding: &'static str,
) -> InterventionKind {
    InterventionKind { column, code, unit, quantity, unit_cost, funding }
}

const INTERVENTION_TYPES: [InterventionKind; 10] = [
    kind("Strutture residenziali", "strutture_residenziali", "days", (30, 90), 5_500, "fna"),
    kind("Interventi domiciliari e per la domiciliarità", "interventi_domiciliari", "hours", (8, 60), 2_150, "fna"),
    kind("Supporto a persona e famiglia", "supporto_persona_famiglia", "hours", (4, 30), 2_500, "municipal"),
    kind("Contributi economici", "contributi_economici", "euros", (150, 1_500), 100, "municipal"),
    kind("Strutture semi-residenziali", "strutture_semiresidenziali", "days", (10, 60), 3_500, "fna"),
    kind(
        "Educativo assistenziale e supporto inserimento lavorativo",
        "educativo_inserimento_lavorativo",
        "hours",
        (10, 80),
        2_400,
        "fnps",
    ),
    kind("Integrazione sociale", "integrazione_sociale", "accesses", (2, 12), 1_500, "municipal"),
    kind("Segretariato sociale", "segretariato_sociale", "accesses", (1, 3), 0, "municipal"),
    kind("Servizi integrativi di supporto", "servizi_integrativi", "meals", (10, 60), 450, "user_share"),
    kind("Pronto intervento sociale", "pronto_intervento_sociale", "days", (1, 7), 4_000, "municipal"),
];

const REQUEST_COLUMNS: [(&str, &str); 11] = [
    ("Contributi economici", "contributi_economici"),
    ("Supporto a persona e famiglia", "supporto_persona_famiglia"),
    ("Interventi domiciliari e per la domiciliarità", "interventi_domiciliari"),
    ("Strutture residenziali", "strutture_residenziali"),
    ("Segretariato sociale", "segretariato_sociale"),
    ("Strutture semi-residenziali", "strutture_semiresidenziali"),
    ("Educativo assistenziale e supporto inserimento lavorativo", "educativo_inserimento_lavorativo"),
    ("Integrazione sociale", "integrazione_sociale"),
    ("Pronto intervento sociale", "pronto_intervento_sociale"),
    ("Servizi integrativi di supporto", "servizi_integrativi"),
    ("Prevenzione", "prevenzione"),
];

const FEMALE: &[&str] = &[
    "Maria",
    "Anna",
    "Giuseppina",
    "Rosa",
    "Angela",
    "Giovanna",
    "Teresa",
    "Lucia",
    "Carmela",
    "Francesca",
    "Paola",
    "Laura",
    "Elena",
    "Chiara",
    "Sara",
    "Giulia",
    "Martina",
    "Sofia",
    "Aurora",
    "Alice",
];
const MALE: &[&str] = &[
    "Giuseppe",
    "Giovanni",
    "Antonio",
    "Mario",
    "Luigi",
    "Francesco",
    "Angelo",
    "Vincenzo",
    "Pietro",
    "Salvatore",
    "Marco",
    "Andrea",
    "Luca",
    "Stefano",
    "Alessandro",
    "Matteo",
    "Lorenzo",
    "Leonardo",
    "Tommaso",
    "Riccardo",
];
const SURNAMES: &[&str] = &[
    "Rossi",
    "Russo",
    "Ferrari",
    "Esposito",
    "Bianchi",
    "Romano",
    "Colombo",
    "Ricci",
    "Marino",
    "Greco",
    "Bruno",
    "Gallo",
    "Conti",
    "De Luca",
    "Mancini",
    "Costa",
    "Giordano",
    "Rizzo",
    "Lombardi",
    "Moretti",
    "Barbieri",
    "Fontana",
    "Santoro",
    "Mariani",
    "Rinaldi",
    "Caruso",
    "Ferrara",
    "Galli",
    "Martini",
    "Leone",
    "Longo",
    "Gentile",
    "Martinelli",
    "Vitale",
    "Lombardo",
    "Serra",
    "Coppola",
    "De Santis",
    "D'Angelo",
    "Marchetti",
];
const FOREIGN_FEMALE: &[&str] =
    &["Fatima", "Elena", "Ana", "Amina", "Olena", "Mariana", "Aisha", "Li", "Sana", "Grace"];
const FOREIGN_MALE: &[&str] =
    &["Mohamed", "Ion", "Ahmed", "Andrei", "Youssef", "Omar", "Wei", "Samuel", "Ali", "Bogdan"];
const FOREIGN_SURNAMES: &[&str] =
    &["El Amrani", "Popescu", "Hossain", "Kovalenko", "Diallo", "Chen", "Ahmed", "Rahman", "Haddad", "Okafor"];
const FOREIGN_COUNTRIES: &[&str] =
    &["Romania", "Marocco", "Bangladesh", "Ucraina", "Albania", "Pakistan", "Cina", "Moldavia", "Nigeria", "Tunisia"];

/// A table of the Open Welfare files: a header and one row per quartiere.
struct Table {
    header: Vec<String>,
    rows: Vec<Vec<String>>,
}

impl Table {
    fn parse(tsv: &str) -> Table {
        let mut lines = tsv.lines().filter(|l| !l.trim().is_empty());
        let header = lines.next().unwrap_or_default().split('\t').map(|h| h.trim().to_string()).collect();
        let rows = lines.map(|l| l.split('\t').map(|c| c.trim().to_string()).collect()).collect();
        Table { header, rows }
    }

    /// The quartiere's row by name.
    fn row(&self, quartiere: &str) -> Option<&Vec<String>> {
        self.rows.iter().find(|r| r.get(1).map(String::as_str) == Some(quartiere))
    }

    /// A count cell (empty is 0); the column is found by its heading.
    fn count(&self, row: &[String], column: &str) -> u64 {
        let i = self.header.iter().position(|h| h == column);
        i.and_then(|i| row.get(i)).and_then(|c| c.replace('.', "").parse().ok()).unwrap_or(0)
    }
}

/// Splits `n` over `weights` in proportion, exactly (largest remainders).
fn apportion(n: usize, weights: &[u64]) -> Vec<usize> {
    let total: u64 = weights.iter().sum();
    if total == 0 {
        return vec![0; weights.len()];
    }
    let exact: Vec<f64> = weights.iter().map(|w| *w as f64 * n as f64 / total as f64).collect();
    let mut out: Vec<usize> = exact.iter().map(|e| e.floor() as usize).collect();
    let mut order: Vec<usize> = (0..weights.len()).collect();
    order.sort_by(|a, b| (exact[*b] - exact[*b].floor()).total_cmp(&(exact[*a] - exact[*a].floor())));
    let short = n - out.iter().sum::<usize>();
    for i in order.into_iter().take(short) {
        out[i] += 1;
    }
    out
}

/// `n` labels in the proportions of `counts`, in the given order.
fn labels<T: Copy>(n: usize, counts: &[(T, u64)]) -> Vec<T> {
    let shares = apportion(n, &counts.iter().map(|(_, c)| *c).collect::<Vec<_>>());
    counts.iter().zip(shares).flat_map(|((label, _), k)| std::iter::repeat_n(*label, k)).collect()
}

fn random_day(rng: &mut StdRng, from: NaiveDate, to: NaiveDate) -> NaiveDate {
    let span = (to - from).num_days().max(0);
    from + Duration::days(rng.gen_range(0..=span))
}

/// Birth date of someone whose age falls in `band` today.
fn birth_in(rng: &mut StdRng, band: &str, today: NaiveDate) -> NaiveDate {
    let (low, high) = match band.split_once('-') {
        Some((a, b)) => (a.parse().unwrap_or(0), b.parse().unwrap_or(0)),
        None => (65, 96),
    };
    let age: i32 = rng.gen_range(low..=high);
    let year = today.year() - age;
    NaiveDate::from_ymd_opt(year, 1, 1).unwrap_or(today) - Duration::days(rng.gen_range(1..365))
}

/// One quartiere's (or tenant's) case mix.
struct Mix<'a> {
    district: Option<DistrictId>,
    pai: &'a [String],
    interventions: Option<&'a [String]>,
    contacts: Option<&'a [String]>,
}

/// What one call seeded.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Seeded {
    pub cases: usize,
    pub interventions: usize,
    pub contacts: usize,
}

/// Seeds Bologna's caseload, one quartiere per district (`districts` in the tables'
/// order), cases shared round-robin among `workers`.
pub async fn seed_bologna(tx: &TenantTx, districts: &[DistrictId], workers: &[UserId]) -> Result<Seeded> {
    let (pai, int, con) = (Table::parse(PAI), Table::parse(INTERVENTIONS), Table::parse(CONTACTS));
    let mut rng = StdRng::seed_from_u64(2014);
    let mut seeded = Seeded::default();
    for (quartiere, district) in BOLOGNA_QUARTIERI.iter().zip(districts) {
        let (Some(p), Some(i), Some(c)) = (pai.row(quartiere), int.row(quartiere), con.row(quartiere)) else {
            continue;
        };
        let mix = Mix { district: Some(*district), pai: p, interventions: Some(i), contacts: Some(c) };
        let n = (pai.count(p, "Numero PAI totale") / BOLOGNA_SCALE) as usize;
        let got = seed_mix(tx, &mut rng, (&pai, &int, &con), &mix, n, workers).await?;
        seeded.cases += got.cases;
        seeded.interventions += got.interventions;
        seeded.contacts += got.contacts;
    }
    Ok(seeded)
}

/// A smaller caseload of `n` cases for another tenant, in the proportions of one of
/// Bologna's quartieri (the tables are Bologna's; no district, no contacts).
pub async fn seed_small(tx: &TenantTx, quartiere: &str, n: usize, workers: &[UserId], seed: u64) -> Result<Seeded> {
    let (pai, int, con) = (Table::parse(PAI), Table::parse(INTERVENTIONS), Table::parse(CONTACTS));
    let mut rng = StdRng::seed_from_u64(seed);
    let (Some(p), Some(i)) = (pai.row(quartiere), int.row(quartiere)) else { return Ok(Seeded::default()) };
    let mix = Mix { district: None, pai: p, interventions: Some(i), contacts: None };
    seed_mix(tx, &mut rng, (&pai, &int, &con), &mix, n, workers).await
}

async fn seed_mix(
    tx: &TenantTx,
    rng: &mut StdRng,
    (pai, int, con): (&Table, &Table, &Table),
    mix: &Mix<'_>,
    n: usize,
    workers: &[UserId],
) -> Result<Seeded> {
    let today = tx.today();
    let p = mix.pai;
    // Area and age paired in order: the elderly area gets the oldest ages.
    let areas = labels(
        n,
        &[
            ("famiglia_minori", pai.count(p, "Famiglia e Minori")),
            ("poverta", pai.count(p, "Disagio adulto")),
            ("anziani", pai.count(p, "Anziani")),
        ],
    );
    let ages = labels(n, &AGE_BANDS.map(|(col, code)| (code, pai.count(p, col))));
    let mut people: Vec<(&str, &str)> = areas.into_iter().zip(ages).collect();
    people.shuffle(rng);
    let mut sexes = labels(n, &[("F", pai.count(p, "Donne")), ("M", pai.count(p, "Uomini"))]);
    sexes.shuffle(rng);
    let total = pai.count(p, "Numero PAI totale");
    let (italian, foreign) = (pai.count(p, "Italiana"), pai.count(p, "Straniera"));
    let mut citizenships = labels(
        n,
        &[("italian", italian), ("foreign", foreign), ("not_stated", total.saturating_sub(italian + foreign))],
    );
    citizenships.shuffle(rng);
    // A status the tables call "unknown" is shown as just started.
    let mut statuses = labels(
        n,
        &[
            ("chiuso", pai.count(p, "Chiuso")),
            ("avviato", pai.count(p, "Avviato") + pai.count(p, "Sconosciuto")),
            ("interrotto", pai.count(p, "Interrotto")),
            ("in_corso", pai.count(p, "In corso fase esterna")),
            ("sospeso", pai.count(p, "Sospeso")),
        ],
    );
    statuses.shuffle(rng);

    let now = tx.now();
    let mut cases: Vec<(i64, NaiveDate)> = Vec::with_capacity(n);
    for k in 0..n {
        let ((area, band), sex, citizenship, status) = (people[k], sexes[k], citizenships[k], statuses[k]);
        let foreign = citizenship == "foreign";
        let first = match (sex, foreign) {
            ("F", false) => FEMALE.choose(rng),
            ("F", true) => FOREIGN_FEMALE.choose(rng),
            (_, false) => MALE.choose(rng),
            (_, true) => FOREIGN_MALE.choose(rng),
        };
        let last = if foreign { FOREIGN_SURNAMES.choose(rng) } else { SURNAMES.choose(rng) };
        let birth = birth_in(rng, band, today);
        let person = tx
            .insert(person::ActiveModel {
                first_name: Set(first.copied().unwrap_or("Anna").to_string()),
                last_name: Set(last.copied().unwrap_or("Rossi").to_string()),
                tax_code: Set(None),
                birth_date: Set(Some(birth)),
                sex: Set(Some(sex.to_string())),
                citizenship: Set(citizenship.to_string()),
                country: Set(foreign.then(|| FOREIGN_COUNTRIES.choose(rng).copied().unwrap_or("Romania").to_string())),
                district_id: Set(mix.district.map(|d| d.0)),
                version: Set(1),
                created_at: Set(now),
                updated_at: Set(now),
                ..Default::default()
            })
            .await?;
        let opened = random_day(rng, today - Duration::days(3 * 365), today - Duration::days(30));
        let closed = (status == "chiuso").then(|| random_day(rng, (opened + Duration::days(60)).min(today), today));
        let responsible = workers[k % workers.len().max(1)];
        let new = NewCase {
            closed: closed.map(|day| (day, "goals_reached".to_string())),
            ..NewCase::open(person.id, area.to_string(), opened, responsible)
        };
        let case = insert_case(tx, new, None).await?;
        let started = random_day(rng, opened, (opened + Duration::days(30)).min(today));
        let active = matches!(status, "avviato" | "in_corso");
        let plan = tx
            .insert(care_plan::ActiveModel {
                case_id: Set(case.id),
                goals: Set(goal(area).to_string()),
                planned: Set(String::new()),
                responsibilities: Set(String::new()),
                started_on: Set(started),
                // Some reviews overdue, most within two months.
                next_review_on: Set(active.then(|| today + Duration::days(rng.gen_range(-10..60)))),
                status: Set(status.to_string()),
                version: Set(1),
                created_at: Set(now),
                updated_at: Set(now),
                ..Default::default()
            })
            .await?;
        let mut events = vec![(started, "avviato")];
        if status != "avviato" {
            events.push((random_day(rng, started, closed.unwrap_or(today)), status));
        }
        for (on, s) in events {
            tx.insert(plan_event::ActiveModel {
                plan_id: Set(plan.id),
                kind: Set("status".into()),
                on: Set(on),
                status: Set(Some(s.to_string())),
                by_id: Set(Some(responsible.0)),
                at: Set(now),
                ..Default::default()
            })
            .await?;
        }
        cases.push((case.id, opened));
    }

    let mut seeded = Seeded { cases: n, ..Default::default() };
    if let (Some(row), false) = (mix.interventions, cases.is_empty()) {
        // As many interventions per case as the quartiere's table has per PAI.
        let per_case = int.count(row, "Numero interventi totale") as f64 / total.max(1) as f64;
        let m = (n as f64 * per_case).round() as usize;
        let kinds = labels(m, &INTERVENTION_TYPES.map(|t| (t, int.count(row, t.column))));
        for InterventionKind { code, unit, quantity: (low, high), unit_cost, funding, .. } in kinds {
            let (case_id, opened) = *cases.choose(rng).unwrap_or(&cases[0]);
            let quantity: i64 = rng.gen_range(low..=high);
            let started = random_day(rng, opened, today);
            tx.insert(intervention::ActiveModel {
                case_id: Set(case_id),
                kind: Set(code.to_string()),
                started_on: Set(started),
                ended_on: Set((started + Duration::days(90) < today).then(|| started + Duration::days(90))),
                quantity_hundredths: Set(Some(quantity * 100)),
                unit: Set(Some(unit.to_string())),
                cost_cents: Set(quantity * unit_cost),
                funding: Set(Some(funding.to_string())),
                version: Set(1),
                created_at: Set(now),
                updated_at: Set(now),
                ..Default::default()
            })
            .await?;
        }
        seeded.interventions = m;
    }

    if let Some(row) = mix.contacts {
        let m = (con.count(row, "Numero contatti totale") / BOLOGNA_SCALE) as usize;
        let mut channels = labels(
            m,
            &[
                ("in_person", con.count(row, "Personale")),
                ("phone", con.count(row, "Telefono")),
                ("email", con.count(row, "E-Mail")),
                ("fax", con.count(row, "Fax")),
                ("letter_pec", con.count(row, "Lettera")),
            ],
        );
        let mut areas = labels(
            m,
            &[
                ("anziani", con.count(row, "Anziani")),
                ("poverta", con.count(row, "Disagio adulto")),
                ("famiglia_minori", con.count(row, "Famiglia e Minori")),
                ("disabili", con.count(row, "Disabili")),
            ],
        );
        let mut bands: Vec<(&str, u64)> = AGE_BANDS.iter().map(|(col, code)| (*code, con.count(row, col))).collect();
        bands.push(("unknown", con.count(row, "Non fornita")));
        let mut ages = labels(m, &bands);
        let mut requests = labels(m, &REQUEST_COLUMNS.map(|(col, code)| (code, con.count(row, col))));
        // The tables do not say how contacts ended: a plausible mix.
        let mut outcomes = labels(
            m,
            &[
                ("information_given", 50),
                ("referred_social_service", 30),
                ("referred_other_service", 12),
                ("case_opened", 5),
                ("pending", 3),
            ],
        );
        for list in [&mut channels, &mut areas, &mut ages, &mut requests, &mut outcomes] {
            list.shuffle(rng);
        }
        for k in 0..m {
            tx.insert(contact::ActiveModel {
                // Up to yesterday: today's log is the front desk's own.
                contacted_on: Set(random_day(rng, today - Duration::days(365), today - Duration::days(1))),
                channel: Set(channels[k].to_string()),
                district_id: Set(mix.district.map(|d| d.0)),
                area: Set(areas[k].to_string()),
                age_band: Set(ages[k].to_string()),
                gender: Set("not_stated".into()),
                citizenship: Set("not_stated".into()),
                request_type: Set(requests[k].to_string()),
                outcome: Set(outcomes[k].to_string()),
                recorded_by: Set(workers.first().map(|w| w.0)),
                created_at: Set(now),
                updated_at: Set(now),
                ..Default::default()
            })
            .await?;
        }
        seeded.contacts = m;
    }
    Ok(seeded)
}

fn goal(area: &str) -> &'static str {
    match area {
        "anziani" => "Sostenere la permanenza a domicilio in sicurezza",
        "famiglia_minori" => "Sostenere la famiglia nella cura e nell'educazione dei figli",
        _ => "Recuperare autonomia economica e abitativa",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn apportioning_is_exact() {
        assert_eq!(apportion(10, &[1, 1, 1]), vec![4, 3, 3]);
        assert_eq!(apportion(44, &[526, 357]).iter().sum::<usize>(), 44);
        assert_eq!(apportion(5, &[0, 0]), vec![0, 0]);
        assert_eq!(labels(3, &[("a", 2), ("b", 1)]), vec!["a", "a", "b"]);
    }

    #[test]
    fn the_tables_are_read() {
        let pai = Table::parse(PAI);
        let navile = pai.row("Navile").unwrap();
        assert_eq!(pai.count(navile, "Numero PAI totale"), 2840);
        assert_eq!(pai.count(navile, "Donne") + pai.count(navile, "Uomini"), 2840);
        let con = Table::parse(CONTACTS);
        assert_eq!(con.rows.len(), 9);
        assert_eq!(con.count(con.row("Porto").unwrap(), "Telefono"), 635);
    }
}
