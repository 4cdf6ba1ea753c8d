//! Calendar dates (`YYYY-MM-DD`) without a date library: parameters change on dates,
//! ages are counted to the evaluation date, and the widget must stay small.

use std::fmt;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    pub year: i32,
    pub month: u32,
    pub day: u32,
}

impl Date {
    pub fn new(year: i32, month: u32, day: u32) -> Option<Date> {
        let days = match month {
            1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
            4 | 6 | 9 | 11 => 30,
            2 if year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) => 29,
            2 => 28,
            _ => return None,
        };
        ((1..=days).contains(&day) && (1900..=2200).contains(&year)).then_some(Date { year, month, day })
    }

    /// `YYYY-MM-DD`.
    pub fn parse(text: &str) -> Option<Date> {
        let mut parts = text.trim().splitn(3, '-');
        let (y, m, d) = (parts.next()?, parts.next()?, parts.next()?);
        if y.len() != 4 || m.len() != 2 || d.len() != 2 {
            return None;
        }
        Date::new(y.parse().ok()?, m.parse().ok()?, d.parse().ok()?)
    }

    /// Whole years from `self` to `on` (an age): 0 until the first birthday.
    pub fn years_to(self, on: Date) -> i32 {
        let mut years = on.year - self.year;
        if (on.month, on.day) < (self.month, self.day) {
            years -= 1;
        }
        years
    }

    /// Whole months from `self` to `on`.
    pub fn months_to(self, on: Date) -> i32 {
        let mut months = (on.year - self.year) * 12 + on.month as i32 - self.month as i32;
        if on.day < self.day {
            months -= 1;
        }
        months
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ages_count_whole_years_and_months() {
        let born = Date::parse("2008-02-29").unwrap();
        assert_eq!(born.years_to(Date::parse("2026-02-28").unwrap()), 17);
        assert_eq!(born.years_to(Date::parse("2026-03-01").unwrap()), 18);
        assert_eq!(Date::parse("2025-11-15").unwrap().months_to(Date::parse("2026-05-14").unwrap()), 5);
        assert!(Date::parse("2026-02-30").is_none());
        assert!(Date::parse("26-02-01").is_none());
    }
}
