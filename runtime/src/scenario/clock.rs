//! When a simulated call happens. The VM takes the time as a Unix timestamp;
//! people write a local wall-clock time (`2026-11-23T10:00`) in the flow's
//! time zone, because that is how opening hours are written, or pin it down
//! with an explicit offset (`2026-11-23T10:00+03:00`, `…Z`).

use chrono::{FixedOffset, LocalResult, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Utc};
use chrono_tz::Tz;

/// The time of a scenario that gives no `at`: Monday 5 January 2026, noon,
/// in the flow's zone. Fixed, so that a test never depends on when it runs.
pub const DEFAULT_AT: &str = "2026-01-05T12:00";

/// The instant `text` names, in milliseconds since the Unix epoch. A time
/// without an offset is read in `zone` (an IANA name), or in UTC when the
/// flow has no zone.
pub fn unix_ms(text: &str, zone: Option<&str>) -> Result<i64, String> {
    let text = text.trim();
    let (local, offset) = split_offset(text);
    let local = parse_local(local).ok_or_else(|| {
        format!("`{text}` is not a time; write a local time like `2026-11-23T10:00` (optionally with `:SS` and an offset such as `+03:00` or `Z`)")
    })?;
    if let Some(offset) = offset {
        let offset = parse_offset(offset).ok_or_else(|| format!("`{text}`: bad offset `{offset}`"))?;
        return single(offset.from_local_datetime(&local), text);
    }
    match zone {
        Some(name) => {
            let tz: Tz = name.parse().map_err(|_| format!("unknown time zone `{name}`"))?;
            single(tz.from_local_datetime(&local), text)
        }
        None => Ok(Utc.from_utc_datetime(&local).timestamp_millis()),
    }
}

/// A local time that a clock change skips or repeats has no single instant.
fn single<T: TimeZone>(result: LocalResult<chrono::DateTime<T>>, text: &str) -> Result<i64, String> {
    match result {
        LocalResult::Single(at) => Ok(at.timestamp_millis()),
        LocalResult::Ambiguous(..) => Err(format!(
            "`{text}` happens twice in that time zone (clocks go back); add an offset"
        )),
        LocalResult::None => Err(format!("`{text}` does not exist in that time zone (clocks go forward)")),
    }
}

/// Separate a trailing `Z`, `+HH:MM` or `-HH:MM` from the date and time.
fn split_offset(text: &str) -> (&str, Option<&str>) {
    if let Some(local) = text.strip_suffix(['Z', 'z']) {
        return (local, Some("Z"));
    }
    // The offset sign comes after the time part; the date's own dashes come before `T`.
    let time_start = text.find(['T', 't', ' ']).map_or(text.len(), |at| at + 1);
    match text[time_start..].find(['+', '-']) {
        Some(at) => {
            let (local, offset) = text.split_at(time_start + at);
            (local, Some(offset))
        }
        None => (text, None),
    }
}

fn parse_local(text: &str) -> Option<NaiveDateTime> {
    let (date, time) = text.split_once(['T', 't', ' '])?;
    let date = NaiveDate::parse_from_str(date, "%Y-%m-%d").ok()?;
    let time = NaiveTime::parse_from_str(time, "%H:%M:%S")
        .or_else(|_| NaiveTime::parse_from_str(time, "%H:%M"))
        .ok()?;
    Some(date.and_time(time))
}

fn parse_offset(text: &str) -> Option<FixedOffset> {
    if text == "Z" {
        return FixedOffset::east_opt(0);
    }
    let (sign, rest) = match text.split_at_checked(1)? {
        ("+", rest) => (1, rest),
        ("-", rest) => (-1, rest),
        _ => return None,
    };
    let (hours, minutes) = rest.split_once(':').unwrap_or((rest, "0"));
    let hours: i32 = hours.parse().ok()?;
    let minutes: i32 = minutes.parse().ok()?;
    if hours > 23 || minutes > 59 {
        return None;
    }
    FixedOffset::east_opt(sign * (hours * 3600 + minutes * 60))
}

#[cfg(test)]
mod tests {
    use super::*;

    // 2026-11-23T07:00Z, a Monday.
    const MONDAY_7_UTC: i64 = 1_795_417_200_000;

    #[test]
    fn local_times_are_read_in_the_flow_zone() {
        assert_eq!(unix_ms("2026-11-23T10:00", Some("Africa/Nairobi")), Ok(MONDAY_7_UTC));
        assert_eq!(unix_ms("2026-11-23 10:00:00", Some("Africa/Nairobi")), Ok(MONDAY_7_UTC));
        assert_eq!(unix_ms("2026-11-23T07:00", None), Ok(MONDAY_7_UTC));
    }

    #[test]
    fn explicit_offsets_win_over_the_zone() {
        assert_eq!(
            unix_ms("2026-11-23T10:00+03:00", Some("America/Chicago")),
            Ok(MONDAY_7_UTC)
        );
        assert_eq!(unix_ms("2026-11-23T07:00Z", Some("Africa/Nairobi")), Ok(MONDAY_7_UTC));
        assert_eq!(unix_ms("2026-11-23T01:00-06:00", None), Ok(MONDAY_7_UTC));
    }

    #[test]
    fn mistakes_are_explained() {
        for bad in [
            "tomorrow",
            "2026-11-23",
            "2026-13-01T10:00",
            "2026-11-23T25:00",
            "2026-11-23T10:00+30:00",
        ] {
            assert!(unix_ms(bad, None).is_err(), "{bad}");
        }
        assert!(unix_ms("2026-11-23T10:00", Some("Mars/Olympus")).is_err());
        // 02:30 on 8 March 2026 does not exist in Chicago.
        let gap = unix_ms("2026-03-08T02:30", Some("America/Chicago"));
        assert!(gap.is_err_and(|e| e.contains("does not exist")));
    }
}
