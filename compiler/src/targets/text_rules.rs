//! Small questions targets ask about the texts of a document: is it known at
//! compile time, is it a URL, is the language English. Text that depends on
//! call variables is checked when the call runs, so these answer `None` or
//! stay silent for templates rather than guess.

use super::model::{Text, TextPart};

/// The text when it has no variables (`None` for a template).
pub fn literal(text: &Text) -> Option<&str> {
    match text.parts.as_slice() {
        [] => Some(""),
        [TextPart::Lit(s)] => Some(s),
        _ => None,
    }
}

/// The text as written when it is certainly not an `http(s)://` URL (a file
/// path such as `audio/hold.wav`); `None` when it is one, or when it starts
/// with a variable and so cannot be known before the call.
pub fn not_http_url(text: &Text) -> Option<String> {
    let start = match text.parts.first() {
        Some(TextPart::Lit(s)) => s,
        Some(TextPart::Var(_)) => return None,
        None => "",
    };
    let lower = start.to_ascii_lowercase();
    let is_url = lower.starts_with("http://") || lower.starts_with("https://");
    // A literal prefix shorter than a scheme ("ht{rest}") cannot be judged.
    let undecided = text.is_template() && ("https://".starts_with(&lower) || "http://".starts_with(&lower));
    (!is_url && !undecided).then(|| text.render())
}

/// Is a BCP 47 tag English (`en`, `en-GB`, `EN-us` …)?
pub fn is_english(tag: &str) -> bool {
    let lower = tag.trim().to_ascii_lowercase();
    lower == "en" || lower.starts_with("en-")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn template(parts: &[(&str, bool)]) -> Text {
        Text {
            parts: parts
                .iter()
                .map(|(s, var)| {
                    if *var {
                        TextPart::Var(s.to_string())
                    } else {
                        TextPart::Lit(s.to_string())
                    }
                })
                .collect(),
        }
    }

    #[test]
    fn literal_only_without_variables() {
        assert_eq!(literal(&Text::plain("room-1")), Some("room-1"));
        assert_eq!(literal(&Text::default()), Some(""));
        assert_eq!(literal(&template(&[("room-", false), ("pin", true)])), None);
    }

    #[test]
    fn urls_paths_and_templates() {
        assert_eq!(not_http_url(&Text::plain("https://example.com/a.mp3")), None);
        assert_eq!(not_http_url(&Text::plain("HTTP://example.com/a.mp3")), None);
        assert_eq!(
            not_http_url(&Text::plain("audio/hold.wav")).as_deref(),
            Some("audio/hold.wav")
        );
        assert_eq!(not_http_url(&template(&[("message", true)])), None);
        assert_eq!(not_http_url(&template(&[("https://x/", false), ("id", true)])), None);
        assert_eq!(not_http_url(&template(&[("ht", false), ("rest", true)])), None);
        assert_eq!(
            not_http_url(&template(&[("audio/", false), ("name", true)])).as_deref(),
            Some("audio/{name}")
        );
    }

    #[test]
    fn english_tags() {
        for tag in ["en", "en-GB", "EN-us", "en-KE"] {
            assert!(is_english(tag), "{tag}");
        }
        for tag in ["sw-KE", "eng", "fr", "", "e"] {
            assert!(!is_english(tag), "{tag}");
        }
    }
}
