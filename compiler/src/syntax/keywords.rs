//! The reserved words of the language.
//!
//! The grammar accepts any identifier as a name; the lowering refuses these,
//! so `collect digits` or `goto hangup` is an error with a clear message.

/// Every word the grammar gives a meaning to, sorted for binary search.
pub const RESERVED: &[&str] = &[
    "and",
    "answered",
    "beep",
    "busy",
    "caller_id",
    "collect",
    "conference",
    "dequeue",
    "dial",
    "digits",
    "else",
    "end_on_exit",
    "enqueue",
    "exhausted",
    "failed",
    "false",
    "female",
    "finish",
    "flow",
    "goto",
    "hangup",
    "hold",
    "hold_music",
    "if",
    "import",
    "input_timeout",
    "intro",
    "invalid",
    "language",
    "male",
    "max",
    "max_duration",
    "menu",
    "muted",
    "no_answer",
    "not",
    "number",
    "on",
    "or",
    "park",
    "pause",
    "play",
    "queue",
    "record",
    "redirect",
    "reject",
    "repeat",
    "retries",
    "ringback",
    "say",
    "send_digits",
    "sequential",
    "set",
    "simultaneous",
    "speech",
    "start",
    "start_on_enter",
    "start_recording",
    "step",
    "stop_recording",
    "stream",
    "timeout",
    "timezone",
    "trim_silence",
    "true",
    "voice",
];

/// Is `word` one of [`RESERVED`]? Every name the parsers read is asked, so
/// this is a `match` on the length and then on the word (compiled to a few
/// integer compares) rather than a binary search of `memcmp` calls, which took
/// up to a tenth of parsing a large file. A test keeps it equal to the list.
pub fn is_reserved(word: &str) -> bool {
    match word.len() {
        2 => matches!(word, "if" | "on" | "or"),
        3 => matches!(word, "and" | "max" | "not" | "say" | "set"),
        4 => matches!(
            word,
            "beep"
                | "busy"
                | "dial"
                | "else"
                | "flow"
                | "goto"
                | "hold"
                | "male"
                | "menu"
                | "park"
                | "play"
                | "step"
                | "true"
        ),
        5 => matches!(
            word,
            "false" | "intro" | "muted" | "pause" | "queue" | "start" | "voice"
        ),
        6 => matches!(
            word,
            "digits"
                | "failed"
                | "female"
                | "finish"
                | "hangup"
                | "import"
                | "number"
                | "record"
                | "reject"
                | "repeat"
                | "speech"
                | "stream"
        ),
        7 => matches!(
            word,
            "collect" | "dequeue" | "enqueue" | "invalid" | "retries" | "timeout"
        ),
        8 => matches!(word, "answered" | "language" | "redirect" | "ringback" | "timezone"),
        9 => matches!(word, "caller_id" | "exhausted" | "no_answer"),
        10 => matches!(word, "conference" | "hold_music" | "sequential"),
        11 => matches!(word, "end_on_exit" | "send_digits"),
        12 => matches!(word, "max_duration" | "simultaneous" | "trim_silence"),
        13 => matches!(word, "input_timeout"),
        14 => matches!(word, "start_on_enter" | "stop_recording"),
        15 => matches!(word, "start_recording"),
        _ => false,
    }
}

/// Words that start a top-level item. Shared by the syntax errors ("expected
/// one of …") and the language server's completion, so both offer the same.
pub const ITEMS: &[&str] = &["import", "flow", "queue", "step", "menu"];

/// Words that start a statement of a step (and of `if`/`else` blocks).
pub const STATEMENTS: &[&str] = &[
    "say",
    "play",
    "pause",
    "collect",
    "record",
    "start_recording",
    "stop_recording",
    "dial",
    "on",
    "enqueue",
    "dequeue",
    "park",
    "conference",
    "stream",
    "redirect",
    "reject",
    "hangup",
    "goto",
    "if",
    "set",
];

/// Words that start a line of a menu besides its `"KEY" -> …` options.
pub const MENU_LINES: &[&str] = &[
    "say",
    "play",
    "pause",
    "retries",
    "input_timeout",
    "timeout",
    "invalid",
    "exhausted",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn is_reserved_is_exactly_the_list() {
        for w in RESERVED {
            assert!(is_reserved(w), "{w}");
            // Near misses: longer, shorter, other case.
            assert!(!is_reserved(&format!("{w}_")), "{w}_");
            assert!(!is_reserved(&format!("x{w}")), "x{w}");
            assert!(
                !is_reserved(&w[..w.len() - 1]) || RESERVED.contains(&&w[..w.len() - 1]),
                "{w}"
            );
            assert!(!is_reserved(&w.to_uppercase()), "{w}");
        }
        for w in ["", "s1", "account", "maximum", "sayx", "ifs", "x"] {
            assert!(!is_reserved(w), "{w}");
        }
    }

    #[test]
    fn the_list_is_sorted_and_unique() {
        assert!(RESERVED.windows(2).all(|w| w[0] < w[1]), "keep RESERVED sorted");
        assert!(is_reserved("max") && is_reserved("start_recording") && !is_reserved("maximum"));
    }
}
