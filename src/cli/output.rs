//! Writing to stdout and stderr without panicking (`println!` panics when the
//! reader of a pipe goes away, as in `callflow graph x.flow | head`), and the
//! colour decision.

use std::io::{IsTerminal, Write};

/// Write `text` to stdout; a closed pipe is not an error worth reporting.
pub fn stdout(text: &str) {
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(text.as_bytes()).and_then(|()| out.flush());
}

pub fn stderr(text: &str) {
    let _ = std::io::stderr().lock().write_all(text.as_bytes());
}

/// `error: message` on stderr, for problems that are not diagnostics.
pub fn error(message: &str) {
    stderr(&format!("error: {message}\n"));
}

/// Colour only for a terminal, and never when NO_COLOR is set to a non-empty
/// value (https://no-color.org).
pub fn color_for(stream_is_terminal: bool) -> bool {
    let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    stream_is_terminal && !no_color
}

pub fn stdout_color() -> bool {
    color_for(std::io::stdout().is_terminal())
}

pub fn stderr_color() -> bool {
    color_for(std::io::stderr().is_terminal())
}
