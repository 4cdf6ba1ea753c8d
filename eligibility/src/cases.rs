//! Test cases for a rulebook, in the spirit of OpenFisca's YAML tests: a situation and an
//! evaluation date, and for each benefit named the expected outcome and amount.
//!
//! ```json
//! { "tests": [ { "name": "Single parent, ISEE 8,000",
//!                "date": "2026-03-01",
//!                "answers": { "household": { "isee": 8000 }, "members": [ { "age": 35 }, { "age": 4 } ] },
//!                "expect": { "assegno_unico": { "status": "eligible", "amount": 203.8 } } } ] }
//! ```

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::date::Date;
use crate::eval::{evaluate_one, Status};
use crate::facts::Answers;
use crate::rules::Rulebook;
use crate::Lang;

/// The test cases of `rules::EXAMPLE`: one household each way and one at the threshold.
pub const EXAMPLE: &str = r#"{
  "tests": [
    {
      "name": "Due figli, ISEE 8.000",
      "date": "2026-03-01",
      "answers": {"household": {"isee": 8000}, "members": [{"age": 38}, {"age": 4}, {"age": 9}]},
      "expect": {"contributo_figli": {"status": "eligible", "amount": 100}}
    },
    {
      "name": "Un figlio, ISEE alla soglia",
      "date": "2026-03-01",
      "answers": {"household": {"isee": 10140}, "members": [{"age": 40}, {"age": 12}]},
      "expect": {"contributo_figli": {"status": "eligible", "amount": 50}}
    },
    {
      "name": "Nessun minore",
      "date": "2026-03-01",
      "answers": {"household": {"isee": 8000}, "members": [{"age": 70}]},
      "expect": {"contributo_figli": {"status": "not_eligible"}}
    }
  ]
}"#;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TestFile {
    pub tests: Vec<TestCase>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TestCase {
    pub name: String,
    /// `YYYY-MM-DD`.
    pub date: String,
    pub answers: Answers,
    pub expect: BTreeMap<String, Expected>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Expected {
    pub status: Status,
    /// Euros, to the cent; absent when not checked.
    #[serde(default)]
    pub amount: Option<f64>,
}

/// One failed expectation, in words.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Failure {
    pub test: String,
    pub benefit: String,
    pub message: String,
}

/// Runs every test of `file` against `book`; the failures (none when all pass), in
/// `lang`. A test file that cannot be read is one failure naming the problem.
pub fn run(book: &Rulebook, file: &str, lang: Lang) -> Vec<Failure> {
    let it = lang == Lang::It;
    let at = if it { "riga" } else { "line" };
    // The rules' own parser first: its syntax errors come in both languages.
    if let Err(e) = crate::json::parse(file) {
        let message = if it { e.message_it } else { e.message };
        return vec![failure("(file)", "", format!("{at} {}: {message}", e.line))];
    }
    let tests: TestFile = match serde_json::from_str(file) {
        Ok(t) => t,
        Err(e) => return vec![failure("(file)", "", format!("{at} {}: {}", e.line(), shape_error(&e, lang)))],
    };
    let mut failures = Vec::new();
    for t in &tests.tests {
        let Some(date) = Date::parse(&t.date) else {
            let message = if it {
                format!("«{}» non è una data AAAA-MM-GG", t.date)
            } else {
                format!("`{}` is not a YYYY-MM-DD date", t.date)
            };
            failures.push(failure(&t.name, "", message));
            continue;
        };
        let situation = match t.answers.check() {
            Ok(s) => s,
            Err(errors) => {
                let list: Vec<String> =
                    errors.iter().map(|e| format!("{} ({})", e.field, problem_words(&e.problem, lang))).collect();
                let what = if it { "risposte non valide" } else { "invalid answers" };
                failures.push(failure(&t.name, "", format!("{what}: {}", list.join(", "))));
                continue;
            }
        };
        for (id, want) in &t.expect {
            let Some(rule) = book.benefit(id) else {
                let message =
                    if it { "la prestazione non è nel regolamento" } else { "no such benefit in the rulebook" };
                failures.push(failure(&t.name, id, message.into()));
                continue;
            };
            let got = match evaluate_one(rule, &situation, date) {
                Ok(o) => o,
                Err(e) => {
                    let message = if it {
                        format!("«{}» non ha un valore al {}", e.parameter, e.date)
                    } else {
                        format!("no value of `{}` on {}", e.parameter, e.date)
                    };
                    failures.push(failure(&t.name, id, message));
                    continue;
                }
            };
            if got.status != want.status {
                let why: Vec<String> = got.reasons.iter().filter(|r| !r.holds).map(|r| r.text(lang)).collect();
                let (expected, outcome, missing) =
                    if it { ("atteso", "risulta", "mancano") } else { ("expected", "got", "missing") };
                let mut message = format!(
                    "{expected} «{}», {outcome} «{}»",
                    status_words(want.status, lang),
                    status_words(got.status, lang)
                );
                if !why.is_empty() {
                    message.push_str(&format!(" ({})", why.join("; ")));
                }
                if !got.missing.is_empty() {
                    message.push_str(&format!("; {missing}: {}", got.missing.join(", ")));
                }
                failures.push(failure(&t.name, id, message));
            } else if let Some(amount) = want.amount {
                if got.amount.is_none_or(|a| (a - amount).abs() > 0.005) {
                    let got = got.amount.map(|a| a.to_string()).unwrap_or_else(|| "—".into());
                    let message = if it {
                        format!("importo atteso {amount}, risulta {got}")
                    } else {
                        format!("expected amount {amount}, got {got}")
                    };
                    failures.push(failure(&t.name, id, message));
                }
            }
        }
    }
    failures
}

/// How many test cases `file` has and which benefits they check (empty when the file
/// cannot be read: `run` reports that).
pub fn coverage(file: &str) -> (usize, Vec<String>) {
    let Ok(tests) = serde_json::from_str::<TestFile>(file) else { return (0, vec![]) };
    let mut checked: Vec<String> = tests.tests.iter().flat_map(|t| t.expect.keys().cloned()).collect();
    checked.sort();
    checked.dedup();
    (tests.tests.len(), checked)
}

/// A test file of the wrong shape (a missing or unknown field, a wrong type or status),
/// as serde says it, in Italian where it follows serde's usual wording.
fn shape_error(e: &serde_json::Error, lang: Lang) -> String {
    let full = e.to_string();
    // Serde ends with " at line L column C": the line is given before.
    let message = full.rsplit_once(" at line ").map_or(full.as_str(), |(m, _)| m);
    if lang == Lang::En {
        return message.to_string();
    }
    const PHRASES: &[(&str, &str)] = &[
        ("missing field ", "manca il campo "),
        ("unknown field ", "campo sconosciuto "),
        ("unknown variant ", "valore sconosciuto "),
        ("duplicate field ", "campo ripetuto "),
        ("invalid type: ", "tipo non valido: "),
        ("invalid value: ", "valore non valido: "),
        (", expected one of ", "; ammessi: "),
        (", expected ", "; atteso "),
        ("there are no fields", "nessun campo ammesso"),
        ("a string", "un testo"),
        ("string ", "testo "),
        ("a sequence", "un elenco"),
        ("sequence", "elenco"),
        ("a map", "un oggetto"),
        ("map", "oggetto"),
        ("floating point ", "numero "),
        ("integer ", "numero "),
        ("boolean ", "vero/falso "),
        ("f64", "un numero"),
    ];
    let mut out = message.to_string();
    for (en, it) in PHRASES {
        out = out.replace(en, it);
    }
    // `x` → «x».
    let mut quoted = String::with_capacity(out.len());
    for (i, part) in out.split('`').enumerate() {
        if i > 0 {
            quoted.push(if i % 2 == 1 { '«' } else { '»' });
        }
        quoted.push_str(part);
    }
    quoted
}

/// An answer's problem (`facts::AnswerError::problem`), in words.
fn problem_words(problem: &str, lang: Lang) -> &str {
    let words = match problem {
        "unknown_fact" => ("domanda sconosciuta", "unknown fact"),
        "wrong_type" => ("tipo non valido", "wrong type"),
        "out_of_range" => ("valore fuori dai limiti", "out of range"),
        "unknown_code" => ("codice sconosciuto", "unknown code"),
        "bad_date" => ("data non valida", "not a YYYY-MM-DD date"),
        "too_many_members" => ("troppi componenti", "too many members"),
        "no_members" => ("nessun componente", "no members"),
        other => return other,
    };
    if lang == Lang::It {
        words.0
    } else {
        words.1
    }
}

fn status_words(status: Status, lang: Lang) -> &'static str {
    match (status, lang) {
        (Status::Eligible, Lang::It) => "ammesso",
        (Status::NotEligible, Lang::It) => "non ammesso",
        (Status::Unknown, Lang::It) => "non determinabile",
        (Status::Eligible, Lang::En) => "eligible",
        (Status::NotEligible, Lang::En) => "not eligible",
        (Status::Unknown, Lang::En) => "can't tell",
    }
}

fn failure(test: &str, benefit: &str, message: String) -> Failure {
    Failure { test: test.to_string(), benefit: benefit.to_string(), message }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_example_passes_its_cases() {
        let book = Rulebook::parse(crate::rules::EXAMPLE).unwrap();
        assert_eq!(run(&book, EXAMPLE, Lang::It), vec![]);
        assert_eq!(coverage(EXAMPLE), (3, vec!["contributo_figli".to_string()]));
    }

    #[test]
    fn wrong_expectations_are_reported() {
        let book = Rulebook::parse(
            r#"{"benefits": [{"id": "b", "eligible_if": {"fact": "isee", "op": "<=", "value": 10000},
                "amount": {"per": "month", "value": 100}}]}"#,
        )
        .unwrap();
        let file = r#"{"tests": [
            {"name": "right", "date": "2026-01-01", "answers": {"household": {"isee": 9000}},
             "expect": {"b": {"status": "eligible", "amount": 100}}},
            {"name": "wrong status", "date": "2026-01-01", "answers": {"household": {"isee": 12000}},
             "expect": {"b": {"status": "eligible"}}},
            {"name": "wrong amount", "date": "2026-01-01", "answers": {"household": {"isee": 9000}},
             "expect": {"b": {"status": "eligible", "amount": 99.99}}},
            {"name": "bad answers", "date": "2026-01-01", "answers": {"household": {"isee": -1}},
             "expect": {"b": {"status": "eligible"}}},
            {"name": "no such benefit", "date": "2026-01-01", "answers": {}, "expect": {"c": {"status": "unknown"}}}
        ]}"#;
        let failures: Vec<String> =
            run(&book, file, Lang::En).into_iter().map(|f| format!("{}: {}", f.test, f.message)).collect();
        assert_eq!(failures.len(), 4, "{failures:?}");
        assert!(failures[0]
            .starts_with("wrong status: expected «eligible», got «not eligible» (ISEE €12,000 is €2,000 above"));
        assert!(failures[1].starts_with("wrong amount: expected amount 99.99, got 100"));
        assert!(failures[2].contains("household.isee (out of range)"));
        assert!(failures[3].contains("no such benefit"));
        let italian = run(
            &book,
            r#"{"tests": [{"name": "x", "date": "2026-01-01", "answers": {"household": {"isee": 12000}},
             "expect": {"b": {"status": "eligible"}}}]}"#,
            Lang::It,
        );
        assert!(italian[0].message.starts_with("atteso «ammesso», risulta «non ammesso» (ISEE"), "{italian:?}");
    }

    #[test]
    fn unreadable_files_are_explained_in_italian() {
        let book = Rulebook::parse(crate::rules::EXAMPLE).unwrap();
        let message = |file: &str, lang| run(&book, file, lang).remove(0).message;
        assert!(message("{\"tests\": [}", Lang::It).starts_with("riga 1: "));
        assert!(message("{\"tests\": [}", Lang::En).starts_with("line 1: "));
        let no_date = "{\"tests\": [\n{\"name\": \"x\", \"answers\": {}, \"expect\": {}}]}";
        assert_eq!(message(no_date, Lang::It), "riga 2: manca il campo «date»");
        assert_eq!(message(no_date, Lang::En), "line 2: missing field `date`");
        let bad_status = r#"{"tests": [{"name": "x", "date": "2026-01-01", "answers": {},
            "expect": {"contributo_figli": {"status": "si"}}}]}"#;
        assert_eq!(
            message(bad_status, Lang::It),
            "riga 2: valore sconosciuto «si»; ammessi: «eligible», «not_eligible», «unknown»"
        );
        let extra = r#"{"tests": [{"name": "x", "date": "2026-01-01", "answers": {}, "expect": {}, "note": 1}]}"#;
        assert_eq!(
            message(extra, Lang::It),
            "riga 1: campo sconosciuto «note»; ammessi: «name», «date», «answers», «expect»"
        );
        let wrong_type = r#"{"tests": [{"name": 5, "date": "2026-01-01", "answers": {}, "expect": {}}]}"#;
        assert_eq!(message(wrong_type, Lang::It), "riga 1: tipo non valido: numero «5»; atteso un testo");
        let answers = r#"{"tests": [{"name": "x", "date": "2026-01-01", "answers": {"household": {"isee": -1}},
            "expect": {"contributo_figli": {"status": "unknown"}}}]}"#;
        assert_eq!(message(answers, Lang::It), "risposte non valide: household.isee (valore fuori dai limiti)");
    }
}
