//! Reading providers' callbacks: one module per provider turns a request body
//! into a [`Callback`] (which call, who is calling, what happened), in terms
//! that are the same for every provider.
//!
//! A decoder reports facts, not flow events: "digits 42 came", "nothing came",
//! "the far end was busy". Which VM event that is depends on what the call
//! waits for (Africa's Talking reports a menu timeout and the end of a failed
//! dial the same way: a post with no input), which only the call knows
//! (`super::call`).
//!
//! Everything in a request is untrusted. Decoders check what they read
//! (lengths, characters, shapes) and refuse a bad request with a
//! [`BadCallback`] that says what is wrong and how to fix it; they never
//! panic, and a refused request changes no call.

pub mod africastalking;
pub mod eightbyeight;
pub mod sinch;
pub mod tropo;

use super::route::Outcome;
use crate::vm::DialOutcome;
use callflow_compiler::analysis::literals::is_dtmf;
use callflow_compiler::targets::TargetKind;

/// Longest session or call id accepted (providers use UUIDs and hex ids).
pub const MAX_ID_CHARS: usize = 128;
/// Longest phone number, SIP URI or similar address accepted.
pub const MAX_ADDRESS_CHARS: usize = 256;
/// Most keys one callback may carry.
pub const MAX_KEYS: usize = 64;
/// Longest speech result or recording location accepted.
pub const MAX_TEXT_CHARS: usize = 2_048;

/// One callback, decoded.
#[derive(Clone, Debug, PartialEq)]
pub struct Callback {
    /// The provider's id of the call; constant for the whole call.
    pub session: String,
    /// The calling and the called number, when the callback carries them
    /// (empty otherwise; only the first callback's are used).
    pub caller: String,
    pub called: String,
    /// The id of the document this callback reports on, when the payload
    /// carries one (8x8 echoes `clientActionId`); the URL path is the other
    /// place it can come from.
    pub answers: Option<String>,
    /// The provider's id of this call leg, when it has several per session
    /// (8x8 `callId`): only the first leg's end ends the call.
    pub leg: Option<String>,
    pub kind: Kind,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Kind {
    /// Certainly a call's first callback (Sinch ICE, Tropo `session`, 8x8
    /// `CALL_RECEIVED`). Africa's Talking has no such marker: its first post
    /// is a [`Kind::Report`] with nothing in it, for a session not seen yet.
    Start,
    /// What came of the last document.
    Report(Report),
    /// The far end of a dial answered, and the bridged call is still up
    /// (Sinch ACE).
    Answered,
    /// The call is over (the caller hung up, or the provider ended it). The
    /// reply carries no document.
    Ended { why: String },
    /// The provider reports an error on the call; the host ends the call.
    Failed { why: String },
    /// Nothing the flow needs (a status notification): acknowledged only.
    Notice { what: String },
}

/// What came of a document, as far as the provider says. Every part is
/// optional: which one counts depends on what the call waits for.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Report {
    /// Keys pressed (checked: `0-9`, `*`, `#`).
    pub keys: Option<String>,
    /// Recognised speech.
    pub speech: Option<String>,
    /// Input the provider does not say the mode of (Tropo `value`): keys if
    /// it is all keys, otherwise speech.
    pub value: Option<String>,
    /// Where the recording is; `None` when nothing was recorded.
    pub recording: Option<String>,
    /// How a dial ended, when the provider says.
    pub dial: Option<DialOutcome>,
    /// The provider says the caller gave input that does not fit (a key the
    /// menu does not list, a no-match).
    pub invalid: bool,
}

impl Report {
    /// Nothing came: no input, no recording, no dial result.
    pub fn is_empty(&self) -> bool {
        *self == Report::default()
    }

    /// Fill in the outcome a route names, for providers that say which
    /// route was taken rather than what the caller did (Sinch `return(…)`,
    /// a per-outcome callback URL). What the payload says wins.
    pub fn fill_from(&mut self, outcome: Outcome) {
        if !self.is_empty() {
            return;
        }
        match outcome {
            Outcome::Key(k) => self.keys = Some(k.to_string()),
            Outcome::Invalid => self.invalid = true,
            Outcome::Dial(result) => self.dial = Some(result),
            // Nothing came, or the payload had to say what (digits, a
            // recording) and did not.
            Outcome::Timeout | Outcome::Exhausted | Outcome::Next => {}
        }
    }
}

/// A request the host refuses: a 4xx status and a message with a help line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BadCallback {
    pub status: u16,
    pub message: String,
    pub help: String,
}

impl BadCallback {
    pub fn new(status: u16, message: impl Into<String>, help: impl Into<String>) -> BadCallback {
        BadCallback {
            status,
            message: message.into(),
            help: help.into(),
        }
    }

    /// 400: the body is not what the provider sends.
    pub fn malformed(message: impl Into<String>, help: impl Into<String>) -> BadCallback {
        BadCallback::new(400, message, help)
    }
}

/// Decode a callback of `target` from its content type and body.
pub fn decode(target: TargetKind, content_type: Option<&str>, body: &[u8]) -> Result<Callback, BadCallback> {
    match target {
        TargetKind::AfricasTalking => {
            expect_media_type(content_type, "application/x-www-form-urlencoded", target)?;
            africastalking::decode(body)
        }
        TargetKind::EightByEight => {
            expect_media_type(content_type, "application/json", target)?;
            eightbyeight::decode(body)
        }
        TargetKind::Tropo => {
            expect_media_type(content_type, "application/json", target)?;
            tropo::decode(body)
        }
        TargetKind::Sinch => {
            expect_media_type(content_type, "application/json", target)?;
            sinch::decode(body)
        }
    }
}

/// Where a provider is told the host's URL, for start-up messages and docs.
pub fn where_to_configure(target: TargetKind) -> &'static str {
    match target {
        TargetKind::AfricasTalking => "as the phone number's voice callback URL in the Africa's Talking dashboard",
        TargetKind::EightByEight => {
            "as the sub-account's VCA webhook (and VCS/VSS webhooks, for call ends) with the 8x8 Webhooks API"
        }
        TargetKind::Tropo => "as the application's voice URL in the Tropo application settings",
        TargetKind::Sinch => "as the voice application's callback URL in the Sinch dashboard",
    }
}

/// The reply that lets a bridged call go on after a dialled party answered:
/// Sinch's `continue` action. Only Sinch reports an answer while the bridge
/// is up (ACE); the others report a dial when it is over.
pub fn continue_reply(target: TargetKind) -> &'static str {
    match target {
        TargetKind::Sinch => r#"{"action":{"name":"continue"}}"#,
        _ => "",
    }
}

/// 415 unless the media type (parameters such as `charset` aside) is
/// `expected`.
fn expect_media_type(content_type: Option<&str>, expected: &str, target: TargetKind) -> Result<(), BadCallback> {
    let media = content_type
        .and_then(|c| c.split(';').next())
        .map(|m| m.trim().to_ascii_lowercase());
    if media.as_deref() == Some(expected) {
        return Ok(());
    }
    let got = match content_type {
        Some(c) => format!("`{}`", printable(c, 100)),
        None => "no Content-Type".to_string(),
    };
    Err(BadCallback::new(
        415,
        format!(
            "{} callbacks are {expected}, but this request has {got}",
            target.display()
        ),
        format!(
            "this host serves {} callbacks; point only that provider's callback URL here, or start the host with the right --target",
            target.display()
        ),
    ))
}

/// Parse a JSON body, or say where it is broken.
fn json(body: &[u8], target: TargetKind) -> Result<serde_json::Value, BadCallback> {
    serde_json::from_slice(body).map_err(|e| {
        BadCallback::malformed(
            format!("the body is not valid JSON: {e}"),
            format!(
                "{} posts a JSON object; check what is posting to this URL",
                target.display()
            ),
        )
    })
}

/// A JSON field as text: strings as they are, numbers written out; `null`
/// and absent are `None`; other shapes are refused.
fn json_text(value: Option<&serde_json::Value>, field: &str) -> Result<Option<String>, BadCallback> {
    match value {
        None | Some(serde_json::Value::Null) => Ok(None),
        Some(serde_json::Value::String(s)) => Ok(Some(s.clone())),
        Some(serde_json::Value::Number(n)) => Ok(Some(n.to_string())),
        Some(other) => Err(BadCallback::malformed(
            format!("`{field}` should be text, but it is {}", json_kind(other)),
            "send the field as a string (or leave it out)",
        )),
    }
}

fn json_kind(value: &serde_json::Value) -> &'static str {
    match value {
        serde_json::Value::Null => "null",
        serde_json::Value::Bool(_) => "a boolean",
        serde_json::Value::Number(_) => "a number",
        serde_json::Value::String(_) => "a string",
        serde_json::Value::Array(_) => "an array",
        serde_json::Value::Object(_) => "an object",
    }
}

/// The session id: present, not empty, printable ASCII without spaces, and
/// short (it keys the call table and appears in logs).
fn session_id(value: Option<String>, field: &str, target: TargetKind) -> Result<String, BadCallback> {
    let help = || {
        format!(
            "every {} callback carries `{field}`; check what is posting to this URL",
            target.display()
        )
    };
    let id = value.unwrap_or_default();
    if id.is_empty() {
        return Err(BadCallback::malformed(format!("the callback has no `{field}`"), help()));
    }
    if id.chars().count() > MAX_ID_CHARS || !id.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(BadCallback::malformed(
            format!(
                "`{field}` `{}` is not an id (at most {MAX_ID_CHARS} printable characters, no spaces)",
                printable(&id, 40)
            ),
            help(),
        ));
    }
    Ok(id)
}

/// Keys pressed: `None` when empty or absent, refused when not keys.
fn keys(value: Option<String>, field: &str) -> Result<Option<String>, BadCallback> {
    let Some(keys) = value.map(|k| k.trim().to_string()).filter(|k| !k.is_empty()) else {
        return Ok(None);
    };
    if keys.chars().count() > MAX_KEYS || !keys.chars().all(is_dtmf) {
        return Err(BadCallback::malformed(
            format!(
                "`{field}` `{}` is not a key sequence (at most {MAX_KEYS} of 0-9, * and #)",
                printable(&keys, 40)
            ),
            "phones send only 0-9, * and #; check what is posting to this URL",
        ));
    }
    Ok(Some(keys))
}

/// A free text (speech, a recording location, a number): `None` when empty
/// or absent, refused when too long or holding control characters.
fn text(value: Option<String>, field: &str, max: usize) -> Result<Option<String>, BadCallback> {
    let Some(text) = value.map(|t| t.trim().to_string()).filter(|t| !t.is_empty()) else {
        return Ok(None);
    };
    if text.chars().count() > max || text.chars().any(char::is_control) {
        return Err(BadCallback::malformed(
            format!("`{field}` is longer than {max} characters or holds control characters"),
            "check what is posting to this URL",
        ));
    }
    Ok(Some(text))
}

/// A text shortened for a message, with control characters escaped, so
/// that nothing a client sends can forge log lines or garble a terminal.
pub fn printable(text: &str, max_chars: usize) -> String {
    let mut out = String::new();
    for (i, c) in text.chars().enumerate() {
        if i == max_chars {
            out.push('…');
            break;
        }
        if c.is_control() {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
pub(crate) mod fixtures;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn media_types_are_compared_without_parameters_or_case() {
        let at = TargetKind::AfricasTalking;
        let form = "application/x-www-form-urlencoded";
        assert!(expect_media_type(Some(form), form, at).is_ok());
        assert!(expect_media_type(Some("Application/X-WWW-Form-Urlencoded; charset=UTF-8"), form, at).is_ok());
        let refused = expect_media_type(Some("application/json"), form, at).unwrap_err();
        assert_eq!(refused.status, 415);
        assert!(refused.message.contains("`application/json`"), "{}", refused.message);
        assert!(refused.help.contains("--target"), "{}", refused.help);
        assert_eq!(expect_media_type(None, form, at).unwrap_err().status, 415);
    }

    #[test]
    fn ids_keys_and_texts_are_checked() {
        let t = TargetKind::Sinch;
        assert_eq!(session_id(Some("abc-123".into()), "callid", t), Ok("abc-123".into()));
        for bad in ["", "has space", "tab\there", &"x".repeat(MAX_ID_CHARS + 1)] {
            let e = session_id(Some(bad.into()), "callid", t).unwrap_err();
            assert_eq!(e.status, 400, "{bad:?}");
            assert!(e.message.contains("callid"), "{}", e.message);
        }
        assert_eq!(keys(Some(" 12*# ".into()), "dtmf"), Ok(Some("12*#".into())));
        assert_eq!(keys(Some(String::new()), "dtmf"), Ok(None));
        assert!(keys(Some("12a".into()), "dtmf").is_err());
        assert!(keys(Some("1".repeat(MAX_KEYS + 1)), "dtmf").is_err());
        assert_eq!(
            text(Some("hello there".into()), "value", 20),
            Ok(Some("hello there".into()))
        );
        assert!(text(Some("line\nbreak".into()), "value", 20).is_err());
        assert!(text(Some("x".repeat(21)), "value", 20).is_err());
    }

    #[test]
    fn printable_escapes_control_characters_and_shortens() {
        assert_eq!(printable("a\nb\u{1b}[31m", 20), "a\\nb\\u{1b}[31m");
        assert_eq!(printable("abcdef", 3), "abc…");
    }

    #[test]
    fn a_route_fills_in_only_an_empty_report() {
        let mut empty = Report::default();
        empty.fill_from(Outcome::Key('1'));
        assert_eq!(empty.keys.as_deref(), Some("1"));
        let mut digits = Report {
            keys: Some("2".into()),
            ..Report::default()
        };
        digits.fill_from(Outcome::Key('1'));
        assert_eq!(digits.keys.as_deref(), Some("2"));
        let mut dial = Report::default();
        dial.fill_from(Outcome::Dial(DialOutcome::Busy));
        assert_eq!(dial.dial, Some(DialOutcome::Busy));
        let mut timeout = Report::default();
        timeout.fill_from(Outcome::Timeout);
        assert!(timeout.is_empty());
    }
}
