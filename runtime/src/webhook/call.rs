//! One call on the webhook host: its VM, the document the provider is
//! running, and how a provider's report becomes the VM's next event.
//!
//! The call never waits for anything: each callback is one `resume` of the
//! VM (plus the `Done`s of the prompts it says) and returns the next
//! document, so the lock around a call is held for microseconds.

use super::document::{self, Live, Wait};
use super::providers::{BadCallback, Report};
use crate::vm::{CallInfo, DialOutcome, Event, HangupReason, Vm, VmError};
use callflow_compiler::analysis::literals::is_dtmf;
use callflow_compiler::bytecode::Program;
use callflow_compiler::targets::model::{Document, EndKind};
use std::sync::Arc;

/// What the host answers a callback with.
#[derive(Clone, Debug, PartialEq)]
pub enum Reply {
    /// The next document.
    Document(Box<Document>),
    /// Let the bridged call go on (Sinch `continue` to an ACE, when the flow
    /// ends with the bridged call).
    Continue,
    /// An empty 200: the end-of-call callback and notifications take no
    /// document.
    Nothing,
}

/// A reply and what it means for the call.
#[derive(Clone, Debug, PartialEq)]
pub struct Answer {
    pub reply: Reply,
    /// Why the call stopped short (a VM fault, a provider error), for the log.
    pub fault: Option<String>,
}

impl Answer {
    fn of(live: Live) -> Answer {
        Answer {
            reply: Reply::Document(Box::new(live.document)),
            fault: live.fault,
        }
    }
}

/// The document the provider is running and what the call waits for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Current {
    pub id: String,
    pub wait: Wait,
}

pub struct Call {
    vm: Vm,
    session: String,
    documents: u32,
    current: Option<Current>,
    /// The leg the call started on (8x8 has one `callId` per leg): only its
    /// end ends the call.
    first_leg: Option<String>,
    /// The last request handled (a digest of its path and body) and its
    /// answer: a provider that retries a request it got no answer to gets
    /// the same document again instead of moving the call on twice (the
    /// app decides which requests can be retries).
    last: Option<Handled>,
}

/// A request handled, for [`Call::replay`].
struct Handled {
    digest: u64,
    answer: Answer,
    /// It was the call's first callback.
    first: bool,
}

impl Call {
    /// A call of `program`, not started yet.
    pub fn new(program: Arc<Program>, info: CallInfo, first_leg: Option<String>) -> Result<Call, VmError> {
        let session = info.call_id.clone();
        let mut vm = Vm::new(program, info)?;
        // The host never looks at the trace; do not build it.
        vm.set_tracing(false);
        Ok(Call {
            vm,
            session,
            documents: 0,
            current: None,
            first_leg,
            last: None,
        })
    }

    pub fn current(&self) -> Option<&Current> {
        self.current.as_ref()
    }

    /// Has the call's last document ended it (or handed it over)?
    pub fn is_over(&self) -> bool {
        self.current.as_ref().is_some_and(|c| c.wait == Wait::Over)
    }

    pub fn first_leg(&self) -> Option<&str> {
        self.first_leg.as_deref()
    }

    /// The answer to the last request, if `digest` is its digest and the
    /// request can be told from a new one that looks the same: it names the
    /// document it reports on (`names_document`), or it was the call's first
    /// callback. (Two timeouts in a row at one menu post identical bodies
    /// where nothing names the document; those are two events.)
    pub fn replay(&self, digest: u64, names_document: bool) -> Option<&Answer> {
        self.last
            .as_ref()
            .filter(|last| last.digest == digest && (names_document || last.first))
            .map(|last| &last.answer)
    }

    /// Remember the request just handled (`first`: the call's first
    /// callback) and its answer.
    pub fn remember(&mut self, digest: u64, answer: &Answer, first: bool) {
        self.last = Some(Handled {
            digest,
            answer: answer.clone(),
            first,
        });
    }

    /// Answer the call's first callback: run the flow to its first wait.
    pub fn start(&mut self, now_ms: i64) -> Answer {
        if self.current.is_some() {
            return self.fail("the call was started twice".to_string());
        }
        self.advance(Event::Start, now_ms)
    }

    /// Refuse a callback about another document than the one running.
    pub fn check_answers(&self, doc: &str) -> Result<(), BadCallback> {
        match &self.current {
            Some(current) if current.id == doc => Ok(()),
            Some(current) => Err(BadCallback::new(
                409,
                format!(
                    "this callback reports on document `{doc}`, but call `{}` is at document `{}`",
                    self.session, current.id
                ),
                "a provider posts each document's outcome once; a late or repeated callback cannot move the call back",
            )),
            None => Err(BadCallback::new(
                409,
                format!(
                    "call `{}` has not started, so no document `{doc}` is running",
                    self.session
                ),
                "the call's first callback goes to the base URL, without a document id",
            )),
        }
    }

    /// Feed what came of the running document; answer with the next one.
    pub fn report(&mut self, report: &Report, now_ms: i64) -> Result<Answer, BadCallback> {
        let Some(current) = &self.current else {
            return Err(BadCallback::new(
                409,
                format!("call `{}` has not started", self.session),
                "the call's first callback goes to the base URL",
            ));
        };
        if current.wait == Wait::Over {
            return Err(BadCallback::new(
                409,
                format!(
                    "call `{}` is over: its last document, `{}`, ended it",
                    self.session, current.id
                ),
                "after a document that ends the call, only the provider's end-of-call callback is expected",
            ));
        }
        let event = event_for(&current.wait, report).map_err(|why| {
            BadCallback::new(
                422,
                format!(
                    "call `{}` waits for {}, but {why}",
                    self.session,
                    current.wait.describe()
                ),
                "the callback does not fit the document the call is running; check what is posting to this URL",
            )
        })?;
        Ok(self.advance(event, now_ms))
    }

    /// A dialled party answered and the bridged call is up (Sinch ACE). If
    /// the flow simply ends with the bridged call, the bridge goes on.
    pub fn answered(&mut self, now_ms: i64) -> Answer {
        if self.current.as_ref().map(|c| &c.wait) != Some(&Wait::Dial) {
            // Not a dial of ours: the provider's own call set-up. Let it go on.
            return Answer {
                reply: Reply::Continue,
                fault: None,
            };
        }
        let answer = self.advance(Event::DialResult(DialOutcome::Answered), now_ms);
        match &answer.reply {
            Reply::Document(doc)
                if answer.fault.is_none() && doc.steps.is_empty() && doc.end.kind == EndKind::Hangup =>
            {
                Answer {
                    reply: Reply::Continue,
                    fault: None,
                }
            }
            _ => answer,
        }
    }

    /// End the call now with a hangup document (a provider error, a broken
    /// request sequence); `why` goes to the log.
    pub fn fail(&mut self, why: String) -> Answer {
        // Finish the VM, so nothing can resume it.
        let _ = self.vm.resume(Event::CallerHangup);
        let number = self.next_number();
        let mut live = document::hangup(&self.vm, number, self.current.is_none(), HangupReason::Error);
        live.fault = Some(why);
        self.current = Some(Current {
            id: live.document.id.clone(),
            wait: Wait::Over,
        });
        Answer::of(live)
    }

    fn next_number(&mut self) -> u32 {
        self.documents = self.documents.saturating_add(1);
        self.documents
    }

    fn advance(&mut self, event: Event, now_ms: i64) -> Answer {
        self.vm.set_clock(now_ms);
        let first = self.current.is_none();
        let number = self.next_number();
        match document::next(&mut self.vm, event, number, first) {
            Ok(live) => {
                self.current = Some(Current {
                    id: live.document.id.clone(),
                    wait: live.wait.clone(),
                });
                Answer::of(live)
            }
            // `event_for` only sends what the wait takes; should the VM
            // disagree, the call cannot go on sensibly.
            Err(e) => self.fail(format!("the VM refused the event: {e}")),
        }
    }
}

/// The VM event for `report` while the call waits for `wait`, or why there
/// is none.
pub fn event_for(wait: &Wait, report: &Report) -> Result<Event, String> {
    let all_keys = |s: &str| !s.is_empty() && s.chars().all(is_dtmf);
    match wait {
        Wait::Key { valid_keys } => {
            let invalid = || match unlisted_key(valid_keys) {
                Some(k) => Event::Digits(k.to_string()),
                // Every key is listed: nothing can be invalid; treat it as
                // no input.
                None => Event::Timeout,
            };
            if let Some(keys) = &report.keys {
                return Ok(Event::Digits(keys.clone()));
            }
            match report.value.as_ref().or(report.speech.as_ref()) {
                Some(v) if all_keys(v) => Ok(Event::Digits(v.clone())),
                // Words where a key was expected: an invalid choice.
                Some(_) => Ok(invalid()),
                None if report.invalid => Ok(invalid()),
                None => Ok(Event::Timeout),
            }
        }
        Wait::Collect { speech } => {
            if let Some(keys) = &report.keys {
                return Ok(Event::Digits(keys.clone()));
            }
            let spoken = report.speech.as_ref().map(|s| (s, true));
            match spoken.or(report.value.as_ref().map(|v| (v, false))) {
                Some((text, said)) if *speech && (said || !all_keys(text)) => Ok(Event::Speech(text.clone())),
                Some((text, _)) if all_keys(text) => Ok(Event::Digits(text.clone())),
                Some(_) => Err("the callback carries words, and this collect takes keys only".to_string()),
                None => Ok(Event::Timeout),
            }
        }
        Wait::Record => match report.recording.as_ref().or(report.value.as_ref()) {
            Some(location) => Ok(Event::RecordingDone {
                location: location.clone(),
                duration_ms: 0,
            }),
            None => Ok(Event::Timeout),
        },
        Wait::Dial => Ok(Event::DialResult(report.dial.unwrap_or(DialOutcome::Failed))),
        Wait::Over => Err("this callback reports input".to_string()),
    }
}

/// A key the menu does not list, to report an invalid choice to the VM.
fn unlisted_key(valid_keys: &str) -> Option<char> {
    "0123456789*#".chars().find(|k| !valid_keys.contains(*k))
}

#[cfg(test)]
mod tests;
