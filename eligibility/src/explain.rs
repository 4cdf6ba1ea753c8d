//! Reasons in words, in Italian or English: "ISEE 12.300 € supera di 2.160 € la soglia
//! di 10.140 €". Kept in the engine so that the widget and the server say the same thing.

use std::sync::Arc;

use crate::date::Date;
use crate::facts::{FactDef, Kind, Value};
use crate::rules::{Condition, MemberCondition, Op};
use crate::Lang;

/// What a fact was compared with.
#[derive(Clone, Debug, PartialEq)]
pub enum Limit {
    Num(f64),
    Date(Date),
    Codes(Arc<[String]>),
    Value(Value),
}

/// `12.300 €` / `€12,300`; cents only when there are some.
pub fn money(lang: Lang, x: f64) -> String {
    let mut out = String::with_capacity(20);
    if lang == Lang::En {
        out.push('€');
    }
    push_number(&mut out, lang, x);
    if lang == Lang::It {
        out.push_str(" €");
    }
    out
}

/// A number with the language's separators: `12.300,5` / `12,300.5`.
pub fn number(lang: Lang, x: f64) -> String {
    let mut out = String::with_capacity(16);
    push_number(&mut out, lang, x);
    out
}

/// `number`, written at the end of `out` (reasons are written by the thousand).
fn push_number(out: &mut String, lang: Lang, x: f64) {
    let (group, decimal) = match lang {
        Lang::It => ('.', ','),
        Lang::En => (',', '.'),
    };
    if x < 0.0 {
        out.push('-');
    }
    let cents = (x.abs() * 100.0).round() as u64;
    let (mut units, fraction) = (cents / 100, cents % 100);
    let mut digits = [0u8; 20];
    let mut len = 0;
    loop {
        digits[len] = (units % 10) as u8;
        len += 1;
        units /= 10;
        if units == 0 {
            break;
        }
    }
    for i in (0..len).rev() {
        out.push(char::from(b'0' + digits[i]));
        if i > 0 && i % 3 == 0 {
            out.push(group);
        }
    }
    if fraction > 0 {
        out.push(decimal);
        let (tenths, hundredths) = ((fraction / 10) as u8, (fraction % 10) as u8);
        out.push(char::from(b'0' + tenths));
        // 12.300,5 € reads oddly for money: two decimals from one euro up.
        if hundredths > 0 || x.abs() >= 1.0 {
            out.push(char::from(b'0' + hundredths));
        }
    }
}

fn amount(lang: Lang, fact: &FactDef, x: f64) -> String {
    if fact.kind == Kind::Money {
        money(lang, x)
    } else {
        number(lang, x)
    }
}

/// A code as people read it.
pub fn code_label(lang: Lang, code: &str) -> String {
    let it = lang == Lang::It;
    let label = match code {
        "owner" => ("di proprietà", "owned"),
        "rent" => ("in affitto", "rented"),
        "public_housing" => ("una casa popolare", "public housing"),
        "free_use" => ("in uso gratuito da parenti o altri", "lent free of charge"),
        "homeless" => ("non ho una casa", "I have no home"),
        "applicant" => ("sono io", "that is me"),
        "spouse" => ("coniuge", "spouse"),
        "child" => ("figlio o figlia", "child"),
        "parent" => ("genitore", "parent"),
        "sibling" => ("fratello o sorella", "sibling"),
        "italian" => ("italiana", "Italian"),
        "eu" => ("di un paese UE", "EU"),
        "non_eu_long_term" => ("permesso UE di lungo periodo", "EU long-term permit"),
        "non_eu_permit" => ("altro permesso di soggiorno", "other residence permit"),
        "protection" => ("protezione internazionale", "international protection"),
        "employed" => ("lavoro dipendente", "employed"),
        "self_employed" => ("lavoro autonomo", "self-employed"),
        "unemployed" => ("disoccupazione", "unemployed"),
        "student" => ("studio", "student"),
        "retired" => ("pensione", "retired"),
        "homemaker" => ("casalinga/o", "homemaker"),
        "other" => ("altro", "other"),
        other => return other.to_string(),
    };
    if it { label.0 } else { label.1 }.to_string()
}

fn yes_no(lang: Lang, b: bool) -> &'static str {
    match (lang, b) {
        (Lang::It, true) => "sì",
        (Lang::It, false) => "no",
        (Lang::En, true) => "yes",
        (Lang::En, false) => "no",
    }
}

fn show(lang: Lang, fact: &FactDef, v: &Value) -> String {
    match v {
        Value::Num(n) => amount(lang, fact, *n),
        Value::Bool(b) => yes_no(lang, *b).to_string(),
        Value::Text(t) => code_label(lang, t),
        Value::Date(d) => d.to_string(),
    }
}

fn either(lang: Lang, codes: &[String]) -> String {
    let or = if lang == Lang::It { " o " } else { " or " };
    codes.iter().map(|c| code_label(lang, c)).collect::<Vec<_>>().join(or)
}

fn lower_first(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) if !s.starts_with("ISEE") => f.to_lowercase().chain(c).collect(),
        _ => s.to_string(),
    }
}

/// One comparison of a fact, in words.
#[allow(clippy::too_many_arguments)] // one per part of the sentence
pub fn compare(
    lang: Lang,
    fact: &FactDef,
    member: Option<usize>,
    actual: &Value,
    op: Op,
    limit: &Limit,
    holds: bool,
    gap: Option<f64>,
) -> String {
    let it = lang == Lang::It;
    let label = fact.label(lang);
    let a = show(lang, fact, actual);
    let text = match limit {
        Limit::Num(l) => {
            let l = amount(lang, fact, *l);
            let g = gap.map(|g| amount(lang, fact, g)).unwrap_or_default();
            let zero = gap.is_some_and(|g| g.abs() < 1e-9);
            match (op, holds, it) {
                (Op::Le | Op::Lt, true, true) => cat(&[label, " ", &a, " entro la soglia di ", &l]),
                (Op::Le | Op::Lt, true, false) => cat(&[label, " ", &a, " is within the ", &l, " threshold"]),
                (Op::Le | Op::Lt, false, true) if zero => {
                    cat(&[label, " ", &a, " non è inferiore alla soglia di ", &l])
                }
                (Op::Le | Op::Lt, false, false) if zero => {
                    cat(&[label, " ", &a, " is not below the ", &l, " threshold"])
                }
                (Op::Le | Op::Lt, false, true) => cat(&[label, " ", &a, " supera di ", &g, " la soglia di ", &l]),
                (Op::Le | Op::Lt, false, false) => cat(&[label, " ", &a, " is ", &g, " above the ", &l, " threshold"]),
                (Op::Ge | Op::Gt, true, true) => cat(&[label, " ", &a, ", almeno ", &l, " come richiesto"]),
                (Op::Ge | Op::Gt, true, false) => cat(&[label, " ", &a, " meets the minimum of ", &l]),
                (Op::Ge | Op::Gt, false, true) if zero => cat(&[label, " ", &a, " non supera il minimo di ", &l]),
                (Op::Ge | Op::Gt, false, false) if zero => cat(&[label, " ", &a, " is not above the minimum of ", &l]),
                (Op::Ge | Op::Gt, false, true) => cat(&[label, " ", &a, ": mancano ", &g, " al minimo di ", &l]),
                (Op::Ge | Op::Gt, false, false) => cat(&[label, " ", &a, " is ", &g, " below the minimum of ", &l]),
                (_, _, true) => cat(&[label, " ", &a, " (richiesto ", op.symbol(), " ", &l, ")"]),
                (_, _, false) => cat(&[label, " ", &a, " (required ", op.symbol(), " ", &l, ")"]),
            }
        }
        Limit::Date(d) => {
            if it {
                format!("{label} {a} (richiesto {} {d})", op.symbol())
            } else {
                format!("{label} {a} (required {} {d})", op.symbol())
            }
        }
        Limit::Codes(codes) => {
            let want = either(lang, codes);
            match (holds, op == Op::In, it) {
                (true, _, _) => cat(&[label, ": ", &a]),
                (false, true, true) => cat(&[label, ": ", &a, " (richiesto: ", &want, ")"]),
                (false, true, false) => cat(&[label, ": ", &a, " (required: ", &want, ")"]),
                (false, false, true) => cat(&[label, ": ", &a, " (escluso: ", &want, ")"]),
                (false, false, false) => cat(&[label, ": ", &a, " (excluded: ", &want, ")"]),
            }
        }
        Limit::Value(v) => {
            let want = match (v, op) {
                (Value::Bool(b), Op::Ne) => yes_no(lang, !b).to_string(),
                _ => show(lang, fact, v),
            };
            if holds {
                cat(&[label, ": ", &a])
            } else if it {
                cat(&[label, ": ", &a, " (richiesto: ", &want, ")"])
            } else {
                cat(&[label, ": ", &a, " (required: ", &want, ")"])
            }
        }
    };
    match (member.filter(|_| fact.scope == crate::facts::Scope::Member), it) {
        (None, _) => text,
        (Some(i), true) => format!("Componente {}: {}", i + 1, lower_first(&text)),
        (Some(i), false) => format!("Member {}: {}", i + 1, lower_first(&text)),
    }
}

/// `parts` end to end, in one allocation (reasons are written by the thousand).
fn cat(parts: &[&str]) -> String {
    let mut out = String::with_capacity(parts.iter().map(|p| p.len()).sum());
    parts.iter().for_each(|p| out.push_str(p));
    out
}

/// A member condition in a few words: `età < 18`, `disabilità certificata`.
/// With `date`, a parameter is given by its value then; without, by its name.
pub fn describe(lang: Lang, c: &Condition, date: Option<Date>) -> String {
    let it = lang == Lang::It;
    match c {
        Condition::Compare(cmp) => {
            let label = lower_first(cmp.fact.label(lang));
            match &cmp.rhs {
                crate::rules::Operand::Value(Value::Bool(b)) => {
                    let positive = *b == (cmp.op == Op::Eq);
                    match (positive, it) {
                        (true, _) => label,
                        (false, true) => format!("{label}: no"),
                        (false, false) => format!("{label}: no"),
                    }
                }
                // A code reads as a list of one: `relazione con chi chiede: figlio o figlia`.
                crate::rules::Operand::Value(v @ Value::Text(_)) => match (cmp.op == Op::Eq, it) {
                    (true, _) => format!("{label}: {}", show(lang, cmp.fact, v)),
                    (false, true) => format!("{label} diversa da {}", show(lang, cmp.fact, v)),
                    (false, false) => format!("{label} other than {}", show(lang, cmp.fact, v)),
                },
                crate::rules::Operand::Value(v) => format!("{label} {} {}", cmp.op.symbol(), show(lang, cmp.fact, v)),
                crate::rules::Operand::Param(p) => match date.and_then(|d| p.on(d)) {
                    Some(v) => format!("{label} {} {}", cmp.op.symbol(), show(lang, cmp.fact, &Value::Num(v))),
                    None => format!("{label} {} {}", cmp.op.symbol(), p.name),
                },
                crate::rules::Operand::Expr(_) => format!("{label} {} …", cmp.op.symbol()),
                crate::rules::Operand::Codes(codes) => {
                    let list = either(lang, codes);
                    match (cmp.op == Op::In, it) {
                        (true, _) => format!("{label}: {list}"),
                        (false, true) => format!("{label} diversa da {list}"),
                        (false, false) => format!("{label} other than {list}"),
                    }
                }
            }
        }
        Condition::All(parts) => {
            parts.iter().map(|p| describe(lang, p, date)).collect::<Vec<_>>().join(if it { " e " } else { " and " })
        }
        Condition::Any(parts) => {
            let joined =
                parts.iter().map(|p| describe(lang, p, date)).collect::<Vec<_>>().join(if it { " o " } else { " or " });
            format!("({joined})")
        }
        // Member quantifiers do not nest (the loader refuses it).
        _ => String::new(),
    }
}

/// Adds how many members could not be checked, if any.
fn with_unknown(mut text: String, lang: Lang, unknown: usize) -> String {
    use std::fmt::Write;
    let _ = match (unknown, lang) {
        (0, _) => Ok(()),
        (u, Lang::It) => write!(text, " ({u} da verificare)"),
        (u, Lang::En) => write!(text, " ({u} not known)"),
    };
    text
}

/// ` con età < 18` / ` with age < 18`; nothing for a condition every member meets
/// (`{"all": []}`: the members themselves).
fn with(lang: Lang, d: &str) -> String {
    match (d.is_empty(), lang) {
        (true, _) => String::new(),
        (false, Lang::It) => format!(" con {d}"),
        (false, Lang::En) => format!(" with {d}"),
    }
}

/// A relationship as the members it names: one (after "nessun") and several.
fn role_words(lang: Lang, role: &str) -> Option<(&'static str, &'static str)> {
    Some(match (role, lang) {
        ("spouse", Lang::It) => ("coniuge", "Coniugi"),
        ("child", Lang::It) => ("figlio o figlia", "Figli"),
        ("parent", Lang::It) => ("genitore", "Genitori"),
        ("sibling", Lang::It) => ("fratello o sorella", "Fratelli o sorelle"),
        ("other", Lang::It) => ("altro componente", "Altri componenti"),
        ("spouse", Lang::En) => ("spouse", "Spouses"),
        ("child", Lang::En) => ("child", "Children"),
        ("parent", Lang::En) => ("parent", "Parents"),
        ("sibling", Lang::En) => ("sibling", "Siblings"),
        ("other", Lang::En) => ("other member", "Other members"),
        _ => return None,
    })
}

/// `any_member` of a condition that starts with the relationship, naming those members:
/// "Nessun figlio o figlia con età < 21", "Per chi chiede non risulta: …".
fn members_by_role(lang: Lang, role: &str, d: &str, yes: usize, unknown: usize) -> Option<String> {
    let it = lang == Lang::It;
    if role == "applicant" {
        if d.is_empty() {
            return None;
        }
        return Some(match (yes > 0, unknown > 0, it) {
            (true, _, true) => format!("Per chi chiede: {d}"),
            (true, _, false) => format!("For the applicant: {d}"),
            (false, true, true) => format!("Per chi chiede è da verificare: {d}"),
            (false, true, false) => format!("To be checked for the applicant: {d}"),
            (false, false, true) => format!("Per chi chiede non risulta: {d}"),
            (false, false, false) => format!("Not the case for the applicant: {d}"),
        });
    }
    let (one, several) = role_words(lang, role)?;
    let w = with(lang, d);
    let text = match (yes, unknown, it) {
        (0, 0, true) => format!("Nessun {one}{w}"),
        (0, 0, false) => format!("No {one}{w}"),
        (y, _, _) => format!("{several}{w}: {y}"),
    };
    Some(with_unknown(text, lang, unknown))
}

/// `any_member` / `all_members`, summed up (parameters at their value on `date`).
pub fn members(
    lang: Lang,
    of: &MemberCondition,
    any: bool,
    yes: usize,
    unknown: usize,
    n: usize,
    date: Date,
) -> String {
    let by_role = of.subject(lang, date).filter(|_| any);
    if let Some(text) = by_role.and_then(|(role, d)| members_by_role(lang, role, &d, yes, unknown)) {
        return text;
    }
    let d = of.described(lang, date);
    let w = with(lang, &d);
    let no = n - yes - unknown;
    let it = lang == Lang::It;
    let text = match (any, yes, no, it) {
        (true, 0, _, true) if unknown == 0 => format!("Nessun componente{w}"),
        (true, 0, _, false) if unknown == 0 => format!("No member{w}"),
        (true, y, _, true) => format!("Componenti{w}: {y}"),
        (true, y, _, false) => format!("Members{w}: {y}"),
        (false, _, 0, true) => format!("Tutti i componenti{w}"),
        (false, _, 0, false) => format!("All members{w}"),
        (false, _, x, true) => format!("Componenti senza {d}: {x}"),
        (false, _, x, false) => format!("Members without {d}: {x}"),
    };
    with_unknown(text, lang, unknown)
}

/// `count_members`, with what was required.
pub fn count(lang: Lang, of: &MemberCondition, yes: usize, unknown: usize, op: Op, limit: f64, date: Date) -> String {
    let w = with(lang, &of.described(lang, date));
    let l = number(lang, limit);
    let text = match lang {
        Lang::It => format!("Componenti{w}: {yes} (richiesto {} {l})", op.symbol()),
        Lang::En => format!("Members{w}: {yes} (required {} {l})", op.symbol()),
    };
    with_unknown(text, lang, unknown)
}

/// Where the household lives, by the names of the administrations (`actual`: `None` for
/// a comune the catalogue does not name).
pub fn residence(lang: Lang, actual: Option<&str>, wanted: &[&str], holds: bool) -> String {
    let (it, or) = (lang == Lang::It, if lang == Lang::It { " o " } else { " or " });
    let actual = actual.unwrap_or(if it { "un altro comune" } else { "another comune" });
    match (holds, it) {
        (true, true) => format!("Residenza: {actual}"),
        (true, false) => format!("Residence: {actual}"),
        (false, true) => format!("Residenza: {actual} (richiesta: {})", wanted.join(or)),
        (false, false) => format!("Residence: {actual} (required: {})", wanted.join(or)),
    }
}

pub fn composition_unknown(lang: Lang) -> String {
    match lang {
        Lang::It => "Serve sapere chi fa parte del nucleo familiare".into(),
        Lang::En => "The household's members are needed".into(),
    }
}

pub fn not_in_force(lang: Lang, from: Option<Date>, until: Option<Date>) -> String {
    let (f, u) = (from.map(|d| d.to_string()).unwrap_or_default(), until.map(|d| d.to_string()).unwrap_or_default());
    match lang {
        Lang::It => format!("Misura non in vigore alla data (valida {f} – {u})"),
        Lang::En => format!("Not in force on this date (valid {f} – {u})"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_read_as_people_write_them() {
        assert_eq!(money(Lang::It, 12300.0), "12.300 €");
        assert_eq!(money(Lang::En, 12300.0), "€12,300");
        assert_eq!(money(Lang::It, 1234567.5), "1.234.567,50 €");
        assert_eq!(money(Lang::En, 57.5), "€57.50");
        assert_eq!(number(Lang::It, 0.25), "0,25");
        assert_eq!(number(Lang::En, 18.0), "18");
        assert_eq!(number(Lang::It, 0.5), "0,5");
        assert_eq!(number(Lang::It, 0.05), "0,05");
        assert_eq!(number(Lang::En, -1234.0), "-1,234");
        assert_eq!(number(Lang::It, 100.0), "100");
        assert_eq!(number(Lang::It, 999_999.99), "999.999,99");
    }
}
