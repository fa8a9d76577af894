//! Time stamps and date answers: a cell's text in, a [`Period`] (or a month)
//! out. Understands ISO 8601 (with or without fraction and zone), US
//! `M/D/YYYY H:MM:SS`, European `DD/MM/YYYY HH:MM:SS`, Google Forms'
//! `YYYY/MM/DD h:mm:ss AM GMT+1`, Norwegian `DD.MM.YYYY kl. HH.MM.SS` and
//! similar. Slash dates with the year last are ambiguous; their order is
//! settled per file from all its dates ([`OrderEvidence`]).

use std::sync::LazyLock;

use chrono::{Datelike, FixedOffset, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Utc};
use regex::Regex;

use crate::answers::{Granularity, Period};
use crate::cli::DateOrder;

static STAMP: LazyLock<Regex> = LazyLock::new(|| {
    let date = r"(?:(?P<y1>\d{4})[-/.](?P<m1>\d{1,2})[-/.](?P<d1>\d{1,2})|(?P<d2>\d{1,2})\.(?P<m2>\d{1,2})\.(?P<y2>\d{4})|(?P<a>\d{1,2})[/-](?P<b>\d{1,2})[/-](?P<y3>\d{4}))";
    let time = r"(?P<h>\d{1,2})[:.](?P<mi>\d{2})(?:[:.](?P<s>\d{2})(?:[.,]\d+)?)?";
    let ampm = r"(?:\s*(?P<ap>[ap])\.?m\.?)?";
    let zone =
        r"(?:\s*(?P<z>z|utc|gmt)?\s*(?:(?P<sign>[+-])(?P<oh>\d{1,2})(?::?(?P<om>\d{2}))?)?)?";
    Regex::new(&format!(
        r"(?i)^\s*{date}(?:(?:t|\s+(?:kl\.?\s*)?|,\s*){time}{ampm}{zone})?\s*$"
    ))
    .unwrap_or_else(|e| panic!("built-in time pattern: {e}"))
});

static MONTH: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^\s*(\d{4})-(\d{1,2})\s*$")
        .unwrap_or_else(|e| panic!("built-in month pattern: {e}"))
});

/// The date of a stamp as written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateParts {
    /// Year, month, day: the order is certain.
    Ymd(i32, u32, u32),
    /// `a/b/year`: day-month or month-day.
    Slash { a: u32, b: u32, year: i32 },
}

/// A parsed stamp, not yet placed in a time zone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stamp {
    pub date: DateParts,
    /// Hours, minutes, seconds (midnight when absent).
    pub time: (u32, u32, u32),
    /// Seconds east of UTC, when the stamp says.
    pub offset: Option<i32>,
}

/// How to read a stamp without an offset.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NaiveZone {
    /// The service writes naive UTC (Formspree, Netlify).
    Utc,
    /// Local time of the survey's time zone.
    Local,
}

fn num<T: std::str::FromStr>(c: &regex::Captures, name: &str) -> Option<T> {
    c.name(name).and_then(|m| m.as_str().parse().ok())
}

/// Parse a stamp or a date; `None` when it is none of the known shapes.
pub fn parse_stamp(s: &str) -> Option<Stamp> {
    match parse_iso(super::cells::trim(s)) {
        Some(st) => st,
        None => parse_by_pattern(s),
    }
}

/// The strict ISO 8601 shape most services write
/// (`2025-03-10T14:05:09.123456+01:00`, `2025-03-10 14:05:09Z`,
/// `2025-03-10`), read without the general pattern; `None` when `s` has
/// another shape, so the pattern decides. Where it answers, it answers as
/// the pattern would (a test holds the two together).
fn parse_iso(s: &str) -> Option<Option<Stamp>> {
    let b = s.as_bytes();
    let digits = |from: usize, n: usize| -> Option<u32> {
        let d = b.get(from..from + n)?;
        d.iter()
            .all(u8::is_ascii_digit)
            .then(|| d.iter().fold(0u32, |v, c| v * 10 + u32::from(c - b'0')))
    };
    let (y, m, d) = (digits(0, 4)?, digits(5, 2)?, digits(8, 2)?);
    if b.get(4) != Some(&b'-') || b.get(7) != Some(&b'-') {
        return None;
    }
    let date = DateParts::Ymd(i32::try_from(y).ok()?, m, d);
    if b.len() == 10 {
        return Some(Some(Stamp {
            date,
            time: (0, 0, 0),
            offset: None,
        }));
    }
    if !matches!(b[10], b'T' | b't' | b' ') || b.get(13) != Some(&b':') {
        return None;
    }
    let (h, mi) = (digits(11, 2)?, digits(14, 2)?);
    let mut i = 16;
    let mut sec = 0;
    if b.get(i) == Some(&b':') {
        sec = digits(i + 1, 2)?;
        i += 3;
        if matches!(b.get(i), Some(b'.' | b',')) && b.get(i + 1).is_some_and(u8::is_ascii_digit) {
            i += 1;
            while b.get(i).is_some_and(u8::is_ascii_digit) {
                i += 1;
            }
        }
    }
    let offset = match b.get(i) {
        None => None,
        Some(b'Z' | b'z') if i + 1 == b.len() => Some(0),
        Some(&sign @ (b'+' | b'-')) => {
            let oh = digits(i + 1, 2)? as i32;
            let om = match &b[i + 3..] {
                [] => 0,
                [b':', _, _] => digits(i + 4, 2)? as i32,
                [_, _] => digits(i + 3, 2)? as i32,
                _ => return None,
            };
            let secs = oh * 3600 + om * 60;
            Some(if sign == b'-' { -secs } else { secs })
        }
        _ => return None,
    };
    Some(Some(Stamp {
        date,
        time: (h, mi, sec),
        offset,
    }))
}

fn parse_by_pattern(s: &str) -> Option<Stamp> {
    let c = STAMP.captures(s)?;
    let date = if let Some(y) = num(&c, "y1") {
        DateParts::Ymd(y, num(&c, "m1")?, num(&c, "d1")?)
    } else if let Some(y) = num(&c, "y2") {
        DateParts::Ymd(y, num(&c, "m2")?, num(&c, "d2")?)
    } else {
        DateParts::Slash {
            a: num(&c, "a")?,
            b: num(&c, "b")?,
            year: num(&c, "y3")?,
        }
    };
    let mut h: u32 = num(&c, "h").unwrap_or(0);
    if let Some(ap) = c.name("ap") {
        let pm = ap.as_str().eq_ignore_ascii_case("p");
        h = match (h, pm) {
            (12, false) => 0,
            (h, true) if h < 12 => h + 12,
            (h, _) => h,
        };
    }
    let time = (h, num(&c, "mi").unwrap_or(0), num(&c, "s").unwrap_or(0));
    let offset = match (c.name("z"), c.name("sign")) {
        (_, Some(sign)) => {
            let secs = num::<i32>(&c, "oh")? * 3600 + num::<i32>(&c, "om").unwrap_or(0) * 60;
            Some(if sign.as_str() == "-" { -secs } else { secs })
        }
        (Some(_), None) => Some(0),
        (None, None) => None,
    };
    Some(Stamp { date, time, offset })
}

/// What a file's slash dates say about their order.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct OrderEvidence {
    pub dmy: u64,
    pub mdy: u64,
    pub ambiguous: u64,
}

impl OrderEvidence {
    /// Add another part of the same file's evidence.
    pub fn merge(&mut self, o: &OrderEvidence) {
        self.dmy += o.dmy;
        self.mdy += o.mdy;
        self.ambiguous += o.ambiguous;
    }

    pub fn add(&mut self, d: DateParts) {
        if let DateParts::Slash { a, b, .. } = d {
            match (a > 12, b > 12) {
                (true, false) => self.dmy += 1,
                (false, true) => self.mdy += 1,
                (false, false) if a != b => self.ambiguous += 1,
                _ => {}
            }
        }
    }

    /// The order the file's dates settle by themselves: the one all its
    /// telling dates show, or that at least nine in ten of them show (the
    /// others are then dates in the other order, set aside one by one).
    pub fn settled(&self) -> Option<DateOrder> {
        let (d, m) = (self.dmy, self.mdy);
        let most = |few: u64| few.saturating_mul(10) <= d.saturating_add(m);
        match (d, m) {
            (0, 0) => None,
            (_, 0) => Some(DateOrder::Dmy),
            (0, _) => Some(DateOrder::Mdy),
            _ if most(m) => Some(DateOrder::Dmy),
            _ if most(d) => Some(DateOrder::Mdy),
            _ => None,
        }
    }

    /// The order to use: the one the file settles ([`OrderEvidence::settled`]),
    /// else `forced` (`--date-order`). `Err` only when neither tells it:
    /// the file mixes both orders with no clear majority, or holds only
    /// dates that could be either.
    pub fn resolve(&self, forced: Option<DateOrder>) -> Result<Option<DateOrder>, String> {
        match (self.settled(), forced) {
            (Some(o), _) => Ok(Some(o)),
            (None, Some(f)) => Ok(Some(f)),
            (None, None) if self.dmy > 0 && self.mdy > 0 => Err(format!(
                "the file mixes day/month dates ({}) and month/day dates ({})",
                self.dmy, self.mdy
            )),
            (None, None) if self.ambiguous > 0 => {
                Err("every date in the file could be day/month or month/day".into())
            }
            (None, None) => Ok(None),
        }
    }

    /// How many of the file's dates show the order other than `order`.
    pub fn against(&self, order: Option<DateOrder>) -> u64 {
        match order {
            Some(DateOrder::Dmy) => self.mdy,
            Some(DateOrder::Mdy) => self.dmy,
            None => 0,
        }
    }
}

/// Whether the date `d`, which does not read under `order`, would read
/// under the other order: a date in the other day/month order (`4/13/2025`
/// in a day/month file), not a date that is no date at all.
pub fn in_the_other_order(d: DateParts, order: Option<DateOrder>) -> bool {
    let flipped = match order {
        Some(DateOrder::Dmy) => DateOrder::Mdy,
        Some(DateOrder::Mdy) => DateOrder::Dmy,
        None => return false,
    };
    let valid =
        |o| ymd(d, Some(o)).is_some_and(|(y, m, d)| NaiveDate::from_ymd_opt(y, m, d).is_some());
    matches!(d, DateParts::Slash { .. }) && valid(flipped) && order.is_some_and(|o| !valid(o))
}

/// Year, month, day of `d` under `order`.
pub fn ymd(d: DateParts, order: Option<DateOrder>) -> Option<(i32, u32, u32)> {
    match d {
        DateParts::Ymd(y, m, d) => Some((y, m, d)),
        DateParts::Slash { a, b, year } if a == b => Some((year, a, b)),
        DateParts::Slash { a, b, year } => match order? {
            DateOrder::Dmy => Some((year, b, a)),
            DateOrder::Mdy => Some((year, a, b)),
        },
    }
}

/// How stamps of one file are placed: the day/month order, how a stamp
/// without an offset is read, the survey's zone and the periods' size.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Placing {
    pub order: Option<DateOrder>,
    pub naive: NaiveZone,
    pub tz: chrono_tz::Tz,
    pub granularity: Granularity,
}

impl Placing {
    /// The period a stamp falls in, in the survey's time zone.
    pub fn period_of(&self, s: &Stamp) -> Option<Period> {
        let at = self.place(s)?;
        Some(Period::of_month(at.year(), at.month(), self.granularity))
    }

    /// The moment a stamp names, in the survey's zone.
    fn place(&self, s: &Stamp) -> Option<chrono::DateTime<chrono_tz::Tz>> {
        let (y, m, d) = ymd(s.date, self.order)?;
        let date = NaiveDate::from_ymd_opt(y, m, d)?;
        let (h, mi, sec) = s.time;
        let time = NaiveTime::from_hms_opt(h, mi, sec.min(59))?;
        let local = NaiveDateTime::new(date, time);
        let tz = self.tz;
        Some(match (s.offset, self.naive) {
            (Some(off), _) => FixedOffset::east_opt(off)?
                .from_local_datetime(&local)
                .single()?
                .with_timezone(&tz),
            (None, NaiveZone::Utc) => Utc.from_utc_datetime(&local).with_timezone(&tz),
            (None, NaiveZone::Local) => {
                tz.from_local_datetime(&local).earliest().or_else(|| {
                    tz.from_local_datetime(&(local + chrono::Duration::hours(1)))
                        .earliest()
                })?
            }
        })
    }

    /// The period of every second of `s`'s day, when it is one and the
    /// day has no clock change (see [`DayPeriods`]).
    fn whole_day(&self, s: &Stamp) -> Option<Period> {
        let at = |time| self.place(&Stamp { time, ..*s });
        let (first, last) = (at((0, 0, 0))?, at((23, 59, 59))?);
        let even = (last.timestamp() - first.timestamp()) == 86_399
            && (last.naive_local() - first.naive_local()).num_seconds() == 86_399;
        let of = |t: &chrono::DateTime<chrono_tz::Tz>| {
            Period::of_month(t.year(), t.month(), self.granularity)
        };
        (even && of(&first) == of(&last)).then(|| of(&first))
    }
}

/// Days remembered per reader before [`DayPeriods`] stops remembering.
const DAYS: usize = 4096;

/// [`Placing::period_of`] for many stamps, worked out once per day: a day
/// whose every second lies in one month of the survey's zone, with no
/// clock change inside it (its first and last second are 86,399 s apart
/// both as moments and on the zone's clock), gives all its stamps that
/// month's period; any other day's stamps are placed one by one.
#[derive(Debug, Default)]
pub struct DayPeriods {
    /// The placing the days below were worked out under.
    of: Option<Placing>,
    /// (year, month, day, stated offset) → the whole day's period.
    days: foldhash::HashMap<(i32, u32, u32, Option<i32>), Option<Period>>,
}

impl DayPeriods {
    pub fn period(&mut self, s: &Stamp, p: Placing) -> Option<Period> {
        if self.of != Some(p) {
            self.of = Some(p);
            self.days.clear();
        }
        let (h, mi, sec) = s.time;
        let (y, m, d) = ymd(s.date, p.order)?;
        NaiveTime::from_hms_opt(h, mi, sec.min(59))?;
        let key = (y, m, d, s.offset);
        let whole = match self.days.get(&key) {
            Some(w) => *w,
            None => {
                let w = p.whole_day(s);
                if self.days.len() < DAYS {
                    self.days.insert(key, w);
                }
                w
            }
        };
        whole.or_else(|| p.period_of(s))
    }
}

/// A date answer cut to its month: `YYYY-MM-DD`, `YYYY-MM`, `DD.MM.YYYY`,
/// or a slash date read with the file's order.
pub fn month_of(s: &str, order: Option<DateOrder>) -> Option<(i32, u32)> {
    if let Some(c) = MONTH.captures(s) {
        let y: i32 = c.get(1)?.as_str().parse().ok()?;
        let m: u32 = c.get(2)?.as_str().parse().ok()?;
        return (1..=12).contains(&m).then_some((y, m));
    }
    let st = parse_stamp(s)?;
    let (y, m, d) = ymd(st.date, order)?;
    NaiveDate::from_ymd_opt(y, m, d).map(|_| (y, m))
}

#[cfg(test)]
mod tests {
    use super::*;

    const OSLO: chrono_tz::Tz = chrono_tz::Europe::Oslo;

    fn q(s: &str, order: Option<DateOrder>, z: NaiveZone) -> Option<String> {
        let st = parse_stamp(s)?;
        let p = Placing {
            order,
            naive: z,
            tz: OSLO,
            granularity: Granularity::Quarter,
        };
        p.period_of(&st).map(|p| p.to_string())
    }

    use chrono::Timelike;

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(400))]
        /// Remembering whole days never changes a stamp's period: stamps
        /// around clock changes (at midnight in Havana and São Paulo, by
        /// half an hour on Lord Howe, a whole day skipped in Apia), in
        /// zones off by half hours, naive or with an offset, in every
        /// granularity, read through one warm [`DayPeriods`].
        #[test]
        fn day_periods_agree_with_period_of(
            stamps in proptest::collection::vec(
                (0usize..6, 0usize..8, -3000i64..3000, proptest::option::of(-14i32..15), 0usize..2),
                1..200,
            ),
            g in 0usize..3,
        ) {
            let zones = [
                chrono_tz::America::Havana,
                chrono_tz::America::Sao_Paulo,
                chrono_tz::Australia::Lord_Howe,
                chrono_tz::Pacific::Apia,
                chrono_tz::Asia::Kolkata,
                OSLO,
            ];
            let g = [Granularity::Quarter, Granularity::Half, Granularity::Year][g];
            // Quarter ends, Apia's lost day, clock changes at midnight.
            let days = [
                (2011, 12, 31), (2012, 3, 31), (2012, 6, 30), (2012, 9, 30),
                (2011, 12, 30), (2012, 3, 11), (2012, 10, 21), (2012, 2, 26),
            ];
            let mut warm = std::collections::HashMap::new();
            for (z, day, minutes, hours, naive) in stamps {
                let (y, m, d) = days[day];
                let at = NaiveDate::from_ymd_opt(y, m, d)
                    .and_then(|d| d.and_hms_opt(12, 0, 0))
                    .unwrap_or_else(|| unreachable!())
                    + chrono::Duration::minutes(minutes);
                let st = Stamp {
                    date: DateParts::Ymd(at.year(), at.month(), at.day()),
                    time: (at.hour(), at.minute(), at.second()),
                    offset: hours.map(|h| h * 3600 + if h % 3 == 0 { 1800 } else { 0 }),
                };
                let placing = Placing {
                    order: None,
                    naive: [NaiveZone::Utc, NaiveZone::Local][naive],
                    tz: zones[z],
                    granularity: g,
                };
                let days = warm.entry((z, naive)).or_insert_with(DayPeriods::default);
                proptest::prop_assert_eq!(
                    days.period(&st, placing),
                    placing.period_of(&st),
                    "{:?} in {}", st, zones[z]
                );
            }
        }
    }

    #[test]
    fn the_iso_shortcut_reads_as_the_pattern_does() {
        let shapes = [
            "2025-03-10",
            "2025-03-10T14:05",
            "2025-03-10T14:05:09",
            "2025-03-10t14:05:09.123456",
            "2025-03-10 14:05:09,5Z",
            "2025-12-31T23:59:59+01:00",
            "2025-12-31T23:59:59-0530",
            "2025-12-31T23:59:59+14",
            " 2025-01-01T00:00:00z ",
        ];
        for s in shapes {
            assert_eq!(parse_iso(s.trim()), Some(parse_by_pattern(s)), "{s}");
            assert!(parse_by_pattern(s).is_some(), "{s}");
        }
        // Other shapes are left to the pattern.
        for s in [
            "2025-3-10",
            "2025/03/10 14:05",
            "10.03.2025 kl. 14.05",
            "2025-03-10  14:05",
            "2025-03-10T14:05 PM",
        ] {
            assert_eq!(parse_iso(s), None, "{s}");
        }
    }

    proptest::proptest! {
        #[test]
        fn the_iso_shortcut_never_disagrees(s in "[0-9]{4}-[0-9]{2}-[0-9]{2}([Tt ][0-9]{2}:[0-9]{2}(:[0-9]{2}([.,][0-9]{1,7})?)?([Zz]|[+-][0-9]{2}(:?[0-9]{2})?)?)?[ .x]?") {
            if let Some(st) = parse_iso(&s) {
                proptest::prop_assert_eq!(st, parse_by_pattern(&s), "{}", s);
            }
        }
    }

    #[test]
    fn every_known_shape() {
        use DateOrder::*;
        use NaiveZone::*;
        let table: [(&str, Option<DateOrder>, NaiveZone, Option<&str>); 16] = [
            ("2025-03-10T08:14:02.412093", None, Utc, Some("2025-Q1")),
            ("2025-03-10T08:14:02", None, Utc, Some("2025-Q1")),
            ("2025-03-10T08:14:02.412Z", None, Local, Some("2025-Q1")),
            // Naive UTC just before midnight at the quarter's end is Q2 in Oslo.
            ("2025-03-31T23:30:00", None, Utc, Some("2025-Q2")),
            ("2025-03-31T23:30:00", None, Local, Some("2025-Q1")),
            ("2025-03-31T23:30:00+02:00", None, Utc, Some("2025-Q1")),
            ("2025-06-30T22:30:00-0100", None, Local, Some("2025-Q3")),
            ("3/10/2025 9:14:02", Some(Mdy), Local, Some("2025-Q1")),
            ("14/03/2025 16:28:54", Some(Dmy), Local, Some("2025-Q1")),
            ("2025/11/26 5:46:06 PM GMT+1", None, Utc, Some("2025-Q4")),
            ("2025/12/31 11:30:00 PM GMT-1", None, Local, Some("2026-Q1")),
            ("06.09.2025 kl. 15.37.20", None, Local, Some("2025-Q3")),
            ("2025-12-22 10:30 AM", None, Local, Some("2025-Q4")),
            ("2025-03-10", None, Local, Some("2025-Q1")),
            ("10/03/2025 09:14:02", None, Local, None),
            ("yesterday", None, Local, None),
        ];
        for (s, order, z, want) in table {
            assert_eq!(q(s, order, z).as_deref(), want, "{s}");
        }
        assert_eq!(q("2025-02-30T10:00:00", None, Utc), None);
    }

    #[test]
    fn order_evidence_per_file() {
        let mut e = OrderEvidence::default();
        for s in ["10/03/2025 09:14:02", "14/03/2025 16:28:54"] {
            e.add(
                parse_stamp(s)
                    .map(|s| s.date)
                    .unwrap_or(DateParts::Ymd(0, 0, 0)),
            );
        }
        assert_eq!(e.resolve(None), Ok(Some(DateOrder::Dmy)));
        let mut amb = OrderEvidence::default();
        amb.add(DateParts::Slash {
            a: 3,
            b: 4,
            year: 2025,
        });
        assert!(amb.resolve(None).is_err());
        assert_eq!(amb.resolve(Some(DateOrder::Mdy)), Ok(Some(DateOrder::Mdy)));
        let mut mixed = e;
        mixed.add(DateParts::Slash {
            a: 3,
            b: 14,
            year: 2025,
        });
        // One day/month date and one month/day: no order settles, but
        // --date-order does.
        assert!(mixed.resolve(None).is_err());
        assert_eq!(
            mixed.resolve(Some(DateOrder::Dmy)),
            Ok(Some(DateOrder::Dmy))
        );
        assert_eq!(mixed.against(Some(DateOrder::Dmy)), 1);
        // Nine in ten settle it, whatever --date-order says.
        for _ in 0..8 {
            mixed.add(DateParts::Slash {
                a: 13,
                b: 3,
                year: 2025,
            });
        }
        assert_eq!((mixed.dmy, mixed.mdy), (9, 1));
        assert_eq!(mixed.resolve(None), Ok(Some(DateOrder::Dmy)));
        assert_eq!(
            mixed.resolve(Some(DateOrder::Mdy)),
            Ok(Some(DateOrder::Dmy))
        );
        let other = |a, b| DateParts::Slash { a, b, year: 2025 };
        assert!(in_the_other_order(other(4, 13), Some(DateOrder::Dmy)));
        assert!(in_the_other_order(other(13, 4), Some(DateOrder::Mdy)));
        assert!(!in_the_other_order(other(13, 4), Some(DateOrder::Dmy)));
        assert!(!in_the_other_order(other(13, 13), Some(DateOrder::Dmy)));
        assert!(!in_the_other_order(other(31, 2), Some(DateOrder::Dmy)));
        assert!(!in_the_other_order(other(4, 13), None));
    }

    #[test]
    fn months_of_date_answers() {
        assert_eq!(month_of("2024-11-05", None), Some((2024, 11)));
        assert_eq!(month_of("2024-11", None), Some((2024, 11)));
        assert_eq!(month_of("05.11.2024", None), Some((2024, 11)));
        assert_eq!(
            month_of("11/5/2024", Some(DateOrder::Mdy)),
            Some((2024, 11))
        );
        assert_eq!(month_of("2024-13", None), None);
        assert_eq!(month_of("soon", None), None);
    }
}
