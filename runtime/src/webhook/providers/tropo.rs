//! Tropo WebAPI: JSON. A call's first request is `{"session": {…}}` (`id`,
//! `callId`, `from.id`, `to.id`); every later one is `{"result": {…}}` with
//! `sessionId`, `state`, `error` and `actions`, which is an object when the
//! document had one action and an array when it had several. The last action
//! is the one that waited: its `disposition` says how it ended and `value`
//! (or `interpretation`) what the caller gave.
//!
//! Dispositions: `SUCCESS` (input, a recording, an answered transfer),
//! `TIMEOUT`, `NOMATCH` (input that fits no choice), `HANGUP`, and for
//! transfers `BUSY`, `NOANSWER`, `FAILURE`, `REJECTED`. A `state` of
//! `DISCONNECTED` ends the call; a non-empty `error` ends it too.

use super::{
    BadCallback, Callback, Kind, MAX_ADDRESS_CHARS, MAX_TEXT_CHARS, Report, json, json_kind, json_text, printable,
    session_id, text,
};
use crate::vm::DialOutcome;
use callflow_compiler::targets::TargetKind;
use serde_json::Value;

const TARGET: TargetKind = TargetKind::Tropo;

pub fn decode(body: &[u8]) -> Result<Callback, BadCallback> {
    let root = json(body, TARGET)?;
    if let Some(session) = root.get("session") {
        return first(session);
    }
    if let Some(result) = root.get("result") {
        return later(result);
    }
    Err(BadCallback::malformed(
        "the body has neither `session` nor `result`",
        "Tropo posts {\"session\": …} for a new call and {\"result\": …} after each document; check what is posting to this URL",
    ))
}

fn first(session: &Value) -> Result<Callback, BadCallback> {
    let object = object(session, "session")?;
    let address = |party: &str| -> Result<String, BadCallback> {
        let id = object.get(party).and_then(|p| p.get("id"));
        Ok(text(
            json_text(id, &format!("{party}.id"))?,
            &format!("{party}.id"),
            MAX_ADDRESS_CHARS,
        )?
        .unwrap_or_default())
    };
    Ok(Callback {
        session: session_id(json_text(object.get("id"), "session.id")?, "session.id", TARGET)?,
        caller: address("from")?,
        called: address("to")?,
        answers: None,
        leg: None,
        kind: Kind::Start,
    })
}

fn later(result: &Value) -> Result<Callback, BadCallback> {
    let object = object(result, "result")?;
    let field = |name: &str| json_text(object.get(name), name);
    let session = session_id(field("sessionId")?, "result.sessionId", TARGET)?;
    let state = field("state")?.unwrap_or_default();
    let error = text(field("error")?, "error", MAX_TEXT_CHARS)?;
    let action = last_action(object.get("actions"))?;
    let disposition = match action {
        Some(a) => json_text(a.get("disposition"), "disposition")?.unwrap_or_default(),
        None => String::new(),
    }
    .to_ascii_uppercase();
    let kind = if state.eq_ignore_ascii_case("DISCONNECTED") || disposition == "HANGUP" {
        Kind::Ended {
            why: "the caller hung up (Tropo result: DISCONNECTED / HANGUP)".to_string(),
        }
    } else if let Some(error) = error {
        Kind::Failed {
            why: format!("Tropo reports an error: {}", printable(&error, 200)),
        }
    } else {
        Kind::Report(report(action, &disposition)?)
    };
    Ok(Callback {
        session,
        caller: String::new(),
        called: String::new(),
        answers: None,
        leg: None,
        kind,
    })
}

/// What the waiting action gave.
fn report(action: Option<&Value>, disposition: &str) -> Result<Report, BadCallback> {
    let Some(action) = action else {
        return Ok(Report::default());
    };
    let given = match json_text(action.get("value"), "value")? {
        Some(value) => Some(value),
        None => json_text(action.get("interpretation"), "interpretation")?,
    };
    let mut report = Report {
        dial: match disposition {
            "SUCCESS" => Some(DialOutcome::Answered),
            "BUSY" => Some(DialOutcome::Busy),
            "TIMEOUT" | "NOANSWER" | "NO_ANSWER" => Some(DialOutcome::NoAnswer),
            "FAILURE" | "FAILED" | "ERROR" | "REJECTED" => Some(DialOutcome::Failed),
            _ => None,
        },
        ..Report::default()
    };
    match disposition {
        "SUCCESS" => report.value = text(given, "value", MAX_TEXT_CHARS)?,
        "NOMATCH" => report.invalid = true,
        _ => {}
    }
    Ok(report)
}

/// The action that waited: the only one, or the last of several.
fn last_action(actions: Option<&Value>) -> Result<Option<&Value>, BadCallback> {
    match actions {
        None | Some(Value::Null) => Ok(None),
        Some(action @ Value::Object(_)) => Ok(Some(action)),
        Some(Value::Array(list)) => match list.iter().rev().find(|a| a.is_object()) {
            Some(action) => Ok(Some(action)),
            None if list.is_empty() => Ok(None),
            None => Err(BadCallback::malformed(
                "`actions` holds no action objects",
                "Tropo's `actions` is an object, or an array of objects",
            )),
        },
        Some(other) => Err(BadCallback::malformed(
            format!("`actions` is {}; Tropo sends an object or an array", json_kind(other)),
            "check what is posting to this URL",
        )),
    }
}

fn object<'a>(value: &'a Value, name: &str) -> Result<&'a serde_json::Map<String, Value>, BadCallback> {
    value.as_object().ok_or_else(|| {
        BadCallback::malformed(
            format!("`{name}` is {}, not an object", json_kind(value)),
            "check what is posting to this URL",
        )
    })
}

#[cfg(test)]
mod tests {
    use super::super::fixtures;
    use super::*;
    use serde_json::json;

    fn fixture(name: &str) -> Callback {
        fixtures::decoded(TARGET, name, decode)
    }

    fn report(name: &str) -> Report {
        match fixture(name).kind {
            Kind::Report(report) => report,
            other => panic!("{name}: expected a report, got {other:?}"),
        }
    }

    #[test]
    fn every_fixture_decodes_to_the_same_session() {
        for (name, body) in fixtures::all(TARGET) {
            let callback = decode(&body).unwrap_or_else(|e| panic!("{name}: {e:?}"));
            assert_eq!(callback.session, "89d5a4d6b5a5ab6e2e9c5e7ea8dd6bf6", "{name}");
        }
    }

    #[test]
    fn the_session_starts_the_call_with_its_numbers() {
        let callback = fixture("session.json");
        assert_eq!(callback.kind, Kind::Start);
        assert_eq!(callback.caller, "+14155550123");
        assert_eq!(callback.called, "+14155550100");
    }

    #[test]
    fn actions_as_an_object_and_as_an_array() {
        assert_eq!(report("result-object.json").value.as_deref(), Some("2"));
        // Of several actions, the last one waited.
        assert_eq!(report("result-array.json").value.as_deref(), Some("204816"));
    }

    #[test]
    fn dispositions() {
        let timeout = report("result-timeout.json");
        assert_eq!((timeout.value, timeout.invalid), (None, false));
        assert!(report("result-nomatch.json").invalid);
        assert_eq!(
            report("result-record.json").value.as_deref(),
            Some("https://recordings.example.com/89d5a4d6/message.wav")
        );
        assert_eq!(report("result-transfer-busy.json").dial, Some(DialOutcome::Busy));
        assert!(matches!(fixture("result-hangup.json").kind, Kind::Ended { .. }));
    }

    #[test]
    fn interpretation_stands_in_for_a_missing_value() {
        let body = fixtures::json_with(TARGET, "result-object.json", "/result/actions/value", json!(null));
        let Kind::Report(report) = decode(&body).unwrap().kind else {
            panic!()
        };
        assert_eq!(report.value.as_deref(), Some("2"));
    }

    #[test]
    fn an_error_fails_the_call() {
        let body = fixtures::json_with(TARGET, "result-object.json", "/result/error", json!("tts failed"));
        match decode(&body).unwrap().kind {
            Kind::Failed { why } => assert!(why.contains("tts failed"), "{why}"),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn malformed_bodies_are_refused_with_a_reason() {
        let patched = |pointer: &str, value: Value| fixtures::json_with(TARGET, "result-object.json", pointer, value);
        let cases = [
            (b"not json".to_vec(), "JSON"),
            (b"{}".to_vec(), "neither"),
            (b"{\"session\": 5}".to_vec(), "session"),
            (b"{\"session\": {\"from\": {\"id\": \"+1\"}}}".to_vec(), "session.id"),
            (patched("/result/sessionId", json!("")), "sessionId"),
            (patched("/result/actions", json!("ask")), "actions"),
            (patched("/result/actions", json!([1, 2])), "actions"),
            (patched("/result/actions/value", json!({"x": 1})), "value"),
        ];
        for (body, needle) in cases {
            let refused = decode(&body).unwrap_err();
            assert_eq!(refused.status, 400, "{needle}");
            assert!(refused.message.contains(needle), "{needle}: {}", refused.message);
        }
    }
}
