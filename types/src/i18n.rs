//! The one translation mechanism: every user-facing string is a key looked up in the
//! catalogue of the user's language (`types/locales/<lang>.txt`, lines `key = text`,
//! `{name}` placeholders). Italian is the default; English the second language.
//! The catalogues are compiled in, so the server and the wasm bundle read the same text.

use std::collections::HashMap;
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

const IT: &str = include_str!("../locales/it.txt");
const EN: &str = include_str!("../locales/en.txt");

/// A supported language.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    #[default]
    It,
    En,
}

impl Lang {
    pub const ALL: [Lang; 2] = [Lang::It, Lang::En];

    /// The BCP 47 tag, for `<html lang>` and forms.
    pub fn code(self) -> &'static str {
        match self {
            Lang::It => "it",
            Lang::En => "en",
        }
    }

    /// Parses a tag such as `en`, `en-GB` or `it_IT`; anything else is `None`.
    pub fn from_code(code: &str) -> Option<Lang> {
        let primary = code.trim().split(['-', '_']).next()?.to_ascii_lowercase();
        Lang::ALL.into_iter().find(|l| l.code() == primary)
    }

    /// Picks the first supported language of an `Accept-Language` header.
    pub fn from_accept_language(header: &str) -> Option<Lang> {
        header.split(',').find_map(|part| Lang::from_code(part.split(';').next().unwrap_or("")))
    }

    fn catalogue(self) -> &'static HashMap<&'static str, &'static str> {
        static IT_MAP: OnceLock<HashMap<&'static str, &'static str>> = OnceLock::new();
        static EN_MAP: OnceLock<HashMap<&'static str, &'static str>> = OnceLock::new();
        match self {
            Lang::It => IT_MAP.get_or_init(|| parse(IT)),
            Lang::En => EN_MAP.get_or_init(|| parse(EN)),
        }
    }
}

/// Parses `key = text` lines; blank lines and `#` comments are skipped.
fn parse(source: &'static str) -> HashMap<&'static str, &'static str> {
    source
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .filter_map(|l| l.split_once('='))
        .map(|(k, v)| (k.trim(), v.trim()))
        .collect()
}

/// The text of `key` in `lang`. A missing key shows itself (the catalogue tests make
/// sure none is missing), so a slip is visible instead of blank.
pub fn t(lang: Lang, key: &str) -> String {
    lang.catalogue().get(key).map(|s| s.to_string()).unwrap_or_else(|| key.to_string())
}

/// `t` with `{name}` placeholders filled in.
pub fn tf(lang: Lang, key: &str, args: &[(&str, &str)]) -> String {
    let mut text = t(lang, key);
    for (name, value) in args {
        text = text.replace(&format!("{{{name}}}"), value);
    }
    text
}

/// A counted text: `key`'s plural form for `n` (forms separated by `|` in the catalogue,
/// in CLDR order `one|other`, the rule of both languages), with `{n}` written as people
/// write numbers (`1.234` in Italian) and the other placeholders filled in. A text without
/// `|` has one form for every count.
pub fn tn(lang: Lang, key: &str, n: i64, args: &[(&str, &str)]) -> String {
    let mut out = form(&t(lang, key), lang.plural(n)).replace("{n}", &number(lang, n));
    for (name, value) in args {
        out = out.replace(&format!("{{{name}}}"), value);
    }
    out
}

/// A counted text for a decimal quantity (`1.50`, as stored): `1,5 ore`, `1 mese`.
pub fn quantity(lang: Lang, key: &str, decimal: &str) -> String {
    let trimmed = if decimal.contains('.') { decimal.trim_end_matches('0').trim_end_matches('.') } else { decimal };
    let plural = if trimmed == "1" { Plural::One } else { Plural::Other };
    let (_, mark) = lang.marks();
    let written = match trimmed.split_once('.') {
        Some((whole, fraction)) => {
            format!("{}{mark}{fraction}", whole.parse().map_or(whole.to_string(), |w| number(lang, w)))
        }
        None => trimmed.parse().map_or(trimmed.to_string(), |w| number(lang, w)),
    };
    form(&t(lang, key), plural).replace("{n}", &written)
}

/// The form of a `one|other` text for `plural`.
fn form(text: &str, plural: Plural) -> &str {
    match (text.split_once('|'), plural) {
        (Some((one, _)), Plural::One) => one.trim(),
        (Some((_, other)), Plural::Other) => other.trim(),
        (None, _) => text,
    }
}

/// The plural categories the two languages use (CLDR: Italian and English integers).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Plural {
    One,
    Other,
}

impl Lang {
    /// The plural category of the count `n`.
    pub fn plural(self, n: i64) -> Plural {
        if n == 1 {
            Plural::One
        } else {
            Plural::Other
        }
    }

    /// The thousands separator and the decimal mark.
    fn marks(self) -> (char, char) {
        match self {
            Lang::It => ('.', ','),
            Lang::En => (',', '.'),
        }
    }
}

/// An integer as people of `lang` write it: `12.345` in Italian, `12,345` in English.
pub fn number(lang: Lang, n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let (thousands, _) = lang.marks();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(thousands);
        }
        out.push(c);
    }
    if n < 0 {
        format!("-{out}")
    } else {
        out
    }
}

/// An amount in euros from cents: `1.234,50 €` in Italian, `€1,234.50` in English, with
/// no-break spaces so it never breaks inside a table cell.
pub fn euros(lang: Lang, cents: i64) -> String {
    let (_, decimal) = lang.marks();
    let sign = if cents < 0 { "-" } else { "" };
    let whole = number(lang, (cents.unsigned_abs() / 100) as i64);
    let amount = format!("{sign}{whole}{decimal}{:02}", cents.unsigned_abs() % 100);
    match lang {
        Lang::It => format!("{amount}\u{a0}€"),
        Lang::En => format!("€{amount}"),
    }
}

/// A date (`YYYY-MM-DD`, or the date of a timestamp `YYYY-MM-DDThh:mm…`) as people write it
/// in a table or a field: `30/11/2026` in both languages (British order). Anything else is
/// returned as it came, so a malformed value stays visible.
pub fn date(_lang: Lang, iso: &str) -> String {
    match parse_date(iso) {
        Some((y, m, d)) => format!("{d:02}/{m:02}/{y}"),
        None => iso.to_string(),
    }
}

/// A date in running text: `30 novembre 2026`, `30 November 2026`.
pub fn date_long(lang: Lang, iso: &str) -> String {
    const IT: [&str; 12] = [
        "gennaio",
        "febbraio",
        "marzo",
        "aprile",
        "maggio",
        "giugno",
        "luglio",
        "agosto",
        "settembre",
        "ottobre",
        "novembre",
        "dicembre",
    ];
    const EN: [&str; 12] = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ];
    match parse_date(iso) {
        Some((y, m, d)) => {
            let month = match lang {
                Lang::It => IT[m as usize - 1],
                Lang::En => EN[m as usize - 1],
            };
            format!("{d} {month} {y}")
        }
        None => iso.to_string(),
    }
}

/// A timestamp's date and minute in Italian time (the staff's): `30/11/2026 15:05` for
/// `2026-11-30T14:05:00Z`. A timestamp without an offset is shown as it was written.
pub fn date_time(lang: Lang, iso: &str) -> String {
    let Some((y, m, d)) = parse_date(iso) else { return iso.to_string() };
    let (Some(h), Some(min)) = (num(iso, 11..13), num(iso, 14..16)) else { return date(lang, iso) };
    if !matches!(iso.as_bytes().get(10), Some(b'T' | b' ')) || iso.as_bytes().get(13) != Some(&b':') {
        return date(lang, iso);
    }
    let local = match offset_minutes(iso) {
        Some(offset) => {
            let utc = days_from_civil(y, m, d) * 1440 + i64::from(h * 60 + min) - offset;
            utc + italy_utc_offset(utc)
        }
        None => days_from_civil(y, m, d) * 1440 + i64::from(h * 60 + min),
    };
    let (y, m, d) = civil_from_days(local.div_euclid(1440));
    let minute = local.rem_euclid(1440);
    format!("{d:02}/{m:02}/{y} {:02}:{:02}", minute / 60, minute % 60)
}

fn num(s: &str, range: std::ops::Range<usize>) -> Option<u32> {
    s.get(range).filter(|p| p.bytes().all(|b| b.is_ascii_digit())).and_then(|p| p.parse().ok())
}

/// The offset written at the end of an RFC 3339 timestamp (`Z`, `+01:00`), in minutes.
fn offset_minutes(iso: &str) -> Option<i64> {
    if iso.ends_with('Z') {
        return Some(0);
    }
    let tail = iso.get(iso.len().checked_sub(6)?..)?;
    let sign = match tail.as_bytes().first() {
        Some(b'+') => 1,
        Some(b'-') => -1,
        _ => return None,
    };
    let (h, m) = (num(tail, 1..3)?, num(tail, 4..6)?);
    (tail.as_bytes().get(3) == Some(&b':') && iso.len() > 16).then(|| sign * i64::from(h * 60 + m))
}

/// Italy's offset from UTC, in minutes, at `utc` (minutes since 1970-01-01 UTC): one hour,
/// two in summer time (EU rule: from 01:00 UTC of March's last Sunday to 01:00 UTC of
/// October's last Sunday).
pub fn italy_utc_offset(utc: i64) -> i64 {
    let (y, _, _) = civil_from_days(utc.div_euclid(1440));
    let last_sunday = |month: u32| {
        let last = days_from_civil(y, month, 31);
        // 1970-01-01 was a Thursday: day 0 is weekday 4 (Sunday = 0).
        last - (last + 4).rem_euclid(7)
    };
    let (start, end) = (last_sunday(3) * 1440 + 60, last_sunday(10) * 1440 + 60);
    if (start..end).contains(&utc) {
        120
    } else {
        60
    }
}

/// Days since 1970-01-01 of a civil date (H. Hinnant's algorithm).
fn days_from_civil(y: u32, m: u32, d: u32) -> i64 {
    let y = i64::from(y) - i64::from(m <= 2);
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (i64::from(m) + 9) % 12;
    let doy = (153 * mp + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(z: i64) -> (u32, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = (yoe + era * 400 + i64::from(m <= 2)) as u32;
    (y, m, d)
}

fn parse_date(iso: &str) -> Option<(u32, u32, u32)> {
    let day = iso.get(..10)?;
    let mut parts = day.split('-');
    let (y, m, d) = (parts.next()?, parts.next()?, parts.next()?);
    if y.len() != 4 || m.len() != 2 || d.len() != 2 {
        return None;
    }
    let (y, m, d) = (y.parse().ok()?, m.parse::<u32>().ok()?, d.parse::<u32>().ok()?);
    ((1..=12).contains(&m) && (1..=31).contains(&d)).then_some((y, m, d))
}

/// The message key of a problem `eligibility::Answers::check` found with an answer
/// (the server's evaluation and the checker in the browser say the same).
pub fn answer_problem_key(problem: &str) -> &'static str {
    match problem {
        "unknown_fact" => "validation.answer_unknown_fact",
        "wrong_type" => "validation.answer_wrong_type",
        "out_of_range" => "validation.answer_out_of_range",
        "unknown_code" => "validation.answer_unknown_code",
        "bad_date" => "validation.date",
        "too_many_members" => "validation.too_many_members",
        "no_members" => "validation.no_members",
        _ => "validation.invalid",
    }
}

/// Whether `key` exists in `lang`'s catalogue (used by tests of other crates).
pub fn has_key(lang: Lang, key: &str) -> bool {
    lang.catalogue().contains_key(key)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{ErrorCode, Role, TenantKind};
    use std::collections::BTreeSet;

    #[test]
    fn counts_take_the_plural_form_of_their_number() {
        assert_eq!(tn(Lang::It, "cases.count", 1, &[]), "1 presa in carico");
        assert_eq!(tn(Lang::It, "cases.count", 0, &[]), "0 prese in carico");
        assert_eq!(tn(Lang::It, "cases.count", 1234, &[]), "1.234 prese in carico");
        assert_eq!(tn(Lang::En, "cases.count", 1, &[]), "1 case");
        assert_eq!(tn(Lang::En, "cases.count", 1234, &[]), "1,234 cases");
        assert_eq!(tn(Lang::It, "directory.count", 1, &[]), "1 struttura trovata");
        assert_eq!(tn(Lang::It, "directory.count", 2, &[]), "2 strutture trovate");
        assert_eq!(quantity(Lang::It, "plan.quantity.months", "1.00"), "1 mese");
        assert_eq!(quantity(Lang::It, "plan.quantity.hours", "1.50"), "1,5 ore");
        assert_eq!(quantity(Lang::It, "plan.quantity.hours", "1200"), "1.200 ore");
        assert_eq!(quantity(Lang::En, "plan.quantity.hours", "1.5"), "1.5 hours");
        assert_eq!(quantity(Lang::En, "plan.quantity.meals", "1"), "1 meal");
        // A text with one form keeps it for every count.
        assert_eq!(tn(Lang::It, "directory.places_free", 1, &[]), "Posti liberi: 1");
    }

    /// Every counted text has exactly the two forms `one|other`, each saying its number.
    #[test]
    fn plural_texts_have_both_forms() {
        for lang in Lang::ALL {
            for (k, v) in lang.catalogue() {
                if let Some((one, other)) = v.split_once('|') {
                    assert!(!other.contains('|'), "{k} in {lang:?} has more than two forms");
                    assert!(other.contains("{n}"), "{k} in {lang:?}: the plural form hides its number");
                    assert!(!one.trim().is_empty(), "{k} in {lang:?}: empty singular");
                }
            }
        }
    }

    #[test]
    fn numbers_amounts_and_dates_are_written_as_people_write_them() {
        assert_eq!(number(Lang::It, 0), "0");
        assert_eq!(number(Lang::It, 999), "999");
        assert_eq!(number(Lang::It, 1000), "1.000");
        assert_eq!(number(Lang::It, -1234567), "-1.234.567");
        assert_eq!(number(Lang::En, 1234567), "1,234,567");
        assert_eq!(euros(Lang::It, 123450), "1.234,50\u{a0}€");
        assert_eq!(euros(Lang::It, 5), "0,05\u{a0}€");
        assert_eq!(euros(Lang::En, -123450), "€-1,234.50");
        assert_eq!(date(Lang::It, "2026-11-30"), "30/11/2026");
        assert_eq!(date(Lang::En, "2026-11-30T14:05:09Z"), "30/11/2026");
        // Timestamps in Italian time: winter +1, summer +2, across midnight and the year.
        assert_eq!(date_time(Lang::It, "2026-11-30T14:05:09+00:00"), "30/11/2026 15:05");
        assert_eq!(date_time(Lang::It, "2026-11-30T14:05:09.123456+01:00"), "30/11/2026 14:05");
        assert_eq!(date_time(Lang::It, "2026-07-15T23:30:00Z"), "16/07/2026 01:30");
        assert_eq!(date_time(Lang::It, "2026-12-31T23:10:00Z"), "01/01/2027 00:10");
        // 2026's summer time: 29 March 01:00 UTC to 25 October 01:00 UTC.
        assert_eq!(date_time(Lang::It, "2026-03-29T00:59:00Z"), "29/03/2026 01:59");
        assert_eq!(date_time(Lang::It, "2026-03-29T01:00:00Z"), "29/03/2026 03:00");
        assert_eq!(date_time(Lang::It, "2026-10-25T00:59:00Z"), "25/10/2026 02:59");
        assert_eq!(date_time(Lang::It, "2026-10-25T01:00:00Z"), "25/10/2026 02:00");
        assert_eq!(date_time(Lang::It, "2026-11-30T14:05"), "30/11/2026 14:05");
        assert_eq!(date_time(Lang::It, "2026-11-30"), "30/11/2026");
        assert_eq!(date_time(Lang::It, "2026-11-30Tzz"), "30/11/2026");
        assert_eq!(date_long(Lang::It, "2026-03-01"), "1 marzo 2026");
        assert_eq!(date_long(Lang::En, "2026-11-30"), "30 November 2026");
        // What is not a date stays as it came, visible.
        assert_eq!(date(Lang::It, "presto"), "presto");
        assert_eq!(date(Lang::It, "2026-13-01"), "2026-13-01");
        assert_eq!(date_long(Lang::It, ""), "");
    }

    #[test]
    fn catalogues_have_the_same_keys_and_no_empty_text() {
        let it: BTreeSet<_> = Lang::It.catalogue().keys().collect();
        let en: BTreeSet<_> = Lang::En.catalogue().keys().collect();
        assert_eq!(it.difference(&en).collect::<Vec<_>>(), Vec::<&&&str>::new(), "missing in en");
        assert_eq!(en.difference(&it).collect::<Vec<_>>(), Vec::<&&&str>::new(), "missing in it");
        for lang in Lang::ALL {
            for (k, v) in lang.catalogue() {
                assert!(!v.is_empty(), "{k} is empty in {lang:?}");
            }
        }
    }

    /// A key defined twice would silently show the later text in both places.
    #[test]
    fn no_key_is_defined_twice() {
        for (lang, source) in [("it", IT), ("en", EN)] {
            let mut seen = BTreeSet::new();
            for line in source.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#')) {
                if let Some((key, _)) = line.split_once('=') {
                    assert!(seen.insert(key.trim()), "{} defined twice in {lang}", key.trim());
                }
            }
        }
    }

    #[test]
    fn every_code_list_is_translated() {
        let mut keys: Vec<String> = Role::ALL.iter().map(|r| r.label_key()).collect();
        keys.extend(Role::ALL.iter().map(|r| format!("home.role.{}", r.code())));
        keys.extend(TenantKind::ALL.iter().map(|k| k.label_key()));
        keys.extend(
            [
                ErrorCode::NotFound,
                ErrorCode::Unauthenticated,
                ErrorCode::Forbidden,
                ErrorCode::BadOrigin,
                ErrorCode::Conflict,
                ErrorCode::Validation,
                ErrorCode::BadCredentials,
                ErrorCode::TooManyAttempts,
                ErrorCode::TooManyRequests,
                ErrorCode::TooLarge,
                ErrorCode::Unavailable,
                ErrorCode::Internal,
            ]
            .iter()
            .map(|c| c.message_key().to_string()),
        );
        use crate::directory::{
            accreditation_key, area_key, legal_status_key, setting_key, ACCREDITATIONS, AREAS, LEGAL_STATUSES, SETTINGS,
        };
        keys.extend(AREAS.iter().map(|c| area_key(c)));
        keys.extend(SETTINGS.iter().map(|c| setting_key(c)));
        keys.extend(ACCREDITATIONS.iter().map(|c| accreditation_key(c)));
        keys.extend(LEGAL_STATUSES.iter().map(|c| legal_status_key(c)));
        use crate::cases::{CaseStatus, FieldKind, CLOSING_REASONS, SECTIONS};
        for s in SECTIONS {
            keys.push(s.label_key());
            for f in s.fields {
                keys.push(s.field_key(f.name));
                if let FieldKind::Code(list, codes) = f.kind {
                    keys.extend(codes.iter().map(|c| crate::cases::code_key(list, c)));
                }
            }
        }
        keys.extend(CaseStatus::CODES.iter().map(|c| crate::cases::code_key("status", c)));
        keys.extend(CLOSING_REASONS.iter().map(|c| crate::cases::code_key("closing_reason", c)));
        keys.extend(crate::persons::RELATIONSHIPS.iter().map(|r| crate::persons::relationship_key(r)));
        keys.extend(crate::cases::AUDIT_ACTIONS.iter().map(|a| format!("cases.audit_action.{a}")));
        keys.extend(crate::cases::AUDIT_PARTS.iter().map(|p| format!("cases.audit_part.{p}")));
        keys.extend(["case", "person"].iter().map(|o| format!("cases.audit_object.{o}")));
        keys.extend(crate::referrals::HandoverStatus::CODES.iter().map(|s| format!("handover.status.{s}")));
        use crate::plans::{funding_key, status_key, unit_key, PlanStatus, FUNDING, UNITS};
        keys.extend(PlanStatus::CODES.iter().map(|c| status_key(c)));
        keys.extend(UNITS.iter().map(|c| unit_key(c)));
        keys.extend(UNITS.iter().map(|c| format!("plan.quantity.{c}")));
        keys.extend(FUNDING.iter().map(|c| funding_key(c)));
        for lang in Lang::ALL {
            for k in &keys {
                assert!(has_key(lang, k), "{k} missing in {lang:?}");
            }
        }
    }

    /// Every literal key in the sources (`"prefix.name"` with a catalogue prefix) exists.
    #[test]
    fn every_key_used_in_the_code_exists() {
        let prefixes: BTreeSet<&str> = Lang::It.catalogue().keys().filter_map(|k| k.split('.').next()).collect();
        let root = concat!(env!("CARGO_MANIFEST_DIR"), "/..");
        let mut missing = Vec::new();
        for krate in ["app", "domain", "server", "types", "widgets"] {
            let mut stack = vec![std::path::PathBuf::from(format!("{root}/{krate}/src"))];
            while let Some(dir) = stack.pop() {
                for entry in std::fs::read_dir(&dir).unwrap().flatten() {
                    let path = entry.path();
                    if path.is_dir() {
                        stack.push(path);
                    } else if path.extension().is_some_and(|e| e == "rs") {
                        let text = std::fs::read_to_string(&path).unwrap();
                        for literal in text.split('"').skip(1).step_by(2) {
                            let Some((prefix, rest)) = literal.split_once('.') else { continue };
                            let looks_like_key = !rest.is_empty()
                                && literal.chars().all(|c| c.is_ascii_lowercase() || c == '_' || c == '.');
                            if looks_like_key && prefixes.contains(prefix) && !has_key(Lang::It, literal) {
                                missing.push(format!("{}: {literal}", path.display()));
                            }
                        }
                    }
                }
            }
        }
        assert!(missing.is_empty(), "keys missing from the catalogues: {missing:#?}");
    }

    #[test]
    fn languages_parse_from_headers() {
        assert_eq!(Lang::from_accept_language("en-GB,en;q=0.9,it;q=0.8"), Some(Lang::En));
        assert_eq!(Lang::from_accept_language("de-DE,it;q=0.5"), Some(Lang::It));
        assert_eq!(Lang::from_accept_language("de"), None);
        assert_eq!(tf(Lang::En, "validation.too_long", &[("max", "5")]), "At most 5 characters.");
    }
}
