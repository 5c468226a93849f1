//! What is checked before the SIP host answers its first call: actions it
//! cannot carry out yet are refused, and every prompt that can be prepared
//! ahead (`say` of a fixed text, `play` of a fixed file) is rendered or
//! loaded, so a missing file or voice stops the start-up instead of a call.
//!
//! The program is walked instruction by instruction (every instruction, not
//! only the reachable ones: a flow is either runnable here or it is not),
//! and problems are located with the bytecode's debug positions.

use crate::media::prompts::Prompts;
use crate::vm::Voice;
use callflow_compiler::bytecode::{Const, Instr, Program, VoiceRef};
use std::fmt;

/// A problem and where in the source it is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    pub message: String,
    pub help: String,
    /// `file:line`, when the program has debug positions.
    pub location: Option<String>,
    /// The source line.
    pub source: Option<String>,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "error: {}", self.message)?;
        if let Some(location) = &self.location {
            writeln!(f, "  --> {location}")?;
        }
        if let Some(source) = &self.source {
            writeln!(f, "   |  {}", source.trim())?;
        }
        write!(f, "help: {}", self.help)
    }
}

fn problem(program: &Program, pc: usize, message: String, help: &str) -> Problem {
    let loc = program.debug.code.get(pc);
    let file = loc.and_then(|l| program.debug.files.get(l.file as usize));
    let location = loc.zip(file).map(|(l, f)| format!("{}:{}", f.name, l.line));
    let source = loc.zip(file).and_then(|(l, f)| {
        f.lines
            .iter()
            .find(|(line, _)| *line == l.line)
            .map(|(_, text)| text.clone())
    });
    Problem {
        message,
        help: help.to_string(),
        location,
        source,
    }
}

/// The name of an action the SIP host cannot run yet, if `instr` is one.
fn unsupported(program: &Program, instr: &Instr) -> Option<&'static str> {
    Some(match instr {
        Instr::Dial(_) => "dial",
        Instr::Enqueue { .. } => "enqueue",
        Instr::Dequeue { .. } => "dequeue",
        Instr::Park { .. } => "park",
        Instr::Conference(_) => "conference",
        Instr::Stream { .. } => "stream",
        Instr::RedirectUrl(_) => "redirect to a URL",
        Instr::StartRecording => "start_recording",
        Instr::StopRecording => "stop_recording",
        Instr::Collect(op) if op.speech => "collect … speech",
        Instr::Play { source, .. } => match program.consts.get(*source as usize) {
            Some(Const::Str(s)) if s.contains("://") => "play of a URL",
            _ => return None,
        },
        _ => return None,
    })
}

/// Every action of the program the SIP host cannot carry out.
pub fn refusals(program: &Program) -> Vec<Problem> {
    program
        .code
        .iter()
        .enumerate()
        .filter_map(|(pc, instr)| {
            let what = unsupported(program, instr)?;
            Some(problem(
                program,
                pc,
                format!("the SIP runtime cannot run `{what}` yet"),
                "the SIP runtime plays prompts, takes keys and records; serve this flow with \
                 `--webhook --target T` for a provider, or remove the action",
            ))
        })
        .collect()
}

/// Does the program say anything (so it needs espeak-ng)?
pub fn speaks(program: &Program) -> bool {
    program.code.iter().any(|i| matches!(i, Instr::Say { .. }))
}

/// Does it record?
pub fn records(program: &Program) -> bool {
    program.code.iter().any(|i| matches!(i, Instr::Record(_)))
}

fn text(program: &Program, index: u32) -> Option<&str> {
    match program.consts.get(index as usize)? {
        Const::Str(s) => Some(s),
        _ => None,
    }
}

/// Render every fixed `say` and load every fixed `play`; check the voices
/// of interpolated ones. Returns what failed.
pub fn prepare_prompts(program: &Program, prompts: &Prompts) -> Vec<Problem> {
    let mut problems = Vec::new();
    for (pc, instr) in program.code.iter().enumerate() {
        match instr {
            Instr::Say {
                text: t,
                voice,
                language,
                ..
            } => {
                // The flow's defaults apply where the statement says nothing;
                // a statement may run in any flow, so check each flow's.
                let flows: Vec<(Option<Voice>, Option<&str>)> = match program.flows.is_empty() {
                    true => vec![(None, None)],
                    false => program
                        .flows
                        .iter()
                        .map(|f| {
                            let v = voice.or(f.voice);
                            let l = language.or(f.language);
                            (v.and_then(|v| to_voice(program, v)), l.and_then(|l| text(program, l)))
                        })
                        .collect(),
                };
                for (v, l) in flows {
                    let key = match prompts.say_key(text(program, *t).unwrap_or(""), v.as_ref(), l) {
                        Ok(key) => key,
                        Err(why) => {
                            problems.push(problem(
                                program,
                                pc,
                                why,
                                "choose a language espeak-ng has (`espeak-ng --voices`), or install its voice",
                            ));
                            break;
                        }
                    };
                    if text(program, *t).is_none() {
                        continue; // interpolated: rendered at call time
                    }
                    if let Err(why) = prompts.say(&key) {
                        problems.push(problem(program, pc, why, "check that espeak-ng works"));
                        break;
                    }
                }
            }
            Instr::Play { source, .. } => {
                let Some(source) = text(program, *source) else {
                    continue;
                };
                if source.contains("://") {
                    continue; // refused by `refusals`
                }
                if let Err(why) = prompts.play(source) {
                    problems.push(problem(
                        program,
                        pc,
                        format!("cannot play {why}"),
                        "give the path of a WAV file, relative to the flow (or `audio_dir` in callflow.toml)",
                    ));
                }
            }
            _ => {}
        }
    }
    problems
}

fn to_voice(program: &Program, v: VoiceRef) -> Option<Voice> {
    Some(match v {
        VoiceRef::Male => Voice::Male,
        VoiceRef::Female => Voice::Female,
        VoiceRef::Named(c) => Voice::Named(text(program, c)?.to_string()),
    })
}

#[cfg(test)]
mod tests;
