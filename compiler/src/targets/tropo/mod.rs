//! Target `tropo`: Tropo WebAPI JSON.
//!
//! The application answers every request with `{"tropo": [verbs…]}`; Tropo
//! runs the verbs in order. When an `on` event with a `next` URL fires, Tropo
//! posts a `result` to that URL and runs the document it gets back instead
//! (shared/reference/providers.md §1.3). Handlers belong to one document, so
//! every document declares the ones its outcomes need.
//!
//! - `render.rs`: a document as WebAPI JSON (serde_json).
//! - `dial.rs`: dial targets as Tropo URIs with post-dial keys.
//! - `limits.rs`: voices, options Tropo cannot honour and where `reject` may
//!   stand.
//!
//! Recordings are uploaded by Tropo to URLs of the application:
//! [`recording_url`] for `record`, [`call_recording_url`] for
//! `start_recording`, both under the document's callback URL.

mod dial;
mod limits;
mod render;

pub use limits::check;
pub use render::render;

use super::{Feature, Support, Urls};

/// The last path segment of [`recording_url`]. Public so that the webhook
/// host recognises the uploads by the same name the renderer writes.
pub const RECORDING_UPLOAD: &str = "recording";
/// The last path segment of [`call_recording_url`].
pub const CALL_RECORDING_UPLOAD: &str = "call-recording";

/// Where Tropo uploads the message a document's `record` takes.
pub fn recording_url(urls: &Urls, doc_id: &str) -> String {
    format!("{}/{RECORDING_UPLOAD}", urls.callback(doc_id))
}

/// Where Tropo uploads the whole-call recording a document starts.
pub fn call_recording_url(urls: &Urls, doc_id: &str) -> String {
    format!("{}/{CALL_RECORDING_UPLOAD}", urls.callback(doc_id))
}

pub static CAPABILITIES: &[(Feature, Support)] = &[
    (
        Feature::Say,
        Support::Native("`say` (value; voice by name, else Tropo's default English voice)"),
    ),
    (Feature::Play, Support::Native("`say` with the audio URL as its value")),
    (
        Feature::Pause,
        Support::Native("`wait` (milliseconds); in a menu or collect prompt an SSML `<break>`"),
    ),
    (
        Feature::Menu,
        Support::Native(
            "`ask`: choices = the listed keys (mode dtmf), attempts, timeout, the prompt as `say`; \
             `on continue` and `on incomplete` post to the callback",
        ),
    ),
    (
        Feature::Collect,
        Support::Native("`ask` with a `[N DIGITS]` or `[MIN-MAX DIGITS]` grammar, terminator = the finish key"),
    ),
    (
        Feature::CollectSpeech,
        Support::Native("`ask` with mode `any` (keys or speech) and the language as `recognizer`"),
    ),
    (
        Feature::Record,
        Support::Native("`record` (beep, maxTime, maxSilence, terminator), uploaded to the document's recording URL"),
    ),
    (
        Feature::StartRecording,
        Support::Native("`startRecording`, uploaded to the document's call-recording URL"),
    ),
    (Feature::StopRecording, Support::Native("`stopRecording`")),
    (
        Feature::Dial,
        Support::Native(
            "`transfer` (to as tel:/sip: URIs ringing at once, from, timeout, post-dial keys as `;postd=`, \
             ringback as `on ring`)",
        ),
    ),
    (
        Feature::Enqueue,
        Support::Unsupported("Tropo has no call queues; `dial` an agent line, or use a `conference` as a waiting room"),
    ),
    (
        Feature::Dequeue,
        Support::Unsupported("Tropo has no call queues; agents can join a `conference` instead"),
    ),
    (Feature::Park, Support::Unsupported("Tropo has no park or hold action")),
    (
        Feature::Stream,
        Support::Unsupported("Tropo has no media streaming; `dial` a SIP address of the voice bot instead"),
    ),
    (Feature::Conference, Support::Native("`conference` (id, mute)")),
    (
        Feature::Redirect,
        Support::Lowered(
            "`on continue` with the URL as `next`, after the document's actions (Tropo's own `redirect` deflects \
             an unanswered call to a SIP address and is not used)",
        ),
    ),
    (
        Feature::Reject,
        Support::Native("`reject`, alone in the answer to the incoming call"),
    ),
    (Feature::Hangup, Support::Native("`hangup`")),
];

#[cfg(test)]
mod tests;
