//! The caller's vocabulary: what a scripted or interactive caller does when
//! the call waits for them. One small language for scenario files (`input`),
//! `callflow sim --keys` and the interactive simulator, so that a line typed
//! at the simulator can be pasted into a test unchanged.

use std::fmt;

/// One thing the caller does at a point where the call waits.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CallerAction {
    /// Phone keys: one for a menu, a digit string for `collect` (`"1234#"`).
    Keys(String),
    /// Nothing within the time limit.
    Timeout,
    /// Spoken input (for a `collect … speech`).
    Speech(String),
    /// How a `dial` ended on the far side.
    Dial(DialResult),
    /// A `record` ended normally after this long.
    Recorded { duration_ms: u64 },
    /// The caller puts the phone down.
    Hangup,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DialResult {
    Answered,
    Busy,
    NoAnswer,
    Failed,
}

/// How long a `record` lasts when the script says only `record`.
pub const DEFAULT_RECORDING_MS: u64 = 5_000;

/// The forms accepted, for error messages and `--help`.
pub const VOCABULARY: &str = "keys such as \"1\" or \"1234#\", \"timeout\" (or \"t\"), \"speech \\\"…\\\"\", \
                              \"answered\", \"busy\", \"no answer\", \"failed\", \"record 12s\", \"hangup\" (or \"h\")";

impl CallerAction {
    /// Parse one action. Words are case-insensitive; `_` and `-` may join
    /// words (`no_answer`, `no-answer`).
    pub fn parse(text: &str) -> Result<CallerAction, String> {
        let text = text.trim();
        if text.is_empty() {
            return Err(format!("an empty caller action; expected {VOCABULARY}"));
        }
        if text.chars().all(is_phone_key) {
            return Ok(CallerAction::Keys(text.to_string()));
        }
        let (word, rest) = split_word(text);
        let word = word.to_ascii_lowercase();
        match word.as_str() {
            "speech" | "say" | "says" => return parse_speech(rest).map(CallerAction::Speech),
            "record" | "recorded" | "recording" => return parse_recording(rest),
            "keys" | "press" | "presses" => return parse_keys(rest),
            _ => {}
        }
        let normalized: String = text
            .to_ascii_lowercase()
            .split(|c: char| c.is_whitespace() || c == '_' || c == '-')
            .filter(|w| !w.is_empty())
            .collect::<Vec<_>>()
            .join(" ");
        let action = match normalized.as_str() {
            "timeout" | "t" | "silence" | "nothing" => CallerAction::Timeout,
            "hangup" | "hang up" | "h" | "hangs up" => CallerAction::Hangup,
            "answered" | "answer" | "answers" => CallerAction::Dial(DialResult::Answered),
            "busy" => CallerAction::Dial(DialResult::Busy),
            "no answer" | "noanswer" => CallerAction::Dial(DialResult::NoAnswer),
            "failed" | "fail" | "fails" => CallerAction::Dial(DialResult::Failed),
            _ => return Err(format!("unknown caller action `{text}`; expected {VOCABULARY}")),
        };
        Ok(action)
    }

    /// Split a comma-separated list (`--keys "1,#,timeout"`), keeping commas
    /// inside quotes (`speech "yes, please"`).
    pub fn parse_list(text: &str) -> Result<Vec<CallerAction>, String> {
        let mut items = Vec::new();
        let mut current = String::new();
        let mut quoted = false;
        for c in text.chars() {
            match c {
                '"' => {
                    quoted = !quoted;
                    current.push(c);
                }
                ',' if !quoted => items.push(std::mem::take(&mut current)),
                _ => current.push(c),
            }
        }
        if quoted {
            return Err(format!("unclosed quote in `{text}`"));
        }
        items.push(current);
        // A trailing comma, or an empty list, adds nothing.
        if items.last().is_some_and(|last| last.trim().is_empty()) {
            items.pop();
        }
        items.iter().map(|item| CallerAction::parse(item)).collect()
    }
}

fn is_phone_key(c: char) -> bool {
    c.is_ascii_digit() || c == '*' || c == '#'
}

fn split_word(text: &str) -> (&str, &str) {
    match text.find(char::is_whitespace) {
        Some(at) => (&text[..at], text[at..].trim()),
        None => (text, ""),
    }
}

/// `speech "yes please"` or `speech yes please`.
fn parse_speech(rest: &str) -> Result<String, String> {
    let words = match rest.strip_prefix('"') {
        Some(inner) => inner
            .strip_suffix('"')
            .ok_or_else(|| format!("unclosed quote in `speech {rest}`"))?,
        None => rest,
    };
    if words.trim().is_empty() {
        return Err("`speech` needs the words the caller says, e.g. `speech \"one two three\"`".to_string());
    }
    Ok(words.to_string())
}

/// `record`, `record 12s`, `record 1500ms`, `record 2m`.
fn parse_recording(rest: &str) -> Result<CallerAction, String> {
    if rest.is_empty() {
        return Ok(CallerAction::Recorded {
            duration_ms: DEFAULT_RECORDING_MS,
        });
    }
    parse_duration_ms(rest)
        .map(|duration_ms| CallerAction::Recorded { duration_ms })
        .ok_or_else(|| format!("`record {rest}`: expected a duration such as `12s`, `1500ms` or `2m`"))
}

/// `keys 1234` spells out keys explicitly (same as `1234`).
fn parse_keys(rest: &str) -> Result<CallerAction, String> {
    let keys: String = rest.chars().filter(|c| !c.is_whitespace()).collect();
    if !keys.is_empty() && keys.chars().all(is_phone_key) {
        Ok(CallerAction::Keys(keys))
    } else {
        Err(format!("`keys {rest}`: phone keys are 0-9, * and #"))
    }
}

/// A whole number with a unit: `ms`, `s`, `m` or `h`.
pub fn parse_duration_ms(text: &str) -> Option<u64> {
    let text = text.trim();
    let split = text.find(|c: char| !c.is_ascii_digit())?;
    let (number, unit) = text.split_at(split);
    let number: u64 = number.parse().ok()?;
    let scale = match unit.trim() {
        "ms" => 1,
        "s" => 1_000,
        "m" | "min" => 60_000,
        "h" => 3_600_000,
        _ => return None,
    };
    number.checked_mul(scale)
}

impl fmt::Display for CallerAction {
    /// The canonical spelling, which `parse` reads back.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CallerAction::Keys(keys) => f.write_str(keys),
            CallerAction::Timeout => f.write_str("timeout"),
            CallerAction::Speech(words) => write!(f, "speech \"{words}\""),
            CallerAction::Dial(result) => f.write_str(result.name()),
            CallerAction::Recorded { duration_ms } => write!(f, "record {}", format_duration(*duration_ms)),
            CallerAction::Hangup => f.write_str("hangup"),
        }
    }
}

impl DialResult {
    pub fn name(self) -> &'static str {
        match self {
            DialResult::Answered => "answered",
            DialResult::Busy => "busy",
            DialResult::NoAnswer => "no answer",
            DialResult::Failed => "failed",
        }
    }
}

/// `12s`, `1500ms`, `2m`: the largest unit that divides the value.
pub fn format_duration(ms: u64) -> String {
    match ms {
        0 => "0ms".to_string(),
        _ if ms.is_multiple_of(3_600_000) => format!("{}h", ms / 3_600_000),
        _ if ms.is_multiple_of(60_000) => format!("{}m", ms / 60_000),
        _ if ms.is_multiple_of(1_000) => format!("{}s", ms / 1_000),
        _ => format!("{ms}ms"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> CallerAction {
        CallerAction::parse(text).unwrap_or_else(|e| panic!("{text}: {e}"))
    }

    #[test]
    fn keys_and_words() {
        assert_eq!(parse("1"), CallerAction::Keys("1".into()));
        assert_eq!(parse(" 1234# "), CallerAction::Keys("1234#".into()));
        assert_eq!(parse("keys 12 34"), CallerAction::Keys("1234".into()));
        assert_eq!(parse("Timeout"), CallerAction::Timeout);
        assert_eq!(parse("t"), CallerAction::Timeout);
        assert_eq!(parse("h"), CallerAction::Hangup);
        assert_eq!(parse("hang up"), CallerAction::Hangup);
        assert_eq!(parse("no_answer"), CallerAction::Dial(DialResult::NoAnswer));
        assert_eq!(parse("no-answer"), CallerAction::Dial(DialResult::NoAnswer));
        assert_eq!(parse("no answer"), CallerAction::Dial(DialResult::NoAnswer));
        assert_eq!(parse("busy"), CallerAction::Dial(DialResult::Busy));
        assert_eq!(parse("answered"), CallerAction::Dial(DialResult::Answered));
        assert_eq!(parse("failed"), CallerAction::Dial(DialResult::Failed));
        assert_eq!(parse("record"), CallerAction::Recorded { duration_ms: 5_000 });
        assert_eq!(parse("record 12s"), CallerAction::Recorded { duration_ms: 12_000 });
        assert_eq!(parse("record 1500ms"), CallerAction::Recorded { duration_ms: 1_500 });
        assert_eq!(parse("speech \"one two\""), CallerAction::Speech("one two".into()));
        assert_eq!(parse("speech one two"), CallerAction::Speech("one two".into()));
    }

    #[test]
    fn mistakes_say_what_is_expected() {
        for bad in [
            "",
            "tmeout",
            "record 12",
            "record twelve",
            "speech",
            "speech \"open",
            "keys abc",
            "1a",
        ] {
            let err = CallerAction::parse(bad)
                .err()
                .unwrap_or_else(|| panic!("`{bad}` parsed"));
            assert!(!err.is_empty());
        }
        let err = CallerAction::parse("tmeout").err().unwrap_or_default();
        assert!(
            err.contains("unknown caller action `tmeout`") && err.contains("timeout"),
            "{err}"
        );
    }

    #[test]
    fn lists_split_on_commas_outside_quotes() {
        let list = CallerAction::parse_list("1, #,timeout,speech \"yes, please\",").unwrap_or_default();
        assert_eq!(
            list,
            vec![
                CallerAction::Keys("1".into()),
                CallerAction::Keys("#".into()),
                CallerAction::Timeout,
                CallerAction::Speech("yes, please".into()),
            ]
        );
        assert_eq!(CallerAction::parse_list("").unwrap_or_default(), vec![]);
        assert!(CallerAction::parse_list("speech \"a, b").is_err());
    }

    #[test]
    fn display_reads_back() {
        for text in [
            "1",
            "12#",
            "timeout",
            "speech \"hi there\"",
            "busy",
            "no answer",
            "record 12s",
            "hangup",
        ] {
            assert_eq!(parse(text).to_string(), text);
            assert_eq!(parse(&parse(text).to_string()), parse(text));
        }
        assert_eq!(format_duration(1_500), "1500ms");
        assert_eq!(format_duration(120_000), "2m");
    }
}
