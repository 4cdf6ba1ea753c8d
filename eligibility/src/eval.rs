//! Evaluation in three values. A condition on a fact nobody stated is *unknown*; `all`
//! fails as soon as one part fails and is unknown while a part is; `any` holds as soon
//! as one part holds. Each benefit comes out eligible, not eligible or "can't tell",
//! with the reasons — which conditions hold, which fail and by how much — and the facts
//! that would decide it, and its amount where the rules define one.

use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::date::Date;
use crate::explain::{self, Limit};
use crate::facts::{FactDef, Situation, Value};
use crate::rules::{
    BenefitRule, Compare, Condition, Expr, Formula, MemberCondition, Op, Operand, Parameter, Period, Rulebook,
};
use crate::Lang;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Eligible,
    NotEligible,
    /// Can't tell: facts are missing.
    Unknown,
}

/// One checked condition, as data: what was compared with what and by how much it
/// missed. [`Reason::text`] writes it in words, in either language, where it is shown:
/// a household gets a thousand reasons against a large catalogue, and writing them all
/// was half the cost of an evaluation.
#[derive(Clone, Debug, PartialEq)]
pub struct Reason {
    pub holds: bool,
    /// The member (0-based) the check is about, if one.
    pub member: Option<usize>,
    /// How far from the limit, in the fact's unit, when a numeric condition fails.
    pub gap: Option<f64>,
    pub about: About,
}

/// What a reason is about.
#[derive(Clone, Debug, PartialEq)]
pub enum About {
    /// A fact compared with a limit.
    Fact { fact: &'static FactDef, actual: Value, op: Op, limit: Limit },
    /// `any_member` / `all_members`: how many members meet the condition, how many
    /// could not be checked, out of `n`; on `date` (the condition may quote a parameter).
    Members { of: Arc<MemberCondition>, any: bool, yes: usize, unknown: usize, n: usize, date: Date },
    /// `count_members`, with what was required.
    Count { of: Arc<MemberCondition>, yes: usize, unknown: usize, op: Op, limit: f64, date: Date },
    /// Who is in the household is needed.
    CompositionUnknown,
    /// The measure is not in force on the date.
    NotInForce { from: Option<Date>, until: Option<Date> },
}

impl Reason {
    /// The fact checked: `members` for the household's composition, `date` for a measure
    /// not in force.
    pub fn fact(&self) -> &'static str {
        match &self.about {
            About::Fact { fact, .. } => fact.name,
            About::Members { .. } | About::Count { .. } | About::CompositionUnknown => "members",
            About::NotInForce { .. } => "date",
        }
    }

    /// In words: "ISEE 12.300 € supera di 2.160 € la soglia di 10.140 €".
    pub fn text(&self, lang: Lang) -> String {
        match &self.about {
            About::Fact { fact, actual, op, limit } => {
                explain::compare(lang, fact, self.member, actual, *op, limit, self.holds, self.gap)
            }
            About::Members { of, any, yes, unknown, n, date } => {
                explain::members(lang, of, *any, *yes, *unknown, *n, *date)
            }
            About::Count { of, yes, unknown, op, limit, date } => {
                explain::count(lang, of, *yes, *unknown, *op, *limit, *date)
            }
            About::CompositionUnknown => explain::composition_unknown(lang),
            About::NotInForce { from, until } => explain::not_in_force(lang, *from, *until),
        }
    }
}

/// One benefit for one household (borrowing the rule's id: nothing is copied that the
/// caller already has).
#[derive(Clone, Debug, PartialEq)]
pub struct Outcome<'r> {
    pub benefit: &'r str,
    pub status: Status,
    pub reasons: Vec<Reason>,
    /// Facts that would decide it (or give the amount), by name; `members` when the
    /// household's composition is needed.
    pub missing: Vec<&'static str>,
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

impl Truth {
    fn of(holds: bool) -> Truth {
        if holds {
            Truth::Yes
        } else {
            Truth::No
        }
    }
}

/// One household on one date (the rules hold their parameters and formulas).
struct Ctx<'a> {
    s: &'a Situation,
    date: Date,
    /// The reasons of the benefit being evaluated, in the order its conditions are
    /// written; `any` drops those of the ways in it does not need.
    reasons: Vec<Reason>,
    /// What the benefit being evaluated would need to be decided (repeats allowed:
    /// sorted and deduplicated once, in the outcome).
    missing: Vec<&'static str>,
    /// Inside a member quantifier or an amount: the reasons would be dropped, so none
    /// are kept.
    quiet: bool,
    /// Whether reasons are kept at all (`decide` needs none).
    explain: bool,
    /// Household formulas already computed (the same household and date throughout), with
    /// the facts their computation found missing; found by identity (each formula is one
    /// `Arc` shared by the rules using it), and a rulebook has a handful.
    formulas: Vec<(*const Formula, Option<f64>, Vec<&'static str>)>,
}

/// Evaluates every benefit of `book` for the household on `date`.
pub fn evaluate<'r>(book: &'r Rulebook, s: &Situation, date: Date) -> Result<Vec<Outcome<'r>>, EvalError> {
    let mut ctx = Ctx::new(s, date);
    book.benefits.iter().map(|b| ctx.benefit(b)).collect()
}

/// `evaluate` without the reasons: status, amount and missing facts only, for
/// re-evaluating many households where only a change of outcome matters.
pub fn decide<'r>(book: &'r Rulebook, s: &Situation, date: Date) -> Result<Vec<Outcome<'r>>, EvalError> {
    let mut ctx = Ctx { explain: false, ..Ctx::new(s, date) };
    book.benefits.iter().map(|b| ctx.benefit(b)).collect()
}

pub fn evaluate_one<'r>(b: &'r BenefitRule, s: &Situation, date: Date) -> Result<Outcome<'r>, EvalError> {
    Ctx::new(s, date).benefit(b)
}

fn round_cents(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

impl<'a> Ctx<'a> {
    fn new(s: &'a Situation, date: Date) -> Ctx<'a> {
        Ctx { s, date, reasons: Vec::new(), missing: Vec::new(), quiet: false, explain: true, formulas: Vec::new() }
    }

    fn benefit<'r>(&mut self, b: &'r BenefitRule) -> Result<Outcome<'r>, EvalError> {
        self.missing.clear();
        self.reasons.clear();
        self.quiet = !self.explain;
        let date = self.date;
        let outside = b.valid_from.is_some_and(|d| date < d) || b.valid_until.is_some_and(|d| date > d);
        if outside {
            self.say(false, None, None, || About::NotInForce { from: b.valid_from, until: b.valid_until });
            return Ok(Outcome {
                benefit: &b.id,
                status: Status::NotEligible,
                reasons: self.reasons.drain(..).collect(),
                missing: vec![],
                amount: None,
                per: None,
            });
        }
        let status = match self.condition(&b.eligible_if, None)? {
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
            benefit: &b.id,
            status,
            reasons: self.reasons.drain(..).collect(),
            missing: {
                self.missing.sort_unstable();
                self.missing.dedup();
                self.missing.clone()
            },
            amount,
            per,
        })
    }

    /// Keeps a reason, unless none are kept here.
    #[inline]
    fn say(&mut self, holds: bool, member: Option<usize>, gap: Option<f64>, about: impl FnOnce() -> About) {
        if !self.quiet {
            self.reasons.push(Reason { holds, member, gap, about: about() });
        }
    }

    fn param(&self, p: &Parameter) -> Result<f64, EvalError> {
        p.on(self.date).ok_or_else(|| EvalError { parameter: p.name.clone(), date: self.date })
    }

    /// The value of `fact` stated for the household or member `m`.
    #[inline(always)]
    fn stated(&self, fact: &FactDef, m: Option<usize>) -> Option<&'a Value> {
        // The answers outlive this context: borrowing them does not borrow `self`.
        let s: &'a Situation = self.s;
        let facts = match (fact.scope, m) {
            (crate::facts::Scope::Household, _) | (_, None) => &s.household,
            (crate::facts::Scope::Member, Some(i)) => s.members.as_ref()?.get(i)?,
        };
        facts.get(fact)
    }

    /// What can be worked out when `fact` is not stated: the age, from the birth date.
    #[cold]
    fn derived(&self, fact: &FactDef, m: Option<usize>) -> Option<Value> {
        if fact.name != "age" {
            return None;
        }
        match self.stated(crate::facts::fact("birth_date")?, m) {
            Some(Value::Date(born)) => Some(Value::Num(f64::from(born.years_to(self.date).max(0)))),
            _ => None,
        }
    }

    fn members(&self) -> Option<usize> {
        self.s.members.as_ref().map(Vec::len)
    }

    fn condition(&mut self, c: &Condition, m: Option<usize>) -> Result<Truth, EvalError> {
        match c {
            Condition::All(parts) => {
                let mut all = Truth::Yes;
                for p in parts {
                    all = match (all, self.part(p, m)?) {
                        (Truth::No, _) | (_, Truth::No) => Truth::No,
                        (Truth::Unknown, _) | (_, Truth::Unknown) => Truth::Unknown,
                        _ => Truth::Yes,
                    };
                }
                Ok(all)
            }
            Condition::Any(parts) => {
                // Every part is evaluated (what is missing anywhere is named), but one
                // way in is enough: then only its reasons count.
                let start = self.reasons.len();
                let (mut any, mut way_in) = (Truth::No, None);
                for p in parts {
                    let from = self.reasons.len();
                    match self.part(p, m)? {
                        Truth::Yes => way_in = way_in.or(Some(from..self.reasons.len())),
                        Truth::Unknown => any = Truth::Unknown,
                        Truth::No => {}
                    }
                }
                let Some(keep) = way_in else { return Ok(any) };
                self.reasons.truncate(keep.end);
                self.reasons.drain(start..keep.start);
                Ok(Truth::Yes)
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
                    match self.part(&of.of, Some(i))? {
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
                let unknown = n - yes - no;
                let date = self.date;
                self.say(truth == Truth::Yes, None, None, || About::Members {
                    of: of.clone(),
                    any,
                    yes,
                    unknown,
                    n,
                    date,
                });
                Ok(truth)
            }
            Condition::CountMembers { of, op, rhs } => {
                let limit = match rhs {
                    Operand::Param(p) => self.param(p)?,
                    Operand::Value(Value::Num(n)) => *n,
                    Operand::Expr(e) => match self.quietly(|ctx| ctx.expr(e, None))? {
                        Some(l) => l,
                        None => return Ok(Truth::Unknown),
                    },
                    _ => 0.0,
                };
                let Some(n) = self.members() else { return Ok(self.composition_unknown()) };
                let (mut yes, mut unknown) = (0usize, 0usize);
                // What members lack counts only if it leaves the answer open.
                let before = self.missing.len();
                let loud = std::mem::replace(&mut self.quiet, true);
                for i in 0..n {
                    match self.part(&of.of, Some(i))? {
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
                let date = self.date;
                self.say(truth == Truth::Yes, None, None, || About::Count {
                    of: of.clone(),
                    yes,
                    unknown,
                    op: *op,
                    limit,
                    date,
                });
                Ok(truth)
            }
        }
    }

    /// A part of a condition: most are comparisons, made without the extra call through
    /// `condition`.
    #[inline(always)]
    fn part(&mut self, c: &Condition, m: Option<usize>) -> Result<Truth, EvalError> {
        match c {
            Condition::Compare(cmp) => self.compare(cmp, m),
            _ => self.condition(c, m),
        }
    }

    fn quietly<T>(&mut self, f: impl FnOnce(&mut Self) -> T) -> T {
        let loud = std::mem::replace(&mut self.quiet, true);
        let out = f(self);
        self.quiet = loud;
        out
    }

    fn composition_unknown(&mut self) -> Truth {
        self.missing.push("members");
        self.say(false, None, None, || About::CompositionUnknown);
        Truth::Unknown
    }

    // Not inlined: it is the leaf, and the recursion through `all`/`any` stays light.
    #[inline(never)]
    fn compare(&mut self, c: &Compare, m: Option<usize>) -> Result<Truth, EvalError> {
        let derived;
        let actual = match self.stated(c.fact, m) {
            Some(v) => v,
            None => match self.derived(c.fact, m) {
                Some(v) => {
                    derived = v;
                    &derived
                }
                None => {
                    self.missing.push(c.fact.name);
                    return Ok(Truth::Unknown);
                }
            },
        };
        let holds = match (actual, &c.rhs) {
            (Value::Num(a), rhs) => {
                let limit = match rhs {
                    Operand::Param(p) => self.param(p)?,
                    Operand::Value(Value::Num(n)) => *n,
                    Operand::Expr(e) => match self.quietly(|ctx| ctx.expr(e, None))? {
                        Some(l) => l,
                        // The limit itself needs a fact nobody stated (now in `missing`).
                        None => return Ok(Truth::Unknown),
                    },
                    _ => f64::NAN,
                };
                let holds = c.op.holds(*a, limit);
                let gap = (!holds).then(|| (a - limit).abs());
                self.say(holds, m, gap, || About::Fact {
                    fact: c.fact,
                    actual: Value::Num(*a),
                    op: c.op,
                    limit: Limit::Num(limit),
                });
                holds
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
                let about = || About::Fact { fact: c.fact, actual: Value::Date(*a), op: c.op, limit: Limit::Date(*b) };
                self.say(holds, m, None, about);
                holds
            }
            (_, Operand::Codes(codes)) => {
                let Value::Text(t) = actual else { return Ok(Truth::No) };
                let holds = codes.iter().any(|c| c == t) == (c.op == Op::In);
                self.say(holds, m, None, || About::Fact {
                    fact: c.fact,
                    actual: Value::Text(t.clone()),
                    op: c.op,
                    limit: Limit::Codes(codes.clone()),
                });
                holds
            }
            (a, Operand::Value(b)) => {
                let holds = (a == b) == (c.op == Op::Eq);
                self.say(holds, m, None, || About::Fact {
                    fact: c.fact,
                    actual: a.clone(),
                    op: c.op,
                    limit: Limit::Value(b.clone()),
                });
                holds
            }
            (_, Operand::Param(_) | Operand::Expr(_)) => false,
        };
        Ok(Truth::of(holds))
    }

    /// A household formula, computed once per evaluation: the facts it found missing
    /// are named again wherever it is used.
    fn household_formula(&mut self, f: &Formula) -> Result<Option<f64>, EvalError> {
        if let Some((_, value, missing)) = self.formulas.iter().find(|(known, ..)| std::ptr::eq(*known, f)) {
            self.missing.extend_from_slice(missing);
            return Ok(*value);
        }
        let outer = std::mem::take(&mut self.missing);
        let value = self.expr(&f.value, None);
        let found = std::mem::replace(&mut self.missing, outer);
        let value = value?;
        self.missing.extend_from_slice(&found);
        self.formulas.push((f, value, found));
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
            Expr::Formula(f) if m.is_none() => self.household_formula(f)?,
            Expr::Formula(f) => self.expr(&f.value, m)?,
            Expr::Fact(f) => match self.stated(f, m).cloned().or_else(|| self.derived(f, m)) {
                Some(Value::Num(n)) => Some(n),
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
            Expr::If { cond, then, otherwise } => match self.condition(cond, m)? {
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
                    match self.condition(of, Some(i))? {
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
                    match self.condition(of, Some(i))? {
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
                // Piecewise linear through the points (x ascending), flat beyond the ends;
                // every point is computed, as every term of a sum is.
                let (mut before, mut y) = (None, None);
                for (px, py) in points {
                    let (Some(x1), Some(y1)) = (self.expr(px, m)?, self.expr(py, m)?) else { return Ok(None) };
                    if y.is_some() {
                        continue;
                    }
                    y = match before {
                        _ if x > x1 => {
                            before = Some((x1, y1));
                            None
                        }
                        Some((x0, y0)) if x1 != x0 => Some(y0 + (y1 - y0) * (x - x0) / (x1 - x0)),
                        _ => Some(y1),
                    };
                }
                y.or(before.map(|(_, y)| y))
            }
        })
    }
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

    static RULES: std::sync::LazyLock<Rulebook> = std::sync::LazyLock::new(|| Rulebook::parse(BOOK).unwrap());

    fn run(answers: serde_json::Value, date: &str) -> Vec<Outcome<'static>> {
        let s = serde_json::from_value::<Answers>(answers).unwrap().check().unwrap();
        evaluate(&RULES, &s, Date::parse(date).unwrap()).unwrap()
    }

    #[test]
    fn failing_conditions_say_by_how_much() {
        let out = run(json!({"household": {"isee": 12300}, "members": [{"age": 40}, {"age": 8}]}), "2026-03-01");
        assert_eq!(out[0].status, Status::NotEligible);
        let isee = out[0].reasons.iter().find(|r| r.fact() == "isee").unwrap();
        assert_eq!(isee.text(Lang::En), "ISEE €12,300 is €2,160 above the €10,140 threshold");
        assert_eq!(isee.text(Lang::It), "ISEE 12.300 € supera di 2.160 € la soglia di 10.140 €");
        assert_eq!(isee.gap, Some(2160.0));
        // The same reason as data, for whoever wants more than the sentence.
        let About::Fact { actual, op, limit, .. } = &isee.about else { panic!("{isee:?}") };
        assert_eq!((actual, op, limit), (&Value::Num(12300.0), &Op::Le, &Limit::Num(10140.0)));
        let members = out[0].reasons.iter().find(|r| r.fact() == "members").unwrap();
        assert!(matches!(members.about, About::Members { any: true, yes: 1, unknown: 0, n: 2, .. }), "{members:?}");
        assert_eq!(members.text(Lang::It), "Componenti con età < 18: 1");
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
        assert_eq!((out[0].status, out[0].missing.clone()), (Status::Unknown, vec!["members"]));
        // A member of unknown age: can't tell, unless another member decides it.
        let out = run(json!({"household": {"isee": 5000}, "members": [{"age": 30}, {}]}), "2026-01-01");
        assert_eq!((out[0].status, out[0].missing.clone()), (Status::Unknown, vec!["age"]));
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
            let explained = evaluate(&book, &s, date).unwrap();
            let decided = decide(&book, &s, date).unwrap();
            for (e, d) in explained.iter().zip(&decided) {
                assert!(d.reasons.is_empty());
                assert_eq!((&e.status, e.amount, &e.missing), (&d.status, d.amount, &d.missing));
            }
        }
    }

    #[test]
    fn conditions_on_members_read_as_people_would_say_them() {
        // A parameter is quoted at its value on the date, not by its name; counting the
        // members themselves needs no "with"; a condition on a relationship names those
        // members.
        let book = Rulebook::parse(
            r#"{"parameters": {"age_min": {"values": [{"from": "2025-01-01", "value": 65}, {"from": "2026-01-01", "value": 67}]}},
                "benefits": [
                  {"id": "elderly", "eligible_if": {"any_member": {"fact": "age", "op": ">=", "param": "age_min"}}},
                  {"id": "large", "eligible_if": {"count_members": {"all": []}, "op": ">=", "value": 3}},
                  {"id": "child", "eligible_if": {"any_member": {"fact": "relationship", "op": "=", "value": "child"}}},
                  {"id": "young", "eligible_if": {"any_member": {"all": [
                    {"fact": "relationship", "op": "=", "value": "child"}, {"fact": "age", "op": "<", "value": 21}]}}},
                  {"id": "pension", "eligible_if": {"any_member": {"all": [
                    {"fact": "relationship", "op": "=", "value": "applicant"}, {"fact": "employment", "op": "=", "value": "retired"}]}}}]}"#,
        )
        .unwrap();
        let s = serde_json::from_value::<Answers>(json!({"members": [
            {"relationship": "applicant", "age": 66, "employment": "retired"}, {"relationship": "spouse", "age": 30}]}))
        .unwrap()
        .check()
        .unwrap();
        let texts = |date: &str, lang| -> Vec<String> {
            let out = evaluate(&book, &s, Date::parse(date).unwrap()).unwrap();
            out.iter().map(|o| o.reasons[0].text(lang)).collect()
        };
        assert_eq!(
            texts("2025-06-01", Lang::It),
            [
                "Componenti con età ≥ 65: 1",
                "Componenti: 2 (richiesto ≥ 3)",
                "Nessun figlio o figlia",
                "Nessun figlio o figlia con età < 21",
                "Per chi chiede: condizione lavorativa: pensione"
            ]
        );
        assert_eq!(
            texts("2026-06-01", Lang::En),
            [
                "No member with age ≥ 67",
                "Members: 2 (required ≥ 3)",
                "No child",
                "No child with age < 21",
                "For the applicant: employment status: retired"
            ]
        );
        let unknown = serde_json::from_value::<Answers>(json!({"members": [{"age": 40}, {"age": 9}]})).unwrap();
        let out = evaluate(&book, &unknown.check().unwrap(), Date::parse("2026-06-01").unwrap()).unwrap();
        assert_eq!(out[3].reasons[0].text(Lang::It), "Figli con età < 21: 0 (1 da verificare)");
        assert_eq!(out[4].reasons[0].text(Lang::It), "Per chi chiede è da verificare: condizione lavorativa: pensione");
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
