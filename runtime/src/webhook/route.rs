//! Names of live documents and of their routes.
//!
//! A live document is named after the state it ends in and the call's
//! document counter: `main-3` is the third document of a call, waiting in the
//! menu `main`. State names are identifiers (letters, digits, `_`), so the
//! last `-` always separates the counter, and the name is safe in a URL.
//!
//! Where a call goes after a document is the VM's decision, taken when the
//! outcome comes back, so every route of a live document leads back to the
//! host. A route names the document and the outcome (`main-3/key-1`,
//! `main-3/timeout`), so whatever a renderer does with it reaches the host
//! intact: a provider that posts each outcome to its own URL posts to
//! `{base}/main-3/key-1`, one that echoes a value (Sinch `return(…)`) echoes
//! `main-3/key-1`, and one that posts every outcome of a document to one URL
//! (`{base}/main-3`) says what happened in its payload. The host reads the
//! document part to refuse callbacks about a document the call has left, and
//! the outcome part only where the payload itself does not say.

use crate::vm::DialOutcome;

/// An outcome a route stands for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    Key(char),
    Timeout,
    Invalid,
    Exhausted,
    /// Input arrived (collect, record): continue.
    Next,
    Dial(DialOutcome),
}

impl Outcome {
    /// The outcome as a URL path segment: `key-1`, `key-star`, `no-answer` …
    pub fn slug(self) -> String {
        match self {
            Outcome::Key('*') => "key-star".to_string(),
            Outcome::Key('#') => "key-hash".to_string(),
            Outcome::Key(k) => format!("key-{k}"),
            Outcome::Timeout => "timeout".to_string(),
            Outcome::Invalid => "invalid".to_string(),
            Outcome::Exhausted => "exhausted".to_string(),
            Outcome::Next => "next".to_string(),
            Outcome::Dial(DialOutcome::Answered) => "answered".to_string(),
            Outcome::Dial(DialOutcome::Busy) => "busy".to_string(),
            Outcome::Dial(DialOutcome::NoAnswer) => "no-answer".to_string(),
            Outcome::Dial(DialOutcome::Failed) => "failed".to_string(),
        }
    }

    pub fn parse(slug: &str) -> Option<Outcome> {
        let outcome = match slug {
            "key-star" => Outcome::Key('*'),
            "key-hash" => Outcome::Key('#'),
            "timeout" => Outcome::Timeout,
            "invalid" => Outcome::Invalid,
            "exhausted" => Outcome::Exhausted,
            "next" => Outcome::Next,
            "answered" => Outcome::Dial(DialOutcome::Answered),
            "busy" => Outcome::Dial(DialOutcome::Busy),
            "no-answer" => Outcome::Dial(DialOutcome::NoAnswer),
            "failed" => Outcome::Dial(DialOutcome::Failed),
            _ => {
                let key = slug.strip_prefix("key-")?;
                let mut chars = key.chars();
                match (chars.next(), chars.next()) {
                    (Some(k), None) if k.is_ascii_digit() => Outcome::Key(k),
                    _ => return None,
                }
            }
        };
        Some(outcome)
    }
}

/// The id of a call's `number`th document, which ends in `state`.
pub fn document_id(state: &str, number: u32) -> String {
    format!("{state}-{number}")
}

/// Is `id` shaped like a live document id (`state-N`)?
pub fn is_document_id(id: &str) -> bool {
    let Some((state, number)) = id.rsplit_once('-') else {
        return false;
    };
    let mut chars = state.chars();
    let starts_well = chars.next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_');
    starts_well
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
        && !number.is_empty()
        && number.len() <= 10
        && number.bytes().all(|b| b.is_ascii_digit())
}

/// The route of `outcome` in the document `doc`.
pub fn route(doc: &str, outcome: Outcome) -> String {
    format!("{doc}/{}", outcome.slug())
}

/// Read `main-3` or `main-3/key-1` back: the document and the outcome, if
/// any. Anything else is `None`.
pub fn parse(text: &str) -> Option<(&str, Option<Outcome>)> {
    let (doc, outcome) = match text.split_once('/') {
        Some((doc, slug)) => (doc, Some(Outcome::parse(slug)?)),
        None => (text, None),
    };
    is_document_id(doc).then_some((doc, outcome))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_outcome_reads_back_as_itself() {
        let mut all: Vec<Outcome> = "0123456789*#".chars().map(Outcome::Key).collect();
        all.extend([Outcome::Timeout, Outcome::Invalid, Outcome::Exhausted, Outcome::Next]);
        all.extend(
            [
                DialOutcome::Answered,
                DialOutcome::Busy,
                DialOutcome::NoAnswer,
                DialOutcome::Failed,
            ]
            .map(Outcome::Dial),
        );
        for outcome in all {
            let route = route("main-3", outcome);
            assert!(
                route.bytes().all(|b| b.is_ascii_alphanumeric() || b"-_/".contains(&b)),
                "{route} is not plain in a URL"
            );
            assert_eq!(parse(&route), Some(("main-3", Some(outcome))), "{route}");
        }
    }

    #[test]
    fn document_ids_are_state_dash_number() {
        assert_eq!(document_id("ask_pin", 12), "ask_pin-12");
        assert!(is_document_id("ask_pin-12"));
        assert_eq!(parse("ask_pin-12"), Some(("ask_pin-12", None)));
        for bad in [
            "",
            "-1",
            "main",
            "main-",
            "main-x",
            "1main-2",
            "ma in-2",
            "main-2/",
            "main-2/key-12",
            "main-2/bogus",
            "main-99999999999",
        ] {
            assert_eq!(parse(bad), None, "{bad:?}");
        }
    }
}
