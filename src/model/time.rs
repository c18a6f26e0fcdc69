//! Timestamps as nanoseconds since the Unix epoch (UTC).
//!
//! Audit timestamps are parsed on the hot path, so this is a small hand-written
//! RFC 3339 reader rather than chrono: `2026-11-21T10:42:07.123456Z` with 0–9
//! fraction digits, `Z` or a numeric offset, and (leniently, for SIEM exports)
//! a space instead of `T` and a missing zone meaning UTC.

/// Nanoseconds since 1970-01-01T00:00:00Z.
pub type Nanos = i64;

pub const NANOS_PER_SEC: i64 = 1_000_000_000;

/// Parse an RFC 3339 timestamp. Returns `None` for anything that is not one.
pub fn parse_rfc3339(s: &str) -> Option<Nanos> {
    let b = s.as_bytes();
    if b.len() < 19 {
        return None;
    }
    let year = digits(&b[0..4])? as i64;
    let month = digits(&b[5..7])?;
    let day = digits(&b[8..10])?;
    let hour = digits(&b[11..13])? as i64;
    let min = digits(&b[14..16])? as i64;
    let sec = digits(&b[17..19])? as i64;
    if b[4] != b'-'
        || b[7] != b'-'
        || !matches!(b[10], b'T' | b't' | b' ')
        || b[13] != b':'
        || b[16] != b':'
    {
        return None;
    }
    if !(1..=12).contains(&month)
        || day == 0
        || day > days_in_month(year, month)
        || hour > 23
        || min > 59
        || sec > 60
    {
        return None;
    }
    let mut i = 19;
    let mut frac: i64 = 0;
    if i < b.len() && (b[i] == b'.' || b[i] == b',') {
        i += 1;
        let start = i;
        let mut scale = 100_000_000i64;
        while i < b.len() && b[i].is_ascii_digit() {
            // Digits beyond nanoseconds are accepted and ignored.
            frac += (b[i] - b'0') as i64 * scale;
            scale /= 10;
            i += 1;
        }
        if i == start {
            return None;
        }
    }
    let offset_secs: i64 = match b.get(i) {
        None => 0,
        Some(b'Z' | b'z') if i + 1 == b.len() => 0,
        Some(&sign @ (b'+' | b'-')) if b.len() == i + 6 && b[i + 3] == b':' => {
            let oh = digits(&b[i + 1..i + 3])? as i64;
            let om = digits(&b[i + 4..i + 6])? as i64;
            let o = oh * 3600 + om * 60;
            if sign == b'+' { o } else { -o }
        }
        _ => return None,
    };
    let days = days_from_civil(year, month, day);
    let secs = days * 86_400 + hour * 3600 + min * 60 + sec - offset_secs;
    secs.checked_mul(NANOS_PER_SEC)?.checked_add(frac)
}

fn digits(b: &[u8]) -> Option<u32> {
    let mut v = 0u32;
    for &c in b {
        if !c.is_ascii_digit() {
            return None;
        }
        v = v * 10 + (c - b'0') as u32;
    }
    Some(v)
}

fn is_leap(y: i64) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

fn days_in_month(y: i64, m: u32) -> u32 {
    match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ if is_leap(y) => 29,
        _ => 28,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
pub const fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let mp = (m as i64 + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d as i64 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The (year, month, day) of a day number from `days_from_civil`.
pub fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = if z >= 0 { z } else { z - 146_096 } / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// RFC 3339 UTC with microseconds, as SPEC §5 wants: `2026-11-21T10:42:07.123456Z`.
pub fn format_micros(t: Nanos) -> String {
    let secs = t.div_euclid(NANOS_PER_SEC);
    let micros = t.rem_euclid(NANOS_PER_SEC) / 1000;
    let (y, mo, d, h, mi, s) = split(secs);
    format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}.{micros:06}Z")
}

/// The clock, in nanoseconds since the epoch.
pub fn now() -> Nanos {
    chrono::Utc::now().timestamp_nanos_opt().unwrap_or(0)
}

/// Millisecond precision for a live tail: `2026-11-21T10:42:07.123Z`.
pub fn format_millis(t: Nanos) -> String {
    if t == crate::parse::NO_TIME {
        return format!("{:<24}", "-");
    }
    let secs = t.div_euclid(NANOS_PER_SEC);
    let millis = t.rem_euclid(NANOS_PER_SEC) / 1_000_000;
    let (y, mo, d, h, mi, s) = split(secs);
    format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}.{millis:03}Z")
}

/// Second precision for tables: `2026-11-21 10:42:07`.
pub fn format_short(t: Nanos) -> String {
    let (y, mo, d, h, mi, s) = split(t.div_euclid(NANOS_PER_SEC));
    format!("{y:04}-{mo:02}-{d:02} {h:02}:{mi:02}:{s:02}")
}

fn split(secs: i64) -> (i64, u32, u32, i64, i64, i64) {
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    (y, m, d, rem / 3600, rem % 3600 / 60, rem % 60)
}

/// A duration such as `15m`, `6h`, `2d`, `90s`, `1h30m`, `1w`.
pub fn parse_duration(s: &str) -> Option<Nanos> {
    let mut total: i64 = 0;
    let mut num: Option<i64> = None;
    let mut any = false;
    for c in s.chars() {
        if let Some(d) = c.to_digit(10) {
            num = Some(num.unwrap_or(0).checked_mul(10)?.checked_add(d as i64)?);
            continue;
        }
        let unit = match c {
            's' => 1,
            'm' => 60,
            'h' => 3600,
            'd' => 86_400,
            'w' => 7 * 86_400,
            _ => return None,
        };
        total = total.checked_add(num.take()?.checked_mul(unit)?)?;
        any = true;
    }
    if num.is_some() || !any {
        return None;
    }
    total.checked_mul(NANOS_PER_SEC)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_fraction_digits_zero_to_nine() {
        let base = parse_rfc3339("2026-11-21T10:42:07Z").expect("whole seconds");
        assert_eq!(base, 1_795_257_727 * NANOS_PER_SEC);
        assert_eq!(
            parse_rfc3339("2026-11-21T10:42:07.1Z"),
            Some(base + 100_000_000)
        );
        assert_eq!(
            parse_rfc3339("2026-11-21T10:42:07.123456Z"),
            Some(base + 123_456_000)
        );
        assert_eq!(
            parse_rfc3339("2026-11-21T10:42:07.123456789Z"),
            Some(base + 123_456_789)
        );
        assert_eq!(
            parse_rfc3339("2026-11-21T10:42:07.1234567891Z"),
            Some(base + 123_456_789)
        );
    }

    #[test]
    fn parses_offsets_and_lenient_forms() {
        let z = parse_rfc3339("2026-11-21T10:42:07Z");
        assert_eq!(parse_rfc3339("2026-11-21T12:42:07+02:00"), z);
        assert_eq!(parse_rfc3339("2026-11-21T05:42:07-05:00"), z);
        assert_eq!(parse_rfc3339("2026-11-21 10:42:07"), z);
        assert_eq!(
            parse_rfc3339("2022-11-29 00:09:04.38"),
            parse_rfc3339("2022-11-29T00:09:04.380Z")
        );
    }

    #[test]
    fn rejects_garbage() {
        for s in [
            "",
            "2026-11-21",
            "2026-13-01T00:00:00Z",
            "2026-02-30T00:00:00Z",
            "2026-11-21T10:42:07.Z",
            "2026-11-21T10:42:07Zjunk",
            "abcd-ef-ghTij:kl:mnZ",
        ] {
            assert_eq!(parse_rfc3339(s), None, "{s}");
        }
    }

    #[test]
    fn formats_round_trip() {
        let t = parse_rfc3339("2026-11-21T10:42:07.123456Z").expect("valid");
        assert_eq!(format_micros(t), "2026-11-21T10:42:07.123456Z");
        assert_eq!(format_short(t), "2026-11-21 10:42:07");
        let old = parse_rfc3339("1969-12-31T23:59:59.5Z").expect("pre-epoch");
        assert_eq!(format_micros(old), "1969-12-31T23:59:59.500000Z");
        let leap = parse_rfc3339("2024-02-29T00:00:00Z").expect("leap day");
        assert_eq!(format_micros(leap), "2024-02-29T00:00:00.000000Z");
    }

    #[test]
    fn durations() {
        assert_eq!(parse_duration("15m"), Some(900 * NANOS_PER_SEC));
        assert_eq!(parse_duration("1h30m"), Some(5400 * NANOS_PER_SEC));
        assert_eq!(parse_duration("2d"), Some(172_800 * NANOS_PER_SEC));
        for bad in ["", "5", "h", "3x", "-1h"] {
            assert_eq!(parse_duration(bad), None, "{bad}");
        }
    }
}

/// How a table writes its times: `10:42:07` when all of them fall on one day
/// (the columns need the room), else `11-21 10:42:07`; the year is in the
/// summary. `-` when unknown.
#[derive(Clone, Copy, Debug, Default)]
pub struct Clock {
    one_day: bool,
}

impl Clock {
    pub fn over(times: impl IntoIterator<Item = Nanos>) -> Clock {
        let day = 86_400 * NANOS_PER_SEC;
        let mut days = times
            .into_iter()
            .filter(|&t| t != Nanos::MAX && t != Nanos::MIN)
            .map(|t| t.div_euclid(day));
        let first = days.next();
        Clock {
            one_day: first.is_some_and(|d| days.all(|x| x == d)),
        }
    }

    pub fn show(self, t: Nanos) -> String {
        if t == Nanos::MAX || t == Nanos::MIN {
            return "-".into();
        }
        let s = format_short(t);
        if self.one_day {
            s[11..].to_string()
        } else {
            s[5..].to_string()
        }
    }
}
