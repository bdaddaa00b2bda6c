//! Dates of entries: a day (`2023-02-28`), a moment (RFC 3339), or — for history where only
//! the month or the year is known — `2022-12` and `2023`.

use std::cmp::Ordering;
use std::fmt;

use chrono::{DateTime, Datelike, FixedOffset, NaiveDate};
use serde::de::{self, Deserialize, Deserializer};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Precision {
    Year,
    Month,
    Day,
    Moment(DateTime<FixedOffset>),
}

/// A validated date. Ordered by its first day (then by the moment, when there is one).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Date {
    day: NaiveDate,
    precision: Precision,
}

const MONTHS: [&str; 12] = [
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

impl Date {
    /// Parses `YYYY-MM-DD`, RFC 3339, `YYYY-MM` or `YYYY`, with a message that says what is
    /// wrong when it is not a real date.
    pub fn parse(text: &str) -> Result<Date, String> {
        let text = text.trim();
        if text.len() > 10 {
            return moment(text)
                .map(|moment| Date {
                    day: moment.date_naive(),
                    precision: Precision::Moment(moment),
                })
                .map_err(|e| {
                    format!(
                        "`{text}` is not a date: expected YYYY-MM-DD, an RFC 3339 time, or `YYYY-MM-DD HH:MM:SS -0800` ({e})"
                    )
                });
        }
        let parts: Vec<&str> = text.split('-').collect();
        let well_formed = match parts.as_slice() {
            [y] => y.len() == 4,
            [y, m] => y.len() == 4 && m.len() == 2,
            [y, m, d] => y.len() == 4 && m.len() == 2 && d.len() == 2,
            _ => false,
        } && parts.iter().all(|p| p.bytes().all(|b| b.is_ascii_digit()));
        if !well_formed {
            return Err(format!(
                "`{text}` is not a date: expected YYYY-MM-DD (or YYYY-MM, YYYY, or an RFC 3339 time)"
            ));
        }
        let numbers: Vec<u32> = parts.iter().map(|p| p.parse().unwrap_or(0)).collect();
        let year = numbers[0] as i32;
        let month = numbers.get(1).copied();
        let day = numbers.get(2).copied();
        if let Some(m) = month
            && !(1..=12).contains(&m)
        {
            return Err(format!("impossible date `{text}`: there is no month {m}"));
        }
        let precision = match (month, day) {
            (None, _) => Precision::Year,
            (Some(_), None) => Precision::Month,
            (Some(_), Some(_)) => Precision::Day,
        };
        let m = month.unwrap_or(1);
        let d = day.unwrap_or(1);
        match NaiveDate::from_ymd_opt(year, m, d) {
            Some(date) => Ok(Date {
                day: date,
                precision,
            }),
            None => {
                let days = days_in_month(year, m);
                Err(format!(
                    "impossible date `{text}`: {} {year} has {days} days",
                    MONTHS[m as usize - 1]
                ))
            }
        }
    }

    pub fn year(&self) -> i32 {
        self.day.year()
    }

    pub fn precision(&self) -> Precision {
        self.precision
    }

    /// As written in front matter: `2023-02-28`, `2022-12`, `2023`, or the RFC 3339 time.
    pub fn iso(&self) -> String {
        match self.precision {
            Precision::Year => format!("{:04}", self.day.year()),
            Precision::Month => format!("{:04}-{:02}", self.day.year(), self.day.month()),
            Precision::Day => self.day.format("%Y-%m-%d").to_string(),
            Precision::Moment(m) => m.to_rfc3339(),
        }
    }

    /// For `<time datetime>`: a valid HTML date string of the same precision.
    pub fn machine(&self) -> String {
        match self.precision {
            Precision::Moment(m) => m.format("%Y-%m-%dT%H:%M:%S%:z").to_string(),
            _ => self.iso(),
        }
    }

    /// For readers: `28 February 2023`, `December 2022`, `2023`.
    pub fn display(&self) -> String {
        let month = MONTHS[self.day.month0() as usize];
        match self.precision {
            Precision::Year => format!("{}", self.day.year()),
            Precision::Month => format!("{month} {}", self.day.year()),
            Precision::Day | Precision::Moment(_) => {
                format!("{} {month} {}", self.day.day(), self.day.year())
            }
        }
    }

    /// For feeds and sitemaps: a full RFC 3339 time (midnight UTC of the first day when only
    /// a day, month or year is known).
    pub fn rfc3339(&self) -> String {
        match self.precision {
            Precision::Moment(m) => m.format("%Y-%m-%dT%H:%M:%S%:z").to_string(),
            _ => format!("{}T00:00:00Z", self.day.format("%Y-%m-%d")),
        }
    }

    /// `YYYY-MM-DD` of the first day, for the sitemap's `lastmod`.
    pub fn day_iso(&self) -> String {
        self.day.format("%Y-%m-%d").to_string()
    }

    /// Today's date in UTC, from the system clock (for `dossier new`).
    pub fn today() -> Date {
        let secs = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        let epoch = NaiveDate::from_ymd_opt(1970, 1, 1).unwrap_or_default();
        let day = epoch
            .checked_add_days(chrono::Days::new(secs / 86_400))
            .unwrap_or(epoch);
        Date {
            day,
            precision: Precision::Day,
        }
    }

    /// Whether `other` starts before this date's period is over (`2004-03` is not over on
    /// 31 March 2004): how a relation's `until` reads.
    pub fn not_over_at(&self, other: &Date) -> bool {
        use chrono::Datelike;
        let last = match self.precision {
            Precision::Year => NaiveDate::from_ymd_opt(self.day.year(), 12, 31),
            Precision::Month => NaiveDate::from_ymd_opt(
                self.day.year(),
                self.day.month(),
                days_in_month(self.day.year(), self.day.month()),
            ),
            _ => Some(self.day),
        };
        other.day <= last.unwrap_or(self.day)
    }

    fn sort_key(&self) -> (NaiveDate, i64) {
        match self.precision {
            Precision::Moment(m) => (self.day, m.timestamp()),
            _ => (self.day, i64::MIN),
        }
    }
}

/// A moment as RFC 3339 writes it (`2014-12-17T11:16:21-08:00`), or as Jekyll and Hugo
/// sites do: `2014-12-17 11:16:21 -0800`, `2014-12-17 11:16`; without an offset it is
/// taken as UTC, Hugo's default.
fn moment(text: &str) -> Result<DateTime<FixedOffset>, chrono::ParseError> {
    let rfc = match DateTime::parse_from_rfc3339(text) {
        Ok(m) => return Ok(m),
        Err(e) => e,
    };
    const WITH_OFFSET: [&str; 4] = [
        "%Y-%m-%d %H:%M:%S%.f %z",
        "%Y-%m-%d %H:%M:%S%.f%z",
        "%Y-%m-%dT%H:%M:%S%.f%z",
        "%Y-%m-%d %H:%M %z",
    ];
    const WITHOUT: [&str; 4] = [
        "%Y-%m-%d %H:%M:%S%.f",
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%d %H:%M",
        "%Y-%m-%dT%H:%M",
    ];
    if let Some(m) = WITH_OFFSET
        .iter()
        .find_map(|f| DateTime::parse_from_str(text, f).ok())
    {
        return Ok(m);
    }
    let utc = text
        .strip_suffix(" UTC")
        .or_else(|| text.strip_suffix(" Z"))
        .unwrap_or(text);
    WITHOUT
        .iter()
        .find_map(|f| chrono::NaiveDateTime::parse_from_str(utc, f).ok())
        .map(|naive| naive.and_utc().fixed_offset())
        .ok_or(rfc)
}

fn days_in_month(year: i32, month: u32) -> u32 {
    (28..=31)
        .rev()
        .find(|&d| NaiveDate::from_ymd_opt(year, month, d).is_some())
        .unwrap_or(28)
}

impl Ord for Date {
    fn cmp(&self, other: &Self) -> Ordering {
        self.sort_key().cmp(&other.sort_key())
    }
}

impl PartialOrd for Date {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.iso())
    }
}

impl<'de> Deserialize<'de> for Date {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct DateVisitor;
        impl de::Visitor<'_> for DateVisitor {
            type Value = Date;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a date such as 2023-02-28")
            }

            fn visit_str<E: de::Error>(self, v: &str) -> Result<Date, E> {
                Date::parse(v).map_err(E::custom)
            }

            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Date, E> {
                Date::parse(&v.to_string()).map_err(E::custom)
            }

            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Date, E> {
                Date::parse(&v.to_string()).map_err(E::custom)
            }
        }
        deserializer.deserialize_any(DateVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_period_is_not_over_before_its_last_day() {
        let d = |t: &str| Date::parse(t).unwrap();
        assert!(d("2004-03").not_over_at(&d("2004-03-31")));
        assert!(!d("2004-03").not_over_at(&d("2004-04-01")));
        assert!(d("2004").not_over_at(&d("2004-12-31")));
        assert!(!d("2004-03-09").not_over_at(&d("2004-03-10")));
    }

    #[test]
    fn parses_every_precision() {
        assert_eq!(
            Date::parse("2023-02-28").unwrap().display(),
            "28 February 2023"
        );
        assert_eq!(Date::parse("2022-12").unwrap().display(), "December 2022");
        assert_eq!(Date::parse("2023").unwrap().display(), "2023");
        let moment = Date::parse("2023-02-28T10:30:00+04:00").unwrap();
        assert_eq!(moment.display(), "28 February 2023");
        assert_eq!(moment.rfc3339(), "2023-02-28T10:30:00+04:00");
        assert_eq!(
            Date::parse("2022-12").unwrap().rfc3339(),
            "2022-12-01T00:00:00Z"
        );
    }

    #[test]
    fn impossible_dates_say_why() {
        let err = Date::parse("2023-02-30").unwrap_err();
        assert_eq!(
            err,
            "impossible date `2023-02-30`: February 2023 has 28 days"
        );
        assert!(Date::parse("2024-02-29").is_ok());
        assert!(
            Date::parse("2023-13-01")
                .unwrap_err()
                .contains("no month 13")
        );
        assert!(
            Date::parse("28/02/2023")
                .unwrap_err()
                .contains("is not a date")
        );
        assert!(Date::parse("2023-2-28").is_err());
        assert!(Date::parse("2023-02-28T25:00:00Z").is_err());
    }

    #[test]
    fn reads_jekyll_and_hugo_times() {
        for (text, rfc) in [
            ("2014-12-17 11:16:21 -0800", "2014-12-17T11:16:21-08:00"),
            ("2014-12-17T11:16:21-08:00", "2014-12-17T11:16:21-08:00"),
            ("2014-12-17 11:16:21 +05:30", "2014-12-17T11:16:21+05:30"),
            ("2014-12-17 11:16:21", "2014-12-17T11:16:21+00:00"),
            ("2014-12-17 11:16", "2014-12-17T11:16:00+00:00"),
            ("2014-12-17T11:16:21", "2014-12-17T11:16:21+00:00"),
            ("2014-12-17 11:16:21 UTC", "2014-12-17T11:16:21+00:00"),
        ] {
            let date = Date::parse(text).unwrap_or_else(|e| panic!("{text}: {e}"));
            assert_eq!(date.rfc3339(), rfc, "{text}");
            assert_eq!(date.display(), "17 December 2014", "{text}");
        }
        assert!(Date::parse("2014-12-17 25:16:21 -0800").is_err());
        assert!(Date::parse("2014-12-17 soon").is_err());
    }

    #[test]
    fn orders_by_first_day_then_moment() {
        let mut dates: Vec<Date> = ["2023-02-28", "2022-12", "2023", "2023-02-28T09:00:00Z"]
            .iter()
            .map(|d| Date::parse(d).unwrap())
            .collect();
        dates.sort();
        let shown: Vec<String> = dates.iter().map(Date::iso).collect();
        assert_eq!(
            shown,
            ["2022-12", "2023", "2023-02-28", "2023-02-28T09:00:00+00:00"]
        );
    }
}
