use super::*;
use crate::webhook::test_support::program;
use callflow_compiler::targets::model::EndKind;

fn key_wait() -> Wait {
    Wait::Key {
        valid_keys: "12*".into(),
    }
}

fn report(f: impl FnOnce(&mut Report)) -> Report {
    let mut report = Report::default();
    f(&mut report);
    report
}

#[test]
fn menus_take_keys_values_invalid_choices_and_silence() {
    let wait = key_wait();
    let digits = |s: &str| Ok(Event::Digits(s.into()));
    assert_eq!(event_for(&wait, &report(|r| r.keys = Some("2".into()))), digits("2"));
    assert_eq!(event_for(&wait, &report(|r| r.value = Some("*".into()))), digits("*"));
    // An invalid choice is a key the menu does not list.
    assert_eq!(event_for(&wait, &report(|r| r.invalid = true)), digits("0"));
    assert_eq!(
        event_for(&wait, &report(|r| r.speech = Some("sales".into()))),
        digits("0")
    );
    assert_eq!(event_for(&wait, &Report::default()), Ok(Event::Timeout));
    // A dial result means nothing to a menu.
    assert_eq!(
        event_for(&wait, &report(|r| r.dial = Some(DialOutcome::NoAnswer))),
        Ok(Event::Timeout)
    );
    let every_key = Wait::Key {
        valid_keys: "0123456789*#".into(),
    };
    assert_eq!(event_for(&every_key, &report(|r| r.invalid = true)), Ok(Event::Timeout));
}

#[test]
fn collects_take_digits_and_speech_where_allowed() {
    let keys_only = Wait::Collect { speech: false };
    let speech = Wait::Collect { speech: true };
    let digits = report(|r| r.keys = Some("1234#".into()));
    assert_eq!(event_for(&keys_only, &digits), Ok(Event::Digits("1234#".into())));
    let value = report(|r| r.value = Some("1234".into()));
    assert_eq!(event_for(&keys_only, &value), Ok(Event::Digits("1234".into())));
    assert_eq!(event_for(&speech, &value), Ok(Event::Digits("1234".into())));
    let words = report(|r| r.value = Some("one two".into()));
    assert_eq!(event_for(&speech, &words), Ok(Event::Speech("one two".into())));
    assert!(event_for(&keys_only, &words).unwrap_err().contains("keys only"));
    // Said, even if it sounds like digits.
    let said = report(|r| r.speech = Some("42".into()));
    assert_eq!(event_for(&speech, &said), Ok(Event::Speech("42".into())));
    assert_eq!(event_for(&keys_only, &said), Ok(Event::Digits("42".into())));
    assert_eq!(event_for(&speech, &Report::default()), Ok(Event::Timeout));
}

#[test]
fn records_and_dials() {
    let recorded = report(|r| r.recording = Some("https://r.example.com/1.mp3".into()));
    assert_eq!(
        event_for(&Wait::Record, &recorded),
        Ok(Event::RecordingDone {
            location: "https://r.example.com/1.mp3".into(),
            duration_ms: 0
        })
    );
    assert_eq!(event_for(&Wait::Record, &Report::default()), Ok(Event::Timeout));
    let busy = report(|r| r.dial = Some(DialOutcome::Busy));
    assert_eq!(event_for(&Wait::Dial, &busy), Ok(Event::DialResult(DialOutcome::Busy)));
    // A dial that comes back without saying how it ended failed.
    assert_eq!(
        event_for(&Wait::Dial, &Report::default()),
        Ok(Event::DialResult(DialOutcome::Failed))
    );
    assert!(event_for(&Wait::Over, &Report::default()).is_err());
}

const FLOW: &str = r##"flow f {
  start main
}

menu main {
  say "Press 1 to be connected."
  "1" -> connect
  timeout -> repeat
  invalid -> repeat
  exhausted -> bye
}

step connect {
  dial "+254711082000"
  on busy -> bye
  on no_answer -> bye
  on failed -> bye
}

step bye {
  say "Goodbye."
  hangup
}
"##;

fn new_call() -> Call {
    let info = CallInfo {
        caller: "+254722000111".into(),
        called: "+254207654000".into(),
        call_id: "call-7".into(),
        flow: None,
    };
    Call::new(program(FLOW), info, Some("leg-1".into())).expect("call")
}

fn document(answer: &Answer) -> &Document {
    match &answer.reply {
        Reply::Document(doc) => doc,
        other => panic!("expected a document, got {other:?}"),
    }
}

#[test]
fn a_call_runs_from_report_to_report() {
    let mut call = new_call();
    assert_eq!(call.first_leg(), Some("leg-1"));
    assert_eq!(call.current(), None);
    let answer = call.start(0);
    assert_eq!(document(&answer).id, "main-1");
    assert_eq!(call.current().map(|c| c.id.as_str()), Some("main-1"));
    assert!(call.check_answers("main-1").is_ok());
    let stale = call.check_answers("main-0").unwrap_err();
    assert_eq!(stale.status, 409);
    assert!(stale.message.contains("`main-1`"), "{}", stale.message);

    let answer = call.report(&report(|r| r.keys = Some("1".into())), 0).expect("key 1");
    assert_eq!(document(&answer).id, "connect-2");
    let answer = call
        .report(&report(|r| r.dial = Some(DialOutcome::Busy)), 0)
        .expect("busy");
    assert_eq!(document(&answer).id, "bye-3");
    assert!(call.is_over());
    let after = call.report(&Report::default(), 0).unwrap_err();
    assert_eq!(after.status, 409);
    assert!(after.message.contains("over"), "{}", after.message);
}

#[test]
fn words_at_a_menu_are_an_invalid_choice() {
    let mut call = new_call();
    call.start(0);
    let answer = call
        .report(&report(|r| r.value = Some("hello".into())), 0)
        .expect("a menu takes words as an invalid key");
    // `invalid -> repeat`: the menu again.
    assert_eq!(document(&answer).id, "main-2");
}

#[test]
fn an_answer_while_the_bridge_is_up_lets_it_go_on() {
    let mut call = new_call();
    call.start(0);
    call.report(&report(|r| r.keys = Some("1".into())), 0).expect("key 1");
    // The flow has no `on answered`: it ends with the bridged call.
    assert_eq!(call.answered(0).reply, Reply::Continue);
    assert!(call.is_over());
    // An answer for a call that is not dialling is the provider's own.
    let mut idle = new_call();
    idle.start(0);
    assert_eq!(idle.answered(0).reply, Reply::Continue);
    assert_eq!(idle.current().map(|c| c.id.as_str()), Some("main-1"));
}

#[test]
fn failing_a_call_hangs_up_and_finishes_it() {
    let mut call = new_call();
    call.start(0);
    let answer = call.fail("the provider reported an error".into());
    let doc = document(&answer);
    assert_eq!(doc.id, "main-2");
    assert_eq!(doc.end.kind, EndKind::Hangup);
    assert_eq!(answer.fault.as_deref(), Some("the provider reported an error"));
    assert!(call.is_over());
}

#[test]
fn the_last_answer_is_replayed_for_its_own_request_only() {
    let mut call = new_call();
    let answer = call.start(0);
    call.remember(42, &answer, true);
    // A first callback again is a retry, whatever names it.
    assert_eq!(call.replay(42, false), Some(&answer));
    assert_eq!(call.replay(43, false), None);
    let next = call.report(&Report::default(), 0).expect("timeout");
    call.remember(7, &next, false);
    // A later request is a retry only when it names its document.
    assert_eq!(call.replay(7, true), Some(&next));
    assert_eq!(call.replay(7, false), None);
}
