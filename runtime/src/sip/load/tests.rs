use super::*;
use crate::webhook::test_support::program;
use std::path::Path;

#[test]
fn actions_the_sip_runtime_cannot_run_are_named_with_their_line() {
    let p = program(
        "flow f {\n  start s\n}\n\nstep s {\n  say \"Hello.\"\n  dial \"+254711082000\"\n  on busy -> q\n  hangup\n}\n\nqueue agents {\n}\n\nstep q {\n  enqueue agents\n}\n",
    );
    let problems = refusals(&p);
    let messages: Vec<&str> = problems.iter().map(|p| p.message.as_str()).collect();
    assert_eq!(
        messages,
        vec![
            "the SIP runtime cannot run `dial` yet",
            "the SIP runtime cannot run `enqueue` yet"
        ]
    );
    assert_eq!(problems[0].location.as_deref(), Some("test.flow:7"));
    assert_eq!(
        problems[0].source.as_deref().map(str::trim),
        Some("dial \"+254711082000\"")
    );
    let shown = problems[1].to_string();
    assert!(
        shown.starts_with("error: the SIP runtime cannot run `enqueue` yet\n  --> test.flow:16\n"),
        "{shown}"
    );
}

#[test]
fn urls_speech_and_call_recording_are_refused_too() {
    let p = program(
        "flow f {\n  start s\n}\n\nstep s {\n  play \"https://example.com/a.mp3\"\n  collect x digits 4 speech\n  start_recording\n  say \"{x}\"\n  hangup\n}\n",
    );
    let names: Vec<String> = refusals(&p).into_iter().map(|p| p.message).collect();
    assert_eq!(names.len(), 3, "{names:?}");
    assert!(names[0].contains("play of a URL"));
    assert!(names[1].contains("collect … speech"));
    assert!(names[2].contains("start_recording"));
}

#[test]
fn a_flow_of_prompts_keys_and_recordings_is_accepted() {
    let p = program(
        "flow f {\n  start m\n}\n\nmenu m {\n  say \"Press 1.\"\n  \"1\" -> r\n  timeout -> repeat\n  invalid -> repeat\n  exhausted -> r\n}\n\nstep r {\n  record msg max 10s\n  play \"{msg}\"\n  reject busy\n}\n",
    );
    assert!(refusals(&p).is_empty());
    assert!(speaks(&p) && records(&p));
}

#[test]
fn missing_audio_files_are_found_at_start_up() {
    let dir = std::env::temp_dir().join(format!("callflow-load-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    crate::media::audio::write_wav(&dir.join("here.wav"), &[0; 80]).unwrap();
    let p = program(
        "flow f {\n  start s\n}\n\nstep s {\n  play \"here.wav\"\n  play \"missing.wav\"\n  play \"{caller}.wav\"\n  hangup\n}\n",
    );
    let prompts = Prompts::without_speech(&dir);
    let problems = prepare_prompts(&p, &prompts);
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(problems[0].message.contains("missing.wav"), "{}", problems[0].message);
    assert_eq!(problems[0].location.as_deref(), Some("test.flow:7"));
}

#[test]
fn say_without_espeak_is_a_start_up_problem() {
    let p = program("flow f {\n  start s\n}\n\nstep s {\n  say \"Hi.\"\n  hangup\n}\n");
    let problems = prepare_prompts(&p, &Prompts::without_speech(Path::new(".")));
    assert_eq!(problems.len(), 1);
    assert!(problems[0].message.contains("espeak-ng"));
}
