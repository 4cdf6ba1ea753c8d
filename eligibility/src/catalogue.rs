//! The published benefits catalogue of a tenant, as the public API sends it and the
//! checker reads it: for each administration (the national shared catalogue, then the
//! tenant's ancestors, then the tenant) its rules and the entries a citizen reads. The
//! server's `evaluate` endpoint and the widget in the browser both evaluate through
//! [`Loaded::evaluate`], so they cannot disagree.

use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

#[cfg(feature = "openapi")]
use utoipa::ToSchema;

use crate::date::Date;
use crate::eval::{evaluate_one, About, EvalError, Reason, Status};
use crate::explain::{self, Limit};
use crate::facts::Situation;
use crate::facts::Value;
use crate::rules::{Op, Period, RuleError, Rulebook};
use crate::Lang;

/// Administrative levels, from the widest.
pub const LEVELS: &[&str] = &["state", "region", "province", "municipality"];
/// What a benefit is for.
pub const CATEGORIES: &[&str] = &[
    "income_support",
    "housing",
    "family_children",
    "disability",
    "elderly",
    "energy",
    "education",
    "mobility",
    "work",
];

/// `GET /api/public/v1/{tenant}/benefits`.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct Catalogue {
    /// The tenant asked for.
    pub tenant: String,
    pub name: String,
    /// The national catalogue first, then from the widest administration down.
    pub administrations: Vec<Administration>,
}

/// One administration's published rules and entries.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct Administration {
    /// The owning tenant's slug; absent for the national catalogue.
    pub owner: Option<String>,
    pub name: String,
    /// The owner's ISTAT code (a comune's six digits): rules on `residence_comune` compare
    /// with it, so the checker asks "do you live in …?" instead of for a code.
    pub istat_code: Option<String>,
    /// The published rulebook (the `eligibility` rule format).
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub rules: Box<RawValue>,
    pub benefits: Vec<Entry>,
}

/// A catalogue entry, in the language asked for (Italian where no English is given).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct Entry {
    /// The benefit's id in the administration's rules.
    pub code: String,
    /// `LEVELS`.
    pub level: String,
    /// `CATEGORIES`.
    pub category: String,
    /// Some figure could not be confirmed on an official source yet.
    pub to_verify: bool,
    /// The year the figures refer to.
    pub figures_year: Option<i32>,
    pub name: String,
    pub summary: String,
    pub who: String,
    pub amount: String,
    pub how_to_apply: String,
    pub apply_url: Option<String>,
    pub legal_reference: String,
    /// The measure exists from / until (YYYY-MM-DD), as its rule says.
    pub valid_from: Option<String>,
    pub valid_until: Option<String>,
}

/// One benefit for one household.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct BenefitResult {
    /// The administration: its tenant's slug, absent for the national catalogue.
    pub owner: Option<String>,
    pub administration: String,
    pub benefit: Entry,
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "eligible"))]
    pub status: Status,
    /// The conditions checked, in words.
    pub reasons: Vec<ResultReason>,
    /// The facts that would decide it.
    pub missing: Vec<MissingFact>,
    /// Estimated euros per `per`.
    pub amount: Option<f64>,
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, example = "month"))]
    pub per: Option<Period>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ResultReason {
    pub holds: bool,
    pub text: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct MissingFact {
    /// The fact's name (`members`: the household's composition).
    pub fact: String,
    pub label: String,
}

/// A catalogue with its rules parsed, ready to evaluate many times (the checker's
/// "what if").
pub struct Loaded {
    administrations: Vec<(Administration, Rulebook)>,
}

/// A published rulebook that does not load: only a bug or a hand-edited database gets
/// here, since publishing checks it.
#[derive(Debug)]
pub struct LoadError {
    pub owner: Option<String>,
    pub error: RuleError,
}

impl Catalogue {
    pub fn load(self) -> Result<Loaded, LoadError> {
        let administrations = self
            .administrations
            .into_iter()
            .map(|a| match Rulebook::parse(a.rules.get()) {
                Ok(book) => Ok((a, book)),
                Err(error) => Err(LoadError { owner: a.owner.clone(), error }),
            })
            .collect::<Result<_, _>>()?;
        Ok(Loaded { administrations })
    }
}

impl Loaded {
    /// Every entry of the catalogue for the household on `date`, in catalogue order.
    pub fn evaluate(&self, s: &Situation, date: Date, lang: Lang) -> Result<Vec<BenefitResult>, EvalError> {
        let mut out = Vec::new();
        for (admin, book) in &self.administrations {
            for entry in &admin.benefits {
                // Publishing guarantees the rule; an entry without one is not offered.
                let Some(rule) = book.benefit(&entry.code) else { continue };
                let outcome = evaluate_one(rule, s, date)?;
                out.push(BenefitResult {
                    owner: admin.owner.clone(),
                    administration: admin.name.clone(),
                    benefit: entry.clone(),
                    status: outcome.status,
                    reasons: outcome
                        .reasons
                        .into_iter()
                        .map(|r| ResultReason { holds: r.holds, text: self.reason_text(&r, lang) })
                        .collect(),
                    missing: outcome.missing.into_iter().map(|fact| missing_fact(fact, lang)).collect(),
                    amount: outcome.amount,
                    per: outcome.per,
                });
            }
        }
        Ok(out)
    }

    /// A reason in words; the comune of residence by the name of its administration,
    /// not by its ISTAT code (the checker asks "do you live in …?", never for a code).
    fn reason_text(&self, r: &Reason, lang: Lang) -> String {
        let About::Fact { fact, actual: Value::Text(code), limit, op: Op::Eq | Op::In } = &r.about else {
            return r.text(lang);
        };
        let name = |code: &str| {
            let admin = self.administrations.iter().find(|(a, _)| a.istat_code.as_deref() == Some(code));
            admin.map(|(a, _)| a.name.as_str())
        };
        let wanted: Vec<&str> = match limit {
            Limit::Value(Value::Text(c)) => vec![c.as_str()],
            Limit::Codes(codes) => codes.iter().map(String::as_str).collect(),
            _ => vec![],
        };
        let wanted: Option<Vec<&str>> = wanted.into_iter().map(name).collect();
        match (fact.name, wanted) {
            ("residence_comune", Some(wanted)) if !wanted.is_empty() => {
                explain::residence(lang, name(code), &wanted, r.holds)
            }
            _ => r.text(lang),
        }
    }

    /// The catalogue's entries with their administration, in order.
    pub fn entries(&self) -> impl Iterator<Item = (&Administration, &Entry)> {
        self.administrations.iter().flat_map(|(a, _)| a.benefits.iter().map(move |e| (a, e)))
    }

    /// The facts some rule of the catalogue reads (the questions worth asking).
    pub fn facts_used(&self) -> std::collections::BTreeSet<&'static str> {
        self.administrations.iter().flat_map(|(_, book)| book.facts_used()).collect()
    }
}

fn missing_fact(fact: &str, lang: Lang) -> MissingFact {
    let label = match crate::facts::fact(fact) {
        Some(def) => def.label(lang).to_string(),
        None => match lang {
            Lang::It => "composizione del nucleo familiare".to_string(),
            Lang::En => "household members".to_string(),
        },
    };
    MissingFact { fact: fact.to_string(), label }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::facts::Answers;

    #[test]
    fn the_comune_of_residence_is_named_not_coded() {
        let rules = r#"{"benefits": [{"id": "local", "eligible_if": {"fact": "residence_comune", "op": "=", "value": "017029"}}]}"#;
        let entry = Entry {
            code: "local".into(),
            level: "municipality".into(),
            category: "housing".into(),
            to_verify: false,
            figures_year: None,
            name: "Contributo".into(),
            summary: String::new(),
            who: String::new(),
            amount: String::new(),
            how_to_apply: String::new(),
            apply_url: None,
            legal_reference: String::new(),
            valid_from: None,
            valid_until: None,
        };
        let catalogue = Catalogue {
            tenant: "comune-di-brescia".into(),
            name: "Comune di Brescia".into(),
            administrations: vec![Administration {
                owner: Some("comune-di-brescia".into()),
                name: "Comune di Brescia".into(),
                istat_code: Some("017029".into()),
                rules: RawValue::from_string(rules.into()).unwrap(),
                benefits: vec![entry],
            }],
        };
        let loaded = catalogue.load().unwrap();
        let reason = |comune: &str, lang| {
            let answers: Answers =
                serde_json::from_value(serde_json::json!({"household": {"residence_comune": comune}})).unwrap();
            let date = Date::parse("2026-03-01").unwrap();
            loaded.evaluate(&answers.check().unwrap(), date, lang).unwrap()[0].reasons[0].text.clone()
        };
        assert_eq!(reason("017029", Lang::It), "Residenza: Comune di Brescia");
        assert_eq!(reason("037006", Lang::It), "Residenza: un altro comune (richiesta: Comune di Brescia)");
        assert_eq!(reason("037006", Lang::En), "Residence: another comune (required: Comune di Brescia)");
    }
}
