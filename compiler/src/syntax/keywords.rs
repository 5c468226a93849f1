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

pub fn is_reserved(word: &str) -> bool {
    RESERVED.binary_search(&word).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_list_is_sorted_and_unique() {
        assert!(RESERVED.windows(2).all(|w| w[0] < w[1]), "keep RESERVED sorted");
        assert!(is_reserved("max") && is_reserved("start_recording") && !is_reserved("maximum"));
    }
}
