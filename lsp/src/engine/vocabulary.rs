//! The words of the language by where they may stand, and what a provider
//! target can say: the lists completion offers and hover explains.
//!
//! The words come from the grammar (grammar/flow.pest); a test checks that
//! each is a reserved word, so a renamed keyword cannot linger here.

/// The words that start items, statements and menu lines: the parser's own lists.
pub use callflow_compiler::syntax::keywords::{ITEMS, MENU_LINES, STATEMENTS};
use callflow_compiler::targets::{Feature, TargetKind, eightbyeight};

pub const FLOW_SETTINGS: &[&str] = &["start", "voice", "language", "input_timeout", "timezone", "retries"];

pub const QUEUE_SETTINGS: &[&str] = &["hold_music"];

/// The words that may follow a statement's required parts (its options).
pub const OPTIONS: &[(&str, &[&str])] = &[
    ("say", &["voice", "language", "repeat"]),
    ("play", &["repeat"]),
    ("collect", &["digits", "finish", "timeout", "speech"]),
    ("record", &["max", "finish", "timeout", "beep", "trim_silence"]),
    (
        "dial",
        &[
            "sequential",
            "simultaneous",
            "caller_id",
            "timeout",
            "max_duration",
            "record",
            "send_digits",
            "ringback",
        ],
    ),
    ("enqueue", &["hold_music"]),
    ("dequeue", &["number"]),
    ("park", &["intro", "hold", "max"]),
    (
        "conference",
        &[
            "hold_music",
            "muted",
            "beep",
            "start_on_enter",
            "end_on_exit",
            "max_duration",
        ],
    ),
    ("stream", &["max_duration"]),
    ("reject", &["busy", "rejected"]),
];

pub fn options(statement: &str) -> &'static [&'static str] {
    OPTIONS
        .iter()
        .find(|(s, _)| *s == statement)
        .map_or(&[], |(_, options)| options)
}

/// What `on` can route, and which statements have each outcome.
pub const OUTCOMES: &[(&str, &str)] = &[
    ("answered", "`dial`: someone answered and the bridged call has ended"),
    ("busy", "`dial`: the line was busy"),
    ("no_answer", "`dial`: nobody answered in time"),
    ("failed", "`dial`: the call could not be placed"),
    ("timeout", "`collect`, `record`: the caller entered nothing in time"),
];

/// A provider's built-in hold music (not reserved words: names with a fixed meaning).
pub const MUSIC: &[&str] = &["ring", "music1", "music2", "music3"];

/// Built-in functions of expressions, with their signature.
pub const FUNCTIONS: &[(&str, &str)] = &[
    ("open_hours", "open_hours(SCHEDULE, tz: \"AREA/CITY\") → yes/no"),
    ("starts_with", "starts_with(TEXT, PREFIX) → yes/no"),
    ("ends_with", "ends_with(TEXT, SUFFIX) → yes/no"),
    ("contains", "contains(TEXT, PART) → yes/no"),
    ("length", "length(TEXT) → number"),
];

/// Words of expressions.
pub const EXPRESSION_WORDS: &[&str] = &["not", "and", "or", "true", "false"];

/// The capability-table feature a statement uses (`speech` turns `collect`
/// into speech input). Language constructs (`goto`, `if`, `set`, …) have
/// none: every target carries them.
pub fn feature(keyword: &str, speech: bool) -> Option<Feature> {
    Feature::ALL
        .into_iter()
        .filter(|f| *f != Feature::CollectSpeech)
        .find(|f| f.name() == keyword)
        .map(|f| {
            if f == Feature::Collect && speech {
                Feature::CollectSpeech
            } else {
                f
            }
        })
}

/// A value to offer: what to insert and what it is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Value {
    pub label: String,
    pub detail: String,
}

fn value(label: impl Into<String>, detail: impl Into<String>) -> Value {
    Value {
        label: label.into(),
        detail: detail.into(),
    }
}

/// The voices worth offering after `voice` for a target (or for any
/// provider when none is chosen). Named voices are offered quoted.
pub fn voices(target: Option<TargetKind>) -> Vec<Value> {
    match target {
        None => vec![
            value("female", "the provider's female voice"),
            value("male", "the provider's male voice"),
        ],
        Some(TargetKind::AfricasTalking) => vec![
            value("female", "Africa's Talking `woman`"),
            value("male", "Africa's Talking `man`"),
        ],
        Some(TargetKind::EightByEight) => {
            let mut out = vec![
                value("female", "8x8 `generic-<language>-female`"),
                value("male", "8x8 `generic-<language>-male` (not every language)"),
            ];
            for lang in eightbyeight::languages() {
                out.push(value(
                    format!("\"generic-{}-female\"", lang.code),
                    format!("8x8: {} female", lang.name),
                ));
                if lang.male {
                    out.push(value(
                        format!("\"generic-{}-male\"", lang.code),
                        format!("8x8: {} male", lang.name),
                    ));
                }
            }
            out
        }
        // Tropo chooses voices by name; without one it reads with its
        // default female English voice, and has no `voice male` (E0504).
        Some(TargetKind::Tropo) => vec![value("female", "Tropo's default voice (female, US English)")],
        // Sinch chooses the voice from the locale (W0507): nothing to offer.
        Some(TargetKind::Sinch) => Vec::new(),
    }
}

/// Language tags worth offering inside `language "…"`.
pub fn languages(target: Option<TargetKind>) -> Vec<Value> {
    const ENGLISH: &[(&str, &str)] = &[("en-US", "English (US)"), ("en-GB", "English (UK)")];
    const COMMON: &[(&str, &str)] = &[
        ("en-US", "English (US)"),
        ("en-GB", "English (UK)"),
        ("en-KE", "English (Kenya)"),
        ("sw-KE", "Swahili (Kenya)"),
        ("fr-FR", "French (France)"),
        ("de-DE", "German (Germany)"),
        ("es-ES", "Spanish (Spain)"),
        ("es-MX", "Spanish (Mexico)"),
        ("pt-BR", "Portuguese (Brazil)"),
        ("it-IT", "Italian (Italy)"),
        ("nl-NL", "Dutch (Netherlands)"),
        ("ar-EG", "Arabic (Egypt)"),
    ];
    let list = |tags: &[(&str, &str)], why: &str| -> Vec<Value> {
        tags.iter()
            .map(|(tag, name)| value(*tag, format!("{name}{why}")))
            .collect()
    };
    match target {
        None => list(COMMON, ""),
        Some(TargetKind::AfricasTalking) => list(ENGLISH, ": Africa's Talking reads English only"),
        Some(TargetKind::Tropo) => list(ENGLISH, ": Tropo's default voice; name a voice for other languages"),
        Some(TargetKind::Sinch) => list(COMMON, ": a Sinch locale (language-COUNTRY)"),
        Some(TargetKind::EightByEight) => eightbyeight::languages()
            .map(|l| value(l.tag, format!("8x8: {}", l.name)))
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use callflow_compiler::syntax::keywords::is_reserved;

    #[test]
    fn keyword_lists_hold_only_reserved_words() {
        let all = ITEMS
            .iter()
            .chain(STATEMENTS)
            .chain(MENU_LINES)
            .chain(FLOW_SETTINGS)
            .chain(QUEUE_SETTINGS)
            .chain(EXPRESSION_WORDS)
            .chain(OUTCOMES.iter().map(|(o, _)| o))
            .chain(OPTIONS.iter().flat_map(|(s, o)| std::iter::once(s).chain(o.iter())));
        for word in all {
            // `rejected` is a reason with a fixed meaning, not reserved.
            assert!(is_reserved(word) || *word == "rejected", "`{word}` is not a keyword");
        }
    }

    #[test]
    fn statements_map_to_their_target_features() {
        assert_eq!(feature("say", false), Some(Feature::Say));
        assert_eq!(feature("collect", true), Some(Feature::CollectSpeech));
        assert_eq!(feature("start_recording", false), Some(Feature::StartRecording));
        assert_eq!(feature("goto", false), None);
    }

    #[test]
    fn voices_and_languages_follow_the_target() {
        let labels = |v: Vec<Value>| v.into_iter().map(|v| v.label).collect::<Vec<_>>();
        assert!(labels(voices(Some(TargetKind::EightByEight))).contains(&"\"generic-zn-female\"".to_string()));
        assert!(!labels(voices(Some(TargetKind::EightByEight))).contains(&"\"generic-zn-male\"".to_string()));
        assert!(voices(Some(TargetKind::Sinch)).is_empty());
        assert_eq!(
            labels(languages(Some(TargetKind::AfricasTalking))),
            vec!["en-US", "en-GB"]
        );
        assert!(labels(languages(Some(TargetKind::EightByEight))).contains(&"nb".to_string()));
    }
}
