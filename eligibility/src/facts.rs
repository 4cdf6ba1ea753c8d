//! The questionnaire model: the facts a household can state about itself and about each
//! member, described once as data (kind, range, labels). Rules may only name these facts;
//! answers are checked against them. A fact not answered is *unknown*, never zero.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::date::Date;

/// What a fact holds.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Kind {
    /// A number within a range (ages, years, percentages, counts).
    Number {
        min: f64,
        max: f64,
    },
    /// An amount in euros, not negative.
    Money,
    Bool,
    /// One code of a list.
    Code(&'static [&'static str]),
    /// Free text of at most 40 characters (an ISTAT comune code).
    Text,
    Date,
}

/// Whether a fact is about the household or about one member.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scope {
    Household,
    Member,
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct FactDef {
    pub name: &'static str,
    pub scope: Scope,
    pub kind: Kind,
    pub it: &'static str,
    pub en: &'static str,
}

impl FactDef {
    /// Its position in `FACTS`: the slot of its value in `Facts`.
    #[inline]
    pub fn index(&self) -> usize {
        // Rules hold references into `FACTS` (from `fact`): the offset is the position.
        let offset = (self as *const FactDef as usize).wrapping_sub(FACTS.as_ptr() as usize) / size_of::<FactDef>();
        match FACTS.get(offset) {
            Some(f) if std::ptr::eq(f, self) => offset,
            // A copy kept elsewhere: found by name.
            _ => FACTS.iter().position(|f| f.name == self.name).unwrap_or(usize::MAX),
        }
    }

    pub fn label(&self, lang: crate::Lang) -> &'static str {
        match lang {
            crate::Lang::It => self.it,
            crate::Lang::En => self.en,
        }
    }

    pub fn is_numeric(&self) -> bool {
        matches!(self.kind, Kind::Number { .. } | Kind::Money)
    }
}

pub const TENURES: &[&str] = &["owner", "rent", "public_housing", "free_use", "homeless", "other"];
pub const RELATIONSHIPS: &[&str] = &["applicant", "spouse", "child", "parent", "sibling", "other"];
/// Citizenship and permit: EU long-term residence permit, other permit, international
/// protection (refugee or subsidiary).
pub const CITIZENSHIPS: &[&str] = &["italian", "eu", "non_eu_long_term", "non_eu_permit", "protection", "other"];
pub const EMPLOYMENT: &[&str] =
    &["employed", "self_employed", "unemployed", "student", "retired", "homemaker", "other"];

const fn f(name: &'static str, scope: Scope, kind: Kind, it: &'static str, en: &'static str) -> FactDef {
    FactDef { name, scope, kind, it, en }
}

const YEARS: Kind = Kind::Number { min: 0.0, max: 120.0 };

use Kind::{Bool, Code, Money, Text};
use Scope::{Household, Member};

/// Every fact, household ones first. Adding one is a line here (and its use in rules).
pub static FACTS: &[FactDef] = &[
    f("residence_comune", Household, Text, "Comune di residenza (codice ISTAT)", "Comune of residence (ISTAT code)"),
    f("residence_years_italy", Household, YEARS, "Anni di residenza in Italia", "Years resident in Italy"),
    f(
        "residence_continuous_years",
        Household,
        YEARS,
        "Anni di residenza senza interruzioni, fino a oggi",
        "Most recent years of continuous residence",
    ),
    f("residence_years_comune", Household, YEARS, "Anni di residenza nel comune", "Years resident in the comune"),
    f("isee", Household, Money, "ISEE", "ISEE"),
    f("isee_current", Household, Bool, "ISEE ancora valido", "ISEE currently valid"),
    f("family_income", Household, Money, "Reddito annuo della famiglia", "Annual household income"),
    f("movable_assets", Household, Money, "Risparmi e investimenti (conti, titoli)", "Savings and investments"),
    f(
        "real_estate_assets",
        Household,
        Money,
        "Case e terreni di proprietà (esclusa la casa in cui vivi)",
        "Property (other than the home)",
    ),
    f("housing_tenure", Household, Code(TENURES), "La casa in cui vivi è", "The home you live in is"),
    f("monthly_rent", Household, Money, "Affitto mensile", "Monthly rent"),
    f(
        "receives_income_support",
        Household,
        Bool,
        "Qualcuno in famiglia riceve ADI, NASpI, cassa integrazione o altri sostegni al reddito",
        "Someone in the family receives ADI, NASpI, redundancy pay or other income support",
    ),
    f(
        "energy_contract",
        Household,
        Bool,
        "Qualcuno in famiglia ha un contratto di luce o gas a suo nome",
        "Someone in the family has an electricity or gas contract in their name",
    ),
    f("age", Member, YEARS, "Età", "Age"),
    f("birth_date", Member, Kind::Date, "Data di nascita", "Date of birth"),
    f("relationship", Member, Code(RELATIONSHIPS), "Legame con te", "Relationship to you"),
    f("citizenship", Member, Code(CITIZENSHIPS), "Cittadinanza o permesso", "Citizenship or permit"),
    f("disability", Member, Bool, "Disabilità certificata", "Certified disability"),
    f(
        "disability_degree",
        Member,
        Kind::Number { min: 0.0, max: 100.0 },
        "Percentuale di invalidità",
        "Degree of disability (%)",
    ),
    f("non_self_sufficient", Member, Bool, "Non autosufficiente", "Not self-sufficient"),
    f("pregnant", Member, Bool, "In gravidanza", "Pregnant"),
    f("in_nursery", Member, Bool, "Frequenta un asilo nido", "Attends a nursery"),
    f("employment", Member, Code(EMPLOYMENT), "Condizione lavorativa", "Employment status"),
    f("dependent", Member, Bool, "A carico della famiglia", "Dependent on the family"),
    f(
        "disadvantaged",
        Member,
        Bool,
        "Situazione di svantaggio riconosciuta dai servizi sociali",
        "Disadvantaged situation recognised by the social services",
    ),
];

/// The fact called `name`.
pub fn fact(name: &str) -> Option<&'static FactDef> {
    FACTS.iter().find(|f| f.name == name)
}

/// A known value of a fact.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Num(f64),
    Bool(bool),
    Text(String),
    Date(Date),
}

/// At most this many members in a household.
pub const MAX_MEMBERS: usize = 20;

/// A household's answers as they travel (JSON): facts by name, members as lists of
/// facts. What is absent is unknown.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Answers {
    pub household: BTreeMap<String, serde_json::Value>,
    /// `None`: the composition was not given.
    pub members: Option<Vec<BTreeMap<String, serde_json::Value>>>,
}

/// A household's answers, checked against the catalogue.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Situation {
    pub household: Facts,
    pub members: Option<Vec<Facts>>,
}

/// The known facts of a household or a member, one slot per fact of `FACTS` (read for
/// every condition of every benefit: an index, not a search).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Facts(Vec<Option<Value>>);

impl Facts {
    #[inline]
    pub fn get(&self, def: &FactDef) -> Option<&Value> {
        self.0.get(def.index())?.as_ref()
    }

    fn set(&mut self, def: &FactDef, value: Value) {
        if self.0.is_empty() {
            self.0 = vec![None; FACTS.len()];
        }
        if let Some(slot) = self.0.get_mut(def.index()) {
            *slot = Some(value);
        }
    }
}

/// A problem with one answer: `field` is `household.isee` or `members.1.age`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AnswerError {
    pub field: String,
    /// `unknown_fact`, `wrong_type`, `out_of_range`, `unknown_code`, `bad_date`,
    /// `too_many_members`, `no_members`.
    pub problem: String,
}

impl Answers {
    /// Checks every answer; all problems at once. `null` is the same as absent.
    pub fn check(&self) -> Result<Situation, Vec<AnswerError>> {
        let mut errors = Vec::new();
        let household = values(&self.household, Household, "household", &mut errors);
        let members = self.members.as_ref().map(|list| {
            if list.is_empty() {
                errors.push(AnswerError { field: "members".into(), problem: "no_members".into() });
            }
            if list.len() > MAX_MEMBERS {
                errors.push(AnswerError { field: "members".into(), problem: "too_many_members".into() });
            }
            list.iter()
                .take(MAX_MEMBERS)
                .enumerate()
                .map(|(i, m)| values(m, Member, &format!("members.{i}"), &mut errors))
                .collect()
        });
        if errors.is_empty() {
            Ok(Situation { household, members })
        } else {
            Err(errors)
        }
    }
}

fn values(
    answers: &BTreeMap<String, serde_json::Value>,
    scope: Scope,
    prefix: &str,
    errors: &mut Vec<AnswerError>,
) -> Facts {
    let mut out = Facts::default();
    for (name, raw) in answers {
        let field = format!("{prefix}.{name}");
        let mut problem = |p: &str| errors.push(AnswerError { field: field.clone(), problem: p.into() });
        let Some(def) = fact(name).filter(|d| d.scope == scope) else {
            problem("unknown_fact");
            continue;
        };
        if raw.is_null() {
            continue;
        }
        match value(def, raw) {
            Ok(v) => out.set(def, v),
            Err(p) => problem(p),
        }
    }
    out
}

/// One answer as a value of `def`, or the problem with it.
pub fn value(def: &FactDef, raw: &serde_json::Value) -> Result<Value, &'static str> {
    match def.kind {
        Kind::Number { min, max } => {
            let n = raw.as_f64().ok_or("wrong_type")?;
            if (min..=max).contains(&n) {
                Ok(Value::Num(n))
            } else {
                Err("out_of_range")
            }
        }
        Kind::Money => {
            let n = raw.as_f64().ok_or("wrong_type")?;
            if (0.0..=100_000_000.0).contains(&n) {
                Ok(Value::Num(n))
            } else {
                Err("out_of_range")
            }
        }
        Kind::Bool => raw.as_bool().map(Value::Bool).ok_or("wrong_type"),
        Kind::Code(codes) => {
            let s = raw.as_str().ok_or("wrong_type")?;
            if codes.contains(&s) {
                Ok(Value::Text(s.to_string()))
            } else {
                Err("unknown_code")
            }
        }
        Kind::Text => match raw.as_str() {
            Some(s) if s.chars().count() <= 40 => Ok(Value::Text(s.trim().to_string())),
            Some(_) => Err("out_of_range"),
            None => Err("wrong_type"),
        },
        Kind::Date => raw.as_str().and_then(Date::parse).map(Value::Date).ok_or("bad_date"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn every_fact_has_its_slot() {
        for (i, f) in FACTS.iter().enumerate() {
            assert_eq!(f.index(), i);
            let copy = *f;
            assert_eq!(copy.index(), i, "a copy is found by name");
        }
    }

    #[test]
    fn impossible_answers_are_named() {
        let answers: Answers = serde_json::from_value(json!({
            "household": {"isee": -5, "colour": "red", "housing_tenure": "castle", "monthly_rent": null},
            "members": [{"age": 300}, {"birth_date": "2026-13-01", "relationship": 1}]
        }))
        .unwrap();
        let mut fields: Vec<(String, String)> =
            answers.check().unwrap_err().into_iter().map(|e| (e.field, e.problem)).collect();
        fields.sort();
        assert_eq!(
            fields,
            [
                ("household.colour".to_string(), "unknown_fact".to_string()),
                ("household.housing_tenure".into(), "unknown_code".into()),
                ("household.isee".into(), "out_of_range".into()),
                ("members.0.age".into(), "out_of_range".into()),
                ("members.1.birth_date".into(), "bad_date".into()),
                ("members.1.relationship".into(), "wrong_type".into()),
            ]
        );
        let ok: Answers = serde_json::from_value(json!({"household": {"isee": 8000.5}})).unwrap();
        let s = ok.check().unwrap();
        assert_eq!(s.household.get(fact("isee").unwrap()), Some(&Value::Num(8000.5)));
        assert_eq!(s.household.get(fact("family_income").unwrap()), None);
        assert!(s.members.is_none(), "composition unknown");
    }
}
