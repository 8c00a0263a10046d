//! Calendar dates (`YYYY-MM-DD`) and review periods (`12 months`).

use chrono::{Datelike, Months, NaiveDate};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

/// A calendar date, deserialized strictly from `YYYY-MM-DD`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date(pub NaiveDate);

/// Message prefix that the parser maps to the `invalid-date` rule.
pub const INVALID_DATE: &str = "invalid date";
/// Message prefix that the parser maps to the `invalid-period` rule.
pub const INVALID_PERIOD: &str = "invalid period";

impl Date {
    /// Parses `YYYY-MM-DD` exactly (four-digit year, two-digit month and day).
    pub fn parse(s: &str) -> Option<Date> {
        let b = s.as_bytes();
        let shape = b.len() == 10
            && b[4] == b'-'
            && b[7] == b'-'
            && b.iter()
                .enumerate()
                .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit());
        if !shape {
            return None;
        }
        NaiveDate::parse_from_str(s, "%Y-%m-%d").ok().map(Date)
    }

    /// Today in UTC.
    pub fn today() -> Date {
        Date(chrono::Utc::now().date_naive())
    }

    /// This date plus a period (month arithmetic clamps to the month's end).
    pub fn plus(self, p: Period) -> Date {
        let d = self.0;
        let next = match p.unit {
            Unit::Days => d.checked_add_days(chrono::Days::new(p.n as u64)),
            Unit::Weeks => d.checked_add_days(chrono::Days::new(p.n as u64 * 7)),
            Unit::Months => d.checked_add_months(Months::new(p.n)),
            Unit::Years => d.checked_add_months(Months::new(p.n.saturating_mul(12))),
        };
        Date(next.unwrap_or(NaiveDate::MAX))
    }

    /// The year.
    pub fn year(self) -> i32 {
        self.0.year()
    }

    /// Days from `self` to `other` (negative if `other` is earlier).
    pub fn days_until(self, other: Date) -> i64 {
        (other.0 - self.0).num_days()
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0.format("%Y-%m-%d"))
    }
}

impl Serialize for Date {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Date {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Date::parse(s.trim()).ok_or_else(|| {
            serde::de::Error::custom(format!(
                "{INVALID_DATE} `{s}`: expected a real date as YYYY-MM-DD"
            ))
        })
    }
}

/// Unit of a [`Period`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    Days,
    Weeks,
    Months,
    Years,
}

/// A review period such as `90 days` or `12 months`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    pub n: u32,
    pub unit: Unit,
}

impl Period {
    /// Parses `N unit` where unit is day(s), week(s), month(s) or year(s).
    pub fn parse(s: &str) -> Option<Period> {
        let mut parts = s.split_whitespace();
        let n: u32 = parts.next()?.parse().ok()?;
        let unit = match parts.next()?.to_ascii_lowercase().as_str() {
            "day" | "days" => Unit::Days,
            "week" | "weeks" => Unit::Weeks,
            "month" | "months" => Unit::Months,
            "year" | "years" => Unit::Years,
            _ => return None,
        };
        if parts.next().is_some() || n == 0 {
            return None;
        }
        Some(Period { n, unit })
    }
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let unit = match self.unit {
            Unit::Days => "day",
            Unit::Weeks => "week",
            Unit::Months => "month",
            Unit::Years => "year",
        };
        write!(f, "{} {unit}{}", self.n, if self.n == 1 { "" } else { "s" })
    }
}

impl Serialize for Period {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Period {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Period::parse(&s).ok_or_else(|| {
            serde::de::Error::custom(format!(
                "{INVALID_PERIOD} `{s}`: expected a number and a unit, e.g. `90 days`, `3 months`, `1 year`"
            ))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rejects_impossible_and_misshapen_dates() {
        assert!(Date::parse("2026-02-30").is_none());
        assert!(Date::parse("2026-2-3").is_none());
        assert!(Date::parse("26-02-03").is_none());
        assert_eq!(Date::parse("2026-02-28").unwrap().to_string(), "2026-02-28");
    }

    #[test]
    fn adds_months_clamping_to_month_end() {
        let d = Date::parse("2026-08-31").unwrap();
        assert_eq!(
            d.plus(Period::parse("6 months").unwrap()).to_string(),
            "2027-02-28"
        );
        assert_eq!(
            d.plus(Period::parse("1 year").unwrap()).to_string(),
            "2027-08-31"
        );
        assert_eq!(
            d.plus(Period::parse("90 days").unwrap()).to_string(),
            "2026-11-29"
        );
    }

    #[test]
    fn rejects_periods_without_unit_or_zero() {
        assert!(Period::parse("12").is_none());
        assert!(Period::parse("0 days").is_none());
        assert!(Period::parse("quarterly").is_none());
    }
}
