//! Field validation that collects every problem at once, each as a translation key.

use crate::error::FieldIssue;
use crate::{AppError, Result};

/// Collects field issues; `finish` turns them into one `AppError::Validation`.
#[derive(Default)]
pub struct Validator {
    issues: Vec<FieldIssue>,
}

impl Validator {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn issue(&mut self, field: &str, key: &'static str, args: Vec<(&'static str, String)>) {
        self.issues.push(FieldIssue { field: field.to_string(), key, args });
    }

    /// Trims `value`; it must be non-empty and at most `max` characters.
    pub fn text(&mut self, field: &str, value: &str, max: usize) -> String {
        let value = value.trim();
        if value.is_empty() {
            self.issue(field, "validation.required", vec![]);
        } else {
            self.max_len(field, value, max);
        }
        value.to_string()
    }

    /// Like `text` but empty is allowed and gives `None`.
    pub fn optional_text(&mut self, field: &str, value: Option<&str>, max: usize) -> Option<String> {
        let value = value.map(str::trim).filter(|v| !v.is_empty())?;
        self.max_len(field, value, max);
        Some(value.to_string())
    }

    fn max_len(&mut self, field: &str, value: &str, max: usize) {
        if value.chars().count() > max {
            self.issue(field, "validation.too_long", vec![("max", max.to_string())]);
        }
    }

    /// A normalised (trimmed, lower-case) email address.
    pub fn email(&mut self, field: &str, value: &str) -> String {
        let value = normalise_email(value);
        if value.is_empty() {
            self.issue(field, "validation.required", vec![]);
        } else if value.chars().count() > 254 || !looks_like_email(&value) {
            self.issue(field, "validation.email", vec![]);
        }
        value
    }

    /// An optional email address, normalised; blank gives `None`.
    pub fn optional_email(&mut self, field: &str, value: Option<&str>) -> Option<String> {
        let value = value.map(str::trim).filter(|v| !v.is_empty())?;
        Some(self.email(field, value))
    }

    /// An optional web address: `http(s)://…`, at most 300 characters; blank gives `None`.
    pub fn optional_url(&mut self, field: &str, value: Option<&str>) -> Option<String> {
        let url = self.optional_text(field, value, 300)?;
        if !(url.starts_with("https://") || url.starts_with("http://")) || url.contains(char::is_whitespace) {
            self.issue(field, "validation.url", vec![]);
        }
        Some(url)
    }

    /// A new password: 10 to 200 characters.
    pub fn new_password(&mut self, field: &str, value: &str) {
        let n = value.chars().count();
        if n < 10 {
            self.issue(field, "validation.password_short", vec![("min", "10".into())]);
        } else if n > 200 {
            self.issue(field, "validation.too_long", vec![("max", "200".into())]);
        }
    }

    /// An optional date `YYYY-MM-DD`; with `past`, not after `today`. Blank gives `None`.
    pub fn date(
        &mut self,
        field: &str,
        value: Option<&str>,
        past: bool,
        today: chrono::NaiveDate,
    ) -> Option<chrono::NaiveDate> {
        let value = value.map(str::trim).filter(|d| !d.is_empty())?;
        match chrono::NaiveDate::parse_from_str(value, "%Y-%m-%d") {
            Ok(day) if past && day > today => {
                self.issue(field, "validation.future_date", vec![]);
                None
            }
            Ok(day) => Some(day),
            Err(_) => {
                self.issue(field, "validation.date", vec![]);
                None
            }
        }
    }

    /// A required code of `list`.
    pub fn code(&mut self, field: &str, value: &str, list: &[&str]) -> String {
        let value = value.trim();
        if value.is_empty() {
            self.issue(field, "validation.required", vec![]);
        } else if !list.contains(&value) {
            self.issue(field, "validation.unknown_code", vec![]);
        }
        value.to_string()
    }

    /// An optional whole number as typed; blank gives `None`, anything else that is not a
    /// number is a `validation.number` issue.
    pub fn optional_number(&mut self, field: &str, value: Option<&str>) -> Option<i32> {
        let value = value.map(str::trim).filter(|v| !v.is_empty())?;
        value.parse().map_err(|_| self.issue(field, "validation.number", vec![])).ok()
    }

    /// An optional decimal number as typed, with a comma or a point; blank gives `None`.
    pub fn optional_decimal(&mut self, field: &str, value: Option<&str>) -> Option<f64> {
        let value = value.map(str::trim).filter(|v| !v.is_empty())?.replace(',', ".");
        value.parse().map_err(|_| self.issue(field, "validation.number", vec![])).ok()
    }

    /// An optional id chosen from a list (a district, a plan); blank gives `None`. Text
    /// that is not an id is an unknown choice, not a typing mistake: `validation.unknown_code`.
    pub fn optional_id(&mut self, field: &str, value: Option<&str>) -> Option<i64> {
        let value = value.map(str::trim).filter(|v| !v.is_empty())?;
        value.parse().map_err(|_| self.issue(field, "validation.unknown_code", vec![])).ok()
    }

    /// Opening hours as typed, one line per day or period; the first line that cannot be
    /// read is named in the issue.
    pub fn hours(&mut self, field: &str, text: &str) -> types::directory::OpeningHours {
        types::directory::OpeningHours::parse_text(text).unwrap_or_else(|line| {
            self.issue(field, "validation.hours_line", vec![("line", line.to_string())]);
            Default::default()
        })
    }

    /// Whether any issue was found so far.
    pub fn has_issues(&self) -> bool {
        !self.issues.is_empty()
    }

    pub fn finish(self) -> Result<()> {
        if self.issues.is_empty() {
            Ok(())
        } else {
            Err(AppError::Validation(self.issues))
        }
    }
}

/// A web origin as a browser sends it: `http(s)://host[:port]`, lower-case, no path.
/// A trailing `/` is dropped; anything else (a path, a query, user info) is refused.
pub fn web_origin(value: &str) -> Option<String> {
    let value = value.trim().trim_end_matches('/').to_ascii_lowercase();
    let rest = value.strip_prefix("https://").or_else(|| value.strip_prefix("http://"))?;
    let (host, port) = match rest.rsplit_once(':') {
        Some((host, port)) => (host, Some(port)),
        None => (rest, None),
    };
    let host_ok = host.len() <= 253
        && host.split('.').all(|label| {
            !label.is_empty()
                && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
                && !label.starts_with('-')
                && !label.ends_with('-')
        });
    let port = match port {
        None => None,
        Some(p) => Some(p.parse::<u16>().ok().filter(|n| *n > 0)?),
    };
    if !host_ok {
        return None;
    }
    // As a browser sends it: the scheme's default port is left out.
    let https = value.starts_with("https://");
    let scheme = if https { "https" } else { "http" };
    Some(match port {
        Some(443) if https => format!("{scheme}://{host}"),
        Some(80) if !https => format!("{scheme}://{host}"),
        Some(p) => format!("{scheme}://{host}:{p}"),
        None => format!("{scheme}://{host}"),
    })
}

/// The highest page number a list accepts; the public directory's bound too.
pub const MAX_PAGE: u64 = 100_000;

/// The 1-based page of a staff list from a request (0 reads as the first). Beyond
/// `MAX_PAGE` it is a field error, not an offset that overflows.
pub fn page_number(page: u64) -> crate::Result<u64> {
    if page > MAX_PAGE {
        let mut v = Validator::new();
        v.issue("page", "validation.range", vec![("min", "1".into()), ("max", MAX_PAGE.to_string())]);
        v.finish()?;
    }
    Ok(page.max(1))
}

pub fn normalise_email(value: &str) -> String {
    value.trim().to_lowercase()
}

fn looks_like_email(value: &str) -> bool {
    let Some((local, domain)) = value.split_once('@') else { return false };
    !local.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !value.chars().any(|c| c.is_whitespace() || c.is_control())
        && !domain.contains('@')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn collects_every_issue() {
        let mut v = Validator::new();
        v.text("name", "   ", 10);
        v.text("code", "abcdefghijkl", 10);
        v.email("email", "not-an-email");
        let Err(AppError::Validation(issues)) = v.finish() else { panic!("expected validation") };
        let fields: Vec<_> = issues.iter().map(|i| (i.field.as_str(), i.key)).collect();
        assert_eq!(
            fields,
            [("name", "validation.required"), ("code", "validation.too_long"), ("email", "validation.email")]
        );
    }

    #[test]
    fn web_origins() {
        assert_eq!(web_origin(" https://www.Comune.Brescia.it/ ").as_deref(), Some("https://www.comune.brescia.it"));
        assert_eq!(web_origin("http://127.0.0.1:3001").as_deref(), Some("http://127.0.0.1:3001"));
        assert_eq!(web_origin("https://x.it:443").as_deref(), Some("https://x.it"));
        assert_eq!(web_origin("http://x.it:8080").as_deref(), Some("http://x.it:8080"));
        for bad in [
            "www.comune.it",
            "ftp://x.it",
            "https://x.it/servizi",
            "https://a@x.it",
            "https://x.it:0",
            "https://",
            "https://x.it?q",
            "https://a..b",
            "https://-a.it",
        ] {
            assert_eq!(web_origin(bad), None, "{bad}");
        }
    }

    #[test]
    fn emails_are_normalised() {
        let mut v = Validator::new();
        assert_eq!(v.email("e", "  Anna.Rossi@Comune.Brescia.IT "), "anna.rossi@comune.brescia.it");
        assert!(v.finish().is_ok());
    }
}
