use super::*;
use crate::media::audio::write_wav;
use crate::webhook::test_support::program;
use std::path::Path;

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("callflow-call-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// A call of `flow` (its `play "prompt.wav"` is 1 s of tone in `dir`), answered at `t0`.
fn call(flow: &str, dir: &Path, settings: Settings) -> (CallCore, Instant) {
    let tone: Vec<i16> = (0..8_000).map(|i| if i % 16 < 8 { 3_000 } else { -3_000 }).collect();
    write_wav(&dir.join("prompt.wav"), &tone).unwrap();
    let prompts = Prompts::without_speech(dir);
    // Loaded ahead, as `load::prepare_prompts` does at start-up.
    prompts.play("prompt.wav").unwrap();
    let prompts = Arc::new(prompts);
    let mut vm = Vm::new(program(flow), crate::vm::CallInfo::default()).unwrap();
    let first = vm.resume(Event::Start);
    let trace = vm.drain_trace();
    let mut core = CallCore::new(CallMeta::default(), vm, first, trace, prompts, Arc::new(settings));
    let t0 = Instant::now();
    core.start(t0, "PCMU", "rfc4733");
    (core, t0)
}

/// Run the call's clock from `from` to `to` in 20 ms steps as the driver
/// does, each prompt heard when its last frame has played (not ahead);
/// returns the 20 ms frames heard in the window. It starts with nothing
/// queued: call it again mid-prompt only after a key or a hangup.
fn run(core: &mut CallCore, from: Instant, to: Instant) -> usize {
    let mut frames = 0;
    let mut now = from;
    let mut heard_at: Option<Instant> = None;
    while now < to {
        if let Some(end) = heard_at.filter(|end| now >= *end) {
            heard_at = None;
            core.prompt_heard(end);
        }
        if heard_at.is_none()
            && let Some(prompt) = core.take_prompt()
        {
            let slots = u32::try_from(prompt.clip.frames()).unwrap() * prompt.plays;
            heard_at = Some(now + Duration::from_millis(20) * slots);
        }
        if heard_at.is_some_and(|end| now < end) && core.is_playing() {
            frames += 1;
        }
        core.tick(now);
        now += Duration::from_millis(20);
    }
    frames
}

fn events(core: &mut CallCore) -> Vec<Value> {
    core.drain()
        .into_iter()
        .map(|o| match o {
            CallOut::Log(v) => v,
            CallOut::Render(job) => panic!("no render expected: {job:?}"),
            CallOut::Hangup => json!({"event": "hangup-out"}),
        })
        .collect()
}

fn states(events: &[Value]) -> Vec<String> {
    events
        .iter()
        .filter(|e| e["event"] == "state")
        .map(|e| e["state"].as_str().unwrap_or("").to_string())
        .collect()
}

fn ended(events: &[Value]) -> Option<String> {
    events
        .iter()
        .find(|e| e["event"] == "end")
        .map(|e| e["reason"].as_str().unwrap_or("").to_string())
}

const MENU: &str = "flow f {\n  start main\n  input_timeout 3s\n}\n\nmenu main {\n  play \"prompt.wav\"\n  retries 0\n  \"1\" -> one\n  timeout -> repeat\n  invalid -> repeat\n  exhausted -> gone\n}\n\nstep one {\n  play \"prompt.wav\"\n  hangup\n}\n\nstep gone {\n  hangup\n}\n";

#[test]
fn a_prompt_plays_for_its_length_then_the_menu_waits() {
    let dir = scratch("menu");
    let (mut core, t0) = call(MENU, &dir, Settings::default());
    // 1 s of prompt is 50 frames; then silence while the menu waits.
    assert_eq!(run(&mut core, t0, t0 + Duration::from_millis(1_500)), 50);
    assert!(!core.is_playing());
    core.digit(t0 + Duration::from_millis(1_500), '1');
    assert!(core.is_playing(), "step one plays");
    assert_eq!(
        run(
            &mut core,
            t0 + Duration::from_millis(1_500),
            t0 + Duration::from_secs(3)
        ),
        50
    );
    let ev = events(&mut core);
    assert_eq!(states(&ev), vec!["main", "one"]);
    assert_eq!(ended(&ev).as_deref(), Some("hangup"));
    assert!(core.is_over());
}

#[test]
fn a_key_during_the_prompt_stops_it_and_goes_to_the_menu() {
    let dir = scratch("bargein");
    let (mut core, t0) = call(MENU, &dir, Settings::default());
    assert_eq!(run(&mut core, t0, t0 + Duration::from_millis(200)), 10);
    assert!(!core.take_cut(), "nothing was cut yet");
    core.digit(t0 + Duration::from_millis(200), '1');
    assert!(core.take_cut(), "the driver must drop the audio it queued ahead");
    assert!(!core.take_cut(), "told once");
    let ev = events(&mut core);
    assert_eq!(states(&ev), vec!["main", "one"]);
}

#[test]
fn no_key_is_a_timeout_and_retries_run_out() {
    let dir = scratch("timeout");
    let (mut core, t0) = call(MENU, &dir, Settings::default());
    // 1 s prompt + 3 s wait: exhausted (retries 0) at about 4 s.
    run(&mut core, t0, t0 + Duration::from_millis(3_900));
    assert!(!core.is_over());
    run(
        &mut core,
        t0 + Duration::from_millis(3_900),
        t0 + Duration::from_millis(4_200),
    );
    let ev = events(&mut core);
    assert_eq!(states(&ev), vec!["main", "gone"]);
    assert!(core.is_over());
}

const COLLECT: &str = "flow f {\n  start ask\n}\n\nstep ask {\n  collect pin digits 2..4 finish \"#\" timeout 2s\n  on timeout -> missing\n  if pin == \"12\" {\n    goto right\n  }\n  goto wrong\n}\n\nstep right {\n  hangup\n}\n\nstep wrong {\n  hangup\n}\n\nstep missing {\n  hangup\n}\n";

#[test]
fn collect_ends_at_the_finish_key() {
    let dir = scratch("collect");
    let (mut core, t0) = call(COLLECT, &dir, Settings::default());
    for (i, key) in ['1', '2', '#'].into_iter().enumerate() {
        core.digit(t0 + Duration::from_millis(300 * i as u64), key);
    }
    assert_eq!(states(&events(&mut core)), vec!["ask", "right"]);
}

#[test]
fn collect_ends_at_its_maximum_and_the_timeout_runs_from_the_last_key() {
    let dir = scratch("collect2");
    let (mut core, t0) = call(COLLECT, &dir, Settings::default());
    for (i, key) in ['1', '2', '3', '4'].into_iter().enumerate() {
        core.digit(t0 + Duration::from_millis(1_500 * i as u64), key);
    }
    assert_eq!(states(&events(&mut core)), vec!["ask", "wrong"]);
    // Two keys, then silence: enough digits, so they are the answer.
    let (mut core, t0) = call(COLLECT, &dir, Settings::default());
    core.digit(t0 + Duration::from_millis(1_000), '1');
    core.digit(t0 + Duration::from_millis(2_500), '2');
    run(&mut core, t0, t0 + Duration::from_millis(4_400));
    assert_eq!(states(&events(&mut core)), vec!["ask"]);
    run(
        &mut core,
        t0 + Duration::from_millis(4_400),
        t0 + Duration::from_millis(4_600),
    );
    assert_eq!(states(&events(&mut core)), vec!["right"]);
    // One key is fewer than the minimum: a timeout.
    let (mut core, t0) = call(COLLECT, &dir, Settings::default());
    core.digit(t0, '1');
    run(&mut core, t0, t0 + Duration::from_secs(3));
    assert_eq!(states(&events(&mut core)), vec!["ask", "missing"]);
}

#[test]
fn keys_typed_ahead_go_to_the_next_collect() {
    let flow = COLLECT.replace(
        "step ask {\n",
        "step ask {\n  play \"prompt.wav\"\n  play \"prompt.wav\"\n",
    );
    let dir = scratch("typeahead");
    let (mut core, t0) = call(&flow, &dir, Settings::default());
    core.digit(t0 + Duration::from_millis(100), '1');
    assert!(!core.is_playing(), "both prompts skipped");
    core.digit(t0 + Duration::from_millis(200), '2');
    core.digit(t0 + Duration::from_millis(300), '#');
    assert_eq!(states(&events(&mut core)), vec!["ask", "right"]);
}

const RECORD: &str = "flow f {\n  start rec\n}\n\nstep rec {\n  record msg max 5s finish \"#\" timeout 2s\n  on timeout -> nothing\n  goto done\n}\n\nstep done {\n  hangup\n}\n\nstep nothing {\n  hangup\n}\n";

fn speech(ms: u64) -> Vec<i16> {
    (0..ms * 8).map(|i| if i % 20 < 10 { 4_000 } else { -4_000 }).collect()
}

/// Settings whose recordings go to a fresh `rec` directory under `dir`.
fn recording_settings(dir: &Path) -> Settings {
    let settings = Settings {
        recordings_dir: dir.join("rec"),
        ..Settings::default()
    };
    std::fs::create_dir_all(&settings.recordings_dir).unwrap();
    settings
}

/// The length of the call's one recording, from its log line.
fn recorded_ms(events: &[Value]) -> u64 {
    let rec = events.iter().find(|e| e["event"] == "recording").expect("a recording");
    rec["duration_ms"].as_u64().expect("its length")
}

fn recorded(settings: &Settings) -> Vec<PathBuf> {
    std::fs::read_dir(&settings.recordings_dir)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .collect()
}

#[test]
fn a_recording_ends_after_silence_and_its_file_has_the_audio() {
    let dir = scratch("record");
    let settings = recording_settings(&dir);
    let (mut core, t0) = call(RECORD, &dir, settings.clone());
    // 1.5 s of speech in 20 ms packets, then silence.
    for (i, chunk) in speech(1_500).chunks(160).enumerate() {
        let at = t0 + Duration::from_millis(20 * i as u64);
        core.audio_in(at, chunk);
        core.tick(at);
    }
    let mut now = t0 + Duration::from_millis(1_500);
    while now < t0 + Duration::from_millis(3_600) {
        core.audio_in(now, &[0; 160]);
        core.tick(now);
        now += Duration::from_millis(20);
    }
    let ev = events(&mut core);
    assert_eq!(states(&ev), vec!["rec", "done"]);
    let rec = ev.iter().find(|e| e["event"] == "recording").unwrap();
    let ms = rec["duration_ms"].as_u64().unwrap();
    assert!(
        (3_400..=3_600).contains(&ms),
        "speech and the silence that ended it: {ms}"
    );
    let files = recorded(&settings);
    assert_eq!(files.len(), 1);
    assert_eq!(rec["path"].as_str(), files[0].to_str());
    let r = hound::WavReader::open(&files[0]).unwrap();
    assert_eq!(u64::from(r.duration()) / 8, ms);
}

#[test]
fn a_recording_of_nobody_is_a_timeout_and_leaves_no_file() {
    let dir = scratch("record-silent");
    let settings = recording_settings(&dir);
    let (mut core, t0) = call(RECORD, &dir, settings.clone());
    run(&mut core, t0, t0 + Duration::from_millis(2_100));
    assert_eq!(states(&events(&mut core)), vec!["rec", "nothing"]);
    assert!(recorded(&settings).is_empty());
}

#[test]
fn a_recording_is_flushed_every_second_and_ends_at_the_finish_key() {
    let dir = scratch("record-flush");
    let settings = recording_settings(&dir);
    let (mut core, t0) = call(RECORD, &dir, settings.clone());
    for (i, chunk) in speech(1_200).chunks(160).enumerate() {
        let at = t0 + Duration::from_millis(20 * i as u64);
        core.audio_in(at, chunk);
        core.tick(at);
    }
    // Mid-recording, the file on disk already holds at least a second.
    let files = recorded(&settings);
    let on_disk = hound::WavReader::open(&files[0]).unwrap().duration();
    assert!(on_disk >= 8_000, "{on_disk}");
    core.digit(t0 + Duration::from_millis(1_200), '#');
    let ev = events(&mut core);
    assert_eq!(states(&ev), vec!["rec", "done"]);
    let ms = recorded_ms(&ev);
    assert_eq!(ms, 1_200);
}

#[test]
fn the_longest_call_is_hung_up() {
    let dir = scratch("maxdur");
    let settings = Settings {
        max_call_duration: Duration::from_secs(2),
        ..Settings::default()
    };
    let (mut core, t0) = call(COLLECT, &dir, settings);
    run(&mut core, t0, t0 + Duration::from_millis(1_900));
    core.digit(t0 + Duration::from_millis(1_900), '1');
    run(
        &mut core,
        t0 + Duration::from_millis(1_900),
        t0 + Duration::from_millis(2_100),
    );
    let ev = events(&mut core);
    assert_eq!(ended(&ev).as_deref(), Some("max_duration"));
    assert!(ev.iter().any(|e| e["event"] == "hangup-out"));
}

#[test]
fn the_caller_hanging_up_mid_prompt_ends_the_call_without_our_bye() {
    let dir = scratch("callerbye");
    let (mut core, t0) = call(MENU, &dir, Settings::default());
    run(&mut core, t0, t0 + Duration::from_millis(300));
    core.caller_hung_up(t0 + Duration::from_millis(300));
    let ev = events(&mut core);
    assert_eq!(ended(&ev).as_deref(), Some("caller_bye"));
    assert!(!ev.iter().any(|e| e["event"] == "hangup-out"));
    assert!(core.is_over() && !core.is_playing());
}

#[test]
fn a_prompt_not_ready_is_rendered_off_the_call_then_played() {
    let dir = scratch("render");
    write_wav(&dir.join("late.wav"), &[500; 1_600]).unwrap();
    let flow = MENU.replace("step one {\n  play \"prompt.wav\"", "step one {\n  play \"late.wav\"");
    let (mut core, t0) = call(&flow, &dir, Settings::default());
    core.digit(t0, '1');
    let outs = core.drain();
    let job = outs
        .iter()
        .find_map(|o| match o {
            CallOut::Render(job) => Some(job.clone()),
            _ => None,
        })
        .expect("a render job");
    assert_eq!(job, RenderJob::Play("late.wav".to_string()));
    assert!(!core.is_playing(), "silent while it renders");
    let clip = job.run(&Prompts::without_speech(&dir));
    core.rendered(t0 + Duration::from_millis(30), clip);
    assert!(core.is_playing());
    assert_eq!(
        run(&mut core, t0, t0 + Duration::from_millis(400)),
        10,
        "200 ms of audio"
    );
    // A render that fails is skipped, and the call goes on.
    let (mut core, t0) = call(&flow, &dir, Settings::default());
    core.digit(t0, '1');
    core.drain();
    core.rendered(t0, Err("gone".to_string()));
    let ev = events(&mut core);
    assert!(ev.iter().any(|e| e["event"] == "error"));
    assert_eq!(ended(&ev).as_deref(), Some("hangup"));
}

#[test]
fn a_prompt_is_taken_once_and_what_follows_is_timed_from_when_it_was_heard() {
    let dir = scratch("heard");
    let (mut core, t0) = call(MENU, &dir, Settings::default());
    let prompt = core.take_prompt().expect("the menu's prompt");
    assert_eq!((prompt.clip.frames(), prompt.plays), (50, 1));
    assert!(prompt.follow_early, "another prompt may be queued behind it");
    assert!(core.take_prompt().is_none(), "taken once");
    assert!(core.is_playing(), "it plays until it is heard");
    // The driver says so ahead of the end: the menu's 3 s count from the end.
    let heard = t0 + Duration::from_secs(1);
    core.prompt_heard(heard);
    assert!(!core.is_playing());
    core.tick(heard + Duration::from_millis(2_980));
    assert!(!core.is_over(), "still waiting for a key");
    core.tick(heard + Duration::from_secs(3));
    assert_eq!(states(&events(&mut core)), vec!["main", "gone"]);
}

#[test]
fn a_prompt_stopped_by_a_key_is_not_taken_for_the_next_one_heard() {
    let dir = scratch("heard-cut");
    let (mut core, t0) = call(MENU, &dir, Settings::default());
    assert!(core.take_prompt().is_some());
    core.digit(t0 + Duration::from_millis(100), '1');
    assert!(core.take_cut());
    // The driver's word about the stopped prompt comes late: ignored.
    core.prompt_heard(t0 + Duration::from_secs(1));
    assert!(core.is_playing(), "step one's prompt still plays");
    assert!(core.take_prompt().is_some(), "and is yet to be taken");
    assert_eq!(states(&events(&mut core)), vec!["main", "one"]);
}

#[test]
fn the_beep_is_heard_to_its_end_before_the_recording_starts() {
    let dir = scratch("beep");
    let settings = recording_settings(&dir);
    let flow = RECORD.replace("timeout 2s", "timeout 2s beep");
    let (mut core, t0) = call(&flow, &dir, settings);
    let beep = core.take_prompt().expect("the beep");
    assert!(!beep.follow_early, "the recording must not start while it plays");
    let heard = t0 + Duration::from_millis(250);
    core.prompt_heard(heard);
    // Audio from before that instant (the driver spoke ahead) is not kept.
    core.audio_in(t0 + Duration::from_millis(100), &speech(20));
    let mut now = heard;
    for chunk in speech(500).chunks(160) {
        core.audio_in(now, chunk);
        now += Duration::from_millis(20);
    }
    core.digit(now, '#');
    let ev = events(&mut core);
    let ms = recorded_ms(&ev);
    assert_eq!(ms, 500);
}

#[test]
fn a_call_ended_mid_prompt_stops_the_prompt_and_one_ended_by_the_flow_does_not() {
    let dir = scratch("end-cut");
    let (mut core, t0) = call(MENU, &dir, Settings::default());
    assert!(core.take_prompt().is_some());
    core.end(t0 + Duration::from_millis(300), "shutdown");
    assert!(
        core.take_cut(),
        "the driver drops the rest of the prompt and hangs up at once"
    );
    let (mut core, t0) = call(MENU, &dir, Settings::default());
    core.digit(t0, '1');
    assert!(core.take_cut(), "the key stopped the menu's prompt");
    let prompt = core.take_prompt().expect("step one's prompt");
    core.prompt_heard(t0 + Duration::from_millis(20) * u32::try_from(prompt.clip.frames()).unwrap());
    assert!(core.is_over(), "step one hangs up after its prompt");
    assert!(!core.take_cut(), "what is left of the prompt is heard before the BYE");
}
