//! Benefit rules as data. A rulebook (one JSON file) holds dated parameters and the
//! benefits' conditions and amounts; it is checked when loaded — unknown facts, facts
//! used out of their scope, type mismatches, unknown codes, operators and parameters —
//! and every problem names its line. `Rulebook::check_on` then says which parameters have
//! no value on an evaluation date.
//!
//! ```json
//! { "parameters": { "isee_max": { "values": [ { "from": "2025-01-01", "value": 10140 } ] } },
//!   "benefits": [ { "id": "example",
//!     "eligible_if": { "all": [
//!         { "fact": "isee", "op": "<=", "param": "isee_max" },
//!         { "count_members": { "fact": "age", "op": "<", "value": 18 }, "op": ">=", "value": 1 } ] },
//!     "amount": { "per": "month", "value": { "mul": [ 50, { "count_members": { "fact": "age", "op": "<", "value": 18 } } ] } } } ] }
//! ```

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use crate::date::Date;
use crate::facts::{fact, FactDef, Kind, Scope, Value};
use crate::json::{self, Json, Node};
use crate::Lang;

/// A comparison.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Op {
    Lt,
    Le,
    Gt,
    Ge,
    Eq,
    Ne,
    In,
    NotIn,
}

impl Op {
    fn parse(text: &str) -> Option<Op> {
        Some(match text {
            "<" => Op::Lt,
            "<=" => Op::Le,
            ">" => Op::Gt,
            ">=" => Op::Ge,
            "=" | "==" => Op::Eq,
            "!=" => Op::Ne,
            "in" => Op::In,
            "not_in" => Op::NotIn,
            _ => return None,
        })
    }

    pub fn symbol(self) -> &'static str {
        match self {
            Op::Lt => "<",
            Op::Le => "≤",
            Op::Gt => ">",
            Op::Ge => "≥",
            Op::Eq => "=",
            Op::Ne => "≠",
            Op::In => "∈",
            Op::NotIn => "∉",
        }
    }

    /// The comparison that holds exactly when this one does not.
    fn negated(self) -> Op {
        match self {
            Op::Lt => Op::Ge,
            Op::Le => Op::Gt,
            Op::Gt => Op::Le,
            Op::Ge => Op::Lt,
            Op::Eq => Op::Ne,
            Op::Ne => Op::Eq,
            Op::In => Op::NotIn,
            Op::NotIn => Op::In,
        }
    }

    pub fn holds(self, a: f64, b: f64) -> bool {
        match self {
            Op::Lt => a < b,
            Op::Le => a <= b,
            Op::Gt => a > b,
            Op::Ge => a >= b,
            Op::Eq | Op::In => (a - b).abs() < 1e-9,
            Op::Ne | Op::NotIn => (a - b).abs() >= 1e-9,
        }
    }
}

/// The right-hand side of a comparison.
#[derive(Clone, Debug, PartialEq)]
pub enum Operand {
    Value(Value),
    /// A number whose value depends on the date.
    Param(Arc<Parameter>),
    /// Codes, for `in` and `not_in` (shared with the reasons that quote them).
    Codes(Arc<[String]>),
    /// A computed limit (`"expr"`): the ADI's income ceiling is 6 500 € times its scale.
    Expr(Box<Expr>),
}

#[derive(Clone, Debug, PartialEq)]
pub struct Compare {
    pub fact: &'static FactDef,
    pub op: Op,
    pub rhs: Operand,
    pub line: u32,
}

/// A condition over the household, or (inside a member quantifier) over one member.
/// `not` is pushed down while loading, so it never needs evaluating.
#[derive(Clone, Debug, PartialEq)]
pub enum Condition {
    All(Vec<Condition>),
    Any(Vec<Condition>),
    Compare(Compare),
    // Shared (`Arc`): the reasons about the members quote the condition.
    AnyMember(Arc<MemberCondition>),
    AllMembers(Arc<MemberCondition>),
    CountMembers { of: Arc<MemberCondition>, op: Op, rhs: Operand },
}

impl Condition {
    /// Whether a comparison in it takes its limit from a parameter.
    fn quotes_parameter(&self) -> bool {
        match self {
            Condition::All(list) | Condition::Any(list) => list.iter().any(Condition::quotes_parameter),
            Condition::Compare(c) => matches!(c.rhs, Operand::Param(_)),
            Condition::CountMembers { rhs: Operand::Param(_), .. } => true,
            Condition::AnyMember(c) | Condition::AllMembers(c) | Condition::CountMembers { of: c, .. } => {
                c.of.quotes_parameter()
            }
        }
    }

    fn negated(self) -> Condition {
        match self {
            Condition::All(list) => Condition::Any(list.into_iter().map(Condition::negated).collect()),
            Condition::Any(list) => Condition::All(list.into_iter().map(Condition::negated).collect()),
            Condition::Compare(c) => Condition::Compare(Compare { op: c.op.negated(), ..c }),
            Condition::AnyMember(c) => {
                Condition::AllMembers(MemberCondition::new(Arc::unwrap_or_clone(c).of.negated()))
            }
            Condition::AllMembers(c) => {
                Condition::AnyMember(MemberCondition::new(Arc::unwrap_or_clone(c).of.negated()))
            }
            Condition::CountMembers { of, op, rhs } => Condition::CountMembers { of, op: op.negated(), rhs },
        }
    }
}

/// The condition a member quantifier checks on each member, described in both languages
/// once, at load: every household's reasons quote it. A condition that quotes a
/// parameter is described when shown, with the parameter's value on the date.
#[derive(Clone, Debug, PartialEq)]
pub struct MemberCondition {
    pub of: Condition,
    words: Words,
    /// When it starts with `relationship = …`: the members it is about (`child`) and what
    /// else it asks of them, so that reasons name them ("Nessun figlio o figlia con …").
    subject: Option<(&'static str, Condition, Words)>,
}

/// A condition in words, in both languages; `None` when it quotes a parameter.
#[derive(Clone, Debug, PartialEq)]
struct Words(Option<[String; 2]>);

impl Words {
    fn new(c: &Condition) -> Words {
        Words(
            (!c.quotes_parameter())
                .then(|| [crate::explain::describe(Lang::It, c, None), crate::explain::describe(Lang::En, c, None)]),
        )
    }

    fn get<'w>(&'w self, c: &Condition, lang: Lang, date: Date) -> Cow<'w, str> {
        match (&self.0, lang) {
            (Some(d), Lang::It) => Cow::Borrowed(&d[0]),
            (Some(d), Lang::En) => Cow::Borrowed(&d[1]),
            (None, _) => Cow::Owned(crate::explain::describe(lang, c, Some(date))),
        }
    }
}

impl MemberCondition {
    fn new(of: Condition) -> Arc<MemberCondition> {
        let subject = subject(&of).map(|(role, rest)| {
            let words = Words::new(&rest);
            (role, rest, words)
        });
        Arc::new(MemberCondition { words: Words::new(&of), of, subject })
    }

    /// `età < 18`, `disabilità certificata`, `età ≥ 65` (a parameter's value on `date`).
    pub fn described(&self, lang: Lang, date: Date) -> Cow<'_, str> {
        self.words.get(&self.of, lang, date)
    }

    /// The relationship the condition starts with (`child`), and the rest in words.
    pub fn subject(&self, lang: Lang, date: Date) -> Option<(&'static str, Cow<'_, str>)> {
        let (role, rest, words) = self.subject.as_ref()?;
        Some((role, words.get(rest, lang, date)))
    }
}

/// `relationship = child`, alone or first in an `all`: the code and the other parts.
fn subject(of: &Condition) -> Option<(&'static str, Condition)> {
    let role = |c: &Condition| match c {
        Condition::Compare(Compare { fact, op: Op::Eq, rhs: Operand::Value(Value::Text(code)), .. })
            if fact.name == "relationship" =>
        {
            crate::facts::RELATIONSHIPS.iter().find(|r| *r == code).copied()
        }
        _ => None,
    };
    match of {
        Condition::All(parts) => {
            let (first, rest) = parts.split_first()?;
            Some((role(first)?, Condition::All(rest.to_vec())))
        }
        c => Some((role(c)?, Condition::All(vec![]))),
    }
}

/// An amount in euros.
#[derive(Clone, Debug, PartialEq)]
pub enum Expr {
    Num(f64),
    Param(Arc<Parameter>),
    /// A formula of the rulebook.
    Formula(Arc<Formula>),
    /// A numeric fact (of the household, or also of the member inside `sum_members`).
    Fact(&'static FactDef),
    Add(Vec<Expr>),
    Sub(Box<Expr>, Box<Expr>),
    Div(Box<Expr>, Box<Expr>),
    Mul(Vec<Expr>),
    Min(Vec<Expr>),
    Max(Vec<Expr>),
    If {
        cond: Box<Condition>,
        then: Box<Expr>,
        otherwise: Box<Expr>,
    },
    CountMembers(Box<Condition>),
    SumMembers {
        of: Box<Condition>,
        value: Box<Expr>,
    },
    /// Piecewise linear through `points` (x ascending), flat beyond the ends.
    Interpolate {
        x: Box<Expr>,
        points: Vec<(Expr, Expr)>,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Period {
    Month,
    Year,
    Once,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Amount {
    pub value: Expr,
    pub per: Period,
}

#[derive(Clone, Debug, PartialEq)]
pub struct BenefitRule {
    pub id: String,
    pub line: u32,
    /// The measure exists only from/until these dates (inclusive).
    pub valid_from: Option<Date>,
    pub valid_until: Option<Date>,
    pub eligible_if: Condition,
    pub amount: Option<Amount>,
}

/// A parameter's values, each in force from its date until the next. The rules that
/// use it hold it (`Arc`), so evaluating never looks it up by name.
#[derive(Clone, Debug, PartialEq)]
pub struct Parameter {
    pub name: String,
    pub line: u32,
    pub values: Vec<(Date, f64)>,
}

impl Parameter {
    /// The value in force on `date`.
    pub fn on(&self, date: Date) -> Option<f64> {
        self.values.iter().rev().find(|(from, _)| *from <= date).map(|(_, v)| *v)
    }
}

/// A named amount used by several rules (`{"formula": "adi.ceiling"}`).
#[derive(Clone, Debug, PartialEq)]
pub struct Formula {
    pub name: String,
    pub value: Expr,
    /// What evaluating it once costs (see [`MAX_COST`]).
    pub cost: u64,
}

/// The most work one benefit (its condition and amount, formulas expanded) may take to
/// evaluate for one member, in expression nodes. A formula used twice by the next, and so
/// on, doubles at each step: such a rulebook is refused at load instead of evaluated.
pub const MAX_COST: u64 = 100_000;

/// A small rulebook to start from, shown to staff in the rules editor's guide (its test
/// cases are `cases::EXAMPLE`).
pub const EXAMPLE: &str = r#"{
  "parameters": {
    "isee_max": {
      "unit": "EUR",
      "source": "Delibera di Giunta n. … del …",
      "values": [{"from": "2025-01-01", "value": 10140}]
    }
  },
  "benefits": [
    {
      "id": "contributo_figli",
      "valid_from": "2025-01-01",
      "eligible_if": {"all": [
        {"fact": "isee", "op": "<=", "param": "isee_max"},
        {"any_member": {"fact": "age", "op": "<", "value": 18}}
      ]},
      "amount": {"per": "month", "value": {"mul": [50, {"count_members": {"fact": "age", "op": "<", "value": 18}}]}}
    }
  ]
}"#;

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Rulebook {
    pub parameters: BTreeMap<String, Arc<Parameter>>,
    /// Named amounts used by several rules (`{"formula": "adi.ceiling"}`), each defined
    /// before its first use.
    pub formulas: BTreeMap<String, Arc<Formula>>,
    pub benefits: Vec<BenefitRule>,
}

/// What is wrong with a rule file, and where.
#[derive(Clone, Debug, PartialEq)]
pub struct RuleError {
    pub line: u32,
    pub problem: Problem,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Problem {
    /// In English, then Italian.
    Syntax(String, String),
    /// An unknown key where `expected` keys may stand.
    UnknownKey {
        key: String,
        expected: &'static str,
    },
    Missing(&'static str),
    Expected(&'static str),
    UnknownFact {
        name: String,
        suggestion: Option<&'static str>,
    },
    /// A member fact outside a member quantifier, or a household one inside.
    WrongScope(&'static str),
    /// The value does not suit the fact (a number for a yes/no fact, …).
    TypeMismatch {
        fact: &'static str,
        expected: &'static str,
    },
    UnknownCode {
        fact: &'static str,
        code: String,
    },
    UnknownOperator(String),
    /// The operator does not suit the fact (`<` on a code).
    OperatorMismatch {
        fact: &'static str,
        op: String,
    },
    UnknownParameter(String),
    /// A formula not defined (before this use).
    UnknownFormula(String),
    NoValueOn {
        parameter: String,
        date: Date,
    },
    BadDate(String),
    DuplicateBenefit(String),
    /// Evaluating it would take more than [`MAX_COST`] steps (formulas expanded).
    TooCostly(String),
}

impl RuleError {
    /// The problem in words, line first.
    pub fn message(&self, lang: Lang) -> String {
        let it = lang == Lang::It;
        let what = match &self.problem {
            Problem::Syntax(en, it_text) => {
                if it {
                    format!("errore di sintassi JSON: {it_text}")
                } else {
                    format!("JSON syntax error: {en}")
                }
            }
            Problem::UnknownKey { key, expected } => {
                if it {
                    format!("chiave «{key}» sconosciuta (ammesse: {expected})")
                } else {
                    format!("unknown key `{key}` (allowed: {expected})")
                }
            }
            Problem::Missing(key) => {
                if it {
                    format!("manca «{key}»")
                } else {
                    format!("`{key}` is missing")
                }
            }
            Problem::Expected(what) => {
                if it {
                    format!("qui va {what}")
                } else {
                    format!("expected {what}")
                }
            }
            Problem::UnknownFact { name, suggestion } => {
                let hint =
                    suggestion.map(|s| if it { format!(" (forse «{s}»?)") } else { format!(" (did you mean `{s}`?)") });
                if it {
                    format!("dato «{name}» sconosciuto{}", hint.unwrap_or_default())
                } else {
                    format!("unknown fact `{name}`{}", hint.unwrap_or_default())
                }
            }
            Problem::WrongScope(name) => {
                if it {
                    format!("«{name}» è un dato del singolo componente: va dentro any_member, all_members, count_members o sum_members")
                } else {
                    format!("`{name}` belongs to one member: use it inside any_member, all_members, count_members or sum_members")
                }
            }
            Problem::TypeMismatch { fact, expected } => {
                if it {
                    format!("«{fact}» vuole {expected}")
                } else {
                    format!("`{fact}` takes {expected}")
                }
            }
            Problem::UnknownCode { fact, code } => {
                if it {
                    format!("«{code}» non è un valore di «{fact}»")
                } else {
                    format!("`{code}` is not a value of `{fact}`")
                }
            }
            Problem::UnknownOperator(op) => {
                if it {
                    format!("operatore «{op}» sconosciuto (<, <=, >, >=, =, !=, in, not_in)")
                } else {
                    format!("unknown operator `{op}` (<, <=, >, >=, =, !=, in, not_in)")
                }
            }
            Problem::OperatorMismatch { fact, op } => {
                if it {
                    format!("l'operatore «{op}» non si applica a «{fact}»")
                } else {
                    format!("operator `{op}` does not apply to `{fact}`")
                }
            }
            Problem::UnknownParameter(p) => {
                if it {
                    format!("parametro «{p}» non definito")
                } else {
                    format!("parameter `{p}` is not defined")
                }
            }
            Problem::UnknownFormula(f) => {
                if it {
                    format!("formula «{f}» non definita (le formule vanno definite prima di usarle)")
                } else {
                    format!("formula `{f}` is not defined (define formulas before using them)")
                }
            }
            Problem::NoValueOn { parameter, date } => {
                if it {
                    format!("il parametro «{parameter}» non ha un valore in vigore al {date}")
                } else {
                    format!("parameter `{parameter}` has no value in force on {date}")
                }
            }
            Problem::BadDate(d) => {
                if it {
                    format!("«{d}» non è una data AAAA-MM-GG")
                } else {
                    format!("`{d}` is not a YYYY-MM-DD date")
                }
            }
            Problem::DuplicateBenefit(id) => {
                if it {
                    format!("la misura «{id}» è definita due volte")
                } else {
                    format!("benefit `{id}` is defined twice")
                }
            }
            Problem::TooCostly(name) => {
                if it {
                    format!("«{name}» è troppo complessa da calcolare (oltre {MAX_COST} passi, contando le formule che usa): semplificala")
                } else {
                    format!("`{name}` is too complex to evaluate (over {MAX_COST} steps, counting the formulas it uses): simplify it")
                }
            }
        };
        if it {
            format!("riga {}: {what}", self.line)
        } else {
            format!("line {}: {what}", self.line)
        }
    }
}

type Res<T> = Result<T, RuleError>;

fn err<T>(line: u32, problem: Problem) -> Res<T> {
    Err(RuleError { line, problem })
}

impl Rulebook {
    /// Reads and checks a rule file.
    pub fn parse(text: &str) -> Res<Rulebook> {
        let root = json::parse(text)
            .map_err(|e| RuleError { line: e.line, problem: Problem::Syntax(e.message, e.message_it) })?;
        let members = object(&root, &["parameters", "formulas", "benefits"], "parameters, formulas, benefits")?;
        let mut book = Rulebook::default();
        if let Some(p) = get(members, "parameters") {
            for (name, node) in object(p, &[], "")? {
                book.parameters.insert(name.clone(), Arc::new(parameter(name, node)?));
            }
        }
        if let Some(f) = get(members, "formulas") {
            // A formula may use another written after it (keys have no order), but never
            // itself, even through others: each pass adds those whose formulas are known;
            // what no pass can add names an unknown formula or is part of a cycle.
            let mut pending: Vec<&(String, Node)> = object(f, &[], "")?.iter().collect();
            while !pending.is_empty() {
                let before = pending.len();
                let mut last_error = None;
                let mut too_costly = None;
                pending.retain(|(name, node)| match expr(node, &book, Scope::Household) {
                    Ok(value) if value.cost() > MAX_COST => {
                        too_costly = Some(RuleError { line: node.line, problem: Problem::TooCostly(name.clone()) });
                        true
                    }
                    Ok(value) => {
                        let cost = value.cost();
                        book.formulas.insert(name.clone(), Arc::new(Formula { name: name.clone(), value, cost }));
                        false
                    }
                    Err(e) => {
                        last_error = Some(e);
                        true
                    }
                });
                if let Some(e) = too_costly {
                    return Err(e);
                }
                if pending.len() == before {
                    return Err(last_error.unwrap_or(RuleError { line: f.line, problem: Problem::Expected("{ … }") }));
                }
            }
        }
        let benefits =
            get(members, "benefits").ok_or(RuleError { line: root.line, problem: Problem::Missing("benefits") })?;
        let Json::Arr(list) = &benefits.value else { return err(benefits.line, Problem::Expected("[ … ]")) };
        for node in list {
            let b = benefit(node, &book)?;
            let cost = b.eligible_if.cost().saturating_add(b.amount.as_ref().map_or(0, |a| a.value.cost()));
            if cost > MAX_COST {
                return err(b.line, Problem::TooCostly(b.id));
            }
            if book.benefits.iter().any(|o| o.id == b.id) {
                return err(b.line, Problem::DuplicateBenefit(b.id));
            }
            book.benefits.push(b);
        }
        Ok(book)
    }

    /// The parameters with no value in force on `date` (each names its line).
    pub fn check_on(&self, date: Date) -> Vec<RuleError> {
        self.parameters
            .iter()
            .filter(|(_, p)| p.on(date).is_none())
            .map(|(name, p)| RuleError { line: p.line, problem: Problem::NoValueOn { parameter: name.clone(), date } })
            .collect()
    }

    pub fn benefit(&self, id: &str) -> Option<&BenefitRule> {
        self.benefits.iter().find(|b| b.id == id)
    }

    /// Every fact some benefit's condition or amount reads (through formulas too).
    pub fn facts_used(&self) -> BTreeSet<&'static str> {
        let mut out = BTreeSet::new();
        for f in self.formulas.values() {
            f.value.facts(&mut out);
        }
        for b in &self.benefits {
            b.eligible_if.facts(&mut out);
            if let Some(a) = &b.amount {
                a.value.facts(&mut out);
            }
        }
        out
    }
}

impl Condition {
    /// Its evaluation cost in nodes, formulas expanded (saturating).
    fn cost(&self) -> u64 {
        let operand = |o: &Operand| if let Operand::Expr(e) = o { e.cost() } else { 1 };
        1u64.saturating_add(match self {
            Condition::All(list) | Condition::Any(list) => {
                list.iter().map(Condition::cost).fold(0, u64::saturating_add)
            }
            Condition::Compare(c) => operand(&c.rhs),
            Condition::AnyMember(c) | Condition::AllMembers(c) => c.of.cost(),
            Condition::CountMembers { of, rhs, .. } => of.of.cost().saturating_add(operand(rhs)),
        })
    }

    fn facts(&self, out: &mut BTreeSet<&'static str>) {
        match self {
            Condition::All(list) | Condition::Any(list) => list.iter().for_each(|c| c.facts(out)),
            Condition::Compare(c) => {
                out.insert(c.fact.name);
                if let Operand::Expr(e) = &c.rhs {
                    e.facts(out);
                }
            }
            Condition::AnyMember(c) | Condition::AllMembers(c) => c.of.facts(out),
            Condition::CountMembers { of, rhs, .. } => {
                of.of.facts(out);
                if let Operand::Expr(e) = rhs {
                    e.facts(out);
                }
            }
        }
    }
}

impl Expr {
    /// Its evaluation cost in nodes, a formula counting what its own expansion costs.
    fn cost(&self) -> u64 {
        let sum = |list: &[Expr]| list.iter().map(Expr::cost).fold(0, u64::saturating_add);
        1u64.saturating_add(match self {
            Expr::Num(_) | Expr::Param(_) | Expr::Fact(_) => 0,
            Expr::Formula(f) => f.cost,
            Expr::Add(list) | Expr::Mul(list) | Expr::Min(list) | Expr::Max(list) => sum(list),
            Expr::Sub(a, b) | Expr::Div(a, b) => a.cost().saturating_add(b.cost()),
            Expr::If { cond, then, otherwise } => {
                cond.cost().saturating_add(then.cost()).saturating_add(otherwise.cost())
            }
            Expr::CountMembers(c) => c.cost(),
            Expr::SumMembers { of, value } => of.cost().saturating_add(value.cost()),
            Expr::Interpolate { x, points } => {
                points.iter().map(|(a, b)| a.cost().saturating_add(b.cost())).fold(x.cost(), u64::saturating_add)
            }
        })
    }

    fn facts(&self, out: &mut BTreeSet<&'static str>) {
        match self {
            Expr::Num(_) | Expr::Param(_) | Expr::Formula(_) => {}
            Expr::Fact(f) => {
                out.insert(f.name);
            }
            Expr::Add(list) | Expr::Mul(list) | Expr::Min(list) | Expr::Max(list) => {
                list.iter().for_each(|e| e.facts(out))
            }
            Expr::Sub(a, b) | Expr::Div(a, b) => {
                a.facts(out);
                b.facts(out);
            }
            Expr::If { cond, then, otherwise } => {
                cond.facts(out);
                then.facts(out);
                otherwise.facts(out);
            }
            Expr::CountMembers(c) => c.facts(out),
            Expr::SumMembers { of, value } => {
                of.facts(out);
                value.facts(out);
            }
            Expr::Interpolate { x, points } => {
                x.facts(out);
                for (a, b) in points {
                    a.facts(out);
                    b.facts(out);
                }
            }
        }
    }
}

fn get<'a>(members: &'a [(String, Node)], key: &str) -> Option<&'a Node> {
    members.iter().find(|(k, _)| k == key).map(|(_, v)| v)
}

/// The members of an object whose keys are all in `allowed` (any key when empty).
fn object<'a>(node: &'a Node, allowed: &[&str], listed: &'static str) -> Res<&'a [(String, Node)]> {
    let Json::Obj(members) = &node.value else { return err(node.line, Problem::Expected("{ … }")) };
    if !allowed.is_empty() {
        if let Some((key, value)) = members.iter().find(|(k, _)| !allowed.contains(&k.as_str())) {
            return err(value.line, Problem::UnknownKey { key: key.clone(), expected: listed });
        }
    }
    Ok(members)
}

fn string(node: &Node) -> Res<&str> {
    match &node.value {
        Json::Str(s) => Ok(s),
        _ => err(node.line, Problem::Expected("\"…\"")),
    }
}

fn number(node: &Node) -> Res<f64> {
    match node.value {
        Json::Num(n) => Ok(n),
        _ => err(node.line, Problem::Expected("a number")),
    }
}

fn date(node: &Node) -> Res<Date> {
    let text = string(node)?;
    Date::parse(text).ok_or(RuleError { line: node.line, problem: Problem::BadDate(text.to_string()) })
}

fn parameter(name: &str, node: &Node) -> Res<Parameter> {
    let members = object(node, &["values", "unit", "source", "description"], "values, unit, source, description")?;
    let values = get(members, "values").ok_or(RuleError { line: node.line, problem: Problem::Missing("values") })?;
    let Json::Arr(list) = &values.value else { return err(values.line, Problem::Expected("[ … ]")) };
    let mut out = Vec::with_capacity(list.len());
    for v in list {
        let m = object(v, &["from", "value", "source"], "from, value, source")?;
        let from = get(m, "from").ok_or(RuleError { line: v.line, problem: Problem::Missing("from") })?;
        let value = get(m, "value").ok_or(RuleError { line: v.line, problem: Problem::Missing("value") })?;
        out.push((date(from)?, number(value)?));
    }
    out.sort_by_key(|(d, _)| *d);
    Ok(Parameter { name: name.to_string(), line: node.line, values: out })
}

const BENEFIT_KEYS: &[&str] = &["id", "valid_from", "valid_until", "eligible_if", "amount", "note"];

fn benefit(node: &Node, book: &Rulebook) -> Res<BenefitRule> {
    let m = object(node, BENEFIT_KEYS, "id, valid_from, valid_until, eligible_if, amount, note")?;
    let id = get(m, "id").ok_or(RuleError { line: node.line, problem: Problem::Missing("id") })?;
    let cond = get(m, "eligible_if").ok_or(RuleError { line: node.line, problem: Problem::Missing("eligible_if") })?;
    let amount = match get(m, "amount") {
        None => None,
        Some(a) => {
            let am = object(a, &["value", "per"], "value, per")?;
            let value = get(am, "value").ok_or(RuleError { line: a.line, problem: Problem::Missing("value") })?;
            let per = get(am, "per").ok_or(RuleError { line: a.line, problem: Problem::Missing("per") })?;
            let per = match string(per)? {
                "month" => Period::Month,
                "year" => Period::Year,
                "once" => Period::Once,
                _ => return err(per.line, Problem::Expected("\"month\", \"year\" or \"once\"")),
            };
            Some(Amount { value: expr(value, book, Scope::Household)?, per })
        }
    };
    Ok(BenefitRule {
        id: string(id)?.to_string(),
        line: node.line,
        valid_from: get(m, "valid_from").map(date).transpose()?,
        valid_until: get(m, "valid_until").map(date).transpose()?,
        eligible_if: condition(cond, book, Scope::Household)?,
        amount,
    })
}

const CONDITION_KEYS: &str = "all, any, not, fact, any_member, all_members, count_members";

fn list<T>(node: &Node, each: impl Fn(&Node) -> Res<T>) -> Res<Vec<T>> {
    match &node.value {
        Json::Arr(items) if !items.is_empty() => items.iter().map(each).collect(),
        _ => err(node.line, Problem::Expected("[ … ]")),
    }
}

fn condition(node: &Node, book: &Rulebook, scope: Scope) -> Res<Condition> {
    let Json::Obj(m) = &node.value else { return err(node.line, Problem::Expected("{ … }")) };
    let kind = ["all", "any", "not", "fact", "any_member", "all_members", "count_members"]
        .into_iter()
        .find(|k| get(m, k).is_some())
        .ok_or(RuleError { line: node.line, problem: Problem::Expected(CONDITION_KEYS) })?;
    let member = |inner: &Node| -> Res<Arc<MemberCondition>> {
        if scope == Scope::Member {
            return err(inner.line, Problem::Expected("a condition on the member (no nested member quantifier)"));
        }
        Ok(MemberCondition::new(condition(inner, book, Scope::Member)?))
    };
    let allowed: Vec<&str> = match kind {
        "fact" => vec!["fact", "op", "value", "param", "expr"],
        "count_members" => vec!["count_members", "op", "value", "param", "expr"],
        k => vec![k],
    };
    object(node, &allowed, CONDITION_KEYS)?;
    let inner = get(m, kind).ok_or(RuleError { line: node.line, problem: Problem::Missing("condition") })?;
    Ok(match kind {
        // `"all": []` holds always: `count_members` of it counts everyone.
        "all" if matches!(&inner.value, Json::Arr(items) if items.is_empty()) => Condition::All(vec![]),
        "all" => Condition::All(list(inner, |n| condition(n, book, scope))?),
        "any" => Condition::Any(list(inner, |n| condition(n, book, scope))?),
        "not" => condition(inner, book, scope)?.negated(),
        "any_member" => Condition::AnyMember(member(inner)?),
        "all_members" => Condition::AllMembers(member(inner)?),
        "count_members" => {
            let of = member(inner)?;
            let (op, rhs) = comparison(node, m, book, None)?;
            Condition::CountMembers { of, op, rhs }
        }
        _ => Condition::Compare(compare(node, m, book, scope)?),
    })
}

fn fact_named(node: &Node, scope: Scope) -> Res<&'static FactDef> {
    let name = string(node)?;
    let Some(def) = fact(name) else {
        let suggestion = crate::facts::FACTS.iter().map(|f| f.name).find(|f| similar(f, name));
        return err(node.line, Problem::UnknownFact { name: name.to_string(), suggestion });
    };
    // Household facts are the same for every member; member facts need a member.
    if def.scope == Scope::Member && scope == Scope::Household {
        return err(node.line, Problem::WrongScope(def.name));
    }
    Ok(def)
}

/// Close enough to be a typo: one contains the other, or they differ by one letter.
fn similar(a: &str, b: &str) -> bool {
    if a.contains(b) || b.contains(a) {
        return true;
    }
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    a.len() == b.len() && a.iter().zip(&b).filter(|(x, y)| x != y).count() == 1
}

fn compare(node: &Node, m: &[(String, Node)], book: &Rulebook, scope: Scope) -> Res<Compare> {
    let fact_node = get(m, "fact").ok_or(RuleError { line: node.line, problem: Problem::Missing("fact") })?;
    let def = fact_named(fact_node, scope)?;
    let (op, rhs) = comparison(node, m, book, Some(def))?;
    Ok(Compare { fact: def, op, rhs, line: node.line })
}

/// `op` and `value` or `param`, checked against the fact (`None`: a count of members).
fn comparison(node: &Node, m: &[(String, Node)], book: &Rulebook, def: Option<&'static FactDef>) -> Res<(Op, Operand)> {
    let op_node = get(m, "op").ok_or(RuleError { line: node.line, problem: Problem::Missing("op") })?;
    let op_text = string(op_node)?;
    let op = Op::parse(op_text)
        .ok_or(RuleError { line: op_node.line, problem: Problem::UnknownOperator(op_text.into()) })?;
    let numeric = def.is_none_or(FactDef::is_numeric);
    let name = def.map_or("count_members", |d| d.name);
    let ordered = matches!(op, Op::Lt | Op::Le | Op::Gt | Op::Ge);
    let set = matches!(op, Op::In | Op::NotIn);
    let codes = def.is_some_and(|d| matches!(d.kind, Kind::Code(_) | Kind::Text));
    if (ordered && !numeric && !def.is_some_and(|d| d.kind == Kind::Date)) || (set && !codes) {
        return err(op_node.line, Problem::OperatorMismatch { fact: name, op: op_text.into() });
    }
    if let Some(e) = get(m, "expr") {
        if get(m, "value").is_some() || get(m, "param").is_some() {
            return err(e.line, Problem::Expected("one of value, param, expr"));
        }
        if !numeric {
            return err(e.line, Problem::TypeMismatch { fact: name, expected: "a value, not an expression" });
        }
        return Ok((op, Operand::Expr(Box::new(expr(e, book, Scope::Household)?))));
    }
    match (get(m, "value"), get(m, "param")) {
        (Some(_), Some(p)) => err(p.line, Problem::Expected("one of value, param, expr")),
        (None, None) => err(node.line, Problem::Missing("value")),
        (None, Some(p)) => {
            let p_name = string(p)?;
            if !numeric {
                return err(p.line, Problem::TypeMismatch { fact: name, expected: "a value, not a parameter" });
            }
            let Some(param) = book.parameters.get(p_name) else {
                return err(p.line, Problem::UnknownParameter(p_name.into()));
            };
            Ok((op, Operand::Param(param.clone())))
        }
        (Some(v), None) => {
            if set {
                let Json::Arr(items) = &v.value else { return err(v.line, Problem::Expected("[ \"…\" ]")) };
                let mut out = Vec::new();
                for item in items {
                    out.push(code_of(item, def)?);
                }
                return Ok((op, Operand::Codes(out.into())));
            }
            let value = match def {
                None => Value::Num(number(v)?),
                Some(d) => literal(v, d)?,
            };
            Ok((op, Operand::Value(value)))
        }
    }
}

fn code_of(node: &Node, def: Option<&'static FactDef>) -> Res<String> {
    let code = string(node)?;
    if let Some(d) = def {
        if let Kind::Code(codes) = d.kind {
            if !codes.contains(&code) {
                return err(node.line, Problem::UnknownCode { fact: d.name, code: code.into() });
            }
        }
    }
    Ok(code.to_string())
}

/// A literal value for fact `def`.
fn literal(node: &Node, def: &'static FactDef) -> Res<Value> {
    let mismatch =
        |expected| RuleError { line: node.line, problem: Problem::TypeMismatch { fact: def.name, expected } };
    match (def.kind, &node.value) {
        (Kind::Number { .. } | Kind::Money, Json::Num(n)) => Ok(Value::Num(*n)),
        (Kind::Number { .. } | Kind::Money, _) => Err(mismatch("a number")),
        (Kind::Bool, Json::Bool(b)) => Ok(Value::Bool(*b)),
        (Kind::Bool, _) => Err(mismatch("true or false")),
        (Kind::Code(_), Json::Str(_)) => Ok(Value::Text(code_of(node, Some(def))?)),
        (Kind::Text, Json::Str(s)) => Ok(Value::Text(s.clone())),
        (Kind::Code(_) | Kind::Text, _) => Err(mismatch("a quoted code")),
        (Kind::Date, Json::Str(_)) => Ok(Value::Date(date(node)?)),
        (Kind::Date, _) => Err(mismatch("a YYYY-MM-DD date")),
    }
}

const EXPR_KEYS: &str =
    "param, formula, fact, add, sub, mul, div, min, max, if, count_members, sum_members, interpolate";

fn expr(node: &Node, book: &Rulebook, scope: Scope) -> Res<Expr> {
    let m = match &node.value {
        Json::Num(n) => return Ok(Expr::Num(*n)),
        Json::Obj(m) => m,
        _ => return err(node.line, Problem::Expected("a number or { … }")),
    };
    // The operator is whichever key names one, wherever it stands: a JSON object has no
    // order, and a rulebook re-serialized (keys sorted) must read the same.
    let (key, inner) = m
        .iter()
        .find(|(k, _)| EXPR_KEYS.split(", ").any(|op| op == k))
        .or(m.first())
        .ok_or(RuleError { line: node.line, problem: Problem::Expected(EXPR_KEYS) })?;
    let exprs = |n: &Node| list(n, |e| expr(e, book, scope));
    let only = |keys: &[&str]| object(node, keys, EXPR_KEYS).map(drop);
    Ok(match key.as_str() {
        "param" => {
            only(&["param"])?;
            let name = string(inner)?;
            let Some(param) = book.parameters.get(name) else {
                return err(inner.line, Problem::UnknownParameter(name.into()));
            };
            Expr::Param(param.clone())
        }
        "formula" => {
            only(&["formula"])?;
            let name = string(inner)?;
            let Some(formula) = book.formulas.get(name) else {
                return err(inner.line, Problem::UnknownFormula(name.into()));
            };
            Expr::Formula(formula.clone())
        }
        "fact" => {
            only(&["fact"])?;
            let def = fact_named(inner, scope)?;
            if !def.is_numeric() {
                return err(inner.line, Problem::TypeMismatch { fact: def.name, expected: "to be a number here" });
            }
            Expr::Fact(def)
        }
        "add" => {
            only(&["add"])?;
            Expr::Add(exprs(inner)?)
        }
        "mul" => {
            only(&["mul"])?;
            Expr::Mul(exprs(inner)?)
        }
        "min" => {
            only(&["min"])?;
            Expr::Min(exprs(inner)?)
        }
        "max" => {
            only(&["max"])?;
            Expr::Max(exprs(inner)?)
        }
        "sub" | "div" => {
            only(&[key.as_str()])?;
            let mut two = exprs(inner)?;
            if two.len() != 2 {
                return err(inner.line, Problem::Expected("[a, b]"));
            }
            let b = two.pop().ok_or(RuleError { line: inner.line, problem: Problem::Expected("[a, b]") })?;
            let a = two.pop().ok_or(RuleError { line: inner.line, problem: Problem::Expected("[a, b]") })?;
            if key == "sub" {
                Expr::Sub(Box::new(a), Box::new(b))
            } else {
                Expr::Div(Box::new(a), Box::new(b))
            }
        }
        "if" => {
            only(&["if", "then", "else"])?;
            let then = get(m, "then").ok_or(RuleError { line: node.line, problem: Problem::Missing("then") })?;
            let otherwise = get(m, "else").ok_or(RuleError { line: node.line, problem: Problem::Missing("else") })?;
            Expr::If {
                cond: Box::new(condition(inner, book, scope)?),
                then: Box::new(expr(then, book, scope)?),
                otherwise: Box::new(expr(otherwise, book, scope)?),
            }
        }
        "count_members" | "sum_members" if scope == Scope::Member => {
            return err(node.line, Problem::Expected("an expression on the member (no nested member quantifier)"))
        }
        "count_members" => {
            only(&["count_members"])?;
            Expr::CountMembers(Box::new(condition(inner, book, Scope::Member)?))
        }
        "sum_members" => {
            only(&["sum_members", "value"])?;
            let value = get(m, "value").ok_or(RuleError { line: node.line, problem: Problem::Missing("value") })?;
            Expr::SumMembers {
                of: Box::new(condition(inner, book, Scope::Member)?),
                value: Box::new(expr(value, book, Scope::Member)?),
            }
        }
        "interpolate" => {
            only(&["interpolate", "points"])?;
            let points = get(m, "points").ok_or(RuleError { line: node.line, problem: Problem::Missing("points") })?;
            let points = list(points, |p| match &p.value {
                Json::Arr(xy) if xy.len() == 2 => Ok((expr(&xy[0], book, scope)?, expr(&xy[1], book, scope)?)),
                _ => err(p.line, Problem::Expected("[x, y]")),
            })?;
            Expr::Interpolate { x: Box::new(expr(inner, book, scope)?), points }
        }
        other => return err(node.line, Problem::UnknownKey { key: other.into(), expected: EXPR_KEYS }),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn problem(text: &str) -> (u32, String) {
        let e = Rulebook::parse(text).unwrap_err();
        (e.line, e.message(Lang::En))
    }

    #[test]
    fn mistakes_point_at_their_line() {
        let head = "{\n\"parameters\": {\"max\": {\"values\": [{\"from\": \"2025-01-01\", \"value\": 10140}]}},\n\"benefits\": [{\"id\": \"x\",\n\"eligible_if\":\n";
        let (line, msg) =
            problem(&format!("{head}{{\"fact\": \"isee_value\", \"op\": \"<=\", \"param\": \"max\"}}}}]}}"));
        assert_eq!((line, msg.as_str()), (5, "line 5: unknown fact `isee_value` (did you mean `isee`?)"));
        let (line, msg) = problem(&format!("{head}{{\"fact\": \"isee\", \"op\": \"<=\", \"param\": \"min\"}}}}]}}"));
        assert_eq!((line, msg.as_str()), (5, "line 5: parameter `min` is not defined"));
        let (line, msg) = problem(&format!("{head}{{\"fact\": \"isee_current\", \"op\": \"=\", \"value\": 1}}}}]}}"));
        assert_eq!((line, msg.as_str()), (5, "line 5: `isee_current` takes true or false"));
        let (_, msg) = problem(&format!("{head}{{\"fact\": \"age\", \"op\": \">=\", \"value\": 60}}}}]}}"));
        assert!(msg.contains("belongs to one member"), "{msg}");
        let (_, msg) =
            problem(&format!("{head}{{\"fact\": \"housing_tenure\", \"op\": \"in\", \"value\": [\"castle\"]}}}}]}}"));
        assert!(msg.contains("`castle` is not a value of `housing_tenure`"), "{msg}");
        let (_, msg) =
            problem(&format!("{head}{{\"fact\": \"housing_tenure\", \"op\": \"<\", \"value\": \"rent\"}}}}]}}"));
        assert!(msg.contains("does not apply"), "{msg}");
        let (line, _) = problem(&format!("{head}{{\"fact\": \"isee\", \"op\": \"<=\", \"value\": 1,}}}}]}}"));
        assert_eq!(line, 5, "syntax errors too");
        let italian = Rulebook::parse("{\n  \"benefits\": [,]\n}").unwrap_err().message(Lang::It);
        assert_eq!(italian, "riga 2: errore di sintassi JSON: qui va un valore");
        let e =
            Rulebook::parse(&format!("{head}{{\"fact\": \"isee\", \"op\": \"<=\", \"param\": \"max\"}}}}]}}")).unwrap();
        let missing = e.check_on(Date::parse("2024-06-01").unwrap());
        assert_eq!(missing[0].message(Lang::It), "riga 2: il parametro «max» non ha un valore in vigore al 2024-06-01");
        assert!(e.check_on(Date::parse("2026-06-01").unwrap()).is_empty());
    }

    /// Each formula adds the previous one to itself: 2^40 steps if evaluated. Refused at
    /// load, naming the first formula over the limit, whether the doubling is in formulas
    /// or written out in one benefit; a rulebook just under the limit still loads.
    #[test]
    fn exponential_rulebooks_are_refused_at_load() {
        let mut formulas =
            vec![r#""f0": {"sum_members": {"fact": "age", "op": ">=", "value": 0}, "value": {"fact": "age"}}"#
                .to_string()];
        for k in 1..=40 {
            formulas.push(format!(r#""f{k}": {{"add": [{{"formula": "f{}"}}, {{"formula": "f{}"}}]}}"#, k - 1, k - 1));
        }
        let book = format!(
            r#"{{"formulas": {{{}}}, "benefits": [{{"id": "b", "eligible_if": {{"fact": "isee", "op": "<=", "value": 1}},
               "amount": {{"per": "month", "value": {{"formula": "f40"}}}}}}]}}"#,
            formulas.join(", ")
        );
        let started = std::time::Instant::now();
        let e = Rulebook::parse(&book).unwrap_err();
        assert_eq!(e.problem, Problem::TooCostly("f14".into()), "{}", e.message(Lang::En));
        assert!(e.message(Lang::It).contains("troppo complessa"), "{}", e.message(Lang::It));
        assert!(started.elapsed() < std::time::Duration::from_secs(5), "loading itself stays linear");
        // Up to f12 (a few thousand steps) is fine, and evaluates.
        let small = book.replace(r#"{"formula": "f40"}"#, r#"{"formula": "f12"}"#);
        let cut: Vec<&str> = formulas.iter().take(13).map(String::as_str).collect();
        let small = small.replacen(&formulas.join(", "), &cut.join(", "), 1);
        assert!(Rulebook::parse(&small).is_ok());
    }

    #[test]
    fn key_order_does_not_matter() {
        // What `serde_json::Value` gives back: keys sorted, `else` before `if`.
        let sorted = r#"{"benefits": [{"amount": {"per": "month", "value": {"else": 0, "if":
            {"fact": "isee", "op": "<", "value": 1000}, "then": 50}}, "eligible_if": {"all": []}, "id": "x"}]}"#;
        let book = Rulebook::parse(sorted).unwrap();
        assert!(matches!(book.benefits[0].amount.as_ref().map(|a| &a.value), Some(Expr::If { .. })));
        // A formula may use one written after it, but not itself, even in a loop.
        let later = r#"{"formulas": {"a": {"formula": "b"}, "b": {"add": [1, 2]}}, "benefits": []}"#;
        assert_eq!(Rulebook::parse(later).unwrap().formulas.len(), 2);
        let cycle = r#"{"formulas": {"a": {"formula": "b"},
            "b": {"formula": "a"}}, "benefits": []}"#;
        assert!(matches!(problem(cycle), (1 | 2, m) if m.contains("formula")));
    }

    #[test]
    fn not_is_pushed_down() {
        let book = Rulebook::parse(
            r#"{"benefits": [{"id": "x", "eligible_if": {"not": {"any": [
                {"fact": "receives_income_support", "op": "=", "value": true},
                {"any_member": {"fact": "age", "op": "<", "value": 18}}]}}}]}"#,
        )
        .unwrap();
        let Condition::All(parts) = &book.benefits[0].eligible_if else { panic!("not an all") };
        assert!(matches!(&parts[0], Condition::Compare(c) if c.op == Op::Ne));
        assert!(
            matches!(&parts[1], Condition::AllMembers(c) if matches!(&c.of, Condition::Compare(c) if c.op == Op::Ge))
        );
    }
}
