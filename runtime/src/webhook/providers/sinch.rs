//! Sinch: JSON callbacks told apart by `event`, all keyed by `callid`.
//!
//! - ICE (`ice`): an incoming call, the first callback; `cli` is the caller,
//!   `to.endpoint` the number called.
//! - ACE (`ace`): a dialled party answered; the bridged call is still up.
//! - PIE (`pie`): what came of a `runMenu`, in `menuResult`: `type` `return`
//!   (an option's `return(value)`), `sequence` (collected digits, or speech
//!   when `inputMethod` is `voice`), `timeout`, `invalidinput`, `hangup` or
//!   `error`.
//! - DiCE (`dice`): the call is over; no SVAML in reply.
//! - `notify`: a notification; acknowledged only.
//!
//! The Sinch renderer gives each menu option `return(<key>)`, so a `return`
//! PIE carries the key pressed: the same fact as a `sequence`. Nothing in a
//! PIE names the document it answers (Sinch posts every callback to one
//! URL), so the host cannot refuse a stale PIE; it takes each as the outcome
//! of the document the call is at. A `return` value shaped like a live route
//! (`main-3/key-1`, `super::super::route`) is read as one, should a document
//! ever return routes.

use super::super::route;
use super::{
    BadCallback, Callback, Kind, MAX_ADDRESS_CHARS, MAX_TEXT_CHARS, Report, json, json_kind, json_text, keys,
    printable, session_id, text,
};
use callflow_compiler::analysis::literals::is_dtmf;
use callflow_compiler::targets::TargetKind;
use serde_json::Value;

const TARGET: TargetKind = TargetKind::Sinch;

pub fn decode(body: &[u8]) -> Result<Callback, BadCallback> {
    let root = json(body, TARGET)?;
    let field = |name: &str| json_text(root.get(name), name);
    let event = field("event")?.unwrap_or_default().to_ascii_lowercase();
    let session = session_id(field("callid")?, "callid", TARGET)?;
    let mut callback = Callback {
        session,
        caller: String::new(),
        called: String::new(),
        answers: None,
        leg: None,
        kind: Kind::Start,
    };
    callback.kind = match event.as_str() {
        "ice" => {
            callback.caller = text(field("cli")?, "cli", MAX_ADDRESS_CHARS)?.unwrap_or_default();
            let to = root.get("to").and_then(|t| t.get("endpoint"));
            callback.called =
                text(json_text(to, "to.endpoint")?, "to.endpoint", MAX_ADDRESS_CHARS)?.unwrap_or_default();
            Kind::Start
        }
        "ace" => Kind::Answered,
        "pie" => pie(root.get("menuResult"), &mut callback.answers)?,
        "dice" => Kind::Ended {
            why: format!(
                "the call ended (DiCE: reason {}, result {})",
                printable(&field("reason")?.unwrap_or_else(|| "?".into()), 40),
                printable(&field("result")?.unwrap_or_else(|| "?".into()), 40)
            ),
        },
        "notify" => Kind::Notice {
            what: "a Sinch notification".to_string(),
        },
        other => {
            return Err(BadCallback::malformed(
                format!(
                    "unknown `event` {}; expected ice, ace, pie, dice or notify",
                    if other.is_empty() {
                        "(missing)".to_string()
                    } else {
                        format!("`{}`", printable(other, 40))
                    }
                ),
                "point only a Sinch voice application's callback URL here",
            ));
        }
    };
    Ok(callback)
}

/// A PIE's `menuResult`. A `return` value is the key of the option chosen;
/// one that is a live route also tells which document it answers
/// (`answers`).
fn pie(result: Option<&Value>, answers: &mut Option<String>) -> Result<Kind, BadCallback> {
    let Some(result) = result.filter(|r| r.is_object()) else {
        return Err(BadCallback::malformed(
            match result {
                Some(other) => format!("`menuResult` is {}, not an object", json_kind(other)),
                None => "the PIE has no `menuResult`".to_string(),
            },
            "a Sinch PIE carries menuResult {menuId, type, value, inputMethod}",
        ));
    };
    let field = |name: &str| json_text(result.get(name), name);
    let kind = field("type")?.unwrap_or_default().to_ascii_lowercase();
    let value = field("value")?;
    let voice = field("inputMethod")?.is_some_and(|m| m.eq_ignore_ascii_case("voice"));
    let mut report = Report::default();
    match kind.as_str() {
        "return" => {
            let value = text(value, "menuResult.value", MAX_TEXT_CHARS)?.unwrap_or_default();
            if let Some((doc, outcome)) = route::parse(&value) {
                *answers = Some(doc.to_string());
                if let Some(outcome) = outcome {
                    report.fill_from(outcome);
                }
            } else if !value.is_empty() && value.chars().all(is_dtmf) {
                report.keys = keys(Some(value), "menuResult.value")?;
            } else {
                report.value = Some(value).filter(|v| !v.is_empty());
            }
        }
        "sequence" if voice => report.speech = text(value, "menuResult.value", MAX_TEXT_CHARS)?,
        "sequence" => report.keys = keys(value, "menuResult.value")?,
        "timeout" => {}
        "invalidinput" => report.invalid = true,
        "hangup" => {
            return Ok(Kind::Ended {
                why: "the caller hung up during a menu (PIE hangup)".to_string(),
            });
        }
        "error" => {
            return Ok(Kind::Failed {
                why: format!(
                    "Sinch reports a menu error{}",
                    value.map(|v| format!(": {}", printable(&v, 200))).unwrap_or_default()
                ),
            });
        }
        other => {
            return Err(BadCallback::malformed(
                format!(
                    "unknown `menuResult.type` {}; expected return, sequence, timeout, invalidinput, hangup or error",
                    if other.is_empty() {
                        "(missing)".to_string()
                    } else {
                        format!("`{}`", printable(other, 40))
                    }
                ),
                "check what is posting to this URL",
            ));
        }
    }
    Ok(Kind::Report(report))
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::{self, report};
    use super::*;
    use serde_json::json;

    fn fixture(name: &str) -> Callback {
        fixtures::decoded(TARGET, name, decode)
    }

    #[test]
    fn every_fixture_decodes_to_the_same_call() {
        for (name, body) in fixtures::all(TARGET) {
            let callback = decode(&body).unwrap_or_else(|e| panic!("{name}: {e:?}"));
            assert_eq!(callback.session, "4398599d1ba84ef3bde0a82dfb61abed", "{name}");
        }
    }

    #[test]
    fn ice_starts_the_call_with_its_numbers() {
        let ice = fixture("ice.json");
        assert_eq!(ice.kind, Kind::Start);
        assert_eq!(ice.caller, "46708000000");
        assert_eq!(ice.called, "46700000000");
    }

    #[test]
    fn ace_is_an_answer_and_dice_the_end() {
        assert_eq!(fixture("ace.json").kind, Kind::Answered);
        match fixture("dice.json").kind {
            Kind::Ended { why } => assert!(why.contains("CALLERHUNGUP"), "{why}"),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_returned_key_is_the_key_pressed() {
        // What the Sinch renderer's options return: `return(*)`.
        let callback = fixture("pie-return.json");
        assert_eq!(callback.answers, None);
        assert_eq!(report(callback).keys.as_deref(), Some("*"));
        let body = fixtures::json_with(TARGET, "pie-return.json", "/menuResult/value", json!("2"));
        assert_eq!(report(decode(&body).unwrap()).keys.as_deref(), Some("2"));
        // A returned route would name the document and the key.
        let body = fixtures::json_with(TARGET, "pie-return.json", "/menuResult/value", json!("role-3/key-star"));
        let callback = decode(&body).unwrap();
        assert_eq!(callback.answers.as_deref(), Some("role-3"));
        assert_eq!(report(callback).keys.as_deref(), Some("*"));
        // Words are no key: the host reads them as an invalid choice.
        let body = fixtures::json_with(TARGET, "pie-return.json", "/menuResult/value", json!("sales"));
        assert_eq!(report(decode(&body).unwrap()).value.as_deref(), Some("sales"));
    }

    #[test]
    fn sequences_timeouts_invalid_input_and_voice() {
        assert_eq!(report(fixture("pie-sequence.json")).keys.as_deref(), Some("204816"));
        assert!(report(fixture("pie-timeout.json")).is_empty());
        assert!(report(fixture("pie-invalid.json")).invalid);
        assert_eq!(
            report(fixture("pie-voice.json")).speech.as_deref(),
            Some("one two three")
        );
        assert!(matches!(fixture("pie-hangup.json").kind, Kind::Ended { .. }));
        let body = fixtures::json_with(TARGET, "pie-timeout.json", "/menuResult/type", json!("error"));
        assert!(matches!(decode(&body).unwrap().kind, Kind::Failed { .. }));
    }

    #[test]
    fn malformed_callbacks_are_refused_with_a_reason() {
        let patched = |pointer: &str, value: Value| fixtures::json_with(TARGET, "pie-sequence.json", pointer, value);
        let cases = [
            (b"{".to_vec(), "JSON"),
            (patched("/callid", json!(null)), "callid"),
            (patched("/callid", json!({"id": 1})), "callid"),
            (patched("/event", json!("pce")), "event"),
            (patched("/menuResult", json!("1")), "menuResult"),
            (patched("/menuResult/type", json!("guess")), "menuResult.type"),
            (patched("/menuResult/value", json!("12ab")), "menuResult.value"),
        ];
        for (body, needle) in cases {
            let refused = decode(&body).unwrap_err();
            assert_eq!(refused.status, 400, "{needle}");
            assert!(refused.message.contains(needle), "{needle}: {}", refused.message);
        }
    }
}
