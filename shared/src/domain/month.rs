//! Calendar months and dates as people in China see them (Asia/Shanghai).

use std::fmt;

use jiff::civil::Date;
use jiff::tz::TimeZone;
use serde::{Deserialize, Serialize};

/// The time zone every "today" and "this month" of the product is reckoned in.
pub fn china_tz() -> TimeZone {
    // Bundled with jiff, so it works where the host has no zoneinfo (Lambda).
    TimeZone::get("Asia/Shanghai").unwrap_or_else(|_| TimeZone::fixed(jiff::tz::offset(8)))
}

/// Today's date in China.
pub fn china_today() -> Date {
    jiff::Timestamp::now().to_zoned(china_tz()).date()
}

/// The date of an instant in China.
pub fn china_date(at: jiff::Timestamp) -> Date {
    at.to_zoned(china_tz()).date()
}

/// The years a month or a date may fall in.
const YEARS: std::ops::RangeInclusive<i16> = 1900..=2999;

/// Parses a `YYYY-MM-DD` date in the years a [`Month`] spans (1900–2999), so that every
/// date the product keeps falls in a month it can list and count.
pub fn parse_date(input: &str) -> Result<Date, &'static str> {
    const SHAPE: &str = "日期格式应为YYYY-MM-DD";
    let value = input.trim();
    if value.is_empty() {
        return Err("请填写日期");
    }
    let shaped = value.len() == 10
        && value
            .bytes()
            .enumerate()
            .all(|(i, b)| if i == 4 || i == 7 { b == b'-' } else { b.is_ascii_digit() });
    if !shaped {
        return Err(SHAPE);
    }
    // The shape is right, so the day does not exist (2026-02-30, 2026-13-01).
    let date = value.parse::<Date>().map_err(|_| "日期不存在，请检查年、月、日")?;
    if !YEARS.contains(&date.year()) {
        return Err("日期应在1900年至2999年之间");
    }
    Ok(date)
}

/// A calendar month, `YYYY-MM`.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Month {
    year: i16,
    month: i8,
}

impl Month {
    pub fn parse(input: &str) -> Result<Self, &'static str> {
        const MESSAGE: &str = "月份格式应为YYYY-MM";
        let value = input.trim();
        let (year, month) = value.split_once('-').ok_or(MESSAGE)?;
        if year.len() != 4 || month.len() != 2 {
            return Err(MESSAGE);
        }
        let year: i16 = year.parse().map_err(|_| MESSAGE)?;
        let month: i8 = month.parse().map_err(|_| MESSAGE)?;
        if !YEARS.contains(&year) || !(1..=12).contains(&month) {
            return Err(MESSAGE);
        }
        Ok(Self { year, month })
    }

    pub fn of(date: Date) -> Self {
        Self { year: date.year(), month: date.month() }
    }

    /// The current month in China.
    pub fn current() -> Self {
        Self::of(china_today())
    }

    pub fn first_day(self) -> Date {
        Date::new(self.year, self.month, 1).unwrap_or(Date::MIN)
    }

    pub fn contains(self, date: Date) -> bool {
        Self::of(date) == self
    }

    pub fn is_after(self, other: Month) -> bool {
        self > other
    }

    pub fn previous(self) -> Self {
        if self.month == 1 {
            Self { year: self.year - 1, month: 12 }
        } else {
            Self { year: self.year, month: self.month - 1 }
        }
    }

    pub fn next(self) -> Self {
        if self.month == 12 {
            Self { year: self.year + 1, month: 1 }
        } else {
            Self { year: self.year, month: self.month + 1 }
        }
    }

    /// The month as people write it, `2026年11月`.
    pub fn label(self) -> String {
        format!("{}年{}月", self.year, self.month)
    }
}

impl fmt::Display for Month {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

impl fmt::Debug for Month {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Month({self})")
    }
}

impl TryFrom<String> for Month {
    type Error = &'static str;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<Month> for String {
    fn from(month: Month) -> Self {
        month.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn a_month_round_trips() {
        assert_eq!(Month::parse("2026-03").unwrap().to_string(), "2026-03");
    }

    #[test]
    fn malformed_months_are_rejected() {
        for bad in ["2026-3", "2026-13", "2026-00", "26-03", "2026/03", "", "2026-03-01"] {
            assert!(Month::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn months_order_and_step() {
        let dec = Month::parse("2026-12").unwrap();
        assert_eq!(dec.next().to_string(), "2027-01");
        assert_eq!(dec.next().previous(), dec);
        assert!(dec.next().is_after(dec));
        assert!(dec.contains(date(2026, 12, 31)));
    }

    #[test]
    fn today_is_reckoned_in_china_time() {
        // 2026-11-30T16:30Z is already 00:30 on 1 December in Shanghai.
        let at: jiff::Timestamp = "2026-11-30T16:30:00Z".parse().unwrap();
        assert_eq!(china_date(at), date(2026, 12, 1));
        assert_eq!(Month::of(china_date(at)).to_string(), "2026-12");
    }

    #[test]
    fn dates_parse_strictly() {
        assert_eq!(parse_date("2026-02-28").unwrap(), date(2026, 2, 28));
        assert!(parse_date("2026-02-30").is_err());
        assert!(parse_date("2026-2-3").is_err());
        assert!(parse_date("0001-01-01").is_err());
        assert_eq!(Month::parse("2026-01").unwrap().label(), "2026年1月");
        assert!(parse_date("9999-12-31").is_err());
        assert_eq!(parse_date("1900-01-01").unwrap(), date(1900, 1, 1));
    }
}
