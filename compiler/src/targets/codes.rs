//! Diagnostic codes of the provider targets (E05xx).
//!
//! They are shared by all targets: the message names the target and the
//! action or parameter, the primary label points at the source that caused
//! it. Each target's own limits live in its module (`targets/<name>/`).

use crate::diagnostic::{Code, Severity};

pub static UNSUPPORTED_ACTION: Code = Code {
    id: "E0501",
    name: "unsupported-action",
    severity: Severity::Error,
    summary: "the target has no equivalent of this action",
    explain: r##"## What it means
The flow uses an action or option that the chosen provider cannot carry out,
and that callflow cannot build from what the provider has. callflow never drops
an action silently: a call that skips a recording or a transfer would behave
differently from the flow you checked, so the build stops instead.

`docs/targets.md` has the full matrix of actions and targets.

## Example
```flow
step voicemail {
  say "Leave a message after the tone."
  record max 60s      # 8x8 callflow JSON has no recording action
  hangup
}
```
`callflow build voicemail.flow --target 8x8` reports the `record`.

## How to fix
Choose a target that has the action (`callflow check --target T` tells you
before you deploy), or express the step with actions the target has, for
example a `dial` to a voicemail service instead of `record`.
"##,
};

pub static OUT_OF_PROVIDER_RANGE: Code = Code {
    id: "E0502",
    name: "out-of-provider-range",
    severity: Severity::Error,
    summary: "a value is outside the range the target's documents allow",
    explain: r##"## What it means
The provider documents a range for this parameter (digits to collect,
repetitions, durations, speech speed …) and the value in the flow is outside
it. Providers answer such documents with an error at call time, or silently
clamp the value; either way the caller would not get what the flow says.

## Example
```flow
step reference {
  say "Please key in the 30 digit reference on your receipt."
  collect reference digits 30 timeout 20s   # 8x8: at most 25 digits without `finish "#"`
  goto check
}
```

## How to fix
Use a value inside the range given in the message, or a target with a wider
range. The ranges come from each provider's reference documents
(docs/targets.md lists them).
"##,
};

pub static TEXT_TOO_LONG: Code = Code {
    id: "E0503",
    name: "text-too-long",
    severity: Severity::Error,
    summary: "a text is longer than the target allows",
    explain: r##"## What it means
The provider limits the length of this text (Sinch: 600 characters of speech
per `say`, 64 characters of conference id). Longer text is refused by the
provider when the call reaches it.

Text that interpolates variables is measured without them: the limit may
still be exceeded at run time, which the webhook host then reports.

## Example
```flow
step terms {
  say "… 700 characters of terms and conditions …"
  hangup
}
```

## How to fix
Split the text into several `say` lines, or play a recorded file instead.
"##,
};

pub static UNSUPPORTED_VOICE: Code = Code {
    id: "E0504",
    name: "unsupported-voice",
    severity: Severity::Error,
    summary: "the target has no such voice or language",
    explain: r##"## What it means
The voice or language asked for is not in the target's table of text-to-speech
voices and languages. Africa's Talking speaks English only, with the voices
`man` and `woman`; 8x8 has a fixed table of languages and voice profiles.

## Example
```flow
flow hotline {
  start welcome
  language "sw-KE"     # Africa's Talking reads text in English only
}
```

## How to fix
Choose a voice and language from the table in docs/targets.md, play recorded
audio for languages the provider cannot speak, or choose another target.
"##,
};

pub static MISPLACED_ACTION: Code = Code {
    id: "E0505",
    name: "misplaced-action",
    severity: Severity::Error,
    summary: "the target does not allow this action where the flow puts it",
    explain: r##"## What it means
The provider accepts the action, but not at this point of the call: for
example Africa's Talking requires `Reject` to be the only element of its
document, Sinch accepts `park` and `stream` only in the answer to the
incoming-call callback, and Tropo's `redirect` works only on calls that have
not been answered yet. The document would be refused or the action ignored.

## Example
```flow
step screen {
  say "Sorry, we do not take calls from withheld numbers."
  reject                # on Africa's Talking nothing may come before Reject
}
```

## How to fix
Move the action to where the provider accepts it (the message says where),
or drop what comes before it in the same document.
"##,
};

pub static TOO_MANY_PATHS: Code = Code {
    id: "E0506",
    name: "too-many-paths",
    severity: Severity::Error,
    summary: "too many branches between two inputs to cut into provider documents",
    explain: r##"## What it means
Provider targets answer each callback with one document. `if` and `set` are
evaluated by the server before it answers, so every combination of branches
between two inputs becomes a document of its own. A chain of independent
`if`s doubles the count each time; past 64 documents for one entry point the
bundle is refused rather than grow without bound.

## Example
```flow
step greet {
  if caller == "+254700000001" {
    say "Hello Amina."
  }
  if caller == "+254700000002" {
    say "Hello Brian."
  }
  # … five more independent ifs: 2^7 = 128 documents …
  goto main
}
```

## How to fix
Replace the chain of independent `if`s by one `if … else if …` (one document
per branch, not one per combination), or let a `menu` or `collect` come
between them so that each part is answered separately. A `goto` does not
help: documents run across states.
"##,
};

pub static VOICE_NOT_SELECTABLE: Code = Code {
    id: "W0507",
    name: "voice-not-selectable",
    severity: Severity::Warning,
    summary: "the target chooses the voice itself; this voice setting has no effect",
    explain: r##"## What it means
The provider has no way to ask for a male or a female voice: Sinch speaks each
locale (`language`) in a voice of its own choosing. The flow still builds, and
callers hear the text, but perhaps not in the voice you asked for.

## Example
```flow
flow hotline {
  start welcome
  voice male          # Sinch: no effect
  language "en-GB"
}
```

## How to fix
Remove the `voice` setting for this target, or choose the voice through the
locale (`language`), which is what Sinch selects voices by. If the voice
matters, use a target that can select it (docs/targets.md).
"##,
};
