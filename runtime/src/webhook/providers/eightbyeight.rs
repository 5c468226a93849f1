//! 8x8: JSON webhooks `{"namespace":"VOICE","eventType":…,"payload":{…}}`.
//!
//! - Voice Call Action (`CALL_ACTION`), the ones a callflow answers:
//!   `callStatus` `CALL_RECEIVED` is the call's first callback,
//!   `ACTION_COMPLETED` reports the last document, with the caller's keys in
//!   `eventData.dtmf` (`null`: nothing captured) and the `clientActionId` of
//!   the answer it reports on.
//! - Voice Call Status (`CALL_STATUS`): `CALL_DISCONNECTED` of the call's
//!   first leg ends the call; the other statuses are only acknowledged.
//! - Voice Session Summary (`SESSION_SUMMARY`): the session is over.
//!
//! A session has one `sessionId` and a `callId` per leg (a `makeCall` adds
//! one). How a `makeCall` ended is read from `sipCode`, as SIP responses
//! say: 2xx answered, 486/600/603 busy, 408/480/487 no answer, others
//! failed.

use super::{
    BadCallback, Callback, Kind, MAX_ADDRESS_CHARS, MAX_ID_CHARS, Report, json, json_text, keys, printable, session_id,
    text,
};
use crate::vm::DialOutcome;
use callflow_compiler::targets::TargetKind;

const TARGET: TargetKind = TargetKind::EightByEight;

pub fn decode(body: &[u8]) -> Result<Callback, BadCallback> {
    let root = json(body, TARGET)?;
    let field = |name: &str| json_text(root.get(name), name);
    let namespace = field("namespace")?;
    if namespace.as_deref() != Some("VOICE") {
        return Err(BadCallback::malformed(
            format!(
                "`namespace` is {}; 8x8 voice webhooks have \"VOICE\"",
                namespace.map_or("missing".to_string(), |n| format!("`{}`", printable(&n, 40)))
            ),
            "point only 8x8 voice webhooks (VCA, VCS, VSS) at this URL",
        ));
    }
    let event_type = field("eventType")?.unwrap_or_default();
    let Some(payload) = root.get("payload").filter(|p| p.is_object()) else {
        return Err(BadCallback::malformed(
            "the webhook has no `payload` object",
            "8x8 voice webhooks carry the call in `payload`; check what is posting to this URL",
        ));
    };
    let get = |name: &str| json_text(payload.get(name), name);
    let session = session_id(get("sessionId")?, "sessionId", TARGET)?;
    let leg = text(get("callId")?, "callId", MAX_ID_CHARS)?;
    let caller = text(get("source")?, "source", MAX_ADDRESS_CHARS)?.unwrap_or_default();
    let called = text(get("destination")?, "destination", MAX_ADDRESS_CHARS)?.unwrap_or_default();
    let answers = text(get("clientActionId")?, "clientActionId", MAX_ID_CHARS)?;
    let status = get("callStatus")?.unwrap_or_default();
    let kind = match (event_type.as_str(), status.as_str()) {
        ("CALL_ACTION", "CALL_RECEIVED") => Kind::Start,
        ("CALL_ACTION", "ACTION_COMPLETED") => {
            let dtmf = payload.get("eventData").and_then(|d| d.get("dtmf"));
            Kind::Report(Report {
                keys: keys(json_text(dtmf, "eventData.dtmf")?, "eventData.dtmf")?,
                dial: get("sipCode")?.as_deref().and_then(dial_outcome),
                ..Report::default()
            })
        }
        ("CALL_ACTION" | "CALL_STATUS", "CALL_DISCONNECTED") => Kind::Ended {
            why: "the call leg was disconnected (CALL_DISCONNECTED)".to_string(),
        },
        ("CALL_STATUS", other) => Kind::Notice {
            what: format!("call status {}", printable(other, 40)),
        },
        ("SESSION_SUMMARY", _) => Kind::Ended {
            why: format!(
                "the session ended ({})",
                printable(&get("sessionStatus")?.unwrap_or_else(|| "no status".into()), 40)
            ),
        },
        ("CALL_ACTION", other) => {
            return Err(BadCallback::malformed(
                format!(
                    "a call action with `callStatus` {}; expected CALL_RECEIVED or ACTION_COMPLETED",
                    if other.is_empty() {
                        "missing".to_string()
                    } else {
                        format!("`{}`", printable(other, 40))
                    }
                ),
                "check what is posting to this URL",
            ));
        }
        (other, _) => {
            return Err(BadCallback::malformed(
                format!(
                    "unknown `eventType` {}; expected CALL_ACTION, CALL_STATUS or SESSION_SUMMARY",
                    if other.is_empty() {
                        "(missing)".to_string()
                    } else {
                        format!("`{}`", printable(other, 40))
                    }
                ),
                "point only 8x8 voice webhooks (VCA, VCS, VSS) at this URL",
            ));
        }
    };
    Ok(Callback {
        session,
        caller,
        called,
        answers,
        leg,
        kind,
    })
}

/// How a leg ended, from its SIP response code.
fn dial_outcome(code: &str) -> Option<DialOutcome> {
    let code: u16 = code.trim().parse().ok()?;
    Some(match code {
        200..=299 => DialOutcome::Answered,
        486 | 600 | 603 => DialOutcome::Busy,
        408 | 480 | 487 => DialOutcome::NoAnswer,
        _ => DialOutcome::Failed,
    })
}

#[cfg(test)]
mod tests {
    use super::super::fixtures;
    use super::*;
    use serde_json::{Value, json};

    fn fixture(name: &str) -> Callback {
        fixtures::decoded(TARGET, name, decode)
    }

    #[test]
    fn every_fixture_decodes_to_the_same_session() {
        for (name, body) in fixtures::all(TARGET) {
            let callback = decode(&body).unwrap_or_else(|e| panic!("{name}: {e:?}"));
            assert_eq!(callback.session, "a4fad4b3-b388-12ee-b217-2fb8260fcf59", "{name}");
        }
    }

    #[test]
    fn call_received_starts_the_call() {
        let callback = fixture("call-received.json");
        assert_eq!(callback.kind, Kind::Start);
        assert_eq!(callback.caller, "+6568888888");
        assert_eq!(callback.called, "+6598888888");
        assert_eq!(callback.leg.as_deref(), Some("627e25f1-133a-11ef-b08c-e33c09483244"));
    }

    #[test]
    fn action_completed_carries_the_keys_or_null() {
        let digits = fixture("action-completed-dtmf.json");
        assert_eq!(digits.answers.as_deref(), Some("choose-2"));
        let Kind::Report(report) = digits.kind else { panic!() };
        assert_eq!(report.keys.as_deref(), Some("1"));
        let Kind::Report(report) = fixture("action-completed-null-dtmf.json").kind else {
            panic!()
        };
        assert_eq!(report.keys, None);
        assert_eq!(report.dial, Some(DialOutcome::Answered));
        // A number instead of a string is read as its digits.
        let body = fixtures::json_with(
            TARGET,
            "action-completed-dtmf.json",
            "/payload/eventData/dtmf",
            json!(1234),
        );
        let Kind::Report(report) = decode(&body).unwrap().kind else {
            panic!()
        };
        assert_eq!(report.keys.as_deref(), Some("1234"));
    }

    #[test]
    fn disconnection_and_the_session_summary_end_the_call() {
        assert!(matches!(
            fixture("call-status-disconnected.json").kind,
            Kind::Ended { .. }
        ));
        match fixture("session-summary.json").kind {
            Kind::Ended { why } => assert!(why.contains("COMPLETED"), "{why}"),
            other => panic!("{other:?}"),
        }
        let body = fixtures::json_with(
            TARGET,
            "call-status-disconnected.json",
            "/payload/callStatus",
            json!("CALL_CONNECTED"),
        );
        assert!(matches!(decode(&body).unwrap().kind, Kind::Notice { .. }));
    }

    #[test]
    fn sip_codes_give_dial_outcomes() {
        assert_eq!(dial_outcome("200"), Some(DialOutcome::Answered));
        assert_eq!(dial_outcome("486"), Some(DialOutcome::Busy));
        assert_eq!(dial_outcome("480"), Some(DialOutcome::NoAnswer));
        assert_eq!(dial_outcome("503"), Some(DialOutcome::Failed));
        assert_eq!(dial_outcome("soon"), None);
    }

    #[test]
    fn malformed_webhooks_are_refused_with_a_reason() {
        let patched =
            |pointer: &str, value: Value| fixtures::json_with(TARGET, "action-completed-dtmf.json", pointer, value);
        let cases = [
            (b"{\"namespace\":".to_vec(), "JSON"),
            (b"[1,2,3]".to_vec(), "namespace"),
            (patched("/namespace", json!("SMS")), "namespace"),
            (patched("/payload", json!(null)), "payload"),
            (patched("/payload/sessionId", json!(null)), "sessionId"),
            (patched("/payload/eventData/dtmf", json!("1x")), "eventData.dtmf"),
            (patched("/payload/eventData/dtmf", json!(["1"])), "eventData.dtmf"),
            (patched("/payload/callStatus", json!("RINGING")), "callStatus"),
            (patched("/eventType", json!("CALL_PARTY")), "eventType"),
        ];
        for (body, needle) in cases {
            let refused = decode(&body).unwrap_err();
            assert_eq!(refused.status, 400, "{needle}");
            assert!(refused.message.contains(needle), "{needle}: {}", refused.message);
        }
    }
}
