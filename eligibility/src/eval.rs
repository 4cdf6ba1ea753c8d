//! Evaluation in three values. A condition on a fact nobody stated is *unknown*; `all`
//! fails as soon as one part fails and is unknown while a part is; `any` holds as soon
//! as one part holds. Each benefit comes out eligible, not eligible or "can't tell",
//! with the reasons — which conditions hold, which fail and by how much — and the facts
//! that would decide it, and its amount where the rules define one.

use std::borrow::Cow;
use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use crate::date::Date;
use crate::explain;
use crate::facts::{FactDef, Situation, Value};
use crate::rules::{BenefitRule, Compare, Condition, Expr, Op, Operand, Period, Rulebook};
use crate::Lang;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Eligible,
    NotEligible,
    /// Can't tell: facts are missing.
    Unknown,
}

/// One checked condition, in words.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Reason {
    pub holds: bool,
    /// The fact checked (`members` for a condition on the household's composition):
    /// borrowed from the fact list, not copied, for the thousand reasons of a household.
    pub fact: Cow<'static, str>,
    /// The member (0-based) the check is about, if one.
    pub member: Option<usize>,
    /// How far from the limit, in the fact's unit, when a numeric condition fails.
    pub gap: Option<f64>,
    pub text: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Outcome {
    pub benefit: String,
    pub status: Status,
    pub reasons: Vec<Reason>,
    /// Facts that would decide it (or give the amount), by name; `members` when the
    /// household's composition is needed.
    pub missing: Vec<String>,
    /// Euros per `per`, when eligible (or not yet decided) and computable.
    pub amount: Option<f64>,
    pub per: Option<Period>,
}

/// The rules cannot be applied on this date (a parameter has no value then).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EvalError {
    pub parameter: String,
    pub date: Date,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Truth {
    Yes,
    No,
    Unknown,
}

struct Found {
    truth: Truth,
    reasons: Vec<Reason>,
}

impl Found {
    /// One reason about the household's composition.
    fn about_members(truth: Truth, text: String) -> Found {
        let reason =
            Reason { holds: truth == Truth::Yes, fact: Cow::Borrowed("members"), member: None, gap: None, text };
        Found { truth, reasons: vec![reason] }
    }

    fn add(&mut self, reasons: Vec<Reason>) {
        if self.reasons.is_empty() {
            self.reasons = reasons;
        } else {
            self.reasons.extend(reasons);
        }
    }
}

/// One household on one date against one rulebook.
struct Ctx<'a> {
    book: &'a Rulebook,
    s: &'a Situation,
    date: Date,
    lang: Lang,
    /// What the benefit being evaluated would need to be decided (repeats allowed:
    /// sorted and deduplicated once, in the outcome).
    missing: Vec<&'static str>,
    /// Inside a member quantifier or an amount: the reasons would be dropped, so none
    /// are written (most of the cost of an evaluation is writing them).
    quiet: bool,
    /// Whether reasons are written at all (`decide` needs none).
    explain: bool,
    /// Household formulas already computed (the same household and date throughout), with
    /// the facts their computation found missing.
    formulas: HashMap<&'a str, (Option<f64>, Vec<&'static str>)>,
}

/// Evaluates every benefit of `book` for the household on `date`.
pub fn evaluate(book: &Rulebook, s: &Situation, date: Date, lang: Lang) -> Result<Vec<Outcome>, EvalError> {
    let mut ctx = Ctx::new(book, s, date, lang);
    book.benefits.iter().map(|b| ctx.benefit(b)).collect()
}

/// `evaluate` without the reasons: status, amount and missing facts only, for
/// re-evaluating many households where only a change of outcome matters.
pub fn decide(book: &Rulebook, s: &Situation, date: Date) -> Result<Vec<Outcome>, EvalError> {
    let mut ctx = Ctx { explain: false, ..Ctx::new(book, s, date, Lang::It) };
    book.benefits.iter().map(|b| ctx.benefit(b)).collect()
}

pub fn evaluate_one(
    book: &Rulebook,
    b: &BenefitRule,
    s: &Situation,
    date: Date,
    lang: Lang,
) -> Result<Outcome, EvalError> {
    Ctx::new(book, s, date, lang).benefit(b)
}

fn round_cents(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

impl<'a> Ctx<'a> {
    fn new(book: &'a Rulebook, s: &'a Situation, date: Date, lang: Lang) -> Ctx<'a> {
        Ctx { book, s, date, lang, missing: Vec::new(), quiet: false, explain: true, formulas: HashMap::new() }
    }

    fn benefit(&mut self, b: &BenefitRule) -> Result<Outcome, EvalError> {
        self.missing.clear();
        self.quiet = !self.explain;
        let (lang, date) = (self.lang, self.date);
        let outside = b.valid_from.is_some_and(|d| date < d) || b.valid_until.is_some_and(|d| date > d);
        if outside {
            let reasons = if self.explain {
                let text = explain::not_in_force(lang, b.valid_from, b.valid_until);
                vec![Reason { holds: false, fact: Cow::Borrowed("date"), member: None, gap: None, text }]
            } else {
                vec![]
            };
            return Ok(Outcome {
                benefit: b.id.clone(),
                status: Status::NotEligible,
                reasons,
                missing: vec![],
                amount: None,
                per: None,
            });
        }
        let found = self.condition(&b.eligible_if, None)?;
        let status = match found.truth {
            Truth::Yes => Status::Eligible,
            Truth::No => Status::NotEligible,
            Truth::Unknown => Status::Unknown,
        };
        if status == Status::NotEligible {
            // What is still unknown cannot change a no.
            self.missing.clear();
        }
        let (amount, per) = match (&b.amount, status) {
            (Some(a), Status::Eligible | Status::Unknown) => {
                self.quiet = true;
                (self.expr(&a.value, None)?.map(round_cents), Some(a.per))
            }
            _ => (None, None),
        };
        Ok(Outcome {
            benefit: b.id.clone(),
            status,
            reasons: found.reasons,
            missing: {
                self.missing.sort_unstable();
                self.missing.dedup();
                self.missing.iter().map(|f| f.to_string()).collect()
            },
            amount,
            per,
        })
    }

    fn param(&self, name: &str) -> Result<f64, EvalError> {
        self.book
            .parameters
            .get(name)
            .and_then(|p| p.on(self.date))
            .ok_or_else(|| EvalError { parameter: name.to_string(), date: self.date })
    }

    /// The value of `fact` for the household or member `m`; the age comes from the birth
    /// date when not stated.
    fn value(&self, fact: &FactDef, m: Option<usize>) -> Option<Cow<'a, Value>> {
        // The answers outlive this context: borrowing them does not borrow `self`.
        let s: &'a Situation = self.s;
        let facts = match (fact.scope, m) {
            (crate::facts::Scope::Household, _) | (_, None) => &s.household,
            (crate::facts::Scope::Member, Some(i)) => s.members.as_ref()?.get(i)?,
        };
        match (facts.get(fact), fact.name) {
            (Some(v), _) => Some(Cow::Borrowed(v)),
            (None, "age") => match crate::facts::fact("birth_date").and_then(|born| facts.get(born)) {
                Some(Value::Date(born)) => Some(Cow::Owned(Value::Num(f64::from(born.years_to(self.date).max(0))))),
                _ => None,
            },
            _ => None,
        }
    }

    fn members(&self) -> Option<usize> {
        self.s.members.as_ref().map(Vec::len)
    }

    fn condition(&mut self, c: &Condition, m: Option<usize>) -> Result<Found, EvalError> {
        match c {
            Condition::All(parts) => {
                let mut all = Found { truth: Truth::Yes, reasons: vec![] };
                for p in parts {
                    let f = self.condition(p, m)?;
                    all.truth = match (all.truth, f.truth) {
                        (Truth::No, _) | (_, Truth::No) => Truth::No,
                        (Truth::Unknown, _) | (_, Truth::Unknown) => Truth::Unknown,
                        _ => Truth::Yes,
                    };
                    all.add(f.reasons);
                }
                Ok(all)
            }
            Condition::Any(parts) => {
                // Every part is evaluated (what is missing anywhere is named), but one
                // way in is enough: then only its reasons count.
                let mut any = Found { truth: Truth::No, reasons: vec![] };
                let mut way_in = None;
                for p in parts {
                    let f = self.condition(p, m)?;
                    match f.truth {
                        Truth::Yes => way_in = way_in.or(Some(f.reasons)),
                        Truth::Unknown => {
                            any.truth = Truth::Unknown;
                            any.add(f.reasons);
                        }
                        Truth::No => any.add(f.reasons),
                    }
                }
                Ok(match way_in {
                    Some(reasons) => Found { truth: Truth::Yes, reasons },
                    None => any,
                })
            }
            Condition::Compare(cmp) => self.compare(cmp, m),
            Condition::AnyMember(of) | Condition::AllMembers(of) => {
                let any = matches!(c, Condition::AnyMember(_));
                let Some(n) = self.members() else { return Ok(self.composition_unknown()) };
                let (mut yes, mut no) = (0, 0);
                // What members lack counts only if it leaves the answer open.
                let before = self.missing.len();
                let loud = std::mem::replace(&mut self.quiet, true);
                for i in 0..n {
                    match self.condition(&of.of, Some(i))?.truth {
                        Truth::Yes => yes += 1,
                        Truth::No => no += 1,
                        Truth::Unknown => {}
                    }
                }
                self.quiet = loud;
                let truth = match (any, yes, no) {
                    (true, y, _) if y > 0 => Truth::Yes,
                    (true, _, x) if x == n => Truth::No,
                    (false, _, x) if x > 0 => Truth::No,
                    (false, y, _) if y == n => Truth::Yes,
                    _ => Truth::Unknown,
                };
                if truth != Truth::Unknown {
                    self.missing.truncate(before);
                }
                if self.quiet {
                    return Ok(Found { truth, reasons: vec![] });
                }
                let text = explain::members(self.lang, of, any, yes, n - yes - no, n);
                Ok(Found::about_members(truth, text))
            }
            Condition::CountMembers { of, op, rhs } => {
                let limit = match rhs {
                    Operand::Param(p) => self.param(p)?,
                    Operand::Value(Value::Num(n)) => *n,
                    Operand::Expr(e) => match self.quietly(|ctx| ctx.expr(e, None))? {
                        Some(l) => l,
                        None => return Ok(Found { truth: Truth::Unknown, reasons: vec![] }),
                    },
                    _ => 0.0,
                };
                let Some(n) = self.members() else { return Ok(self.composition_unknown()) };
                let (mut yes, mut unknown) = (0usize, 0usize);
                // What members lack counts only if it leaves the answer open.
                let before = self.missing.len();
                let loud = std::mem::replace(&mut self.quiet, true);
                for i in 0..n {
                    match self.condition(&of.of, Some(i))?.truth {
                        Truth::Yes => yes += 1,
                        Truth::Unknown => unknown += 1,
                        Truth::No => {}
                    }
                }
                self.quiet = loud;
                // The count lies between `yes` and `yes + unknown`: decided only if the
                // comparison gives the same answer across that range.
                let (mut can_hold, mut can_fail) = (false, false);
                for k in yes..=yes + unknown {
                    if op.holds(k as f64, limit) {
                        can_hold = true;
                    } else {
                        can_fail = true;
                    }
                }
                let truth = match (can_hold, can_fail) {
                    (true, false) => Truth::Yes,
                    (false, true) => Truth::No,
                    _ => Truth::Unknown,
                };
                if truth != Truth::Unknown {
                    self.missing.truncate(before);
                }
                if self.quiet {
                    return Ok(Found { truth, reasons: vec![] });
                }
                let text = explain::count(self.lang, of, yes, unknown, *op, limit);
                Ok(Found::about_members(truth, text))
            }
        }
    }

    fn quietly<T>(&mut self, f: impl FnOnce(&mut Self) -> T) -> T {
        let loud = std::mem::replace(&mut self.quiet, true);
        let out = f(self);
        self.quiet = loud;
        out
    }

    fn composition_unknown(&mut self) -> Found {
        self.missing.push("members");
        if self.quiet {
            return Found { truth: Truth::Unknown, reasons: vec![] };
        }
        Found::about_members(Truth::Unknown, explain::composition_unknown(self.lang))
    }

    fn compare(&mut self, c: &Compare, m: Option<usize>) -> Result<Found, EvalError> {
        let Some(actual) = self.value(c.fact, m) else {
            self.missing.push(c.fact.name);
            return Ok(Found { truth: Truth::Unknown, reasons: vec![] });
        };
        let (holds, gap, limit) = match (actual.as_ref(), &c.rhs) {
            (Value::Num(a), rhs) => {
                let limit = match rhs {
                    Operand::Param(p) => self.param(p)?,
                    Operand::Value(Value::Num(n)) => *n,
                    Operand::Expr(e) => match self.quietly(|ctx| ctx.expr(e, None))? {
                        Some(l) => l,
                        // The limit itself needs a fact nobody stated (now in `missing`).
                        None => return Ok(Found { truth: Truth::Unknown, reasons: vec![] }),
                    },
                    _ => f64::NAN,
                };
                let holds = c.op.holds(*a, limit);
                let gap = (!holds).then(|| (a - limit).abs());
                (holds, gap, explain::Limit::Num(limit))
            }
            (Value::Date(a), Operand::Value(Value::Date(b))) => {
                let holds = match c.op {
                    Op::Lt => a < b,
                    Op::Le => a <= b,
                    Op::Gt => a > b,
                    Op::Ge => a >= b,
                    Op::Eq => a == b,
                    _ => a != b,
                };
                (holds, None, explain::Limit::Date(*b))
            }
            (_, Operand::Codes(codes)) => {
                let Value::Text(t) = actual.as_ref() else { return Ok(Found { truth: Truth::No, reasons: vec![] }) };
                let inside = codes.iter().any(|c| c == t);
                (inside == (c.op == Op::In), None, explain::Limit::Codes(codes))
            }
            (a, Operand::Value(b)) => {
                let same = a == b;
                (same == (c.op == Op::Eq), None, explain::Limit::Value(b))
            }
            (_, Operand::Param(_) | Operand::Expr(_)) => (false, None, explain::Limit::Num(f64::NAN)),
        };
        let truth = if holds { Truth::Yes } else { Truth::No };
        if self.quiet {
            return Ok(Found { truth, reasons: vec![] });
        }
        let text = explain::compare(self.lang, c.fact, m, &actual, c.op, &limit, holds, gap);
        let reason = Reason { holds, fact: Cow::Borrowed(c.fact.name), member: m, gap, text };
        Ok(Found { truth, reasons: vec![reason] })
    }

    /// A household formula, computed once per evaluation: the facts it found missing
    /// are named again wherever it is used.
    fn household_formula(&mut self, name: &'a str, e: &'a Expr) -> Result<Option<f64>, EvalError> {
        if let Some((value, missing)) = self.formulas.get(name) {
            self.missing.extend(missing.iter().copied());
            return Ok(*value);
        }
        let outer = std::mem::take(&mut self.missing);
        let value = self.expr(e, None);
        let found = std::mem::replace(&mut self.missing, outer);
        let value = value?;
        self.missing.extend_from_slice(&found);
        self.formulas.insert(name, (value, found));
        Ok(value)
    }

    /// The amount, or `None` while a fact it needs is unknown (added to `missing`).
    fn expr(&mut self, e: &Expr, m: Option<usize>) -> Result<Option<f64>, EvalError> {
        // Every term is computed (each unknown fact is named); the result only when all are known.
        let fold = |ctx: &mut Self, list: &[Expr], init: f64, f: fn(f64, f64) -> f64| {
            let mut acc = Some(init);
            for x in list {
                let term = ctx.expr(x, m)?;
                acc = acc.zip(term).map(|(a, t)| f(a, t));
            }
            Ok::<_, EvalError>(acc)
        };
        Ok(match e {
            Expr::Num(n) => Some(*n),
            Expr::Param(p) => Some(self.param(p)?),
            Expr::Formula(f) => match self.book.formulas.get_key_value(f) {
                Some((name, e)) if m.is_none() => self.household_formula(name, e)?,
                Some((_, e)) => self.expr(e, m)?,
                None => None,
            },
            Expr::Fact(f) => match self.value(f, m).as_deref() {
                Some(Value::Num(n)) => Some(*n),
                _ => {
                    self.missing.push(f.name);
                    None
                }
            },
            Expr::Add(list) => fold(self, list, 0.0, |a, b| a + b)?,
            Expr::Mul(list) => fold(self, list, 1.0, |a, b| a * b)?,
            Expr::Min(list) => fold(self, list, f64::INFINITY, f64::min)?,
            Expr::Max(list) => fold(self, list, f64::NEG_INFINITY, f64::max)?,
            Expr::Sub(a, b) => match (self.expr(a, m)?, self.expr(b, m)?) {
                (Some(a), Some(b)) => Some(a - b),
                _ => None,
            },
            Expr::Div(a, b) => match (self.expr(a, m)?, self.expr(b, m)?) {
                (Some(a), Some(b)) if b != 0.0 => Some(a / b),
                (Some(_), Some(_)) => Some(0.0),
                _ => None,
            },
            Expr::If { cond, then, otherwise } => match self.condition(cond, m)?.truth {
                Truth::Yes => self.expr(then, m)?,
                Truth::No => self.expr(otherwise, m)?,
                Truth::Unknown => None,
            },
            Expr::CountMembers(of) => {
                let Some(n) = self.members() else {
                    self.missing.push("members");
                    return Ok(None);
                };
                let mut count = 0.0;
                for i in 0..n {
                    match self.condition(of, Some(i))?.truth {
                        Truth::Yes => count += 1.0,
                        Truth::No => {}
                        Truth::Unknown => return Ok(None),
                    }
                }
                Some(count)
            }
            Expr::SumMembers { of, value } => {
                let Some(n) = self.members() else {
                    self.missing.push("members");
                    return Ok(None);
                };
                let mut sum = 0.0;
                for i in 0..n {
                    match self.condition(of, Some(i))?.truth {
                        Truth::Yes => match self.expr(value, Some(i))? {
                            Some(v) => sum += v,
                            None => return Ok(None),
                        },
                        Truth::No => {}
                        Truth::Unknown => return Ok(None),
                    }
                }
                Some(sum)
            }
            Expr::Interpolate { x, points } => {
                let Some(x) = self.expr(x, m)? else { return Ok(None) };
                let mut xy = Vec::with_capacity(points.len());
                for (px, py) in points {
                    match (self.expr(px, m)?, self.expr(py, m)?) {
                        (Some(a), Some(b)) => xy.push((a, b)),
                        _ => return Ok(None),
                    }
                }
                Some(interpolate(x, &xy))
            }
        })
    }
}

/// Piecewise linear through `xy` (x ascending), flat beyond the first and last points.
fn interpolate(x: f64, xy: &[(f64, f64)]) -> f64 {
    let (Some(first), Some(last)) = (xy.first(), xy.last()) else { return 0.0 };
    if x <= first.0 {
        return first.1;
    }
    if x >= last.0 {
        return last.1;
    }
    for w in xy.windows(2) {
        let ((x0, y0), (x1, y1)) = (w[0], w[1]);
        if x <= x1 {
            return if x1 == x0 { y1 } else { y0 + (y1 - y0) * (x - x0) / (x1 - x0) };
        }
    }
    last.1
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::facts::Answers;
    use serde_json::json;

    const BOOK: &str = r#"{
      "parameters": {
        "isee_max": {"values": [{"from": "2024-01-01", "value": 9360}, {"from": "2025-01-01", "value": 10140}]}
      },
      "benefits": [
        {"id": "support",
         "eligible_if": {"all": [
            {"fact": "isee", "op": "<=", "param": "isee_max"},
            {"any": [{"any_member": {"fact": "age", "op": "<", "value": 18}},
                     {"any_member": {"fact": "age", "op": ">=", "value": 60}}]}]},
         "amount": {"per": "month", "value": {"add": [100, {"mul": [50, {"count_members": {"fact": "age", "op": "<", "value": 18}}]}]}}},
        {"id": "sliding",
         "eligible_if": {"fact": "isee", "op": "<=", "value": 40000},
         "amount": {"per": "month", "value": {"interpolate": {"fact": "isee"}, "points": [[10000, 200], [40000, 50]]}}}
      ]
    }"#;

    fn run(answers: serde_json::Value, date: &str) -> Vec<Outcome> {
        let book = Rulebook::parse(BOOK).unwrap();
        let s = serde_json::from_value::<Answers>(answers).unwrap().check().unwrap();
        evaluate(&book, &s, Date::parse(date).unwrap(), Lang::En).unwrap()
    }

    #[test]
    fn failing_conditions_say_by_how_much() {
        let out = run(json!({"household": {"isee": 12300}, "members": [{"age": 40}, {"age": 8}]}), "2026-03-01");
        assert_eq!(out[0].status, Status::NotEligible);
        let isee = out[0].reasons.iter().find(|r| r.fact == "isee").unwrap();
        assert_eq!(isee.text, "ISEE €12,300 is €2,160 above the €10,140 threshold");
        assert_eq!(isee.gap, Some(2160.0));
        assert!(out[0].missing.is_empty());
        assert_eq!(out[0].amount, None);
    }

    #[test]
    fn the_parameter_in_force_on_the_date_is_used() {
        let household = json!({"household": {"isee": 9800}, "members": [{"age": 40}, {"age": 8}]});
        assert_eq!(run(household.clone(), "2024-12-31")[0].status, Status::NotEligible);
        let out = run(household, "2025-01-01");
        assert_eq!(out[0].status, Status::Eligible);
        assert_eq!((out[0].amount, out[0].per), (Some(150.0), Some(Period::Month)));
        assert_eq!(out[1].amount, Some(200.0), "flat below the first point");
        let out = run(json!({"household": {"isee": 13800}}), "2025-01-01");
        assert_eq!(out[1].amount, Some(181.0), "200 - 150 × 3800 / 30000");
        let out = run(json!({"household": {"isee": 90000}}), "2025-01-01");
        assert_eq!(out[1].status, Status::NotEligible);
    }

    #[test]
    fn unknown_facts_are_named_not_taken_as_zero() {
        let out = run(json!({"members": [{"age": 70}]}), "2026-01-01");
        assert_eq!(out[0].status, Status::Unknown);
        assert_eq!(out[0].missing, ["isee"]);
        assert_eq!(out[0].amount, Some(100.0), "the amount does not depend on the ISEE");
        let out = run(json!({"household": {"isee": 5000}}), "2026-01-01");
        assert_eq!((out[0].status, out[0].missing.clone()), (Status::Unknown, vec!["members".to_string()]));
        // A member of unknown age: can't tell, unless another member decides it.
        let out = run(json!({"household": {"isee": 5000}, "members": [{"age": 30}, {}]}), "2026-01-01");
        assert_eq!((out[0].status, out[0].missing.clone()), (Status::Unknown, vec!["age".to_string()]));
        let out = run(json!({"household": {"isee": 5000}, "members": [{"age": 65}, {}]}), "2026-01-01");
        assert_eq!(out[0].status, Status::Eligible);
        assert_eq!(out[0].amount, None, "how many children is unknown");
        // A no stays a no whatever is unknown.
        let out = run(json!({"household": {"isee": 50000}}), "2026-01-01");
        assert_eq!((out[0].status, out[0].missing.len()), (Status::NotEligible, 0));
    }

    #[test]
    fn deciding_gives_the_same_outcomes_without_reasons() {
        let book = Rulebook::parse(BOOK).unwrap();
        for answers in [
            json!({"household": {"isee": 12300}, "members": [{"age": 40}, {"age": 8}]}),
            json!({"household": {"isee": 5000}, "members": [{"age": 30}, {}]}),
            json!({"members": [{"age": 70}]}),
        ] {
            let s = serde_json::from_value::<Answers>(answers).unwrap().check().unwrap();
            let date = Date::parse("2026-03-01").unwrap();
            let explained = evaluate(&book, &s, date, Lang::It).unwrap();
            let decided = decide(&book, &s, date).unwrap();
            for (e, d) in explained.iter().zip(&decided) {
                assert!(d.reasons.is_empty());
                assert_eq!((&e.status, e.amount, &e.missing), (&d.status, d.amount, &d.missing));
            }
        }
    }

    #[test]
    fn ages_come_from_birth_dates() {
        let out = run(
            json!({"household": {"isee": 5000}, "members": [{"age": 30}, {"birth_date": "2008-03-02"}]}),
            "2026-03-01",
        );
        assert_eq!(out[0].status, Status::Eligible, "17 the day before the 18th birthday");
        let out = run(
            json!({"household": {"isee": 5000}, "members": [{"age": 30}, {"birth_date": "2008-03-01"}]}),
            "2026-03-01",
        );
        assert_eq!(out[0].status, Status::NotEligible);
    }
}
