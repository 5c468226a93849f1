//! Target `africastalking`: Africa's Talking voice XML.
//!
//! AT POSTs form data to the number's callback URL and runs the actions of
//! the `<Response>` it gets back, in order; `GetDigits` and `Record` post
//! their input to a callback and the answer to that post decides what comes
//! next (shared/reference/providers.md §1.1). Everything AT lacks — menus
//! with retries, a no-input outcome — is built from these pieces, with the
//! retry counting on the server (the manifest has the routes and `retries`).
//!
//! - `render.rs`: a document as `<Response>` XML (quick-xml).
//! - `limits.rs`: voices, digit counts, whole seconds, options AT cannot
//!   honour and where `Reject` may stand.

mod limits;
mod render;

pub use limits::check;
pub use render::render;

use super::{Feature, Support};

pub static CAPABILITIES: &[(Feature, Support)] = &[
    (
        Feature::Say,
        Support::Native("`Say`: English text, voice `man` or `woman`; `repeat` writes it N times"),
    ),
    (Feature::Play, Support::Native("`Play url`; `repeat` writes it N times")),
    (
        Feature::Pause,
        Support::Unsupported("Africa's Talking has no silence action; `play` a short silent audio file instead"),
    ),
    (
        Feature::Menu,
        Support::Lowered(
            "`GetDigits numDigits=\"1\"` with the prompt nested, then a `Redirect` to the same callback (a post \
             without `dtmfDigits` is the timeout); the server counts the retries",
        ),
    ),
    (
        Feature::Collect,
        Support::Native(
            "`GetDigits` (numDigits, finishOnKey, timeout) with the prompt nested, then a `Redirect` to the \
             callback for the timeout; no minimum digit count",
        ),
    ),
    (
        Feature::CollectSpeech,
        Support::Unsupported("Africa's Talking has no speech input; collect digits only"),
    ),
    (
        Feature::Record,
        Support::Native(
            "partial `Record` (maxLength, finishOnKey, timeout, playBeep, trimSilence) with the prompt nested",
        ),
    ),
    (
        Feature::StartRecording,
        Support::Unsupported(
            "Africa's Talking records a whole call only with `dial … record`; it cannot start or stop a recording mid-call",
        ),
    ),
    (
        Feature::StopRecording,
        Support::Unsupported(
            "Africa's Talking records a whole call only with `dial … record`; it cannot start or stop a recording mid-call",
        ),
    ),
    (
        Feature::Dial,
        Support::Native(
            "`Dial` (phoneNumbers, sequential, callerId, record, maxDuration, ringBackTone); terminal when answered, \
             a `Redirect` to the callback reports that nobody answered",
        ),
    ),
    (Feature::Enqueue, Support::Native("`Enqueue` (name, holdMusic URL)")),
    (
        Feature::Dequeue,
        Support::Native("`Dequeue` (phoneNumber, required: the number callers dialled; name)"),
    ),
    (
        Feature::Park,
        Support::Unsupported("Africa's Talking has no park; `enqueue` the caller and `dequeue` from the agent's line"),
    ),
    (
        Feature::Conference,
        Support::Native("`Conference`: one conference per phone number, without options"),
    ),
    (
        Feature::Stream,
        Support::Unsupported("Africa's Talking has no media streaming; `redirect` to a service that handles the call"),
    ),
    (
        Feature::Redirect,
        Support::Native("`Redirect` with the URL as its text"),
    ),
    (
        Feature::Reject,
        Support::Native("`Reject`, alone in the answer to the incoming call"),
    ),
    (
        Feature::Hangup,
        Support::Lowered("the document simply ends: AT hangs up after the last action"),
    ),
];

#[cfg(test)]
mod tests;
