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

/// Runs every test of `file` against `book`; the failures (none when all pass). A test
/// file that cannot be read is one failure naming the problem.
pub fn run(book: &Rulebook, file: &str) -> Vec<Failure> {
    let tests: TestFile = match serde_json::from_str(file) {
        Ok(t) => t,
        Err(e) => return vec![failure("(file)", "", format!("line {}: {e}", e.line()))],
    };
    let mut failures = Vec::new();
    for t in &tests.tests {
        let Some(date) = Date::parse(&t.date) else {
            failures.push(failure(&t.name, "", format!("`{}` is not a YYYY-MM-DD date", t.date)));
            continue;
        };
        let situation = match t.answers.check() {
            Ok(s) => s,
            Err(errors) => {
                let list: Vec<String> = errors.iter().map(|e| format!("{} ({})", e.field, e.problem)).collect();
                failures.push(failure(&t.name, "", format!("invalid answers: {}", list.join(", "))));
                continue;
            }
        };
        for (id, want) in &t.expect {
            let Some(rule) = book.benefit(id) else {
                failures.push(failure(&t.name, id, "no such benefit in the rulebook".into()));
                continue;
            };
            let got = match evaluate_one(book, rule, &situation, date, Lang::En) {
                Ok(o) => o,
                Err(e) => {
                    failures.push(failure(&t.name, id, format!("no value of `{}` on {}", e.parameter, e.date)));
                    continue;
                }
            };
            if got.status != want.status {
                let why: Vec<&str> = got.reasons.iter().filter(|r| !r.holds).map(|r| r.text.as_str()).collect();
                failures.push(failure(
                    &t.name,
                    id,
                    format!(
                        "expected {:?}, got {:?} ({}; missing: {:?})",
                        want.status,
                        got.status,
                        why.join("; "),
                        got.missing
                    ),
                ));
            } else if let Some(amount) = want.amount {
                if got.amount.is_none_or(|a| (a - amount).abs() > 0.005) {
                    failures.push(failure(&t.name, id, format!("expected amount {amount}, got {:?}", got.amount)));
                }
            }
        }
    }
    failures
}

fn failure(test: &str, benefit: &str, message: String) -> Failure {
    Failure { test: test.to_string(), benefit: benefit.to_string(), message }
}

#[cfg(test)]
mod tests {
    use super::*;

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
            run(&book, file).into_iter().map(|f| format!("{}: {}", f.test, f.message)).collect();
        assert_eq!(failures.len(), 4, "{failures:?}");
        assert!(
            failures[0].starts_with("wrong status: expected Eligible, got NotEligible (ISEE €12,000 is €2,000 above")
        );
        assert!(failures[1].starts_with("wrong amount: expected amount 99.99, got Some(100.0)"));
        assert!(failures[2].contains("household.isee (out_of_range)"));
        assert!(failures[3].contains("no such benefit"));
        assert_eq!(run(&book, "{\"tests\": [}")[0].message, "line 1: expected value at line 1 column 12");
    }
}
