//! Every construct on small programs compiled from source, plus hostile
//! hand-built bytecode.

use super::*;
use callflow_compiler::bytecode::{self, Const, DebugInfo, FlowDef, Instr, StateDef};
use callflow_compiler::project::check_source;
use chrono::TimeZone;

fn program(src: &str) -> Arc<Program> {
    let (project, analysis) = check_source("t.flow", src);
    match bytecode::compile(&project, &analysis) {
        Ok(p) => Arc::new(p),
        Err(e) => panic!("does not compile: {e:#?}"),
    }
}

fn call() -> CallInfo {
    CallInfo {
        caller: "+254700000001".into(),
        called: "+254200000000".into(),
        call_id: "c-1".into(),
        flow: None,
    }
}

fn vm(src: &str) -> Vm {
    Vm::new(program(src), call()).unwrap()
}

fn say(text: &str) -> Effect {
    Effect::Say {
        text: text.into(),
        voice: None,
        language: None,
        repeat: 1,
    }
}

fn hangup() -> Effect {
    Effect::Hangup {
        reason: HangupReason::Flow,
    }
}

/// Resume with each event in turn; the effects it returns.
fn drive(vm: &mut Vm, events: impl IntoIterator<Item = Event>) -> Vec<Effect> {
    events.into_iter().map(|e| vm.resume(e)).collect()
}

fn digits(d: &str) -> Event {
    Event::Digits(d.into())
}

fn flow_and(body: &str) -> String {
    format!("flow f {{\n  start a\n}}\n{body}")
}

/// Unix ms of a UTC date and time.
fn utc(y: i32, mo: u32, d: u32, h: u32, mi: u32) -> i64 {
    chrono::Utc
        .with_ymd_and_hms(y, mo, d, h, mi, 0)
        .unwrap()
        .timestamp_millis()
}

#[test]
fn say_applies_flow_defaults_and_interpolates() {
    let src = "flow f {\n  start a\n  voice female\n  language \"en-US\"\n}\nstep a {\n  say \"Hello {caller}, call {call_id}.\"\n  say \"Karibu.\" voice \"sw-KE-Zuri\" language \"sw-KE\" repeat 2\n  play \"https://x.example/{called}.mp3\" repeat 3\n  pause 1500ms\n  start_recording\n  stop_recording\n  hangup\n}\n";
    let mut vm = vm(src);
    let effects = drive(
        &mut vm,
        [
            Event::Start,
            Event::Done,
            Event::Done,
            Event::Done,
            Event::Done,
            Event::Done,
            Event::Done,
        ],
    );
    assert_eq!(
        effects,
        vec![
            Effect::Say {
                text: "Hello +254700000001, call c-1.".into(),
                voice: Some(Voice::Female),
                language: Some("en-US".into()),
                repeat: 1
            },
            Effect::Say {
                text: "Karibu.".into(),
                voice: Some(Voice::Named("sw-KE-Zuri".into())),
                language: Some("sw-KE".into()),
                repeat: 2
            },
            Effect::Play {
                source: "https://x.example/+254200000000.mp3".into(),
                repeat: 3
            },
            Effect::Pause { ms: 1500 },
            Effect::StartRecording,
            Effect::StopRecording,
            hangup(),
        ]
    );
    assert!(vm.is_finished());
    assert_eq!(vm.resume(Event::Done), Effect::Error(VmError::Finished));
}

const MENU: &str = "flow f {\n  start a\n  input_timeout 7s\n}\nstep a {\n  goto m\n}\nmenu m {\n  say \"Press 1 or 2.\"\n  \"1\" -> one\n  \"2\" -> a\n  \"*\" -> repeat\n  exhausted -> gone\n}\nstep one {\n  say \"One.\"\n  hangup\n}\nstep gone {\n  say \"Bye.\"\n  hangup\n}\n";

#[test]
fn menus_route_keys_and_wait_with_the_flow_timeout() {
    let mut vm = vm(MENU);
    let get_key = Effect::GetKey {
        valid_keys: "12*".into(),
        timeout_ms: 7000,
    };
    assert_eq!(vm.resume(Event::Start), say("Press 1 or 2."));
    assert_eq!(vm.resume(Event::Done), get_key);
    assert_eq!(vm.current_state(), Some("m"));
    assert_eq!(vm.resume(digits("1")), say("One."));
    assert_eq!(vm.current_state(), Some("one"));
    let trace = vm.drain_trace();
    assert_eq!(
        trace,
        vec![
            TraceEvent::EnterState {
                state: "a".into(),
                flow: "f".into()
            },
            TraceEvent::Transition {
                from: "a".into(),
                outcome: "next".into(),
                to: "m".into()
            },
            TraceEvent::EnterState {
                state: "m".into(),
                flow: "f".into()
            },
            TraceEvent::Transition {
                from: "m".into(),
                outcome: "key 1".into(),
                to: "one".into()
            },
            TraceEvent::EnterState {
                state: "one".into(),
                flow: "f".into()
            },
        ]
    );
    assert!(vm.drain_trace().is_empty());
}

#[test]
fn menu_retries_default_to_two_and_then_exhaust() {
    // Unrouted timeout and invalid replay the menu; `*` -> repeat too. With
    // no `retries` anywhere the default is 2: the first play and two replays.
    let mut vm = vm(MENU);
    drive(&mut vm, [Event::Start, Event::Done]);
    assert_eq!(vm.resume(Event::Timeout), say("Press 1 or 2."));
    assert_eq!(
        vm.resume(Event::Done),
        Effect::GetKey {
            valid_keys: "12*".into(),
            timeout_ms: 7000
        }
    );
    assert_eq!(vm.resume(digits("9")), say("Press 1 or 2."), "an invalid key replays");
    vm.resume(Event::Done);
    assert_eq!(vm.resume(digits("*")), say("Bye."), "the third miss is exhausted");
    let trace = vm.drain_trace();
    let outcomes: Vec<&str> = trace
        .iter()
        .filter_map(|t| match t {
            TraceEvent::Transition { outcome, .. } => Some(outcome.as_str()),
            _ => None,
        })
        .collect();
    assert_eq!(outcomes, vec!["next", "timeout", "invalid", "exhausted"]);
}

#[test]
fn entering_a_menu_afresh_resets_its_count() {
    // Key 2 leaves to `a`, which comes straight back: a fresh entry.
    let mut vm = vm(MENU);
    drive(
        &mut vm,
        [
            Event::Start,
            Event::Done,
            Event::Timeout,
            Event::Done,
            Event::Timeout,
            Event::Done,
        ],
    );
    assert_eq!(vm.resume(digits("2")), say("Press 1 or 2."));
    vm.resume(Event::Done);
    assert_eq!(vm.resume(Event::Timeout), say("Press 1 or 2."), "two retries again");
    vm.resume(Event::Done);
    assert_eq!(vm.resume(Event::Timeout), say("Press 1 or 2."));
    vm.resume(Event::Done);
    assert_eq!(vm.resume(Event::Timeout), say("Bye."));
}

#[test]
fn menu_settings_override_the_flow_and_unrouted_exhaustion_hangs_up() {
    let src = "flow f {\n  start m\n  retries 5\n}\nmenu m {\n  say \"Choose.\"\n  retries 1\n  input_timeout 3s\n  \"1\" -> m\n  timeout -> repeat\n  invalid -> repeat\n}\n";
    let mut vm = vm(src);
    assert_eq!(
        drive(&mut vm, [Event::Start, Event::Done]),
        vec![
            say("Choose."),
            Effect::GetKey {
                valid_keys: "1".into(),
                timeout_ms: 3000
            }
        ]
    );
    assert_eq!(vm.resume(Event::Timeout), say("Choose."));
    vm.resume(Event::Done);
    assert_eq!(
        vm.resume(Event::Timeout),
        Effect::Hangup {
            reason: HangupReason::MenuExhausted
        }
    );
    assert!(vm.is_finished());
    // Flow retries apply when the menu has none.
    let src = "flow f {\n  start m\n  retries 0\n}\nmenu m {\n  say \"Choose.\"\n  \"1\" -> m\n  timeout -> repeat\n  invalid -> repeat\n}\n";
    let mut vm = self::vm(src);
    drive(&mut vm, [Event::Start, Event::Done]);
    assert_eq!(
        vm.resume(Event::Timeout),
        Effect::Hangup {
            reason: HangupReason::MenuExhausted
        }
    );
}

#[test]
fn a_menu_key_naming_the_menu_enters_it_afresh() {
    let src = "flow f {\n  start m\n  retries 1\n}\nmenu m {\n  say \"Choose.\"\n  \"1\" -> m\n  timeout -> repeat\n  invalid -> repeat\n  exhausted -> m\n}\n";
    let mut vm = vm(src);
    drive(&mut vm, [Event::Start, Event::Done, Event::Timeout, Event::Done]);
    // Retries are used up; key 1 enters afresh, so a timeout replays again.
    assert_eq!(vm.resume(digits("1")), say("Choose."));
    vm.resume(Event::Done);
    assert_eq!(vm.resume(Event::Timeout), say("Choose."));
    assert!(!vm.is_finished());
}

const COLLECT: &str = "flow f {\n  start a\n  input_timeout 6s\n}\nstep a {\n  collect pin digits 4 finish \"#\" timeout 9s\n  on timeout -> missing\n  say \"PIN {pin}.\"\n  collect account digits 2..8\n  if account == \"\" {\n    say \"Nothing.\"\n    hangup\n  }\n  say \"Account {account}.\"\n  hangup\n}\nstep missing {\n  say \"No PIN.\"\n  hangup\n}\n";

#[test]
fn collect_stores_digits_without_the_finish_key() {
    let mut vm = vm(COLLECT);
    assert_eq!(
        vm.resume(Event::Start),
        Effect::Collect {
            min_digits: Some(4),
            max_digits: Some(4),
            finish_key: Some("#".into()),
            timeout_ms: 9000,
            speech: false,
            speech_language: None
        }
    );
    assert_eq!(vm.resume(digits("1234#")), say("PIN 1234."));
    assert_eq!(
        vm.resume(Event::Done),
        Effect::Collect {
            min_digits: Some(2),
            max_digits: Some(8),
            finish_key: None,
            timeout_ms: 6000,
            speech: false,
            speech_language: None
        }
    );
    assert_eq!(vm.resume(digits("5566")), say("Account 5566."));
}

#[test]
fn collect_timeouts_routed_and_unrouted() {
    let mut vm = vm(COLLECT);
    vm.resume(Event::Start);
    assert_eq!(
        vm.resume(Event::Timeout),
        say("No PIN."),
        "routed: on timeout -> missing"
    );
    assert_eq!(vm.current_state(), Some("missing"));

    let mut vm = self::vm(COLLECT);
    drive(&mut vm, [Event::Start, digits("1111"), Event::Done]);
    assert_eq!(vm.resume(Event::Timeout), say("Nothing."), "unrouted: empty and on");
}

#[test]
fn collect_takes_speech_only_when_asked() {
    let src = flow_and(
        "step a {\n  collect waybill digits 10 speech language \"en-GB\"\n  say \"{waybill}\"\n  collect pin digits 4\n  say \"{pin}\"\n  hangup\n}\n",
    );
    let mut vm = vm(&src);
    assert!(matches!(
        vm.resume(Event::Start),
        Effect::Collect { speech: true, speech_language: Some(ref l), .. } if l == "en-GB"
    ));
    assert_eq!(vm.resume(Event::Speech("one two three".into())), say("one two three"));
    vm.resume(Event::Done);
    let refused = vm.resume(Event::Speech("four".into()));
    assert!(
        matches!(refused, Effect::Error(VmError::UnexpectedEvent { event: "speech", .. })),
        "{refused:?}"
    );
    assert_eq!(
        vm.resume(digits("4444")),
        say("4444"),
        "still waiting for the same collect"
    );
}

#[test]
fn record_stores_its_location_and_routes_timeouts() {
    let src = flow_and(
        "step a {\n  record message max 60s finish \"#\" timeout 5s beep trim_silence\n  on timeout -> none\n  play \"{message}\"\n  hangup\n}\nstep none {\n  say \"Nothing recorded.\"\n  hangup\n}\n",
    );
    let mut vm = vm(&src);
    assert_eq!(
        vm.resume(Event::Start),
        Effect::Record {
            max_ms: Some(60_000),
            finish_key: Some("#".into()),
            timeout_ms: Some(5000),
            beep: true,
            trim_silence: true
        }
    );
    assert_eq!(
        vm.resume(Event::RecordingDone {
            location: "rec/1.wav".into(),
            duration_ms: 4200
        }),
        Effect::Play {
            source: "rec/1.wav".into(),
            repeat: 1
        }
    );
    let mut vm2 = Vm::new(program(&src), call()).unwrap();
    vm2.resume(Event::Start);
    assert_eq!(vm2.resume(Event::Timeout), say("Nothing recorded."));
}

const DIAL: &str = "flow f {\n  start a\n}\nstep a {\n  set desk = \"+254711082000\"\n  dial \"{desk}\", \"sip:sales@pbx.example.com\" sequential caller_id \"{called}\" timeout 25s max_duration 15m record send_digits \"ww1#\" ringback \"ring.wav\"\n  on busy -> engaged\n  say \"Nobody answered.\"\n  dial \"+254711082001\"\n  on answered -> after\n  on busy -> engaged\n  on no_answer -> engaged\n  on failed -> engaged\n}\nstep engaged {\n  say \"Busy.\"\n  hangup\n}\nstep after {\n  say \"Thanks.\"\n  hangup\n}\n";

#[test]
fn dial_outcomes_route_fall_through_or_end() {
    let mut vm = vm(DIAL);
    assert_eq!(
        vm.resume(Event::Start),
        Effect::Dial {
            targets: vec!["+254711082000".into(), "sip:sales@pbx.example.com".into()],
            mode: Some(DialMode::Sequential),
            caller_id: Some("+254200000000".into()),
            timeout_ms: Some(25_000),
            max_duration_ms: Some(900_000),
            record: true,
            send_digits: Some("ww1#".into()),
            ringback: Some("ring.wav".into())
        }
    );
    // Routed busy.
    let mut busy = Vm::new(program(DIAL), call()).unwrap();
    busy.resume(Event::Start);
    assert_eq!(busy.resume(Event::DialResult(DialOutcome::Busy)), say("Busy."));
    // Unrouted answered: the call ends with the bridged call.
    let mut answered = Vm::new(program(DIAL), call()).unwrap();
    answered.resume(Event::Start);
    assert_eq!(answered.resume(Event::DialResult(DialOutcome::Answered)), hangup());
    assert!(answered.is_finished());
    // Unrouted no_answer and failed: the next statement.
    assert_eq!(
        vm.resume(Event::DialResult(DialOutcome::NoAnswer)),
        say("Nobody answered.")
    );
    assert!(matches!(vm.resume(Event::Done), Effect::Dial { .. }));
    // Routed answered: continue after the bridged call.
    assert_eq!(vm.resume(Event::DialResult(DialOutcome::Answered)), say("Thanks."));
    let transitions: Vec<String> = vm
        .drain_trace()
        .into_iter()
        .filter_map(|t| match t {
            TraceEvent::Transition { from, outcome, to } => Some(format!("{from} -{outcome}-> {to}")),
            _ => None,
        })
        .collect();
    assert_eq!(transitions, vec!["a -answered-> after"]);
}

#[test]
fn terminal_actions_end_the_call() {
    let cases = [
        (
            "queue q {\n  hold_music \"https://x.example/hold.mp3\"\n}\nstep a {\n  enqueue q\n}\n",
            Effect::Enqueue {
                queue: "q".into(),
                hold_music: Some(HoldMusic::Audio("https://x.example/hold.mp3".into())),
            },
        ),
        (
            "queue q {\n  hold_music \"https://x.example/hold.mp3\"\n}\nstep a {\n  enqueue q hold_music music1\n}\n",
            Effect::Enqueue {
                queue: "q".into(),
                hold_music: Some(HoldMusic::Builtin("music1".into())),
            },
        ),
        (
            "queue q\nstep a {\n  dequeue q number \"+254201234567\"\n}\n",
            Effect::Dequeue {
                queue: "q".into(),
                number: Some("+254201234567".into()),
            },
        ),
        (
            "step a {\n  park intro \"Hold on.\" hold \"hold.wav\" max 10m\n}\n",
            Effect::Park {
                intro: Some("Hold on.".into()),
                hold: Some("hold.wav".into()),
                max_ms: Some(600_000),
            },
        ),
        (
            "step a {\n  conference \"room-{call_id}\" muted beep start_on_enter end_on_exit max_duration 1h hold_music ring\n}\n",
            Effect::Conference {
                room: "room-c-1".into(),
                hold_music: Some(HoldMusic::Builtin("ring".into())),
                muted: true,
                beep: true,
                start_on_enter: true,
                end_on_exit: true,
                max_duration_ms: Some(3_600_000),
            },
        ),
        (
            "step a {\n  stream \"wss://bot.example.com/media\" max_duration 10m\n}\n",
            Effect::Stream {
                url: "wss://bot.example.com/media".into(),
                max_duration_ms: Some(600_000),
            },
        ),
        (
            "step a {\n  redirect \"https://x.example/ivr?id={call_id}\"\n}\n",
            Effect::Redirect {
                url: "https://x.example/ivr?id=c-1".into(),
            },
        ),
        (
            "step a {\n  reject busy\n}\n",
            Effect::Reject {
                reason: Some(RejectReason::Busy),
            },
        ),
        ("step a {\n  reject\n}\n", Effect::Reject { reason: None }),
    ];
    for (body, want) in cases {
        let mut vm = vm(&flow_and(body));
        let got = vm.resume(Event::Start);
        assert_eq!(got, want, "{body}");
        assert!(got.is_terminal() && vm.is_finished(), "{body}");
        assert_eq!(vm.resume(Event::Done), Effect::Error(VmError::Finished), "{body}");
    }
}

#[test]
fn set_arithmetic_comparisons_and_functions() {
    let src = flow_and(
        "step a {\n  set n = 0\n  set n = n + 1\n  set n = n + 1.5\n  set label = \"try-\" + n\n  set d = 2s + 500ms\n  say \"{n} {label} {d}\"\n  collect pin digits 4\n  if pin >= 9 and pin == 0042 {\n    say \"numeric\"\n  }\n  if pin == \"0042\" and not (pin == \"42\") and length(pin) == 4 and starts_with(caller, \"+254\") and ends_with(caller, \"01\") and contains(pin, \"04\") {\n    say \"text\"\n  }\n  if \"9\" < \"10\" and \"abc\" < \"abd\" and pin - 2 == 40 and d > 2s {\n    say \"ordered\"\n  }\n  hangup\n}\n",
    );
    let mut vm = vm(&src);
    assert_eq!(vm.resume(Event::Start), say("2.5 try-2.5 2500ms"));
    vm.resume(Event::Done);
    assert_eq!(vm.resume(digits("0042")), say("numeric"));
    assert_eq!(vm.resume(Event::Done), say("text"));
    assert_eq!(vm.resume(Event::Done), say("ordered"));
    assert_eq!(vm.resume(Event::Done), hangup());
}

#[test]
fn if_else_chains() {
    let src = flow_and(
        "step a {\n  collect day digits 1\n  if day == \"1\" {\n    set name = \"Monday\"\n  } else if day == \"2\" {\n    set name = \"Tuesday\"\n  } else {\n    say \"Other.\"\n    hangup\n  }\n  say \"{name}\"\n  hangup\n}\n",
    );
    for (day, want) in [("1", "Monday"), ("2", "Tuesday"), ("7", "Other.")] {
        let mut vm = vm(&src);
        vm.resume(Event::Start);
        assert_eq!(vm.resume(digits(day)), say(want));
    }
}

const HOURS: &str = "flow f {\n  start a\n  timezone \"Europe/Berlin\"\n}\nstep a {\n  if open_hours(\"Mon-Fri 08:00-18:00\") {\n    say \"Open.\"\n    hangup\n  }\n  if open_hours(\"Sat 09:00-10:00\", tz: \"America/New_York\") {\n    say \"New York.\"\n    hangup\n  }\n  say \"Closed.\"\n  hangup\n}\n";

fn hours_at(unix_ms: Option<i64>) -> Effect {
    let mut vm = vm(HOURS);
    if let Some(ms) = unix_ms {
        vm.set_clock(ms);
    }
    vm.resume(Event::Start)
}

#[test]
fn open_hours_in_the_flow_zone_and_the_calls_tz() {
    // Wednesday 2026-01-07: 10:00 UTC is 11:00 in Berlin (CET, UTC+1).
    assert_eq!(hours_at(Some(utc(2026, 1, 7, 10, 0))), say("Open."));
    // 17:30 UTC is 18:30 in Berlin: closed (18:00 is excluded).
    assert_eq!(hours_at(Some(utc(2026, 1, 7, 17, 30))), say("Closed."));
    assert_eq!(hours_at(Some(utc(2026, 1, 7, 16, 59))), say("Open."));
    // Saturday 2026-01-10 14:30 UTC is 09:30 in New York (EST, UTC-5).
    assert_eq!(hours_at(Some(utc(2026, 1, 10, 14, 30))), say("New York."));
    assert_eq!(hours_at(Some(utc(2026, 1, 10, 9, 30))), say("Closed."));
}

#[test]
fn open_hours_follows_daylight_saving_time() {
    // Berlin moves to CEST (UTC+2) on Sunday 2026-03-29. 06:30 UTC on a
    // Monday is 07:30 local before the change (closed) and 08:30 after (open).
    assert_eq!(hours_at(Some(utc(2026, 3, 23, 6, 30))), say("Closed."));
    assert_eq!(hours_at(Some(utc(2026, 3, 30, 6, 30))), say("Open."));
    // New York moves to EDT (UTC-4) on 2026-03-08: 13:30 UTC on a Saturday is
    // 08:30 EST before (closed) and 09:30 EDT after (open).
    assert_eq!(hours_at(Some(utc(2026, 3, 7, 13, 30))), say("Closed."));
    assert_eq!(hours_at(Some(utc(2026, 3, 14, 13, 30))), say("New York."));
}

#[test]
fn open_hours_without_a_clock_is_a_fault() {
    assert!(matches!(hours_at(None), Effect::Error(VmError::ClockNotSet { .. })));
    let mut vm = vm(HOURS);
    let effect = vm.resume(Event::Start);
    assert!(matches!(effect, Effect::Error(ref e) if e.is_fatal()));
    assert!(vm.is_finished());
}

#[test]
fn redirect_flow_switches_defaults_and_start() {
    let src = "flow public {\n  start a\n  voice female\n  retries 0\n}\nflow staff {\n  start s\n  voice male\n  language \"en-GB\"\n}\nstep a {\n  say \"Public.\"\n  redirect flow staff\n}\nstep s {\n  say \"Staff {caller}.\"\n  hangup\n}\n";
    let mut vm = vm(src);
    assert_eq!(vm.current_flow(), Some("public"));
    assert_eq!(
        vm.resume(Event::Start),
        Effect::Say {
            text: "Public.".into(),
            voice: Some(Voice::Female),
            language: None,
            repeat: 1
        }
    );
    assert_eq!(
        vm.resume(Event::Done),
        Effect::Say {
            text: "Staff +254700000001.".into(),
            voice: Some(Voice::Male),
            language: Some("en-GB".into()),
            repeat: 1
        }
    );
    assert_eq!((vm.current_flow(), vm.current_state()), (Some("staff"), Some("s")));
    assert!(vm.drain_trace().contains(&TraceEvent::EnterState {
        state: "s".into(),
        flow: "staff".into()
    }));
    // A call can also start in a named flow.
    let mut staff = Vm::new(
        program(src),
        CallInfo {
            flow: Some("staff".into()),
            ..call()
        },
    )
    .unwrap();
    assert!(matches!(staff.resume(Event::Start), Effect::Say { ref text, .. } if text.starts_with("Staff")));
    assert_eq!(
        Vm::new(
            program(src),
            CallInfo {
                flow: Some("nope".into()),
                ..call()
            }
        )
        .err(),
        Some(VmError::NoSuchFlow("nope".into()))
    );
}

#[test]
fn unexpected_events_change_nothing() {
    let mut vm = vm(MENU);
    assert!(matches!(
        vm.resume(Event::Done),
        Effect::Error(VmError::UnexpectedEvent {
            event: "done",
            expected: "start"
        })
    ));
    assert_eq!(vm.resume(Event::Start), say("Press 1 or 2."));
    for wrong in [
        digits("1"),
        Event::Start,
        Event::Timeout,
        Event::DialResult(DialOutcome::Busy),
    ] {
        let e = vm.resume(wrong);
        assert!(
            matches!(e, Effect::Error(ref err @ VmError::UnexpectedEvent { .. }) if !err.is_fatal()),
            "{e:?}"
        );
    }
    assert_eq!(
        vm.resume(Event::Done),
        Effect::GetKey {
            valid_keys: "12*".into(),
            timeout_ms: 7000
        }
    );
    let e = vm.resume(Event::RecordingDone {
        location: "x".into(),
        duration_ms: 1,
    });
    assert!(matches!(e, Effect::Error(VmError::UnexpectedEvent { .. })));
    assert_eq!(vm.resume(digits("1")), say("One."));
}

#[test]
fn caller_hangup_ends_the_call_at_any_time() {
    let mut vm = vm(MENU);
    drive(&mut vm, [Event::Start, Event::Done]);
    assert_eq!(
        vm.resume(Event::CallerHangup),
        Effect::Hangup {
            reason: HangupReason::CallerHungUp
        }
    );
    assert!(vm.is_finished());
    assert_eq!(vm.resume(Event::CallerHangup), Effect::Error(VmError::Finished));
    let mut before_start = self::vm(MENU);
    assert!(matches!(
        before_start.resume(Event::CallerHangup),
        Effect::Hangup { .. }
    ));
}

// ── hand-built bytecode ─────────────────────────────────────────────────────

fn hand_built(code: Vec<Instr>) -> Arc<Program> {
    let p = Program {
        consts: vec![Const::Str("x".into())],
        vars: vec!["caller".into(), "called".into(), "call_id".into(), "v".into()],
        flows: vec![FlowDef {
            name: "f".into(),
            start: 0,
            voice: None,
            language: None,
            input_timeout_ms: None,
            retries: None,
            timezone: None,
        }],
        states: vec![StateDef {
            name: "s".into(),
            entry: 0,
            menu: None,
        }],
        schedules: Vec::new(),
        code,
        debug: DebugInfo::default(),
    };
    assert_eq!(p.verify(), Ok(()), "the loader accepts it");
    Arc::new(p)
}

#[test]
fn an_input_free_loop_hits_the_instruction_cap() {
    let mut vm = Vm::new(hand_built(vec![Instr::Jump(0)]), call()).unwrap();
    assert_eq!(vm.resume(Event::Start), Effect::Error(VmError::StepLimit { pc: 0 }));
    assert!(vm.is_finished());
    // A loop through `goto` to its own state is capped too.
    let mut vm = Vm::new(hand_built(vec![Instr::Goto(0)]), call()).unwrap();
    vm.set_tracing(false);
    assert!(matches!(
        vm.resume(Event::Start),
        Effect::Error(VmError::StepLimit { .. })
    ));
}

#[test]
fn hostile_stacks_and_values_are_bounded() {
    let mut vm = Vm::new(hand_built(vec![Instr::Push(0), Instr::Jump(0)]), call()).unwrap();
    assert!(matches!(
        vm.resume(Event::Start),
        Effect::Error(VmError::StackOverflow { .. })
    ));
    let mut vm = Vm::new(hand_built(vec![Instr::Add, Instr::Hangup]), call()).unwrap();
    assert!(matches!(
        vm.resume(Event::Start),
        Effect::Error(VmError::StackUnderflow { pc: 0 })
    ));
    // v = caller; loop { v = v + v }: doubles until the text cap.
    let doubling = vec![
        Instr::Load(0),
        Instr::Store(3),
        Instr::Load(3),
        Instr::Load(3),
        Instr::Add,
        Instr::Store(3),
        Instr::Jump(2),
    ];
    let mut vm = Vm::new(hand_built(doubling), call()).unwrap();
    assert!(matches!(
        vm.resume(Event::Start),
        Effect::Error(VmError::ValueTooLarge { pc: 4 })
    ));
    let mut vm = Vm::new(
        hand_built(vec![Instr::Push(0), Instr::JumpIfFalse(0), Instr::Hangup]),
        call(),
    )
    .unwrap();
    assert!(matches!(
        vm.resume(Event::Start),
        Effect::Error(VmError::TypeMismatch { .. })
    ));
}

#[test]
fn falling_off_a_step_hangs_up() {
    let code = vec![
        Instr::Say {
            text: 0,
            voice: None,
            language: None,
            repeat: 1,
        },
        Instr::End,
    ];
    let mut vm = Vm::new(hand_built(code), call()).unwrap();
    assert_eq!(
        drive(&mut vm, [Event::Start, Event::Done]),
        vec![
            say("x"),
            Effect::Hangup {
                reason: HangupReason::FellOffEnd
            }
        ]
    );
}

#[test]
fn unverified_programs_fault_instead_of_panicking() {
    let p = Program {
        vars: vec!["caller".into(), "called".into(), "call_id".into()],
        flows: vec![FlowDef {
            name: "f".into(),
            start: 0,
            voice: None,
            language: None,
            input_timeout_ms: None,
            retries: None,
            timezone: None,
        }],
        states: vec![StateDef {
            name: "s".into(),
            entry: 0,
            menu: None,
        }],
        code: vec![Instr::Push(99), Instr::Hangup],
        ..Program::default()
    };
    let mut vm = Vm::new(Arc::new(p), call()).unwrap();
    assert!(matches!(
        vm.resume(Event::Start),
        Effect::Error(VmError::BadProgram { pc: 0, .. })
    ));
    assert_eq!(
        Vm::new(Arc::new(Program::default()), call()).err(),
        Some(VmError::NoFlows)
    );
}

// ── the examples ────────────────────────────────────────────────────────────

fn example(name: &str) -> Arc<Program> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples");
    let text = std::fs::read_to_string(dir.join(name)).unwrap();
    let project = callflow_compiler::project::Project::load(name, &text, &mut |_, path| {
        std::fs::read_to_string(dir.join(path))
            .map(|t| (path.to_string(), t))
            .map_err(|e| e.to_string())
    });
    let analysis = callflow_compiler::project::analyze(&project);
    let p = bytecode::compile(&project, &analysis).unwrap();
    // Through the bytes, as a host would get it.
    Arc::new(bytecode::load(&bytecode::encode(&p)).unwrap())
}

#[test]
fn the_support_line_end_to_end() {
    let p = example("support.flow");
    // Monday 2026-01-05 10:00 in Nairobi (UTC+3).
    let mut vm = Vm::new(Arc::clone(&p), call()).unwrap();
    vm.set_clock(utc(2026, 1, 5, 7, 0));
    let effects = drive(
        &mut vm,
        [
            Event::Start,
            Event::Done,
            Event::Done,
            Event::Timeout,
            Event::Done,
            digits("1"),
            Event::Done,
        ],
    );
    assert!(matches!(effects.get(1), Some(Effect::Say { text, .. }) if text.starts_with("For sales")));
    assert!(
        matches!(effects.get(2), Some(Effect::GetKey { valid_keys, timeout_ms: 5000 }) if valid_keys == "123*"),
        "{effects:?}"
    );
    assert_eq!(effects.get(3), effects.get(1), "a timeout replays the menu");
    assert!(
        matches!(effects.get(6), Some(Effect::Dial { targets, .. }) if targets.len() == 2),
        "{effects:?}"
    );
    assert_eq!(
        vm.resume(Event::DialResult(DialOutcome::Busy)),
        say_with_defaults("Our sales team cannot take your call right now.")
    );
    vm.drain_trace();
    assert!(vm.state_size() < 1024, "{} bytes", vm.state_size());
    // Sunday: closed, so voicemail.
    let mut vm = Vm::new(p, call()).unwrap();
    vm.set_clock(utc(2026, 1, 4, 7, 0));
    let effects = drive(&mut vm, [Event::Start, Event::Done, Event::Done, Event::Done]);
    assert!(
        matches!(effects.get(3), Some(Effect::Record { beep: true, .. })),
        "{effects:?}"
    );
    let trace = vm.drain_trace();
    assert!(trace.contains(&TraceEvent::EnterState {
        state: "voicemail".into(),
        flow: "acme_support".into()
    }));
}

fn say_with_defaults(text: &str) -> Effect {
    Effect::Say {
        text: text.into(),
        voice: Some(Voice::Female),
        language: Some("en-US".into()),
        repeat: 1,
    }
}

#[test]
fn a_calls_state_is_small() {
    let p = example("bank_balance.flow");
    let mut vm = Vm::new(p, call()).unwrap();
    drive(
        &mut vm,
        [
            Event::Start,
            Event::Done,
            Event::Done,
            Event::Done,
            digits("1"),
            Event::Done,
        ],
    );
    vm.drain_trace();
    assert!(std::mem::size_of::<Vm>() <= 160, "{}", std::mem::size_of::<Vm>());
    assert!(vm.state_size() < 1024, "{}", vm.state_size());
    eprintln!(
        "size_of::<Vm>() = {}, state_size = {}",
        std::mem::size_of::<Vm>(),
        vm.state_size()
    );
}
