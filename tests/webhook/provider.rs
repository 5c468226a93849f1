//! The provider's side of a whole call, played from the documents the host
//! renders (`Render::Target`) and never from its model: where the provider
//! posts next, what it posts and what the caller hears are read from the XML
//! or JSON itself, as the provider reads it. A document that names the wrong
//! callback, lacks a fallback or returns the wrong value, and a callback the
//! host reads wrongly, fail the tests that use this.
//!
//! Payloads are the fixtures of tests/fixtures/webhook/ with the session and
//! the input filled in, as in `phone.rs`.

use super::at_xml::{self, Element};
use super::client::{self, Reply};
use super::phone::{FORM, JSON, Phone, Post, form_fixture, json_fixture};
use callflow_compiler::targets::TargetKind;
use callflow_runtime::scenario::{CallerAction, DialResult};
use serde_json::{Value, json};
use std::net::SocketAddr;

/// One document, as the provider received it.
#[derive(Clone, Debug)]
pub struct Doc {
    pub body: String,
    /// What the caller hears, in order: texts, and `play URL` for audio.
    /// Pauses are silent.
    pub heard: Vec<String>,
    /// The document's id where the document itself carries it: 8x8's
    /// `clientActionId`, the path of an Africa's Talking or Tropo callback
    /// URL. Sinch documents name no callback.
    pub id: Option<String>,
}

impl Doc {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }

    pub fn xml(&self) -> Element {
        at_xml::parse(&self.body).unwrap_or_else(|e| panic!("not XML ({e}): {}", self.body))
    }

    /// The root's children by element name (Africa's Talking).
    pub fn elements(&self) -> Vec<String> {
        self.xml().children.iter().map(|c| c.name.clone()).collect()
    }

    /// The verbs of a Tropo document by name, `on` handlers as `on:EVENT`.
    pub fn verbs(&self) -> Vec<String> {
        let json = self.json();
        let verbs = json["tropo"].as_array().cloned().unwrap_or_default();
        verbs
            .iter()
            .filter_map(|verb| {
                let (name, body) = verb.as_object()?.iter().next()?;
                Some(match name.as_str() {
                    "on" => format!("on:{}", body["event"].as_str().unwrap_or("?")),
                    _ => name.clone(),
                })
            })
            .collect()
    }
}

impl Doc {
    /// Does the document wait for a callback (input, a recording, a dial)?
    pub fn waits(&self, target: TargetKind) -> bool {
        match target {
            TargetKind::AfricasTalking => self
                .elements()
                .iter()
                .any(|e| matches!(e.as_str(), "GetDigits" | "Record" | "Dial")),
            TargetKind::Tropo => self
                .verbs()
                .iter()
                .any(|v| matches!(v.as_str(), "ask" | "record" | "transfer")),
            TargetKind::EightByEight => {
                let json = self.json();
                let last = json["callflow"].as_array().and_then(|a| a.last()).cloned();
                matches!(
                    last.as_ref().and_then(|a| a["action"].as_str()),
                    Some("sayAndCapture" | "makeCall")
                )
            }
            TargetKind::Sinch => matches!(
                self.json()["action"]["name"].as_str(),
                Some("runMenu" | "connectPstn" | "connectSip")
            ),
        }
    }

    /// How a document that waits for nothing ends the call, as the kind of
    /// ending the simulator names first (`hangup`, `enqueue`, `conference`,
    /// `redirect` …): Africa's Talking's `Conference` names no room, so only
    /// the kind is compared.
    pub fn ending(&self, target: TargetKind) -> String {
        let kind = match target {
            TargetKind::AfricasTalking => match self.elements().last().map(String::as_str) {
                Some("Enqueue") => "enqueue",
                Some("Dequeue") => "dequeue",
                Some("Conference") => "conference",
                Some("Redirect") => "redirect",
                Some("Reject") => "reject",
                _ => "hangup",
            },
            TargetKind::Tropo => {
                let verbs = self.verbs();
                if verbs.iter().any(|v| v == "conference") {
                    "conference"
                } else if verbs.iter().any(|v| v == "reject") {
                    "reject"
                } else if verbs.iter().any(|v| v == "on:continue") {
                    "redirect"
                } else {
                    "hangup"
                }
            }
            TargetKind::EightByEight => "hangup",
            TargetKind::Sinch => match self.json()["action"]["name"].as_str() {
                Some("connectConf") => "conference",
                Some("park") => "park",
                Some("connectStream") => "stream",
                _ => "hangup",
            },
        };
        kind.to_string()
    }
}

/// What came of the caller's action.
#[derive(Debug)]
pub enum Next {
    /// The host's next document.
    Doc(Doc),
    /// Sinch: the host let the bridged call go on (`continue` to the ACE).
    Continue,
    /// The provider posts nothing more about the call before its end: why.
    Over(String),
}

impl Next {
    pub fn doc(self) -> Doc {
        match self {
            Next::Doc(doc) => doc,
            other => panic!("expected a document, got {other:?}"),
        }
    }
}

pub struct Provider {
    pub target: TargetKind,
    pub phone: Phone,
    addr: SocketAddr,
    /// The host's base URL: every callback a document names must be under it.
    base: String,
    /// Every document received, `(name, body)`, for the structural checks.
    pub documents: Vec<(String, String)>,
    /// The paths recordings were uploaded to (Tropo).
    pub uploads: Vec<String>,
    /// The locations of the messages recorded, as the provider reported
    /// them (the simulator calls them `recording-1.wav` …).
    pub recordings: Vec<String>,
    /// Where the call recording goes once it stops (Tropo `startRecording`).
    call_recording: Option<String>,
}

impl Provider {
    /// A call of `phone` against the host at `addr`, whose base URL is
    /// `http://{addr}` (`support::Host`).
    pub fn new(addr: SocketAddr, phone: Phone) -> Provider {
        Provider {
            target: phone.target,
            phone,
            addr,
            base: format!("http://{addr}"),
            documents: Vec::new(),
            uploads: Vec::new(),
            recordings: Vec::new(),
            call_recording: None,
        }
    }

    /// The call's first callback; the first document.
    pub fn start(&mut self) -> Doc {
        let reply = self.phone.start().send(self.addr);
        self.receive(reply)
    }

    /// The provider's end-of-call callback (and, on Tropo, the upload of a
    /// call recording still running, which comes after the call).
    pub fn end(&mut self) {
        let end = self.phone.end().send(self.addr);
        assert_eq!((end.status, end.body.as_str()), (200, ""), "end of call");
        if let Some(url) = self.call_recording.take() {
            self.upload(&url);
        }
    }

    /// The callback the provider posts when the caller does `action` after
    /// `doc`; `Err` says why it posts none (the call is over for the host).
    pub fn post_for(&mut self, doc: &Doc, action: &CallerAction) -> Result<Post, String> {
        if *action == CallerAction::Hangup {
            return Err("the caller hung up".to_string());
        }
        match self.target {
            TargetKind::AfricasTalking => self.africas_talking(doc, action),
            TargetKind::EightByEight => self.eight_by_eight(doc, action),
            TargetKind::Tropo => self.tropo(doc, action),
            TargetKind::Sinch => self.sinch(doc, action),
        }
    }

    /// Play what the caller does after `doc`, as the provider reports it.
    pub fn act(&mut self, doc: &Doc, action: &CallerAction) -> Next {
        let post = match self.post_for(doc, action) {
            Ok(post) => post,
            Err(over) => return Next::Over(over),
        };
        let reply = post.send(self.addr);
        if self.target == TargetKind::Sinch && reply.body == r#"{"action":{"name":"continue"}}"# {
            assert_eq!(reply.status, 200);
            return Next::Continue;
        }
        Next::Doc(self.receive(reply))
    }

    /// A path of this host from a URL a document names.
    fn path(&self, url: &str) -> String {
        let path = url
            .strip_prefix(&self.base)
            .unwrap_or_else(|| panic!("`{url}` is not under the host's base URL {}", self.base));
        assert!(path.starts_with('/'), "{url}");
        path.to_string()
    }

    fn receive(&mut self, reply: Reply) -> Doc {
        assert_eq!(reply.status, 200, "{}", reply.body);
        assert_eq!(
            reply.header("content-type"),
            Some(self.target.content_type()),
            "{}",
            reply.body
        );
        let body = reply.body;
        let mut doc = Doc {
            body,
            heard: Vec::new(),
            id: None,
        };
        match self.target {
            TargetKind::AfricasTalking => {
                let root = doc.xml();
                at_heard(&root, &mut doc.heard);
                let url = root.children.iter().find_map(|c| match c.name.as_str() {
                    "GetDigits" | "Record" => c.attr("callbackUrl").map(str::to_string),
                    "Redirect" => Some(c.text.trim().to_string()),
                    _ => None,
                });
                doc.id = url
                    .filter(|u| u.starts_with(&self.base))
                    .map(|u| self.path(&u)[1..].to_string());
            }
            TargetKind::EightByEight => {
                let json = doc.json();
                for action in json["callflow"].as_array().into_iter().flatten() {
                    let params = &action["params"];
                    let times = params["repetition"].as_u64().unwrap_or(1);
                    for _ in 0..times {
                        match action["action"].as_str() {
                            Some("say") => doc.heard.push(text(&params["text"])),
                            Some("playFile") => doc.heard.push(format!("play {}", text(&params["fileUrl"]))),
                            Some("sayAndCapture") => doc.heard.push(text(&params["promptMessage"])),
                            _ => {}
                        }
                    }
                }
                doc.id = json["clientActionId"].as_str().map(str::to_string);
            }
            TargetKind::Tropo => {
                let json = doc.json();
                for verb in json["tropo"].as_array().into_iter().flatten() {
                    if let Some(say) = verb.get("say") {
                        tropo_heard(say, &mut doc.heard);
                    }
                    for input in ["ask", "record"] {
                        if let Some(prompt) = verb.get(input).and_then(|v| v.get("say")) {
                            for item in prompt.as_array().into_iter().flatten() {
                                tropo_heard(item, &mut doc.heard);
                            }
                        }
                    }
                    if let Some(url) = verb["startRecording"]["url"].as_str() {
                        self.call_recording = Some(url.to_string());
                    }
                    // Tropo uploads a call recording when it stops.
                    if verb.get("stopRecording").is_some()
                        && let Some(url) = self.call_recording.take()
                    {
                        self.upload(&url);
                    }
                }
                let next = json["tropo"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .find_map(|v| v["on"]["next"].as_str().map(str::to_string));
                doc.id = next
                    .filter(|u| u.starts_with(&self.base))
                    .map(|u| self.path(&u)[1..].to_string());
            }
            TargetKind::Sinch => {
                let json = doc.json();
                for instruction in json["instructions"].as_array().into_iter().flatten() {
                    match instruction["name"].as_str() {
                        Some("say") => doc.heard.push(text(&instruction["text"])),
                        Some("playFiles") => {
                            for id in instruction["ids"].as_array().into_iter().flatten() {
                                sinch_heard(&text(id), &mut doc.heard);
                            }
                        }
                        _ => {}
                    }
                }
                if let Some(prompt) = json["action"]["menus"][0]["mainPrompt"].as_str() {
                    for part in prompt.split(';') {
                        sinch_heard(part, &mut doc.heard);
                    }
                }
            }
        }
        let name = doc
            .id
            .clone()
            .unwrap_or_else(|| format!("doc-{}", self.documents.len() + 1));
        self.documents.push((name, doc.body.clone()));
        doc
    }

    /// Upload a recording as Tropo does: a form post with the file in the
    /// field `filename`, larger than any callback the host takes (64 KiB).
    fn upload(&mut self, url: &str) {
        let path = self.path(url);
        let mut body = b"--tropo\r\nContent-Disposition: form-data; name=\"filename\"; filename=\"rec.wav\"\r\n\
                         Content-Type: audio/wav\r\n\r\nRIFF"
            .to_vec();
        body.extend(std::iter::repeat_n(0u8, 100_000));
        body.extend_from_slice(b"\r\n--tropo--\r\n");
        let reply = client::post(self.addr, &path, "multipart/form-data; boundary=tropo", &body);
        assert_eq!((reply.status, reply.body.as_str()), (200, ""), "upload to {path}");
        self.uploads.push(path);
    }

    // ── Africa's Talking: form posts to the URLs the XML names ──

    fn africas_talking(&mut self, doc: &Doc, action: &CallerAction) -> Result<Post, String> {
        let root = doc.xml();
        let at = |name: &str| root.children.iter().position(|c| c.name == name);
        // AT moves on to the next element when an input gets nothing or a
        // dial is not answered: the fallback is the `Redirect` after it.
        let redirect_after = |i: usize| {
            root.children[i + 1..]
                .iter()
                .find(|c| c.name == "Redirect")
                .map(|r| r.text.trim().to_string())
        };
        let callback = |i: usize| {
            root.children[i]
                .attr("callbackUrl")
                .unwrap_or_else(|| panic!("<{}> without a callbackUrl: {}", root.children[i].name, doc.body))
                .to_string()
        };
        let (url, fields): (String, Vec<(&str, String)>) = match action {
            CallerAction::Keys(keys) => {
                let i = at("GetDigits").unwrap_or_else(|| panic!("keys, but no <GetDigits>: {}", doc.body));
                (callback(i), vec![("dtmfDigits", keys.clone())])
            }
            CallerAction::Timeout => match (at("GetDigits"), at("Record")) {
                (Some(i), _) => {
                    let url = redirect_after(i).unwrap_or_else(|| {
                        panic!(
                            "no <Redirect> after <GetDigits>: AT would end the call on no input: {}",
                            doc.body
                        )
                    });
                    (url, Vec::new())
                }
                (None, Some(i)) => (callback(i), vec![("recordingUrl", String::new())]),
                (None, None) => panic!("a timeout, but nothing listens: {}", doc.body),
            },
            CallerAction::Recorded { .. } => {
                let i = at("Record").unwrap_or_else(|| panic!("a recording, but no <Record>: {}", doc.body));
                let url = format!(
                    "https://voice.africastalking.com/recordings/{}.mp3",
                    self.recordings.len() + 1
                );
                self.recordings.push(url.clone());
                (callback(i), vec![("recordingUrl", url)])
            }
            CallerAction::Dial(result) => {
                let i = at("Dial").unwrap_or_else(|| panic!("a dial result, but no <Dial>: {}", doc.body));
                if *result == DialResult::Answered {
                    return Err("Africa's Talking: an answered <Dial> ends the call with the bridged call".into());
                }
                let Some(url) = redirect_after(i) else {
                    return Err("Africa's Talking: nothing follows the unanswered <Dial>, so the call ends".into());
                };
                let cause = match result {
                    DialResult::Busy => "USER_BUSY",
                    DialResult::NoAnswer => "NO_ANSWER",
                    _ => "UNALLOCATED_NUMBER",
                };
                (url, vec![("hangupCause", cause.to_string())])
            }
            other => panic!("Africa's Talking cannot report `{other}`"),
        };
        let mut changes = vec![
            ("sessionId", self.phone.session.as_str()),
            ("callerNumber", self.phone.caller.as_str()),
            ("destinationNumber", self.phone.called.as_str()),
        ];
        changes.extend(fields.iter().map(|(k, v)| (*k, v.as_str())));
        Ok(Post {
            path: self.path(&url),
            content_type: FORM,
            body: form_fixture("incoming.form", &changes),
        })
    }

    // ── 8x8: every call action to the one VCA URL, `clientActionId` echoed ──

    fn eight_by_eight(&mut self, doc: &Doc, action: &CallerAction) -> Result<Post, String> {
        let json = doc.json();
        let last = json["callflow"]
            .as_array()
            .and_then(|a| a.last())
            .and_then(|a| a["action"].as_str())
            .unwrap_or("")
            .to_string();
        let echo = json["clientActionId"].clone();
        assert!(echo.is_string(), "no clientActionId: {}", doc.body);
        let (name, extra) = match (last.as_str(), action) {
            ("sayAndCapture", CallerAction::Keys(keys)) => (
                "action-completed-dtmf.json",
                vec![("/payload/eventData/dtmf", json!(keys))],
            ),
            ("sayAndCapture", CallerAction::Timeout) => ("action-completed-null-dtmf.json", Vec::new()),
            ("makeCall", CallerAction::Dial(result)) => {
                let code = match result {
                    DialResult::Answered => 200,
                    DialResult::Busy => 486,
                    DialResult::NoAnswer => 480,
                    DialResult::Failed => 503,
                };
                (
                    "action-completed-null-dtmf.json",
                    vec![("/payload/sipCode", json!(code))],
                )
            }
            (last, other) => panic!("8x8 cannot report `{other}` after `{last}`"),
        };
        let mut changes = vec![
            ("/payload/sessionId", json!(self.phone.session)),
            ("/payload/source", json!(self.phone.caller)),
            ("/payload/destination", json!(self.phone.called)),
            ("/payload/clientActionId", echo),
        ];
        changes.extend(extra);
        Ok(Post {
            path: "/".to_string(),
            content_type: JSON,
            body: json_fixture(TargetKind::EightByEight, name, &changes),
        })
    }

    // ── Tropo: a `result` to the `next` URL of the `on` event that fires ──

    fn tropo(&mut self, doc: &Doc, action: &CallerAction) -> Result<Post, String> {
        let json = doc.json();
        let verbs = json["tropo"].as_array().cloned().unwrap_or_default();
        let verb = |name: &str| verbs.iter().find_map(|v| v.get(name)).cloned();
        let handler = |event: &str| {
            verbs
                .iter()
                .find(|v| v["on"]["event"] == event)
                .and_then(|v| v["on"]["next"].as_str())
                .map(str::to_string)
        };
        let on = |event: &str| handler(event).unwrap_or_else(|| panic!("no `on {event}` handler: {}", doc.body));
        let result = |name: &str, disposition: &str, value: Option<&str>| {
            let mut action = json!({"name": name, "attempts": 1, "disposition": disposition});
            if let Some(value) = value {
                action["value"] = json!(value);
                action["interpretation"] = json!(value);
            }
            action
        };
        if verb("ask").is_none() && verb("record").is_none() && verb("transfer").is_none() {
            // Nothing waits: `continue` fires once the verbs have run.
            let next =
                handler("continue").unwrap_or_else(|| panic!("`{action}` after a document that ends: {}", doc.body));
            assert!(
                !next.starts_with(&self.base),
                "a document that waits for nothing posts back: {}",
                doc.body
            );
            return Err(format!("Tropo: the call went on at {next}"));
        }
        let (url, action, error) = match (verb("ask"), verb("record"), verb("transfer"), action) {
            (Some(ask), _, _, CallerAction::Keys(keys)) => {
                let grammar = ask["choices"]["value"].as_str().unwrap_or("");
                let name = ask["name"].as_str().unwrap_or("ask");
                if grammar.contains("DIGITS") {
                    // A collect: the terminator ends the entry and is not part of it.
                    let terminator = ask["choices"]["terminator"].as_str().unwrap_or("");
                    let digits = keys.strip_suffix(terminator).filter(|_| !terminator.is_empty());
                    let digits = digits.unwrap_or(keys);
                    (on("continue"), result(name, "SUCCESS", Some(digits)), None)
                } else if grammar.split(',').any(|choice| choice == keys) {
                    (on("continue"), result(name, "SUCCESS", Some(keys)), None)
                } else {
                    (on("incomplete"), result(name, "NOMATCH", None), None)
                }
            }
            (Some(ask), _, _, CallerAction::Speech(words)) => {
                assert_eq!(ask["choices"]["mode"], "any", "speech to an ask of keys: {}", doc.body);
                let name = ask["name"].as_str().unwrap_or("ask");
                (on("continue"), result(name, "SUCCESS", Some(words)), None)
            }
            (Some(input), _, _, CallerAction::Timeout) | (None, Some(input), _, CallerAction::Timeout) => {
                let name = input["name"].as_str().unwrap_or("input");
                (on("incomplete"), result(name, "TIMEOUT", None), None)
            }
            (_, Some(record), _, CallerAction::Recorded { .. }) => {
                let upload = record["url"].as_str().unwrap_or_else(|| panic!("a record without url"));
                self.upload(upload);
                // The result's `value` is Tropo's own temporary copy.
                let copy = format!("https://tropo.example.com/recordings/{}.wav", self.recordings.len() + 1);
                self.recordings.push(copy.clone());
                let name = record["name"].as_str().unwrap_or("recording");
                (on("continue"), result(name, "SUCCESS", Some(&copy)), None)
            }
            (_, _, Some(_), CallerAction::Dial(result_of)) => match result_of {
                DialResult::Answered => match handler("continue") {
                    Some(url) => (url, result("dial", "SUCCESS", None), None),
                    None => return Err("Tropo: the transfer was answered and the document hangs up after it".into()),
                },
                DialResult::Busy => (on("incomplete"), result("dial", "BUSY", None), None),
                DialResult::NoAnswer => (on("incomplete"), result("dial", "TIMEOUT", None), None),
                DialResult::Failed => (
                    on("error"),
                    result("dial", "FAILURE", None),
                    Some("transfer failed: 503 Service Unavailable"),
                ),
            },
            (_, _, _, other) => panic!("Tropo cannot report `{other}` after {}", doc.body),
        };
        let body = json_fixture(
            TargetKind::Tropo,
            "result-object.json",
            &[
                ("/result/sessionId", json!(self.phone.session)),
                ("/result/actions", action),
                ("/result/error", json!(error)),
            ],
        );
        Ok(Post {
            path: self.path(&url),
            content_type: JSON,
            body,
        })
    }

    // ── Sinch: every callback to the one application URL ──

    fn sinch(&mut self, doc: &Doc, action: &CallerAction) -> Result<Post, String> {
        let json = doc.json();
        let act = &json["action"];
        let menu = &act["menus"][0];
        let options = menu["options"].as_array().cloned().unwrap_or_default();
        let (name, changes) = match (act["name"].as_str().unwrap_or(""), action) {
            ("runMenu", CallerAction::Keys(keys)) if !options.is_empty() => {
                let chosen = options.iter().find(|o| o["dtmf"] == json!(keys));
                match chosen.and_then(|o| o["action"].as_str()) {
                    Some(option) => {
                        let value = option
                            .strip_prefix("return(")
                            .and_then(|v| v.strip_suffix(')'))
                            .unwrap_or_else(|| panic!("option `{option}` does not return to the host"));
                        ("pie-return.json", vec![("/menuResult/value", json!(value))])
                    }
                    None => ("pie-invalid.json", vec![("/menuResult/value", json!(keys))]),
                }
            }
            ("runMenu", CallerAction::Keys(keys)) => {
                // `maxDigits` ends the sequence; a finish key is not part of it.
                let digits = keys.trim_end_matches('#');
                ("pie-sequence.json", vec![("/menuResult/value", json!(digits))])
            }
            ("runMenu", CallerAction::Speech(words)) => {
                assert_eq!(act["enableVoice"], true, "speech to a menu of keys: {}", doc.body);
                ("pie-voice.json", vec![("/menuResult/value", json!(words))])
            }
            ("runMenu", CallerAction::Timeout) => ("pie-timeout.json", Vec::new()),
            ("connectPstn" | "connectSip", CallerAction::Dial(DialResult::Answered)) => ("ace.json", Vec::new()),
            ("connectPstn" | "connectSip", CallerAction::Dial(_)) => {
                return Err("Sinch reports a connect nobody answered only in the DiCE, at the end of the call".into());
            }
            (name, other) => panic!("Sinch cannot report `{other}` after `{name}`"),
        };
        let mut all = vec![("/callid", json!(self.phone.session))];
        all.extend(changes);
        Ok(Post {
            path: "/".to_string(),
            content_type: JSON,
            body: json_fixture(TargetKind::Sinch, name, &all),
        })
    }
}

fn text(value: &Value) -> String {
    value.as_str().unwrap_or_default().to_string()
}

fn is_url(text: &str) -> bool {
    text.starts_with("http://") || text.starts_with("https://")
}

fn at_heard(element: &Element, out: &mut Vec<String>) {
    for child in &element.children {
        match child.name.as_str() {
            "Say" => out.push(child.text.trim().to_string()),
            "Play" => out.push(format!("play {}", child.attr("url").unwrap_or_default())),
            "GetDigits" | "Record" => at_heard(child, out),
            _ => {}
        }
    }
}

/// A Tropo `say` (a verb or a prompt item): text, an audio URL, or an SSML
/// pause.
fn tropo_heard(say: &Value, out: &mut Vec<String>) {
    let value = text(&say["value"]);
    if value.starts_with("<speak><break") {
        return;
    }
    out.push(if is_url(&value) { format!("play {value}") } else { value });
}

/// One Sinch prompt: `#tts[…]`, `#href[…]`, `#ssml[…]` (a pause) or a URL.
fn sinch_heard(prompt: &str, out: &mut Vec<String>) {
    let inner = |tag: &str| prompt.strip_prefix(tag).and_then(|p| p.strip_suffix(']'));
    if let Some(words) = inner("#tts[") {
        out.push(words.to_string());
    } else if let Some(url) = inner("#href[") {
        out.push(format!("play {url}"));
    } else if is_url(prompt) {
        out.push(format!("play {prompt}"));
    }
}
