//! Driving the VM through one scenario: the scripted caller answers every
//! wait with the next action of `input`, and the transcript records what the
//! call did for `compare` and coverage.

use super::coverage::Transition;
use super::file::Scenario;
use super::host::{Call, Happening};
use callflow_compiler::bytecode::Program;
use std::sync::Arc;

/// What one simulated call did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Transcript {
    /// Every state entered, in order.
    pub path: Vec<String>,
    pub transitions: Vec<Transition>,
    /// What the caller heard: `say` texts, and `play <location>` for audio.
    pub prompts: Vec<String>,
    /// How the call ended (`hangup`, `enqueue agents` …), if it did.
    pub ending: Option<String>,
    /// Why the call could not be run to its end as scripted.
    pub problem: Option<String>,
}

impl Transcript {
    /// Add what happened to the transcript.
    pub fn record(&mut self, happening: &Happening) {
        match happening {
            Happening::Entered { state, .. } => self.path.push(state.clone()),
            Happening::Moved(t) => self.transitions.push(t.clone()),
            Happening::Did(action) => self.prompts.extend(action.heard()),
            Happening::Ended(how) => self.ending = Some(how.clone()),
            Happening::Failed(why) => self.problem = Some(why.clone()),
            Happening::Waits(_) | Happening::Input(_) => {}
        }
    }
}

/// Run `scenario` against `program`.
pub fn run(program: &Arc<Program>, scenario: &Scenario) -> Transcript {
    let mut transcript = Transcript::default();
    let mut call = match Call::new(program, &scenario.call) {
        Ok(call) => call,
        Err(why) => {
            transcript.problem = Some(format!("the call cannot start: {why}"));
            return transcript;
        }
    };
    let mut input = scenario.input.iter().enumerate();
    loop {
        for happening in call.advance() {
            transcript.record(&happening);
        }
        if call.is_over() {
            break;
        }
        let Some(wait) = call.waiting().map(|w| w.describe()) else {
            break;
        };
        let state = call.current_state().unwrap_or("?").to_string();
        let Some((index, action)) = input.next() else {
            transcript.problem = Some(format!(
                "in state `{state}` the call waits for {wait}, but `input` has no more actions"
            ));
            return transcript;
        };
        if let Err(why) = call.act(action.clone()) {
            transcript.problem = Some(format!("input {} in state `{state}`: {why}", index + 1));
            return transcript;
        }
    }
    let left: Vec<String> = input.map(|(_, action)| format!("`{action}`")).collect();
    if !left.is_empty() && transcript.problem.is_none() {
        transcript.problem = Some(format!(
            "the call ended ({}) with {} caller action{} left over: {}",
            transcript.ending.as_deref().unwrap_or("?"),
            left.len(),
            if left.len() == 1 { "" } else { "s" },
            left.join(", ")
        ));
    }
    transcript
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::ScenarioFile;
    use crate::scenario::compare::compare;
    use callflow_compiler::bytecode;
    use callflow_compiler::project::check_source;

    const FLOW: &str = r##"flow front {
  start main
  retries 1
}

flow staff {
  start desk
}

menu main {
  say "Press 1 to ask, 2 for staff."
  "1" -> ask
  "2" -> to_staff
  timeout -> repeat
  invalid -> repeat
}

step ask {
  collect what digits 1..4 finish "#"
  on timeout -> main
  say "You said {what}."
  dial "+254711082000"
  say "Nobody answered."
  hangup
}

step to_staff {
  redirect flow staff
}

step desk {
  say "Staff desk."
  hangup
}
"##;

    fn program() -> Arc<Program> {
        let (project, analysis) = check_source("t.flow", FLOW);
        match bytecode::compile(&project, &analysis) {
            Ok(program) => Arc::new(program),
            Err(errors) => panic!("{errors:?}"),
        }
    }

    fn scenario(body: &str) -> Scenario {
        let text = format!("[[scenario]]\nname = \"s\"\n{body}\n");
        match ScenarioFile::parse(&text) {
            Ok(mut file) => file.scenarios.remove(0),
            Err(errors) => panic!("{errors:?}"),
        }
    }

    fn transcript(body: &str) -> Transcript {
        run(&program(), &scenario(body))
    }

    #[test]
    fn a_call_is_recorded_with_path_prompts_and_ending() {
        let t = transcript(r#"input = ["7", "1", "12#", "answered"]"#);
        assert_eq!(t.problem, None);
        assert_eq!(t.path, ["main", "ask"]);
        assert_eq!(
            t.prompts,
            [
                "Press 1 to ask, 2 for staff.",
                "Press 1 to ask, 2 for staff.",
                "You said 12."
            ]
        );
        assert_eq!(t.ending.as_deref(), Some("dial answered"));
        let moves: Vec<String> = t.transitions.iter().map(ToString::to_string).collect();
        assert_eq!(moves, ["main --invalid--> main", "main --key 1--> ask"]);
    }

    #[test]
    fn an_unanswered_dial_continues_and_exhaustion_hangs_up() {
        let t = transcript(r#"input = ["1", "9", "busy"]"#);
        assert_eq!(
            (t.prompts.last().map(String::as_str), t.ending.as_deref()),
            (Some("Nobody answered."), Some("hangup"))
        );
        let t = transcript(r#"input = ["timeout", "timeout"]"#);
        assert_eq!(
            (t.path.as_slice(), t.ending.as_deref()),
            (&["main".to_string()][..], Some("hangup"))
        );
        let t = transcript(r#"input = ["1", "hangup"]"#);
        assert_eq!(t.ending.as_deref(), Some("caller hangup"));
    }

    #[test]
    fn redirect_flow_is_named_and_followed() {
        let t = transcript(r#"input = ["2"]"#);
        assert_eq!(t.path, ["main", "to_staff", "desk"]);
        let moves: Vec<String> = t.transitions.iter().map(ToString::to_string).collect();
        assert_eq!(moves, ["main --key 2--> to_staff", "to_staff --redirect flow--> desk"]);
        let t = transcript("flow = \"staff\"");
        assert_eq!(
            (t.path.as_slice(), t.ending.as_deref()),
            (&["desk".to_string()][..], Some("hangup"))
        );
    }

    #[test]
    fn script_problems_are_worded_for_people() {
        let problem = |body: &str| transcript(body).problem.unwrap_or_default();
        assert_eq!(
            problem(r#"input = ["12"]"#),
            "input 1 in state `main`: `12` is several keys, but a menu takes one key"
        );
        assert_eq!(
            problem(r#"input = ["1", "speech \"two\""]"#),
            "input 2 in state `ask`: `speech \"two\"` does not fit: this collect takes keys only (it has no `speech`)"
        );
        assert_eq!(
            problem(r#"input = ["1", "1#", "timeout"]"#),
            "input 3 in state `ask`: `timeout` does not fit: the call waits for the result of dialling +254711082000"
        );
        assert_eq!(
            problem(r#"input = ["1", "record 3s"]"#),
            "input 2 in state `ask`: `record 3s` does not fit: the call waits for digits, ending with # (collect)"
        );
        assert_eq!(
            problem(r#"input = ["2", "1", "busy"]"#),
            "the call ended (hangup) with 2 caller actions left over: `1`, `busy`"
        );
        assert_eq!(
            problem("flow = \"nope\""),
            "the call cannot start: the program has no flow `nope`"
        );
    }

    #[test]
    fn compare_sees_the_transcript() {
        let s = scenario("input = [\"2\"]\npath = [\"main\", \"desk\"]\nends = \"hangup\"");
        let mismatches = compare(&s.expect, &run(&program(), &s));
        let whats: Vec<&str> = mismatches.iter().map(|m| m.what).collect();
        assert_eq!(whats, ["path"]);
    }
}
