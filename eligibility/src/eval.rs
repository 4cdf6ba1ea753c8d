//! Evaluation in three values. A condition on a fact nobody stated is *unknown*; `all`
//! fails as soon as one part fails and is unknown while a part is; `any` holds as soon
//! as one part holds. Each benefit comes out eligible, not eligible or "can't tell",
//! with the reasons — which conditions hold, which fail and by how much — and the facts
//! that would decide it, and its amount where the rules define one.

use std::collections::BTreeSet;

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
    /// The fact checked (`members` for a condition on the household's composition).
    pub fact: String,
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

struct Ctx<'a> {
    book: &'a Rulebook,
    s: &'a Situation,
    date: Date,
    lang: Lang,
    missing: BTreeSet<&'static str>,
    /// Inside a member quantifier or an amount: the reasons would be dropped, so none
    /// are written (most of the cost of an evaluation is writing them).
    quiet: bool,
}

/// Evaluates every benefit of `book` for the household on `date`.
pub fn evaluate(book: &Rulebook, s: &Situation, date: Date, lang: Lang) -> Result<Vec<Outcome>, EvalError> {
    book.benefits.iter().map(|b| evaluate_one(book, b, s, date, lang)).collect()
}

pub fn evaluate_one(
    book: &Rulebook,
    b: &BenefitRule,
    s: &Situation,
    date: Date,
    lang: Lang,
) -> Result<Outcome, EvalError> {
    let mut ctx = Ctx { book, s, date, lang, missing: BTreeSet::new(), quiet: false };
    let outside = b.valid_from.is_some_and(|d| date < d) || b.valid_until.is_some_and(|d| date > d);
    if outside {
        let text = explain::not_in_force(lang, b.valid_from, b.valid_until);
        let reason = Reason { holds: false, fact: "date".into(), member: None, gap: None, text };
        return Ok(Outcome {
            benefit: b.id.clone(),
            status: Status::NotEligible,
            reasons: vec![reason],
            missing: vec![],
            amount: None,
            per: None,
        });
    }
    let found = ctx.condition(&b.eligible_if, None)?;
    let status = match found.truth {
        Truth::Yes => Status::Eligible,
        Truth::No => Status::NotEligible,
        Truth::Unknown => Status::Unknown,
    };
    if status == Status::NotEligible {
        // What is still unknown cannot change a no.
        ctx.missing.clear();
    }
    let (amount, per) = match (&b.amount, status) {
        (Some(a), Status::Eligible | Status::Unknown) => {
            ctx.quiet = true;
            (ctx.expr(&a.value, None)?.map(round_cents), Some(a.per))
        }
        _ => (None, None),
    };
    Ok(Outcome {
        benefit: b.id.clone(),
        status,
        reasons: found.reasons,
        missing: ctx.missing.into_iter().map(String::from).collect(),
        amount,
        per,
    })
}

fn round_cents(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

impl<'a> Ctx<'a> {
    fn param(&self, name: &str) -> Result<f64, EvalError> {
        self.book
            .parameters
            .get(name)
            .and_then(|p| p.on(self.date))
            .ok_or_else(|| EvalError { parameter: name.to_string(), date: self.date })
    }

    /// The value of `fact` for the household or member `m`; the age comes from the birth
    /// date when not stated.
    fn value(&self, fact: &FactDef, m: Option<usize>) -> Option<std::borrow::Cow<'a, Value>> {
        use std::borrow::Cow;
        // The answers outlive this context: borrowing them does not borrow `self`.
        let s: &'a Situation = self.s;
        let map = match (fact.scope, m) {
            (crate::facts::Scope::Household, _) | (_, None) => &s.household,
            (crate::facts::Scope::Member, Some(i)) => s.members.as_ref()?.get(i)?,
        };
        match (map.get(fact.name), fact.name) {
            (Some(v), _) => Some(Cow::Borrowed(v)),
            (None, "age") => match map.get("birth_date") {
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
                let found = parts.iter().map(|p| self.condition(p, m)).collect::<Result<Vec<_>, _>>()?;
                let truth = if found.iter().any(|f| f.truth == Truth::No) {
                    Truth::No
                } else if found.iter().any(|f| f.truth == Truth::Unknown) {
                    Truth::Unknown
                } else {
                    Truth::Yes
                };
                Ok(Found { truth, reasons: found.into_iter().flat_map(|f| f.reasons).collect() })
            }
            Condition::Any(parts) => {
                let found = parts.iter().map(|p| self.condition(p, m)).collect::<Result<Vec<_>, _>>()?;
                if let Some(yes) = found.iter().position(|f| f.truth == Truth::Yes) {
                    // One way in is enough; the others do not matter.
                    let mut found = found;
                    return Ok(Found { truth: Truth::Yes, reasons: found.swap_remove(yes).reasons });
                }
                let truth = if found.iter().any(|f| f.truth == Truth::Unknown) { Truth::Unknown } else { Truth::No };
                Ok(Found { truth, reasons: found.into_iter().flat_map(|f| f.reasons).collect() })
            }
            Condition::Compare(cmp) => self.compare(cmp, m),
            Condition::AnyMember(of) | Condition::AllMembers(of) => {
                let any = matches!(c, Condition::AnyMember(_));
                let Some(n) = self.members() else { return Ok(self.composition_unknown()) };
                let mut truths = Vec::with_capacity(n);
                let mut local = BTreeSet::new();
                let loud = std::mem::replace(&mut self.quiet, true);
                for i in 0..n {
                    let before = std::mem::take(&mut self.missing);
                    truths.push(self.condition(of, Some(i))?.truth);
                    local.extend(std::mem::replace(&mut self.missing, before));
                }
                self.quiet = loud;
                let (yes, no) = (
                    truths.iter().filter(|t| **t == Truth::Yes).count(),
                    truths.iter().filter(|t| **t == Truth::No).count(),
                );
                let truth = match (any, yes, no) {
                    (true, y, _) if y > 0 => Truth::Yes,
                    (true, _, x) if x == n => Truth::No,
                    (false, _, x) if x > 0 => Truth::No,
                    (false, y, _) if y == n => Truth::Yes,
                    _ => Truth::Unknown,
                };
                if truth == Truth::Unknown {
                    self.missing.extend(local);
                }
                let text = explain::members(self.lang, of, any, yes, n - yes - no, n);
                let reason =
                    Reason { holds: truth == Truth::Yes, fact: "members".into(), member: None, gap: None, text };
                Ok(Found { truth, reasons: vec![reason] })
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
                let mut local = BTreeSet::new();
                let loud = std::mem::replace(&mut self.quiet, true);
                for i in 0..n {
                    let before = std::mem::take(&mut self.missing);
                    match self.condition(of, Some(i))?.truth {
                        Truth::Yes => yes += 1,
                        Truth::Unknown => unknown += 1,
                        Truth::No => {}
                    }
                    local.extend(std::mem::replace(&mut self.missing, before));
                }
                self.quiet = loud;
                // The count lies between `yes` and `yes + unknown`: decided only if the
                // comparison gives the same answer across that range.
                let outcomes: BTreeSet<bool> = (yes..=yes + unknown).map(|k| op.holds(k as f64, limit)).collect();
                let truth = match (outcomes.contains(&true), outcomes.contains(&false)) {
                    (true, false) => Truth::Yes,
                    (false, true) => Truth::No,
                    _ => Truth::Unknown,
                };
                if truth == Truth::Unknown {
                    self.missing.extend(local);
                }
                if self.quiet {
                    return Ok(Found { truth, reasons: vec![] });
                }
                let text = explain::count(self.lang, of, yes, unknown, *op, limit);
                let reason =
                    Reason { holds: truth == Truth::Yes, fact: "members".into(), member: None, gap: None, text };
                Ok(Found { truth, reasons: vec![reason] })
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
        self.missing.insert("members");
        if self.quiet {
            return Found { truth: Truth::Unknown, reasons: vec![] };
        }
        let text = explain::composition_unknown(self.lang);
        Found {
            truth: Truth::Unknown,
            reasons: vec![Reason { holds: false, fact: "members".into(), member: None, gap: None, text }],
        }
    }

    fn compare(&mut self, c: &Compare, m: Option<usize>) -> Result<Found, EvalError> {
        let Some(actual) = self.value(c.fact, m) else {
            self.missing.insert(c.fact.name);
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
        let reason = Reason { holds, fact: c.fact.name.to_string(), member: m, gap, text };
        Ok(Found { truth, reasons: vec![reason] })
    }

    /// The amount, or `None` while a fact it needs is unknown (added to `missing`).
    fn expr(&mut self, e: &Expr, m: Option<usize>) -> Result<Option<f64>, EvalError> {
        let many = |ctx: &mut Self, list: &[Expr]| -> Result<Option<Vec<f64>>, EvalError> {
            let mut out = Vec::with_capacity(list.len());
            let mut known = true;
            for x in list {
                match ctx.expr(x, m)? {
                    Some(v) => out.push(v),
                    None => known = false,
                }
            }
            Ok(known.then_some(out))
        };
        Ok(match e {
            Expr::Num(n) => Some(*n),
            Expr::Param(p) => Some(self.param(p)?),
            Expr::Formula(f) => match self.book.formulas.get(f) {
                Some(e) => self.expr(e, m)?,
                None => None,
            },
            Expr::Fact(f) => match self.value(f, m).as_deref() {
                Some(Value::Num(n)) => Some(*n),
                _ => {
                    self.missing.insert(f.name);
                    None
                }
            },
            Expr::Add(list) => many(self, list)?.map(|v| v.iter().sum()),
            Expr::Mul(list) => many(self, list)?.map(|v| v.iter().product()),
            Expr::Min(list) => many(self, list)?.map(|v| v.iter().copied().fold(f64::INFINITY, f64::min)),
            Expr::Max(list) => many(self, list)?.map(|v| v.iter().copied().fold(f64::NEG_INFINITY, f64::max)),
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
                    self.missing.insert("members");
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
                    self.missing.insert("members");
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
