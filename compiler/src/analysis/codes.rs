//! Codes of name resolution and type checking.

use crate::diagnostic::{Code, Severity};

macro_rules! code {
    ($ident:ident, $id:literal, $name:literal, $sev:ident, $summary:literal, $explain:literal) => {
        pub static $ident: Code = Code {
            id: $id,
            name: $name,
            severity: Severity::$sev,
            summary: $summary,
            explain: $explain,
        };
    };
}

code!(
    UNDEFINED_STATE,
    "E0101",
    "undefined-state",
    Error,
    "a `goto`, menu option or outcome names a state that does not exist",
    r##"## What it means
Control is sent to a state (`step` or `menu`) that no file of the project
defines. The call would have nowhere to go.

## Example
```flow
menu main {
  say "Press 1 for sales."
  "1" -> sale
}
step sales {
  hangup
}
```
`sale` is not defined; the checker suggests `sales`.

## How to fix
Correct the name, or add the missing state. In an editor, the quick fix
"create missing state" adds an empty `step` for you.
"##
);

code!(
    DUPLICATE_DEFINITION,
    "E0102",
    "duplicate-definition",
    Error,
    "two states, queues or flows have the same name",
    r##"## What it means
States (`step` and `menu` share one namespace), queues and flows must each have
a unique name across the whole project, imported files included. With two
definitions it is ambiguous which one a `goto` means.

## Example
```flow
step goodbye {
  say "Goodbye."
  hangup
}
menu goodbye {
  say "Press 1 to hear this again."
  "1" -> repeat
}
```

## How to fix
Rename one of them (and the references to it) or delete the copy.
"##
);

code!(
    UNDEFINED_QUEUE,
    "E0103",
    "undefined-queue",
    Error,
    "`enqueue` or `dequeue` names a queue that is not declared",
    r##"## What it means
Queues are declared at the top level with `queue name` (optionally with a block
giving their `hold_music`). `enqueue` and `dequeue` must name a declared queue.

## Example
```flow
step support {
  enqueue agent
}
queue agents {
  hold_music "https://example.com/hold.mp3"
}
```

## How to fix
Declare the queue, or correct the name.
"##
);

code!(
    UNDEFINED_VARIABLE,
    "E0104",
    "undefined-variable",
    Error,
    "a variable is read but nothing ever sets it",
    r##"## What it means
A variable is read (in a condition, `set`, or a `{name}` interpolation), but no
`set`, `collect` or `record` anywhere in the project gives it a value, and it is
not a built-in (`caller`, `called`, `call_id`).

## Example
```flow
step confirm {
  say "You entered {acount}."
  hangup
}
```

## How to fix
Correct the spelling, or set the variable before it is read: `collect account
digits 6..12` or `set account = "none"`.
"##
);

code!(
    MISSING_START,
    "E0105",
    "missing-start",
    Error,
    "a flow does not say which state it starts in",
    r##"## What it means
Every `flow` block needs a `start` setting naming the state the call enters
first. Without it the flow cannot be run or compiled.

## Example
```flow
flow support {
  voice female
}
```

## How to fix
Add `start <state>` to the flow block.
"##
);

code!(
    UNDEFINED_FLOW,
    "E0106",
    "undefined-flow",
    Error,
    "`redirect flow` names a flow that does not exist",
    r##"## What it means
`redirect flow name` hands the call to another flow of the project (its start
state and defaults). No flow of that name is declared.

## Example
```flow
step transfer {
  redirect flow billing
}
```

## How to fix
Declare `flow billing { start … }` (in this file or an imported one), or correct
the name.
"##
);

code!(
    DUPLICATE_OPTION,
    "E0107",
    "duplicate-option",
    Error,
    "a setting, option or outcome is given twice",
    r##"## What it means
Each option of a statement (`timeout`, `voice`, `beep` …), each setting of a
flow, menu or queue, and each `on` outcome of an action may be given once. With
two, it is unclear which one was meant.

## Example
```flow
step ask {
  collect pin digits 4 timeout 5s timeout 10s
  hangup
}
```

## How to fix
Keep one of them.
"##
);

code!(
    MISPLACED_OUTCOME,
    "E0108",
    "misplaced-outcome",
    Error,
    "an `on …` line does not belong to an action with that outcome",
    r##"## What it means
`on <outcome> -> state` routes an outcome of the action directly above it:
`dial` has `answered`, `busy`, `no_answer` and `failed`; `collect` and `record`
have `timeout`. The line must follow such an action, and name one of its
outcomes.

## Example
```flow
step sales {
  say "Connecting you."
  on busy -> voicemail
}
```

## How to fix
Move the `on` line under the `dial`, `collect` or `record` it belongs to, or use
an outcome that action has.
"##
);

code!(
    ASSIGN_TO_BUILTIN,
    "E0109",
    "assign-to-builtin",
    Error,
    "`set`, `collect` or `record` writes a built-in variable",
    r##"## What it means
`caller`, `called` and `call_id` are provided by the call and cannot be
changed.

## Example
```flow
step x {
  set caller = "+15550100"
  hangup
}
```

## How to fix
Store the value in a variable of your own: `set customer = caller`.
"##
);

code!(
    NO_FLOW,
    "E0110",
    "no-flow",
    Error,
    "the project declares no `flow`",
    r##"## What it means
A project needs at least one `flow` block: it names the state a call starts in
and the defaults (voice, language, timeouts). Without one nothing can run, and
every state would be unreachable.

## Example
A file with only `step` and `menu` blocks, checked on its own.

## How to fix
Add a flow block, or check the file that imports this one:
```flow
flow main_line {
  start welcome
}
```
"##
);

code!(
    INVALID_DURATION,
    "E0201",
    "invalid-duration",
    Error,
    "a duration is zero, too long, or out of the range this setting accepts",
    r##"## What it means
Durations are written as a whole number and a unit: `500ms`, `5s`, `2m`, `1h`.
Timeouts and maximum lengths must be longer than zero, and some settings have
limits (a `pause` of more than an hour, an input timeout of more than ten
minutes are surely mistakes).

## Example
```flow
step ask {
  collect pin digits 4 timeout 0s
  hangup
}
```

## How to fix
Give a duration in the range the message names.
"##
);

code!(
    INVALID_DTMF,
    "E0202",
    "invalid-dtmf",
    Error,
    "a key or digit string has characters a phone keypad cannot send",
    r##"## What it means
DTMF keys are `0`–`9`, `*` and `#`. A `finish` key is one such key. Digits sent
after a dial (`send_digits`) may also contain `w`, a half-second wait.

## Example
```flow
step ask {
  collect pin digits 4 finish "enter"
  hangup
}
```

## How to fix
Use a single key such as `"#"`.
"##
);

code!(
    INVALID_PHONE_NUMBER,
    "E0203",
    "invalid-phone-number",
    Error,
    "a number to dial or show is not E.164 or a `sip:` URI",
    r##"## What it means
Numbers are written in E.164 form: `+`, the country code and the number, 7 to
15 digits, no spaces (`+254711082000`). `dial` also accepts SIP URIs such as
`sip:agent@pbx.example.com`. A value built from variables (`"{number}"`) is
checked when the call runs.

## Example
```flow
step sales {
  dial "0711 082 000"
}
```

## How to fix
Write the number in E.164 form: `dial "+254711082000"`.
"##
);

code!(
    INVALID_URL,
    "E0204",
    "invalid-url",
    Error,
    "a URL or audio location is not usable where it is written",
    r##"## What it means
`play`, `ringback` and `hold_music` take an `http(s)://` URL or a path to an
audio file; `redirect` an `http(s)://` URL; `stream` a `ws://` or `wss://` URL.

## Example
```flow
step music {
  play "ftp://example.com/song.wav"
  hangup
}
```

## How to fix
Use a URL with a scheme the action supports.
"##
);

code!(
    TYPE_MISMATCH,
    "E0205",
    "type-mismatch",
    Error,
    "a value of the wrong type: a condition that is not yes/no, a comparison of unlike values",
    r##"## What it means
Expressions have three types: text (strings, variables, collected digits),
numbers, and yes/no values (comparisons, `open_hours(...)`, `and`, `or`,
`not`). An `if` needs a yes/no value; `and`/`or`/`not` combine yes/no values;
`+` and `-` work on numbers (or join text with `+`). Digit strings compare with
numbers numerically.

## Example
```flow
step check {
  if account {
    goto known
  }
  goto unknown
}
```

## How to fix
Compare explicitly: `if account != "" {`.
"##
);

code!(
    UNKNOWN_FUNCTION,
    "E0206",
    "unknown-function",
    Error,
    "a condition calls a function that does not exist",
    r##"## What it means
Conditions can call `open_hours(spec, tz: "Area/City")`,
`starts_with(text, prefix)`, `ends_with(text, suffix)`, `contains(text, part)`
and `length(text)`.

## Example
```flow
step route {
  if opening_hours("Mon-Fri 09:00-17:00") {
    goto open
  }
  goto closed
}
```

## How to fix
Use one of the functions above (the message suggests the closest).
"##
);

code!(
    INVALID_ARGUMENTS,
    "E0207",
    "invalid-arguments",
    Error,
    "a function is called with the wrong number or kind of arguments",
    r##"## What it means
Each function takes fixed arguments: `open_hours` one schedule string and an
optional `tz:`; `starts_with`, `ends_with` and `contains` two texts; `length` one
text.

## Example
```flow
step route {
  if starts_with(caller) {
    goto local
  }
  goto other
}
```

## How to fix
Pass the arguments the message lists.
"##
);

code!(
    UNKNOWN_TIME_ZONE,
    "E0208",
    "unknown-time-zone",
    Error,
    "a time zone is not in the IANA time-zone database",
    r##"## What it means
Time zones are IANA names such as `Africa/Nairobi`, `Europe/Berlin` or
`America/New_York`, used by `open_hours` and the flow's `timezone` setting.
Abbreviations such as `EAT` or `CET` are ambiguous and not accepted.

## Example
```flow
flow support {
  start welcome
  timezone "Nairobi"
}
```

## How to fix
Use the full IANA name (`Africa/Nairobi`).
"##
);

code!(
    INVALID_HOURS,
    "E0209",
    "invalid-hours",
    Error,
    "an `open_hours` schedule cannot be read",
    r##"## What it means
`open_hours` takes a schedule of day ranges and time ranges:
`"Mon-Fri 08:00-18:00"`, several separated by `;` or `,`:
`"Mon-Fri 08:00-18:00; Sat 09:00-13:00"`. Days are `Mon Tue Wed Thu Fri Sat Sun`;
times are 24-hour `HH:MM`; a range ending at or before its start runs past
midnight.

## Example
```flow
step welcome {
  if open_hours("weekdays 9-5", tz: "Europe/London") {
    goto open
  }
  goto closed
}
```

## How to fix
Write the schedule as `"Mon-Fri 09:00-17:00"`.
"##
);

code!(
    OUT_OF_RANGE,
    "E0210",
    "out-of-range",
    Error,
    "a count is outside the range the setting accepts",
    r##"## What it means
Counts have sensible bounds: `retries` 0–10, `repeat` 1–10, `digits` 1–32 with
the minimum not above the maximum.

## Example
```flow
step ask {
  collect pin digits 6..4
  hangup
}
```

## How to fix
Give a value in the range named in the message.
"##
);

code!(
    INVALID_LANGUAGE_TAG,
    "E0211",
    "invalid-language-tag",
    Error,
    "a language is not a BCP 47 tag such as `en-US`",
    r##"## What it means
Languages are BCP 47 tags: a two- or three-letter language code, optionally a
region (`en`, `en-US`, `sw-KE`, `pt-BR`).

## Example
```flow
flow support {
  start welcome
  language "English"
}
```

## How to fix
Write the tag: `language "en-US"`.
"##
);
