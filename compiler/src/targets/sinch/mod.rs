//! Target `sinch`: Sinch SVAML (`{"instructions": [...], "action": {...}}`).
//!
//! - [`CAPABILITIES`]: what Sinch has for each feature (providers.md §1.4, §3).
//! - [`render`]: one document as SVAML.
//! - [`check`]: Sinch's documented limits (E0502, E0503, E0504), what its
//!   actions cannot carry (E0501), and which callback accepts which action
//!   (E0505).

mod callbacks;
mod limits;
mod prompt;
mod render;

#[cfg(test)]
mod tests;

use super::{Feature, Support};

pub use limits::check;
pub use render::render;

pub static CAPABILITIES: &[(Feature, Support)] = &[
    (
        Feature::Say,
        Support::Native(
            "`say` instruction, `#tts[…]` in prompts; `locale` is the language or a named voice (`male`/`female` \
             has no SVAML field: Sinch reads a locale in its own voice)",
        ),
    ),
    (
        Feature::Play,
        Support::Native("`playFiles` instruction; `#href[…]` in prompts"),
    ),
    (
        Feature::Pause,
        Support::Lowered("`playFiles` of an SSML `<break>` (`#ssml[…]` in prompts)"),
    ),
    (
        Feature::Menu,
        Support::Native("`runMenu` with the menu `main`: `return(<key>)` options, `repeats` for its retries"),
    ),
    (
        Feature::Collect,
        Support::Native("`runMenu` returning the digit sequence (`maxDigits`, `timeoutMills`)"),
    ),
    (
        Feature::CollectSpeech,
        Support::Native("`runMenu` with `enableVoice` and its `locale`"),
    ),
    (
        Feature::Record,
        Support::Unsupported("Sinch SVAML has no message recording; `start_recording` records the whole call"),
    ),
    (Feature::StartRecording, Support::Native("`startRecording` instruction")),
    (Feature::StopRecording, Support::Native("`stopRecording` instruction")),
    (
        Feature::Dial,
        Support::Native("`connectPstn` (E.164) or `connectSip` (`sip:`); `record` adds `startRecording`"),
    ),
    (
        Feature::Enqueue,
        Support::Unsupported("Sinch SVAML has no call queues; `park` the caller, or `conference` them with agents"),
    ),
    (Feature::Dequeue, Support::Unsupported("Sinch SVAML has no call queues")),
    (
        Feature::Park,
        Support::Native("`park` (introPrompt, holdPrompt, maxDuration)"),
    ),
    (
        Feature::Conference,
        Support::Native("`connectConf` (conferenceId, moh)"),
    ),
    (
        Feature::Stream,
        Support::Native("`connectStream` to a WebSocket (Sinch: closed beta)"),
    ),
    (
        Feature::Redirect,
        Support::Unsupported(
            "Sinch posts every callback to the application's callback URL; a document cannot hand the call to \
             another URL (use `redirect flow` within the project)",
        ),
    ),
    (
        Feature::Reject,
        Support::Lowered("`hangup` in the answer to the incoming call (ICE), before the call is answered"),
    ),
    (Feature::Hangup, Support::Native("`hangup`")),
];
