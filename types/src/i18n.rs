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
