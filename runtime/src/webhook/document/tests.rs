use super::*;
use crate::vm::CallInfo;
use crate::webhook::test_support::program;
use callflow_compiler::ast::Voice;
use callflow_compiler::targets::model::Route;

const FLOW: &str = r##"flow f {
  start welcome
  voice female
  language "en-US"
}

queue agents {
  hold_music "https://example.com/hold.mp3"
}

step welcome {
  start_recording
  say "Hello {caller}."
  pause 500ms
  goto main
}

menu main {
  say "Press 1 or 2."
  "1" -> ask
  "2" -> queue_up
  timeout -> repeat
  invalid -> repeat
  exhausted -> bye
}

step ask {
  say "Enter your code."
  collect code digits 4 finish "#" timeout 8s
  say "You entered {code}."
  dial "+254711082000" caller_id "{called}" timeout 20s
  on busy -> bye
  on no_answer -> bye
  on failed -> bye
}

step queue_up {
  say "Please hold."
  enqueue agents
}

step bye {
  say "Goodbye."
  hangup
}
"##;

fn vm(text: &str) -> Vm {
    let info = CallInfo {
        caller: "+254722000111".into(),
        called: "+254207654000".into(),
        call_id: "call-1".into(),
        flow: None,
    };
    Vm::new(program(text), info).expect("vm")
}

fn say(step: &Step) -> Option<String> {
    match &step.kind {
        StepKind::Say { text, .. } => Some(text.render()),
        _ => None,
    }
}

fn entry(route: &Route) -> &str {
    match route {
        Route::Entry(id) => id,
        Route::Hangup => "hangup",
    }
}

#[test]
fn the_first_document_ends_at_the_menu_with_the_prompts_before_it() {
    let mut vm = vm(FLOW);
    let live = next(&mut vm, Event::Start, 1, true).expect("starts");
    let doc = &live.document;
    assert_eq!(doc.id, "main-1");
    assert_eq!(
        doc.answers,
        Answers {
            first: true,
            later: false
        }
    );
    // Prompts right before the menu moved into it; the recording switch did not.
    assert_eq!(doc.steps.len(), 1);
    assert_eq!(doc.steps[0].kind, StepKind::StartRecording);
    let EndKind::Menu(menu) = &doc.end.kind else {
        panic!("{:?}", doc.end.kind)
    };
    let heard: Vec<Option<String>> = menu.prompt.iter().map(say).collect();
    assert_eq!(
        heard,
        [
            Some("Hello +254722000111.".to_string()),
            None,
            Some("Press 1 or 2.".to_string())
        ]
    );
    assert_eq!(menu.prompt[1].kind, StepKind::Pause { ms: 500 });
    let StepKind::Say { voice, language, .. } = &menu.prompt[0].kind else {
        panic!()
    };
    assert_eq!((voice, language.as_deref()), (&Some(Voice::Female), Some("en-US")));
    // The VM counts retries: the provider listens once.
    assert_eq!((menu.attempts, menu.timeout_ms), (1, 5_000));
    let keys: Vec<(char, &str)> = menu.routes.keys.iter().map(|(k, r)| (*k, entry(r))).collect();
    assert_eq!(keys, [('1', "main-1/key-1"), ('2', "main-1/key-2")]);
    assert_eq!(entry(&menu.routes.timeout), "main-1/timeout");
    assert_eq!(entry(&menu.routes.invalid), "main-1/invalid");
    assert_eq!(entry(&menu.routes.exhausted), "main-1/exhausted");
    assert_eq!(
        live.wait,
        Wait::Key {
            valid_keys: "12".into()
        }
    );
    assert_eq!((live.hangup, live.fault), (None, None));
}

#[test]
fn a_call_goes_through_collect_and_dial_with_variables_resolved() {
    let mut vm = vm(FLOW);
    next(&mut vm, Event::Start, 1, true).expect("starts");
    let live = next(&mut vm, Event::Digits("1".into()), 2, false).expect("key 1");
    assert_eq!(live.document.id, "ask-2");
    assert_eq!(
        live.document.answers,
        Answers {
            first: false,
            later: true
        }
    );
    let EndKind::Collect(collect) = &live.document.end.kind else {
        panic!()
    };
    assert_eq!(say(&collect.prompt[0]).as_deref(), Some("Enter your code."));
    assert_eq!(
        (
            collect.min_digits,
            collect.max_digits,
            collect.finish_key.as_deref(),
            collect.timeout_ms
        ),
        (Some(4), Some(4), Some("#"), 8_000)
    );
    assert_eq!(collect.speech, None);
    assert_eq!(entry(&collect.next), "ask-2/next");
    assert_eq!(collect.on_timeout.as_ref().map(entry), Some("ask-2/timeout"));
    assert_eq!(live.wait, Wait::Collect { speech: false });

    let live = next(&mut vm, Event::Digits("1234#".into()), 3, false).expect("digits");
    let doc = &live.document;
    assert_eq!(doc.id, "ask-3");
    // A dial takes no prompt: what comes before it stays a step.
    assert_eq!(
        doc.steps.iter().map(say).collect::<Vec<_>>(),
        [Some("You entered 1234.".into())]
    );
    let EndKind::Dial(dial) = &doc.end.kind else { panic!() };
    assert_eq!(dial.targets, [Text::plain("+254711082000")]);
    assert_eq!(dial.caller_id, Some(Text::plain("+254207654000")));
    assert_eq!(dial.timeout_ms, Some(20_000));
    assert_eq!(dial.answered.as_ref().map(entry), Some("ask-3/answered"));
    assert_eq!(entry(&dial.busy), "ask-3/busy");
    assert_eq!(entry(&dial.no_answer), "ask-3/no-answer");
    assert_eq!(entry(&dial.failed), "ask-3/failed");
    assert!(!doc.is_template());
    assert_eq!(live.wait, Wait::Dial);

    // No `on answered`: the call ends with the bridged call.
    let live = next(&mut vm, Event::DialResult(DialOutcome::Answered), 4, false).expect("answered");
    assert_eq!(live.document.end.kind, EndKind::Hangup);
    assert_eq!((live.wait, live.hangup), (Wait::Over, Some(HangupReason::Flow)));
}

#[test]
fn a_handover_keeps_its_prompts_as_steps() {
    let mut vm = vm(FLOW);
    next(&mut vm, Event::Start, 1, true).expect("starts");
    let live = next(&mut vm, Event::Digits("2".into()), 2, false).expect("key 2");
    assert_eq!(live.document.id, "queue_up-2");
    assert_eq!(
        live.document.steps.iter().map(say).collect::<Vec<_>>(),
        [Some("Please hold.".into())]
    );
    assert_eq!(
        live.document.end.kind,
        EndKind::Enqueue {
            queue: "agents".into(),
            hold_music: Some(HoldMusic::Url(Text::plain("https://example.com/hold.mp3"))),
        }
    );
    assert_eq!((live.wait, live.hangup), (Wait::Over, None));
}

#[test]
fn a_replayed_menu_is_the_next_document_and_the_vm_decides_exhaustion() {
    let mut vm = vm(FLOW);
    next(&mut vm, Event::Start, 1, true).expect("starts");
    for number in 2..=3 {
        let live = next(&mut vm, Event::Timeout, number, false).expect("timeout");
        assert_eq!(live.document.id, format!("main-{number}"));
        let EndKind::Menu(menu) = &live.document.end.kind else {
            panic!()
        };
        // Only the menu's own prompt plays again.
        assert_eq!(
            menu.prompt.iter().map(say).collect::<Vec<_>>(),
            [Some("Press 1 or 2.".into())]
        );
    }
    // Two retries used: the third timeout is exhausted.
    let live = next(&mut vm, Event::Timeout, 4, false).expect("exhausted");
    assert_eq!(live.document.id, "bye-4");
    assert_eq!(
        live.document.steps.iter().map(say).collect::<Vec<_>>(),
        [Some("Goodbye.".into())]
    );
    assert_eq!((live.wait, live.hangup), (Wait::Over, Some(HangupReason::Flow)));
}

#[test]
fn an_event_the_vm_does_not_wait_for_changes_nothing() {
    let mut vm = vm(FLOW);
    next(&mut vm, Event::Start, 1, true).expect("starts");
    let refused = next(
        &mut vm,
        Event::RecordingDone {
            location: "x.wav".into(),
            duration_ms: 1,
        },
        2,
        false,
    );
    assert!(matches!(refused, Err(VmError::UnexpectedEvent { .. })), "{refused:?}");
    let live = next(&mut vm, Event::Digits("2".into()), 2, false).expect("still at the menu");
    assert_eq!(live.document.id, "queue_up-2");
}

#[test]
fn recordings_flow_into_later_documents() {
    let mut vm = vm(r##"flow f {
  start leave
}

step leave {
  say "Speak after the tone."
  record message max 60s finish "#" timeout 5s beep trim_silence
  on timeout -> leave
  play "{message}" repeat 2
  hangup
}
"##);
    let live = next(&mut vm, Event::Start, 1, true).expect("starts");
    let EndKind::Record(record) = &live.document.end.kind else {
        panic!()
    };
    assert_eq!(say(&record.prompt[0]).as_deref(), Some("Speak after the tone."));
    assert_eq!((record.max_ms, record.timeout_ms), (Some(60_000), Some(5_000)));
    assert!(record.beep && record.trim_silence);
    assert_eq!(entry(&record.next), "leave-1/next");
    assert_eq!(live.wait, Wait::Record);
    let live = next(
        &mut vm,
        Event::RecordingDone {
            location: "https://rec.example.com/1.mp3".into(),
            duration_ms: 0,
        },
        2,
        false,
    )
    .expect("recorded");
    assert_eq!(
        live.document.steps[0].kind,
        StepKind::Play {
            url: Text::plain("https://rec.example.com/1.mp3"),
            repeat: 2
        }
    );
    assert_eq!(live.document.end.kind, EndKind::Hangup);
}

#[test]
fn speech_collects_carry_their_language() {
    let mut vm = vm(r##"flow f {
  start track
  language "en-GB"
}

step track {
  collect waybill digits 10 speech timeout 8s
  say "Looking up {waybill}."
  hangup
}
"##);
    let live = next(&mut vm, Event::Start, 1, true).expect("starts");
    let EndKind::Collect(collect) = &live.document.end.kind else {
        panic!()
    };
    assert_eq!(collect.speech, Some(Some("en-GB".into())));
    assert_eq!(live.wait, Wait::Collect { speech: true });
    let live = next(&mut vm, Event::Speech("one two".into()), 2, false).expect("speech");
    assert_eq!(say(&live.document.steps[0]).as_deref(), Some("Looking up one two."));
}

#[test]
fn a_fault_ends_the_call_with_a_bare_hangup() {
    // No clock was set, so open_hours cannot run: a VM fault.
    let mut vm = vm(r##"flow f {
  start s
}

step s {
  say "Hello."
  if open_hours("Mon-Fri 08:00-18:00", tz: "Africa/Nairobi") {
    say "We are open."
  }
  hangup
}
"##);
    let live = next(&mut vm, Event::Start, 1, true).expect("a document");
    assert!(live.document.steps.is_empty(), "{:?}", live.document.steps);
    assert_eq!(live.document.end.kind, EndKind::Hangup);
    assert_eq!((live.wait, live.hangup), (Wait::Over, Some(HangupReason::Error)));
    let fault = live.fault.expect("a fault");
    assert!(fault.contains("open_hours"), "{fault}");
    assert!(vm.is_finished());
}
