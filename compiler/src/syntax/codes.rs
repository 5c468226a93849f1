//! Codes of the syntax stage.

use crate::diagnostic::{Code, Severity};

pub static SYNTAX_ERROR: Code = Code {
    id: "E0001",
    name: "syntax-error",
    severity: Severity::Error,
    summary: "the text is not valid .flow syntax",
    explain: r##"## What it means
The parser could not read this part of the file. The message says what it
expected at that point (a string, a duration such as `5s`, a state name, the end
of the line …) and what it found instead.

Only the broken line (or the broken top-level item) is skipped: every other
state of the file is still parsed and checked, so fix the first error and re-run.

## Example
```flow
step welcome {
  say "Hello" voice robot
  hangup
}
```
`voice` takes `male`, `female` or a quoted provider voice name such as
`"en-US-ZiraRUS"`.

## How to fix
Follow the `expected …` part of the message. `callflow explain` pages and
docs/language.md list every statement with its parameters. Statements end at the
end of their line; blocks open with `{` at the end of a line and close with `}`
at the start of one.
"##,
};

pub static UNCLOSED_BLOCK: Code = Code {
    id: "E0002",
    name: "unclosed-block",
    severity: Severity::Error,
    summary: "a `{` is never closed by a matching `}`",
    explain: r##"## What it means
A block (`step`, `menu`, `flow`, `queue`, `if` or `else`) was opened with `{`
but the file reaches the next top-level item (or its end) before the matching
`}`.

The checker closes the block for you where the next item starts, so the
statements inside are still checked, but the file must be fixed.

## Example
```flow
step welcome {
  if caller == "+254711000000" {
    say "Welcome back."
  goto main
}
```
The `if` block is never closed.

## How to fix
Add the missing `}` on a line of its own. `callflow fmt` (once the file parses)
indents blocks so that a missing brace is easy to see.
"##,
};

pub static IMPORT_NOT_FOUND: Code = Code {
    id: "E0003",
    name: "import-not-found",
    severity: Severity::Error,
    summary: "an imported file cannot be read",
    explain: r##"## What it means
`import "path.flow"` names a file that does not exist or cannot be read. Paths
are relative to the file that contains the `import`.

## Example
```flow
import "shared/goodbye.flow"
```
when `shared/goodbye.flow` is missing next to the importing file.

## How to fix
Correct the path, or create the file. States, queues and flows of imported
files share one namespace with the importing file.
"##,
};

pub static INVALID_INTERPOLATION: Code = Code {
    id: "E0004",
    name: "invalid-interpolation",
    severity: Severity::Error,
    summary: "a `{…}` in a string is not a variable reference",
    explain: r##"## What it means
Inside a string, `{name}` inserts the value of a variable: `"You entered
{account}"`. A `{` that is never closed, an empty `{}`, or braces around
something that is not a variable name cannot be interpolated.

## Example
```flow
say "Your code is {1234}"
say "Press {# to finish"
```

## How to fix
Put a variable name between the braces, or escape a literal brace as `\{` (and
`\}`).
"##,
};
