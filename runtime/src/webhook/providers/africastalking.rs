//! Africa's Talking: form posts (`application/x-www-form-urlencoded`).
//!
//! Every post carries `sessionId` (constant for the call), `isActive` (1
//! while the call is up, 0 on the final post), `callerNumber` and
//! `destinationNumber`. After GetDigits it carries `dtmfDigits`, after Record
//! `recordingUrl` (empty when nothing was recorded). There is no marker for
//! the first post: it is a post with no input for a session not seen yet,
//! and a post with no input after a menu or collect means the caller gave
//! none (the document's fallback after GetDigits brings the call back).
//!
//! How a dial ended is read from `dialDurationInSeconds` and `hangupCause`,
//! which only the seed documents name (providers.md marks them unverified);
//! without them a dial that comes back counts as failed.

use super::{BadCallback, Callback, Kind, MAX_ADDRESS_CHARS, MAX_TEXT_CHARS, Report, keys, session_id, text};
use crate::vm::DialOutcome;
use callflow_compiler::targets::TargetKind;
use std::collections::HashMap;

const TARGET: TargetKind = TargetKind::AfricasTalking;

pub fn decode(body: &[u8]) -> Result<Callback, BadCallback> {
    // The first value of a repeated field counts; the body is size-capped by
    // the HTTP layer, so the map is too.
    let mut fields: HashMap<String, String> = HashMap::new();
    for (name, value) in form_urlencoded::parse(body) {
        fields.entry(name.into_owned()).or_insert_with(|| value.into_owned());
    }
    let mut take = |name: &str| fields.remove(name);
    let session = session_id(take("sessionId"), "sessionId", TARGET)?;
    let caller = text(take("callerNumber"), "callerNumber", MAX_ADDRESS_CHARS)?.unwrap_or_default();
    let called = text(take("destinationNumber"), "destinationNumber", MAX_ADDRESS_CHARS)?.unwrap_or_default();
    let kind = match take("isActive").as_deref().map(str::trim) {
        Some("0") => {
            let duration = text(take("durationInSeconds"), "durationInSeconds", 32)?;
            Kind::Ended {
                why: match duration {
                    Some(seconds) => format!("the call ended (isActive=0) after {seconds} s"),
                    None => "the call ended (isActive=0)".to_string(),
                },
            }
        }
        Some("1") => Kind::Report(Report {
            keys: keys(take("dtmfDigits"), "dtmfDigits")?,
            recording: text(take("recordingUrl"), "recordingUrl", MAX_TEXT_CHARS)?,
            dial: dial_outcome(take("dialDurationInSeconds"), take("hangupCause")),
            ..Report::default()
        }),
        Some(other) => {
            return Err(BadCallback::malformed(
                format!(
                    "`isActive` is `{}`; Africa's Talking sends 1 or 0",
                    super::printable(other, 20)
                ),
                "check what is posting to this URL",
            ));
        }
        None => {
            return Err(BadCallback::malformed(
                "the callback has no `isActive`",
                "every Africa's Talking voice callback carries isActive=1 or isActive=0; check what is posting to this URL",
            ));
        }
    };
    Ok(Callback {
        session,
        caller,
        called,
        answers: None,
        leg: None,
        kind,
    })
}

/// A dial's outcome from the (unverified) dial fields: a bridged call that
/// lasted was answered; otherwise the hangup cause says busy or no answer.
fn dial_outcome(duration: Option<String>, cause: Option<String>) -> Option<DialOutcome> {
    if duration
        .as_deref()
        .and_then(|d| d.trim().parse::<f64>().ok())
        .is_some_and(|d| d > 0.0)
    {
        return Some(DialOutcome::Answered);
    }
    match cause?.trim().to_ascii_uppercase().as_str() {
        "USER_BUSY" | "CALL_REJECTED" => Some(DialOutcome::Busy),
        "NO_ANSWER" | "NO_USER_RESPONSE" | "ORIGINATOR_CANCEL" => Some(DialOutcome::NoAnswer),
        "" => None,
        _ => Some(DialOutcome::Failed),
    }
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::{self, report};
    use super::*;

    fn fixture(name: &str) -> Callback {
        fixtures::decoded(TARGET, name, decode)
    }

    #[test]
    fn every_fixture_decodes() {
        for (name, body) in fixtures::all(TARGET) {
            let callback = decode(&body).unwrap_or_else(|e| panic!("{name}: {e:?}"));
            assert_eq!(callback.session, "ATVId_7c1e2b9d4f", "{name}");
            assert_eq!(callback.caller, "+254722000111", "{name}");
            assert_eq!(callback.called, "+254207654000", "{name}");
        }
    }

    #[test]
    fn the_first_post_is_an_empty_report() {
        assert!(report(fixture("incoming.form")).is_empty());
    }

    #[test]
    fn digits_recordings_and_dial_results_are_read() {
        assert_eq!(report(fixture("digits.form")).keys.as_deref(), Some("1"));
        assert_eq!(report(fixture("digits-finish.form")).keys.as_deref(), Some("12345678#"));
        assert_eq!(
            report(fixture("recording.form")).recording.as_deref(),
            Some("https://voice.africastalking.com/recordings/7c1e2b9d4f.mp3")
        );
        // An empty recordingUrl: nothing was recorded.
        assert!(report(fixture("recording-empty.form")).is_empty());
        assert_eq!(report(fixture("dial-busy.form")).dial, Some(DialOutcome::Busy));
    }

    #[test]
    fn is_active_0_ends_the_call() {
        match fixture("ended.form").kind {
            Kind::Ended { why } => assert!(why.contains("42 s"), "{why}"),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn dial_fields_map_to_outcomes() {
        let s = |v: &str| Some(v.to_string());
        assert_eq!(dial_outcome(s("12"), s("NORMAL_CLEARING")), Some(DialOutcome::Answered));
        assert_eq!(dial_outcome(s("0"), s("NO_ANSWER")), Some(DialOutcome::NoAnswer));
        assert_eq!(dial_outcome(None, s("user_busy")), Some(DialOutcome::Busy));
        assert_eq!(dial_outcome(None, s("UNALLOCATED_NUMBER")), Some(DialOutcome::Failed));
        assert_eq!(dial_outcome(None, None), None);
        assert_eq!(dial_outcome(s("soon"), None), None);
    }

    #[test]
    fn malformed_posts_are_refused_with_a_reason() {
        let cases: [(&[u8], &str); 6] = [
            (b"isActive=1", "sessionId"),
            (b"sessionId=abc", "isActive"),
            (b"sessionId=abc&isActive=yes", "isActive"),
            (b"sessionId=abc&isActive=1&dtmfDigits=12ab", "dtmfDigits"),
            (b"sessionId=a%20b&isActive=1", "sessionId"),
            (b"\xff\xfe\x00garbage", "sessionId"),
        ];
        for (body, field) in cases {
            let refused = decode(body).unwrap_err();
            assert_eq!(refused.status, 400);
            assert!(refused.message.contains(field), "{}: {}", field, refused.message);
            assert!(!refused.help.is_empty());
        }
    }

    #[test]
    fn the_first_of_repeated_fields_counts() {
        let callback = decode(b"sessionId=one&sessionId=two&isActive=1&dtmfDigits=3&dtmfDigits=4").unwrap();
        assert_eq!(callback.session, "one");
        assert_eq!(report(callback).keys.as_deref(), Some("3"));
    }
}
