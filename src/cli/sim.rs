//! `callflow sim FILE`: run one call in the terminal, scripted (`--keys`),
//! interactively, or from lines on stdin.

use super::{Exit, load, output, program};
use callflow_runtime::scenario::file::{DEFAULT_CALLED, DEFAULT_CALLER};
use callflow_runtime::scenario::host::{Action, Call, Happening, Wait};
use callflow_runtime::scenario::{CallSetup, CallerAction, action};
use serde_json::json;
use std::collections::VecDeque;
use std::io::{BufRead, IsTerminal};
use std::path::PathBuf;
use std::sync::Arc;

/// Simulate a call: hear the prompts, press keys, follow the states
#[derive(Debug, clap::Args)]
#[command(after_help = "FILE is a .flow file (compiled in memory) or a .cfb file from\n\
    `callflow build --target bytecode`.\n\n\
    Caller actions (for --keys, comma-separated, and for typed lines): a key (1),\n\
    digits (1234#), timeout (t), speech \"words\", answered, busy, no answer,\n\
    failed (dial results), record 12s, hangup (h). See docs/scenarios.md.\n\n\
    With --keys the caller follows the list, and hangs up when it runs out.\n\
    Without --keys the simulator asks on a terminal, or reads one action per\n\
    line from stdin when stdin is not a terminal.\n\n\
    Examples:\n  \
    callflow sim examples/support.flow\n  \
    callflow sim examples/support.flow --keys \"1,busy,record 20s\" --at 2026-11-23T10:00\n  \
    printf '2\\n' | callflow sim examples/support.cfb --format json\n\n\
    Exit status: 0 the call ended, 1 the flow or bytecode has errors, an action\n\
    did not fit or the VM failed, 2 usage or I/O problems.")]
pub struct Args {
    /// A .flow file or a .cfb bytecode file
    file: PathBuf,
    /// The caller's actions, comma-separated ("1,#,timeout,busy")
    #[arg(long, value_name = "ACTIONS")]
    keys: Option<String>,
    /// The calling number
    #[arg(long, value_name = "NUMBER", default_value = DEFAULT_CALLER)]
    caller: String,
    /// The number called
    #[arg(long, value_name = "NUMBER", default_value = DEFAULT_CALLED)]
    called: String,
    /// The call id (the built-in variable `call_id`)
    #[arg(long, value_name = "ID", default_value = "sim-call")]
    call_id: String,
    /// When the call happens: local time in the flow's time zone
    /// (2026-11-23T10:00), or with an offset (…+03:00, …Z); default: now
    #[arg(long, value_name = "TIME")]
    at: Option<String>,
    /// The flow that answers (default: the first flow)
    #[arg(long, value_name = "NAME")]
    flow: Option<String>,
    /// Output: text for people, json for programs (one object per line)
    #[arg(long, value_enum, default_value_t = SimFormat::Text)]
    format: SimFormat,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
enum SimFormat {
    Text,
    Json,
}

/// Where the caller's actions come from.
enum Source {
    Script(VecDeque<CallerAction>),
    Terminal,
    Lines(std::io::StdinLock<'static>),
}

pub fn run(args: &Args) -> Exit {
    let mut source = match &args.keys {
        Some(keys) => match CallerAction::parse_list(keys) {
            Ok(actions) => Source::Script(actions.into()),
            Err(why) => {
                output::error(&format!("--keys: {why}"));
                return Exit::Usage;
            }
        },
        None if std::io::stdin().is_terminal() => Source::Terminal,
        None => Source::Lines(std::io::stdin().lock()),
    };
    let program = match program::program_for(&args.file) {
        Ok(program) => Arc::new(program),
        Err(exit) => return exit,
    };
    let setup = CallSetup {
        caller: args.caller.clone(),
        called: args.called.clone(),
        call_id: args.call_id.clone(),
        at: args.at.clone().unwrap_or_default(),
        flow: args.flow.clone(),
    };
    if let Some(flow) = &args.flow
        && program.flow_named(flow).is_none()
    {
        let flows: Vec<&str> = program.flows.iter().map(|f| f.name.as_str()).collect();
        output::error(&format!(
            "`{}` has no flow `{flow}`; its flows: {}",
            load::name_of(&args.file),
            flows.join(", ")
        ));
        return Exit::Usage;
    }
    let started = match &args.at {
        Some(_) => Call::new(&program, &setup),
        None => Call::at_instant(&program, &setup, now_ms()),
    };
    let mut call = match started {
        Ok(call) => call,
        Err(why) => {
            output::error(&why);
            return Exit::Usage;
        }
    };
    let mut printer = Printer {
        json: args.format == SimFormat::Json,
        fancy: output::stdout_color(),
        interactive: matches!(source, Source::Terminal),
        path: Vec::new(),
    };
    loop {
        for happening in call.advance() {
            printer.print(&happening);
            if let Happening::Failed(_) = happening {
                return Exit::Errors;
            }
        }
        if call.is_over() {
            if let Source::Script(left) = &source
                && !left.is_empty()
            {
                let left: Vec<String> = left.iter().map(ToString::to_string).collect();
                output::stderr(&format!(
                    "note: the call ended before these --keys: {}\n",
                    left.join(", ")
                ));
            }
            return Exit::Clean;
        }
        let Some(wait) = call.waiting().cloned() else {
            return Exit::Clean;
        };
        let state = call.current_state().unwrap_or("?").to_string();
        match next_action(&mut source, &mut call, &wait, &state, printer.json) {
            Ok(happening) => printer.print(&happening),
            Err(exit) => return exit,
        }
    }
}

/// Ask the source for an action that fits `wait` and hand it to the call.
fn next_action(source: &mut Source, call: &mut Call, wait: &Wait, state: &str, json: bool) -> Result<Happening, Exit> {
    match source {
        Source::Script(actions) => {
            let action = actions.pop_front().unwrap_or_else(|| {
                output::stderr(&format!(
                    "note: no more --keys while {state} waits; the caller hangs up\n"
                ));
                CallerAction::Hangup
            });
            call.act(action).map_err(|why| {
                output::error(&format!("--keys, in state `{state}`: {why}"));
                Exit::Errors
            })
        }
        Source::Lines(lines) => loop {
            let Some(line) = read_line(lines)? else {
                // The script ended: the caller puts the phone down.
                return call.act(CallerAction::Hangup).map_err(|_| Exit::Errors);
            };
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let action = CallerAction::parse(line).map_err(|why| {
                output::error(&why);
                Exit::Errors
            })?;
            return call.act(action).map_err(|why| {
                output::error(&format!("in state `{state}`: {why}"));
                Exit::Errors
            });
        },
        Source::Terminal => loop {
            let ask = format!("[{state}] waits for {}; {}\n> ", wait.describe(), wait.hint());
            // Keep stdout pure JSON for programs; people read stderr too.
            if json {
                output::stderr(&ask)
            } else {
                output::stdout(&ask)
            }
            let mut stdin = std::io::stdin().lock();
            let Some(line) = read_line(&mut stdin)? else {
                return call.act(CallerAction::Hangup).map_err(|_| Exit::Errors);
            };
            let line = line.trim();
            if line.is_empty() {
                continue;
            }
            match CallerAction::parse(line).and_then(|action| call.act(action)) {
                Ok(happening) => return Ok(happening),
                // A person mistyped: say why and ask again.
                Err(why) => output::stderr(&format!("{why}\n")),
            }
        },
    }
}

/// One line, or `None` at the end of input.
fn read_line(input: &mut impl BufRead) -> Result<Option<String>, Exit> {
    let mut line = String::new();
    match input.read_line(&mut line) {
        Ok(0) => Ok(None),
        Ok(_) => Ok(Some(line)),
        Err(e) => {
            output::error(&format!("cannot read stdin: {e}"));
            Err(Exit::Usage)
        }
    }
}

fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}

/// Prints happenings as text or JSON lines.
struct Printer {
    json: bool,
    /// Emoji and bold state names (a terminal without NO_COLOR).
    fancy: bool,
    /// A person types the actions: the prompt says what the call waits for,
    /// and what they typed is on the screen already.
    interactive: bool,
    path: Vec<String>,
}

impl Printer {
    fn print(&mut self, happening: &Happening) {
        if let Happening::Entered { state, .. } = happening {
            self.path.push(state.clone());
        }
        let line = if self.json {
            self.json_line(happening).to_string()
        } else if self.interactive && matches!(happening, Happening::Waits(_) | Happening::Input(_)) {
            return;
        } else {
            self.text_line(happening)
        };
        output::stdout(&format!("{line}\n"));
    }

    fn text_line(&self, happening: &Happening) -> String {
        let icon = |emoji: &str| if self.fancy { format!("{emoji} ") } else { String::new() };
        match happening {
            Happening::Entered { state, .. } if self.fancy => format!("\x1b[1m[{state}]\x1b[0m"),
            Happening::Entered { state, .. } => format!("[{state}]"),
            Happening::Moved(t) if t.from == t.to => format!("  {} -> {} (again)", t.outcome, t.to),
            Happening::Moved(t) => format!("  {} -> {}", t.outcome, t.to),
            Happening::Did(Action::Say(text)) => format!("  {}say: {text}", icon("🔊")),
            Happening::Did(Action::Play(source)) => format!("  {}play: {source}", icon("🔊")),
            Happening::Did(Action::Pause(ms)) => format!("  pause {}", action::format_duration(*ms)),
            Happening::Did(Action::StartRecording) => "  (call recording starts)".to_string(),
            Happening::Did(Action::StopRecording) => "  (call recording stops)".to_string(),
            Happening::Waits(wait) => format!("  waits for {}", wait.describe()),
            Happening::Input(action) => format!("  {}caller: {action}", icon("☎️")),
            Happening::Ended(how) => {
                format!("ended: {how}\npath: {}", self.path.join(" -> "))
            }
            Happening::Failed(why) => format!("error: {why}"),
        }
    }

    fn json_line(&self, happening: &Happening) -> serde_json::Value {
        match happening {
            Happening::Entered { state, flow } => json!({"event": "state", "state": state, "flow": flow}),
            Happening::Moved(t) => {
                json!({"event": "transition", "from": t.from, "outcome": t.outcome, "to": t.to})
            }
            Happening::Did(Action::Say(text)) => json!({"event": "effect", "effect": "say", "text": text}),
            Happening::Did(Action::Play(source)) => json!({"event": "effect", "effect": "play", "source": source}),
            Happening::Did(Action::Pause(ms)) => json!({"event": "effect", "effect": "pause", "ms": ms}),
            Happening::Did(Action::StartRecording) => json!({"event": "effect", "effect": "start_recording"}),
            Happening::Did(Action::StopRecording) => json!({"event": "effect", "effect": "stop_recording"}),
            Happening::Waits(Wait::Key { valid_keys }) => {
                json!({"event": "effect", "effect": "menu", "valid_keys": valid_keys})
            }
            Happening::Waits(Wait::Digits { speech, finish_key }) => {
                json!({"event": "effect", "effect": "collect", "speech": speech, "finish_key": finish_key})
            }
            Happening::Waits(Wait::Recording) => json!({"event": "effect", "effect": "record"}),
            Happening::Waits(Wait::Dial { targets }) => {
                json!({"event": "effect", "effect": "dial", "targets": targets})
            }
            Happening::Input(action) => json!({"event": "input", "action": action.to_string()}),
            Happening::Ended(how) => json!({"event": "end", "ending": how, "path": self.path}),
            Happening::Failed(why) => json!({"event": "error", "message": why}),
        }
    }
}
