//! Time as microseconds since the Unix epoch, written as Kubernetes'
//! MicroTime (`2026-11-21T09:12:04.123456Z`).

use crate::model::time::{civil_from_days, days_from_civil};

pub(crate) const SEC: u64 = 1_000_000;
pub(crate) const MIN: u64 = 60 * SEC;
pub(crate) const HOUR: u64 = 60 * MIN;

/// Midnight UTC of the incident day, 2026-11-21.
pub(crate) const DAY: u64 = days_from_civil(2026, 11, 21) as u64 * 86_400 * SEC;

/// A time of the incident day.
pub(crate) const fn at(h: u64, m: u64, s: u64) -> u64 {
    DAY + h * HOUR + m * MIN + s * SEC
}

fn push2(buf: &mut String, v: u64) {
    buf.push(char::from(b'0' + (v / 10 % 10) as u8));
    buf.push(char::from(b'0' + (v % 10) as u8));
}

/// `YYYY-MM-DDTHH:MM:SS` (no fraction, no zone).
fn push_seconds(buf: &mut String, t: u64) {
    let secs = t / SEC;
    let (y, mo, d) = civil_from_days((secs / 86_400) as i64);
    let sod = secs % 86_400;
    push2(buf, (y / 100) as u64);
    push2(buf, (y % 100) as u64);
    buf.push('-');
    push2(buf, u64::from(mo));
    buf.push('-');
    push2(buf, u64::from(d));
    buf.push('T');
    push2(buf, sod / 3600);
    buf.push(':');
    push2(buf, sod / 60 % 60);
    buf.push(':');
    push2(buf, sod % 60);
}

/// MicroTime: always six fraction digits and `Z`, as the apiserver writes it.
pub(crate) fn push_micro(buf: &mut String, t: u64) {
    push_seconds(buf, t);
    buf.push('.');
    let us = t % SEC;
    push2(buf, us / 10_000);
    push2(buf, us / 100 % 100);
    push2(buf, us % 100);
    buf.push('Z');
}

pub(crate) fn micro(t: u64) -> String {
    let mut s = String::with_capacity(27);
    push_micro(&mut s, t);
    s
}

/// Whole-second RFC 3339, as object metadata timestamps are written.
pub(crate) fn seconds(t: u64) -> String {
    let mut s = String::with_capacity(20);
    push_seconds(&mut s, t);
    s.push('Z');
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_the_incident_day() {
        assert_eq!(micro(at(9, 12, 4) + 123_456), "2026-11-21T09:12:04.123456Z");
        assert_eq!(seconds(at(0, 0, 0)), "2026-11-21T00:00:00Z");
        assert_eq!(
            seconds(at(0, 0, 0) - 86_400 * SEC * 365),
            "2025-11-21T00:00:00Z"
        );
        assert_eq!(micro(0), "1970-01-01T00:00:00.000000Z");
    }
}
