//! Target `8x8`: 8x8 callflow JSON, current IVR generation (`say`,
//! `sayAndCapture`, `playFile`, `makeCall`, `hangup`).
//!
//! - [`CAPABILITIES`]: what 8x8 has for each feature (providers.md §1.2, §3).
//! - [`render`]: one document as `{"clientActionId", "callflow"}`.
//! - [`check`]: 8x8's documented limits (E0502, E0504) and what `makeCall`
//!   and `sayAndCapture` cannot carry (E0501).

mod limits;
mod render;
mod voices;

#[cfg(test)]
mod tests;

use super::{Feature, Support};

pub use limits::check;
pub use render::render;
pub use voices::{Language, languages};

pub static CAPABILITIES: &[(Feature, Support)] = &[
    (Feature::Say, Support::Native("`say` (voiceProfile, repetition)")),
    (Feature::Play, Support::Native("`playFile` (.wav or .mp3)")),
    (
        Feature::Pause,
        Support::Unsupported("8x8 callflow JSON has no pause; put the silence into a played file"),
    ),
    (
        Feature::Menu,
        Support::Lowered(
            "`sayAndCapture` of one key with `noOfTries` for the menu's own retries; every key comes back in \
             the next callback and the server routes it",
        ),
    ),
    (
        Feature::Collect,
        Support::Native("`sayAndCapture` (minDigits, maxDigits, completeOnHash for `#`, overallTimeout)"),
    ),
    (
        Feature::CollectSpeech,
        Support::Unsupported("8x8's `sayAndCapture` captures keypad digits only; drop `speech`"),
    ),
    (
        Feature::Record,
        Support::Unsupported(
            "8x8 callflow JSON has no recording action; `dial … record` records a bridged call, or `dial` a \
             voicemail service",
        ),
    ),
    (
        Feature::StartRecording,
        Support::Unsupported("8x8 records only bridged calls: use `dial … record` (makeCall `callRecording`)"),
    ),
    (
        Feature::StopRecording,
        Support::Unsupported("8x8 records only bridged calls, from start to end: use `dial … record`"),
    ),
    (
        Feature::Dial,
        Support::Native("`makeCall` to one E.164 number from your virtual number (`caller_id`), optional `record`"),
    ),
    (
        Feature::Enqueue,
        Support::Unsupported("8x8 callflow JSON has no call queues; `dial` an agent line instead"),
    ),
    (
        Feature::Dequeue,
        Support::Unsupported("8x8 callflow JSON has no call queues"),
    ),
    (
        Feature::Park,
        Support::Unsupported("8x8 callflow JSON cannot hold a call; `dial` the party who should take it"),
    ),
    (
        Feature::Conference,
        Support::Unsupported("8x8 callflow JSON has no conferences; `makeCall` bridges two parties only"),
    ),
    (
        Feature::Stream,
        Support::Unsupported("8x8 callflow JSON cannot stream call audio"),
    ),
    (
        Feature::Redirect,
        Support::Unsupported(
            "8x8 posts every callback to the URL configured for the sub-account; a document cannot hand the call \
             to another URL (use `redirect flow` within the project)",
        ),
    ),
    (
        Feature::Reject,
        Support::Unsupported("8x8 callflow JSON cannot refuse a call unanswered; use `hangup`"),
    ),
    (Feature::Hangup, Support::Native("`hangup`")),
];
