//! The webhook host without the HTTP: one request in (method, path, content
//! type, body), one response out. `http.rs` puts it on a socket; tests can
//! call it directly.
//!
//! The path says which document a callback reports on: the base URL itself
//! for a call's first callback (and for providers that post everything to
//! one URL), `{base}/{document}` or `{base}/{document}/{outcome}` for the
//! callbacks a document names (see `route.rs`). Tropo's documents also name
//! where it uploads recordings (`{base}/{document}/recording`,
//! `{base}/{document}/call-recording`): those POSTs are uploads, not
//! callbacks, and never touch a call ([`App::upload`]).

use super::call::{Answer, Call, Reply};
use super::config::{Config, Render, base_path};
use super::document::Wait;
use super::outline::outline;
use super::providers::{self, BadCallback, Callback, Kind, Report, printable};
use super::route::{self, Outcome};
use super::sessions::{Found, Gone, Refused, Sessions, Slot};
use crate::vm::{CallInfo, DialOutcome};
use callflow_compiler::analysis::literals::show_ms;
use callflow_compiler::bytecode::Program;
use callflow_compiler::targets::{TargetKind, Urls, tropo};
use std::hash::{Hash, Hasher};
use std::sync::Arc;

/// One HTTP request, as far as the host cares.
#[derive(Clone, Copy, Debug)]
pub struct Request<'a> {
    pub method: &'a str,
    /// The URL path, without the query.
    pub path: &'a str,
    pub content_type: Option<&'a str>,
    pub body: &'a [u8],
}

/// What to send back, and what to log about it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Response {
    pub status: u16,
    pub content_type: &'static str,
    pub body: String,
    /// The provider's session id, when the request named one.
    pub session: Option<String>,
    /// For the request's log line: the document sent, or why not.
    pub note: String,
}

const TEXT: &str = "text/plain; charset=utf-8";

impl Response {
    fn refused(refusal: BadCallback, session: Option<String>) -> Response {
        Response {
            status: refusal.status,
            content_type: TEXT,
            body: format!("error: {}\nhelp: {}\n", refusal.message, refusal.help),
            session,
            note: refusal.message,
        }
    }
}

/// A recording the provider uploads to a URL a document named, instead of a
/// callback (Tropo's `record` and `startRecording`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Upload {
    /// The document that named the URL.
    pub document: String,
    /// The flow statement that recorded: `record` or `start_recording`.
    pub what: &'static str,
}

pub struct App {
    program: Arc<Program>,
    config: Config,
    urls: Urls,
    base_path: String,
    sessions: Sessions,
}

impl App {
    /// A host for `program` as `config` says. Fails when the flow to answer
    /// with does not exist.
    pub fn new(program: Arc<Program>, config: Config) -> Result<App, String> {
        if let Some(flow) = &config.flow
            && program.flow_named(flow).is_none()
        {
            let flows: Vec<&str> = program.flows.iter().map(|f| f.name.as_str()).collect();
            return Err(format!(
                "the program has no flow `{flow}`; its flows: {}",
                flows.join(", ")
            ));
        }
        if program.flows.is_empty() {
            return Err("the program has no flow to answer calls with".to_string());
        }
        Ok(App {
            urls: Urls::new(&config.base_url),
            base_path: base_path(&config.base_url),
            sessions: Sessions::new(config.max_calls, config.idle_timeout),
            program,
            config,
        })
    }

    pub fn config(&self) -> &Config {
        &self.config
    }

    /// The URL to configure at the provider: where first callbacks go.
    pub fn entry_url(&self) -> String {
        format!("{}/", self.urls.base)
    }

    /// Calls in progress.
    pub fn calls(&self) -> usize {
        self.sessions.len()
    }

    /// Release calls idle past the timeout, logging each.
    pub fn sweep(&self) {
        for id in self.sessions.sweep() {
            self.log(&format!(
                "call {}: released after {} without a callback",
                printable(&id, 80),
                show_duration(self.sessions.idle_timeout())
            ));
        }
    }

    pub fn log(&self, line: &str) {
        (self.config.log)(line);
    }

    /// Is `path` where a document told the provider to upload a recording?
    /// Only Tropo's documents name such URLs: `{callback}/recording` for
    /// `record` and `{callback}/call-recording` for `start_recording`
    /// (`callflow_compiler::targets::tropo::recording_url`).
    pub fn upload(&self, path: &str) -> Option<Upload> {
        if self.target() != TargetKind::Tropo {
            return None;
        }
        let (doc, name) = self.relative(path).split_once('/')?;
        let what = match name {
            tropo::RECORDING_UPLOAD => "record",
            tropo::CALL_RECORDING_UPLOAD => "start_recording",
            _ => return None,
        };
        route::is_document_id(doc).then(|| Upload {
            document: doc.to_string(),
            what,
        })
    }

    /// The answer to an upload of `bytes` bytes (already read): accepted, and
    /// nothing else. Tropo waits for the upload before it goes on with the
    /// call and reports one that fails, so refusing it would disturb the
    /// call; the call itself needs nothing from it (the flow's `record`
    /// variable holds Tropo's own copy, the result's `value`). The host has
    /// nowhere to keep media, so the bytes are dropped: a deployment that
    /// keeps recordings routes these paths to its storage (docs/webhook.md).
    /// No call is looked up or changed: the upload names a document, not a
    /// session, and may come after the call has ended.
    pub fn uploaded(&self, upload: &Upload, bytes: u64) -> Response {
        Response {
            status: 200,
            content_type: TEXT,
            body: String::new(),
            session: None,
            note: format!(
                "{} upload of document {} ({bytes} bytes) accepted, not kept",
                upload.what, upload.document
            ),
        }
    }

    pub fn handle(&self, request: &Request<'_>) -> Response {
        if request.method != "POST" {
            return Response::refused(
                BadCallback::new(
                    405,
                    format!("{} is not a callback: providers POST", printable(request.method, 20)),
                    format!(
                        "configure {} at {} with the POST method",
                        self.entry_url(),
                        self.target().display()
                    ),
                ),
                None,
            );
        }
        if let Some(upload) = self.upload(request.path) {
            let bytes = u64::try_from(request.body.len()).unwrap_or(u64::MAX);
            return self.uploaded(&upload, bytes);
        }
        let Some((doc, outcome)) = self.parse_path(request.path) else {
            return Response::refused(
                BadCallback::new(
                    404,
                    format!("there is no callback at `{}`", printable(request.path, 120)),
                    format!(
                        "first callbacks go to {} and later ones to the URLs the documents name",
                        self.entry_url()
                    ),
                ),
                None,
            );
        };
        let mut callback = match providers::decode(self.target(), request.content_type, request.body) {
            Ok(callback) => callback,
            Err(refusal) => return Response::refused(refusal, None),
        };
        // Where the callback came from names the document it reports on;
        // else an echo in the payload may (8x8 `clientActionId`), when it is
        // shaped like one of ours.
        let answers = doc
            .map(str::to_string)
            .or_else(|| callback.answers.take().filter(|id| route::is_document_id(id)));
        if let (Kind::Report(report), Some(outcome)) = (&mut callback.kind, outcome) {
            report.fill_from(outcome);
        }
        let digest = digest(request);
        let session = Some(callback.session.clone());
        let response = match self.dispatch(callback, answers.as_deref(), digest) {
            Ok(response) => response,
            Err(refusal) => Response::refused(refusal, None),
        };
        Response {
            session: response.session.or(session),
            ..response
        }
    }

    fn target(&self) -> TargetKind {
        self.config.target
    }

    /// `path` below the base URL, without the slashes around it.
    fn relative<'p>(&self, path: &'p str) -> &'p str {
        let rest = match path.strip_prefix(self.base_path.as_str()) {
            Some(rest) if rest.is_empty() || rest.starts_with('/') => rest,
            // A proxy in front may have stripped the base path already.
            _ => path,
        };
        rest.trim_matches('/')
    }

    /// `None`: not a path of this host. `Some((None, _))`: the entry URL.
    fn parse_path<'p>(&self, path: &'p str) -> Option<(Option<&'p str>, Option<Outcome>)> {
        let rest = self.relative(path);
        if rest.is_empty() {
            return Some((None, None));
        }
        let (doc, outcome) = route::parse(rest)?;
        Some((Some(doc), outcome))
    }

    fn dispatch(&self, callback: Callback, answers: Option<&str>, digest: u64) -> Result<Response, BadCallback> {
        let id = callback.session.clone();
        if let Kind::Notice { what } = &callback.kind {
            return Ok(self.nothing(format!("acknowledged {what}")));
        }
        match self.sessions.find(&id) {
            Found::Live(slot) => self.on_call(&slot, callback, answers, digest),
            Found::Gone(why) => Err(BadCallback::new(
                410,
                format!(
                    "call `{}` is over ({})",
                    printable(&id, 80),
                    match why {
                        Gone::Ended => "the provider reported its end".to_string(),
                        Gone::TimedOut => format!(
                            "released after {} without a callback",
                            show_duration(self.sessions.idle_timeout())
                        ),
                    }
                ),
                "a call's callbacks stop at its end; raise --idle-timeout if calls are released too early",
            )),
            Found::Unknown => {
                // Africa's Talking marks no first post: a post with nothing
                // in it, to the entry URL, for a session not seen yet.
                let first = match &callback.kind {
                    Kind::Start => true,
                    Kind::Report(report) => {
                        self.target() == TargetKind::AfricasTalking && report.is_empty() && answers.is_none()
                    }
                    _ => false,
                };
                if first {
                    self.start(callback, digest)
                } else {
                    Err(BadCallback::new(
                        404,
                        format!("no call `{}` is in progress here", printable(&id, 80)),
                        "a call starts with its first callback to the base URL; this host may have restarted since",
                    ))
                }
            }
        }
    }

    fn start(&self, callback: Callback, digest: u64) -> Result<Response, BadCallback> {
        let info = CallInfo {
            caller: callback.caller.clone(),
            called: callback.called.clone(),
            call_id: callback.session.clone(),
            flow: self.config.flow.clone(),
        };
        let call = Call::new(Arc::clone(&self.program), info, callback.leg.clone()).map_err(|e| {
            BadCallback::new(
                500,
                format!("the call cannot start: {e}"),
                "this is a bug in callflow or a broken program; the host checked the flow at start-up",
            )
        })?;
        match self.sessions.insert(&callback.session, call) {
            Ok(slot) => {
                let mut call = slot.lock();
                let answer = call.start((self.config.clock)());
                Ok(self.finish(&slot, &mut call, &callback.session, (digest, true), answer))
            }
            // The same first callback twice at once: the second is a retry.
            Err(Refused::Exists(slot)) => self.on_call(&slot, callback, None, digest),
            Err(Refused::Full) => Err(BadCallback::new(
                503,
                format!(
                    "{} calls are in progress, the most this host takes",
                    self.config.max_calls
                ),
                "raise --max-calls, or spread calls over more hosts",
            )),
        }
    }

    fn on_call(
        &self,
        slot: &Slot,
        callback: Callback,
        answers: Option<&str>,
        digest: u64,
    ) -> Result<Response, BadCallback> {
        let id = callback.session;
        let mut call = slot.lock();
        if let Some(answer) = call.replay(digest, answers.is_some()).cloned() {
            let mut response = self.respond(&answer);
            response.note = format!("repeated request; {}", response.note);
            return Ok(response);
        }
        let now = (self.config.clock)();
        let answer = match callback.kind {
            Kind::Start => {
                return Err(BadCallback::new(
                    409,
                    format!("call `{}` has already started", printable(&id, 80)),
                    "a call has one first callback; a provider's retry of it must repeat it exactly",
                ));
            }
            Kind::Report(report) => {
                if let Some(doc) = answers {
                    call.check_answers(doc)?;
                }
                call.report(&report, now)?
            }
            Kind::Answered => call.answered(now),
            // Tropo's documents send a `transfer`'s `on error` to the
            // document's callback, so that a dial that errors takes the
            // flow's `on failed` like any other failed dial; only an error
            // while the call waits for something else ends the call.
            Kind::Failed { why } if call.current().is_some_and(|c| c.wait == Wait::Dial) => {
                if let Some(doc) = answers {
                    call.check_answers(doc)?;
                }
                self.log(&format!(
                    "call {}: {}; the dial counts as failed",
                    printable(&id, 80),
                    printable(&why, 300)
                ));
                let failed = Report {
                    dial: Some(DialOutcome::Failed),
                    ..Report::default()
                };
                call.report(&failed, now)?
            }
            Kind::Failed { why } => call.fail(why),
            Kind::Ended { why } => {
                if let (Some(leg), Some(first)) = (&callback.leg, call.first_leg())
                    && leg != first
                {
                    return Ok(self.nothing(format!("another leg ended: {why}")));
                }
                drop(call);
                self.sessions.release(&id, Gone::Ended);
                return Ok(self.nothing(format!("call released: {why}")));
            }
            Kind::Notice { what } => return Ok(self.nothing(format!("acknowledged {what}"))),
        };
        Ok(self.finish(slot, &mut call, &id, (digest, false), answer))
    }

    /// Remember (with whether it was the first callback) and log what the
    /// call answered; build the response.
    fn finish(&self, slot: &Slot, call: &mut Call, id: &str, request: (u64, bool), answer: Answer) -> Response {
        call.remember(request.0, &answer, request.1);
        slot.touch(self.sessions_now(), call.is_over());
        if let Some(fault) = &answer.fault {
            self.log(&format!(
                "call {}: {}; ending the call with a hangup document",
                printable(id, 80),
                printable(fault, 300)
            ));
        }
        self.respond(&answer)
    }

    fn sessions_now(&self) -> u64 {
        self.sessions.now_ms()
    }

    fn nothing(&self, note: String) -> Response {
        Response {
            status: 200,
            content_type: TEXT,
            body: String::new(),
            session: None,
            note,
        }
    }

    /// The HTTP form of an answer.
    fn respond(&self, answer: &Answer) -> Response {
        let (content_type, body, note) = match (&answer.reply, self.config.render) {
            (Reply::Document(doc), Render::Target) => (
                self.target().content_type(),
                self.target().render(doc, &self.urls),
                format!("{} {}", doc.end.kind.name(), doc.id),
            ),
            (Reply::Document(doc), Render::Outline) => (
                "application/json",
                outline(doc).to_string(),
                format!("{} {}", doc.end.kind.name(), doc.id),
            ),
            (Reply::Continue, Render::Target) => (
                self.target().content_type(),
                providers::continue_reply(self.target()).to_string(),
                "continue".to_string(),
            ),
            (Reply::Continue, Render::Outline) => (
                "application/json",
                "{\"continue\":true}".to_string(),
                "continue".to_string(),
            ),
            (Reply::Nothing, _) => (TEXT, String::new(), "nothing to send".to_string()),
        };
        Response {
            status: 200,
            content_type,
            body,
            session: None,
            note,
        }
    }
}

/// A digest of what makes a request the same request again.
fn digest(request: &Request<'_>) -> u64 {
    let mut hasher = std::hash::DefaultHasher::new();
    request.path.hash(&mut hasher);
    request.body.hash(&mut hasher);
    hasher.finish()
}

/// `10m`, `45s`, `300ms`, as the language writes durations.
pub fn show_duration(d: std::time::Duration) -> String {
    show_ms(u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
}

#[cfg(test)]
mod tests;
