//! The provider's side of a call: the callbacks each provider posts, built
//! from the fixtures under tests/fixtures/webhook/, and a driver that plays
//! a caller's actions through them.

use super::client::{self, Reply};
use callflow_compiler::targets::TargetKind;
use callflow_runtime::scenario::{CallerAction, DialResult};
use serde_json::{Value, json};
use std::net::SocketAddr;
use std::path::PathBuf;

pub const FORM: &str = "application/x-www-form-urlencoded";
pub const JSON: &str = "application/json";

/// One callback, ready to post.
#[derive(Clone, Debug)]
pub struct Post {
    pub path: String,
    pub content_type: &'static str,
    pub body: Vec<u8>,
}

impl Post {
    pub fn send(&self, addr: SocketAddr) -> Reply {
        client::post(addr, &self.path, self.content_type, &self.body)
    }
}

fn fixture(target: TargetKind, name: &str) -> Vec<u8> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/webhook")
        .join(target.id())
        .join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// A JSON fixture with fields replaced (`pointer` → value).
pub fn json_fixture(target: TargetKind, name: &str, changes: &[(&str, Value)]) -> Vec<u8> {
    let mut json: Value = serde_json::from_slice(&fixture(target, name)).expect("JSON fixture");
    for (pointer, value) in changes {
        *json
            .pointer_mut(pointer)
            .unwrap_or_else(|| panic!("{name} has no {pointer}")) = value.clone();
    }
    serde_json::to_vec(&json).expect("JSON")
}

/// A form fixture with fields replaced or added (in the fixture's order).
pub fn form_fixture(name: &str, changes: &[(&str, &str)]) -> Vec<u8> {
    let text = String::from_utf8(fixture(TargetKind::AfricasTalking, name)).expect("UTF-8");
    let mut fields: Vec<(String, String)> = text
        .split('&')
        .filter_map(|pair| pair.split_once('='))
        .map(|(k, v)| (k.to_string(), decode(v)))
        .collect();
    for (name, value) in changes {
        match fields.iter_mut().find(|(k, _)| k == name) {
            Some(field) => field.1 = value.to_string(),
            None => fields.push((name.to_string(), value.to_string())),
        }
    }
    let pairs: Vec<String> = fields.iter().map(|(k, v)| format!("{k}={}", encode(v))).collect();
    pairs.join("&").into_bytes()
}

fn encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

fn decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' => {
                let hex = text.get(i + 1..i + 3).expect("a complete percent escape");
                out.push(u8::from_str_radix(hex, 16).expect("a percent escape"));
                i += 3;
            }
            b'+' => {
                out.push(b' ');
                i += 1;
            }
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8(out).expect("UTF-8")
}

/// One call as a provider sees it.
#[derive(Clone, Debug)]
pub struct Phone {
    pub target: TargetKind,
    pub session: String,
    pub caller: String,
    pub called: String,
    /// Recordings made so far (the simulator names them `recording-N.wav`).
    pub recordings: u32,
}

impl Phone {
    pub fn new(target: TargetKind, session: &str, caller: &str, called: &str) -> Phone {
        Phone {
            target,
            session: session.to_string(),
            caller: caller.to_string(),
            called: called.to_string(),
            recordings: 0,
        }
    }

    fn at(&self, extra: &[(&str, &str)]) -> Vec<u8> {
        let mut changes = vec![
            ("sessionId", self.session.as_str()),
            ("callerNumber", self.caller.as_str()),
            ("destinationNumber", self.called.as_str()),
        ];
        changes.extend_from_slice(extra);
        form_fixture("incoming.form", &changes)
    }

    fn eight(&self, name: &str, doc: Option<&str>, extra: &[(&str, Value)]) -> Vec<u8> {
        let mut changes = vec![
            ("/payload/sessionId", json!(self.session)),
            ("/payload/source", json!(self.caller)),
            ("/payload/destination", json!(self.called)),
        ];
        if let Some(doc) = doc {
            changes.push(("/payload/clientActionId", json!(doc)));
        }
        changes.extend(extra.iter().cloned());
        json_fixture(TargetKind::EightByEight, name, &changes)
    }

    fn tropo(&self, name: &str, extra: &[(&str, Value)]) -> Vec<u8> {
        let mut changes = vec![("/result/sessionId", json!(self.session))];
        changes.extend(extra.iter().cloned());
        json_fixture(TargetKind::Tropo, name, &changes)
    }

    fn sinch(&self, name: &str, extra: &[(&str, Value)]) -> Vec<u8> {
        let mut changes = vec![("/callid", json!(self.session))];
        changes.extend(extra.iter().cloned());
        json_fixture(TargetKind::Sinch, name, &changes)
    }

    /// The call's first callback.
    pub fn start(&self) -> Post {
        let (content_type, body) = match self.target {
            TargetKind::AfricasTalking => (FORM, self.at(&[])),
            TargetKind::EightByEight => (JSON, self.eight("call-received.json", None, &[])),
            TargetKind::Tropo => (
                JSON,
                json_fixture(
                    TargetKind::Tropo,
                    "session.json",
                    &[
                        ("/session/id", json!(self.session)),
                        ("/session/from/id", json!(self.caller)),
                        ("/session/to/id", json!(self.called)),
                    ],
                ),
            ),
            TargetKind::Sinch => (
                JSON,
                self.sinch(
                    "ice.json",
                    &[("/cli", json!(self.caller)), ("/to/endpoint", json!(self.called))],
                ),
            ),
        };
        Post {
            path: "/".to_string(),
            content_type,
            body,
        }
    }

    /// The provider's end-of-call callback.
    pub fn end(&self) -> Post {
        let (content_type, body) = match self.target {
            TargetKind::AfricasTalking => (FORM, self.at(&[("isActive", "0"), ("durationInSeconds", "31")])),
            TargetKind::EightByEight => (
                JSON,
                json_fixture(
                    TargetKind::EightByEight,
                    "session-summary.json",
                    &[("/payload/sessionId", json!(self.session))],
                ),
            ),
            TargetKind::Tropo => (JSON, self.tropo("result-hangup.json", &[])),
            TargetKind::Sinch => (JSON, self.sinch("dice.json", &[])),
        };
        Post {
            path: "/".to_string(),
            content_type,
            body,
        }
    }

    /// The callback that reports `action` after the document `doc` (an
    /// outline), or `None` when this provider has no way to report it.
    pub fn answer(&mut self, doc: &Value, action: &CallerAction) -> Option<Post> {
        let id = doc["id"].as_str().expect("document id").to_string();
        let waits = doc["end"]["action"].as_str().expect("end action");
        let doc_path = format!("/{id}");
        let (path, content_type, body) = match (self.target, waits, action) {
            // ── Africa's Talking: form posts to the document's callback ──
            (TargetKind::AfricasTalking, "menu" | "collect", CallerAction::Keys(k)) => {
                (doc_path, FORM, self.at(&[("dtmfDigits", k)]))
            }
            (TargetKind::AfricasTalking, "menu" | "collect" | "record", CallerAction::Timeout) => {
                (doc_path, FORM, self.at(&[("recordingUrl", "")]))
            }
            (TargetKind::AfricasTalking, "record", CallerAction::Recorded { .. }) => {
                let url = self.recording();
                (doc_path, FORM, self.at(&[("recordingUrl", &url)]))
            }
            (TargetKind::AfricasTalking, "dial", CallerAction::Dial(result)) => {
                let fields: &[(&str, &str)] = match result {
                    DialResult::Answered => &[("dialDurationInSeconds", "95"), ("hangupCause", "NORMAL_CLEARING")],
                    DialResult::Busy => &[("hangupCause", "USER_BUSY")],
                    DialResult::NoAnswer => &[("hangupCause", "NO_ANSWER")],
                    DialResult::Failed => &[("hangupCause", "UNALLOCATED_NUMBER")],
                };
                (doc_path, FORM, self.at(fields))
            }
            // ── 8x8: every call action to the one VCA URL ──
            (TargetKind::EightByEight, "menu" | "collect", CallerAction::Keys(k)) => (
                "/".into(),
                JSON,
                self.eight(
                    "action-completed-dtmf.json",
                    Some(&id),
                    &[("/payload/eventData/dtmf", json!(k))],
                ),
            ),
            (TargetKind::EightByEight, "menu" | "collect", CallerAction::Timeout) => (
                "/".into(),
                JSON,
                self.eight("action-completed-null-dtmf.json", Some(&id), &[]),
            ),
            (TargetKind::EightByEight, "dial", CallerAction::Dial(result)) => {
                let code = match result {
                    DialResult::Answered => 200,
                    DialResult::Busy => 486,
                    DialResult::NoAnswer => 480,
                    DialResult::Failed => 503,
                };
                (
                    "/".into(),
                    JSON,
                    self.eight(
                        "action-completed-null-dtmf.json",
                        Some(&id),
                        &[("/payload/sipCode", json!(code))],
                    ),
                )
            }
            // ── Tropo: results to the `on` URLs the document names, which
            // are the document's callback for `continue`, `incomplete` and
            // `error` alike; the `ask` lists only the menu's keys, so another
            // key is a NOMATCH ──
            (TargetKind::Tropo, "menu", CallerAction::Keys(k)) if !listed(doc, k) => {
                (doc_path, JSON, self.tropo("result-nomatch.json", &[]))
            }
            (TargetKind::Tropo, "menu" | "collect", CallerAction::Keys(k) | CallerAction::Speech(k)) => (
                doc_path,
                JSON,
                self.tropo("result-object.json", &[("/result/actions/value", json!(k))]),
            ),
            (TargetKind::Tropo, "menu" | "collect" | "record", CallerAction::Timeout) => {
                (doc_path, JSON, self.tropo("result-timeout.json", &[]))
            }
            (TargetKind::Tropo, "record", CallerAction::Recorded { .. }) => {
                let url = self.recording();
                (
                    doc_path,
                    JSON,
                    self.tropo("result-record.json", &[("/result/actions/value", json!(url))]),
                )
            }
            (TargetKind::Tropo, "dial", CallerAction::Dial(result)) => {
                let disposition = match result {
                    DialResult::Answered => "SUCCESS",
                    DialResult::Busy => "BUSY",
                    DialResult::NoAnswer => "TIMEOUT",
                    DialResult::Failed => "FAILURE",
                };
                (
                    doc_path,
                    JSON,
                    self.tropo(
                        "result-transfer-busy.json",
                        &[("/result/actions/disposition", json!(disposition))],
                    ),
                )
            }
            // ── Sinch: every callback to the one application URL; a menu
            // option returns its key (`return(<key>)`), a key no option
            // lists is `invalidinput` ──
            (TargetKind::Sinch, "menu", CallerAction::Keys(k)) if !listed(doc, k) => (
                "/".into(),
                JSON,
                self.sinch("pie-invalid.json", &[("/menuResult/value", json!(k))]),
            ),
            (TargetKind::Sinch, "menu", CallerAction::Keys(k)) => (
                "/".into(),
                JSON,
                self.sinch("pie-return.json", &[("/menuResult/value", json!(k))]),
            ),
            (TargetKind::Sinch, "collect", CallerAction::Keys(k)) => (
                "/".into(),
                JSON,
                self.sinch("pie-sequence.json", &[("/menuResult/value", json!(k))]),
            ),
            (TargetKind::Sinch, "collect", CallerAction::Speech(words)) => (
                "/".into(),
                JSON,
                self.sinch("pie-voice.json", &[("/menuResult/value", json!(words))]),
            ),
            (TargetKind::Sinch, "menu" | "collect", CallerAction::Timeout) => {
                ("/".into(), JSON, self.sinch("pie-timeout.json", &[]))
            }
            (TargetKind::Sinch, "dial", CallerAction::Dial(DialResult::Answered)) => {
                ("/".into(), JSON, self.sinch("ace.json", &[]))
            }
            _ => return None,
        };
        Some(Post {
            path,
            content_type,
            body,
        })
    }

    fn recording(&mut self) -> String {
        self.recordings += 1;
        format!("recording-{}.wav", self.recordings)
    }
}

/// Does the menu (an outline) list `key`?
fn listed(doc: &Value, key: &str) -> bool {
    key.chars().count() == 1 && doc["end"]["keys"].as_str().is_some_and(|keys| keys.contains(key))
}

/// What a call did over the webhook.
#[derive(Debug, Default)]
pub struct Run {
    /// Every document, in order (outlines).
    pub documents: Vec<Value>,
    /// What the caller heard, as the simulator words it.
    pub prompts: Vec<String>,
    /// How it ended, as the simulator words it.
    pub ending: String,
}

/// Is this outline's end one that waits for a callback?
pub fn waits(doc: &Value) -> bool {
    matches!(
        doc["end"]["action"].as_str(),
        Some("menu" | "collect" | "record" | "dial")
    )
}

/// Play `actions` through a call; `Err` names an action this provider
/// cannot report.
pub fn run(addr: SocketAddr, phone: &mut Phone, actions: &[CallerAction]) -> Result<Run, String> {
    let mut run = Run::default();
    let mut doc = phone.start().send(addr).json();
    let mut last_action: Option<&CallerAction> = None;
    let mut actions = actions.iter();
    loop {
        if doc["continue"] == json!(true) {
            // Sinch: the bridged call goes on; the flow is done with it.
            run.documents.push(doc);
            run.ending = "dial answered".to_string();
            let end = phone.end().send(addr);
            assert_eq!((end.status, end.body.as_str()), (200, ""), "end of call");
            return Ok(run);
        }
        heard(&doc, &mut run.prompts);
        run.documents.push(doc.clone());
        if !waits(&doc) {
            run.ending = ending(&doc, last_action);
            let end = phone.end().send(addr);
            assert_eq!((end.status, end.body.as_str()), (200, ""), "end of call");
            return Ok(run);
        }
        let Some(action) = actions.next() else {
            return Err(format!("no action left for {}", doc["id"]));
        };
        if *action == CallerAction::Hangup {
            let end = phone.end().send(addr);
            assert_eq!((end.status, end.body.as_str()), (200, ""), "caller hangup");
            run.ending = "caller hangup".to_string();
            return Ok(run);
        }
        let Some(post) = phone.answer(&doc, action) else {
            return Err(format!(
                "{} cannot report `{action}` after a {}",
                phone.target.display(),
                doc["end"]["action"]
            ));
        };
        let reply = post.send(addr);
        last_action = Some(action);
        doc = reply.json();
    }
}

/// Say texts and played locations of a document, in the order they play.
pub fn heard(doc: &Value, out: &mut Vec<String>) {
    let empty = Vec::new();
    let steps = doc["steps"].as_array().unwrap_or(&empty);
    let prompt = doc["end"]["prompt"].as_array().unwrap_or(&empty);
    for step in steps.iter().chain(prompt) {
        if let Some(text) = step["say"].as_str() {
            out.push(text.to_string());
        } else if let Some(url) = step["play"].as_str() {
            out.push(format!("play {url}"));
        }
    }
}

/// The ending of a call whose last document is `doc`, in the simulator's
/// words (`scenario::ending`).
fn ending(doc: &Value, last: Option<&CallerAction>) -> String {
    let end = &doc["end"];
    let field = |name: &str| end[name].as_str().unwrap_or("").to_string();
    match end["action"].as_str().unwrap_or("") {
        "hangup" if last == Some(&CallerAction::Dial(DialResult::Answered)) && doc["steps"] == json!([]) => {
            "dial answered".to_string()
        }
        "hangup" => "hangup".to_string(),
        "enqueue" => format!("enqueue {}", field("queue")),
        "dequeue" => format!("dequeue {}", field("queue")),
        "park" => "park".to_string(),
        "conference" => format!("conference {}", field("room")),
        "stream" => format!("stream {}", field("url")),
        "redirect" => format!("redirect {}", field("url")),
        "reject" if end["reason"].is_string() => format!("reject {}", field("reason")),
        other => other.to_string(),
    }
}
