//! Opening-hours schedules: `"Mon-Fri 08:00-18:00; Sat 09:00-13:00"`.
//!
//! Parsed at compile time (so a bad schedule is a diagnostic) and evaluated by
//! the VM with the local weekday and time it is given (it has no clock).

/// Days 0 = Monday … 6 = Sunday.
pub const DAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Schedule {
    pub rules: Vec<Rule>,
}

/// Open on `days` (bit i = day i) from `from` to `to`, minutes after midnight.
/// When `to <= from` the range runs past midnight into the next day.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Rule {
    pub days: u8,
    pub from: u16,
    pub to: u16,
}

impl Schedule {
    /// Is it open on `weekday` (0 = Monday) at `minute` after local midnight?
    pub fn is_open(&self, weekday: u8, minute: u16) -> bool {
        is_open(&self.rules, weekday, minute)
    }
}

/// Is a schedule of these rules open on `weekday` (0 = Monday) at `minute`
/// after local midnight? (The VM evaluates bytecode rules with this, without
/// building a `Schedule`.)
pub fn is_open(rules: &[Rule], weekday: u8, minute: u16) -> bool {
    // `% 7` keeps the shifts in range whatever the caller passes.
    let today_bit = 1u8 << (weekday % 7);
    let yesterday_bit = 1u8 << ((weekday % 7 + 6) % 7);
    rules.iter().any(|r| {
        let today = r.days & today_bit != 0;
        if r.from < r.to {
            today && (r.from..r.to).contains(&minute)
        } else {
            (today && minute >= r.from) || (r.days & yesterday_bit != 0 && minute < r.to)
        }
    })
}

/// Parse a schedule; the error says what is wrong with which part.
pub fn parse(spec: &str) -> Result<Schedule, String> {
    let mut rules = Vec::new();
    for part in spec.split([';', ',']).map(str::trim).filter(|p| !p.is_empty()) {
        let mut words = part.split_whitespace();
        let (Some(days), Some(times), None) = (words.next(), words.next(), words.next()) else {
            return Err(format!(
                "`{part}` should be days and hours, such as `Mon-Fri 08:00-18:00`"
            ));
        };
        let days = parse_days(days)?;
        let (from, to) = times
            .split_once('-')
            .ok_or_else(|| format!("`{times}` should be a time range such as `08:00-18:00`"))?;
        let (from, to) = (parse_time(from)?, parse_time(to)?);
        if from == to {
            return Err(format!("`{times}` is an empty range"));
        }
        rules.push(Rule { days, from, to });
    }
    if rules.is_empty() {
        return Err("the schedule is empty".to_string());
    }
    Ok(Schedule { rules })
}

fn day(name: &str) -> Result<u8, String> {
    DAYS.iter()
        .position(|d| d.eq_ignore_ascii_case(name))
        .map(|i| i as u8)
        .ok_or_else(|| format!("`{name}` is not a day; use Mon, Tue, Wed, Thu, Fri, Sat or Sun"))
}

fn parse_days(spec: &str) -> Result<u8, String> {
    if spec.eq_ignore_ascii_case("daily") {
        return Ok(0x7f);
    }
    let mut mask = 0u8;
    for piece in spec.split('+') {
        match piece.split_once('-') {
            Some((a, b)) => {
                let (mut d, end) = (day(a)?, day(b)?);
                loop {
                    mask |= 1 << d;
                    if d == end {
                        break;
                    }
                    d = (d + 1) % 7;
                }
            }
            None => mask |= 1 << day(piece)?,
        }
    }
    Ok(mask)
}

fn parse_time(t: &str) -> Result<u16, String> {
    let bad = || format!("`{t}` is not a time; use 24-hour HH:MM such as `08:30`");
    let (h, m) = t.split_once(':').ok_or_else(bad)?;
    if h.len() != 2 || m.len() != 2 {
        return Err(bad());
    }
    let (h, m): (u16, u16) = (h.parse().map_err(|_| bad())?, m.parse().map_err(|_| bad())?);
    if h > 24 || m > 59 || (h == 24 && m != 0) {
        return Err(bad());
    }
    Ok(h * 60 + m)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weekday_ranges_and_overnight_ranges() {
        let s = parse("Mon-Fri 08:00-18:00; Sat 22:00-02:00").unwrap_or(Schedule { rules: vec![] });
        assert!(s.is_open(0, 8 * 60));
        assert!(!s.is_open(0, 18 * 60));
        assert!(!s.is_open(6, 12 * 60));
        assert!(s.is_open(5, 23 * 60));
        assert!(s.is_open(6, 60), "Saturday night runs into Sunday");
        assert!(!s.is_open(0, 60));
    }

    #[test]
    fn wrapping_day_ranges_and_lists() {
        let s = parse("Fri-Mon 10:00-11:00, Wed+Thu 09:00-10:00").unwrap_or(Schedule { rules: vec![] });
        assert_eq!(s.rules[0].days, 0b111_0001);
        assert_eq!(s.rules[1].days, 0b000_1100);
    }

    #[test]
    fn errors_name_the_bad_part() {
        assert!(parse("weekdays 9-5").unwrap_err().contains("weekdays"));
        assert!(parse("Mon 9:00-17:00").unwrap_err().contains("9:00"));
        assert!(parse("Mon 25:00-26:00").is_err());
        assert!(parse("").is_err());
        assert!(parse("Mon 10:00-10:00").is_err());
    }
}
