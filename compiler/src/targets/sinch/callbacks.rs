//! Which SVAML a Sinch callback accepts in its answer.
//!
//! A document that answers the call's first callback (`answers.first`) is
//! the answer to the Incoming Call Event (ICE); one that answers an outcome
//! of an earlier document (`answers.later`) is the answer to a Prompt Input
//! Event (PIE), since `runMenu` is the only Sinch action that reports back
//! and can be answered. The Answered Call Event (ACE) concerns callouts and
//! is not answered with a document of the flow.
//!
//! The action table is the svaml.md one (providers.md §1.4). Sinch's own
//! pages disagree in places: the per-action text of `park` says ICE or PIE,
//! and that of `runMenu` says ICE or ACE; the table is followed, since a
//! `runMenu` that could not answer a PIE would allow only one menu per call.
//! The instructions follow sinch-sdk-node's `IceSvamlInstruction` and
//! `PieSvamlInstruction` unions: `stopRecording` is not accepted in an ICE
//! answer (nor is `answer` in a PIE answer; callflow never writes it).

/// A callback that is answered with SVAML.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Callback {
    Ice,
    Pie,
}

impl Callback {
    pub fn describe(self) -> &'static str {
        match self {
            Callback::Ice => "the answer to the incoming call (ICE)",
            Callback::Pie => "the answer to a menu's input (PIE)",
        }
    }
}

/// Does `callback` accept the action `name`?
pub fn accepts_action(callback: Callback, name: &str) -> bool {
    let (ice, pie) = match name {
        "hangup" | "connectConf" | "runMenu" | "connectPstn" | "connectSip" => (true, true),
        "continue" => (false, true),
        "connectMxp" | "connectStream" | "park" => (true, false),
        _ => (false, false),
    };
    match callback {
        Callback::Ice => ice,
        Callback::Pie => pie,
    }
}

/// Does `callback` accept the instruction `name`?
pub fn accepts_instruction(callback: Callback, name: &str) -> bool {
    match (callback, name) {
        (Callback::Ice, "stopRecording") | (Callback::Pie, "answer") => false,
        (_, "say" | "playFiles" | "sendDtmf" | "setCookie" | "startRecording" | "stopRecording" | "answer") => true,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_action_table_matches_svaml_md() {
        let ice: Vec<&str> = ACTIONS
            .iter()
            .copied()
            .filter(|a| accepts_action(Callback::Ice, a))
            .collect();
        let pie: Vec<&str> = ACTIONS
            .iter()
            .copied()
            .filter(|a| accepts_action(Callback::Pie, a))
            .collect();
        assert_eq!(
            ice,
            [
                "hangup",
                "connectPstn",
                "connectMxp",
                "connectConf",
                "connectSip",
                "connectStream",
                "runMenu",
                "park"
            ]
        );
        assert_eq!(
            pie,
            [
                "hangup",
                "continue",
                "connectPstn",
                "connectConf",
                "connectSip",
                "runMenu"
            ]
        );
    }

    const ACTIONS: [&str; 9] = [
        "hangup",
        "continue",
        "connectPstn",
        "connectMxp",
        "connectConf",
        "connectSip",
        "connectStream",
        "runMenu",
        "park",
    ];

    #[test]
    fn stop_recording_is_not_an_ice_instruction() {
        assert!(!accepts_instruction(Callback::Ice, "stopRecording"));
        assert!(accepts_instruction(Callback::Pie, "stopRecording"));
        assert!(accepts_instruction(Callback::Ice, "startRecording"));
        assert!(!accepts_instruction(Callback::Pie, "nonsense"));
    }
}
