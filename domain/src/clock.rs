//! The one source of "now": a small trait, so tests can fix the date (reviews due, ISEE
//! expiry, dated parameters) and the services never read the system clock themselves.
//! The `Db` handle carries the clock every service uses (`Db::now`, `Db::today`).

use std::sync::Mutex;

use chrono::{DateTime, NaiveDate, Utc};

/// Where the time comes from.
pub trait Clock: Send + Sync {
    fn now(&self) -> DateTime<Utc>;

    /// Today's date in Italy.
    fn today(&self) -> NaiveDate {
        italian_date(self.now())
    }
}

/// The system clock.
#[derive(Debug, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}

/// A clock that stays where it is set (tests and demonstrations).
#[derive(Debug)]
pub struct FixedClock(Mutex<DateTime<Utc>>);

impl FixedClock {
    pub fn at(now: DateTime<Utc>) -> FixedClock {
        FixedClock(Mutex::new(now))
    }

    /// Noon in Italy on `day`.
    pub fn on(day: NaiveDate) -> FixedClock {
        FixedClock::at(day.and_hms_opt(11, 0, 0).unwrap_or_default().and_utc())
    }

    pub fn set(&self, now: DateTime<Utc>) {
        *self.0.lock().unwrap_or_else(|poisoned| poisoned.into_inner()) = now;
    }
}

impl Clock for FixedClock {
    fn now(&self) -> DateTime<Utc> {
        *self.0.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// The date in Italy at `now`: UTC+1, and UTC+2 from the last Sunday of March to the last
/// Sunday of October (both at 01:00 UTC, the EU rule). A front desk open after midnight
/// must not be told that today is in the future.
pub fn italian_date(now: DateTime<Utc>) -> NaiveDate {
    let offset = types::i18n::italy_utc_offset(now.timestamp().div_euclid(60));
    (now + chrono::Duration::minutes(offset)).date_naive()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn dates_are_italian() {
        // Winter: 23:30 UTC is already tomorrow in Rome.
        assert_eq!(italian_date(at("2026-01-15T23:30:00Z")), day("2026-01-16"));
        assert_eq!(italian_date(at("2026-01-15T22:30:00Z")), day("2026-01-15"));
        // Summer: 22:30 UTC is already tomorrow.
        assert_eq!(italian_date(at("2026-07-15T22:30:00Z")), day("2026-07-16"));
        // The change of 2026: Sunday 29 March and Sunday 25 October, 01:00 UTC.
        assert_eq!(italian_date(at("2026-03-29T22:30:00Z")), day("2026-03-30"));
        assert_eq!(italian_date(at("2026-10-25T22:30:00Z")), day("2026-10-25"));
    }

    #[test]
    fn a_fixed_clock_stays_where_it_is_set() {
        let clock = FixedClock::on(day("2026-02-01"));
        assert_eq!(clock.today(), day("2026-02-01"));
        clock.set(at("2026-03-01T10:00:00Z"));
        assert_eq!(clock.today(), day("2026-03-01"));
    }
}
