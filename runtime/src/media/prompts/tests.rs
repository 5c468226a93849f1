use super::*;

fn espeak_available() -> bool {
    let ok = Command::new("espeak-ng")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        assert!(
            std::env::var_os("CI").is_none(),
            "espeak-ng is missing under CI; .ci/run installs it"
        );
        eprintln!("note: espeak-ng not available, skipping");
    }
    ok
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("callflow-prompts-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn voices_follow_language_and_gender() {
    if !espeak_available() {
        return;
    }
    let dir = scratch("voices");
    let p = Prompts::new("espeak-ng", "en-us", &dir, &dir).unwrap();
    assert_eq!(p.voice_for(None, None).unwrap(), "en-us");
    assert_eq!(p.voice_for(None, Some("en-US")).unwrap(), "en-us");
    assert_eq!(p.voice_for(None, Some("sw-KE")).unwrap(), "sw");
    assert_eq!(p.voice_for(Some(&Voice::Female), Some("en-GB")).unwrap(), "en-gb+f3");
    assert!(p.voice_for(None, Some("xx-YY")).is_err());
    assert!(p.voice_for(Some(&Voice::Named("Polly.Joanna".into())), None).is_err());
    assert!(Prompts::new("espeak-ng", "xx-nowhere", &dir, &dir).is_err());
    assert!(Prompts::new("/nonexistent/espeak", "en-us", &dir, &dir).is_err());
}

#[test]
fn speech_is_rendered_once_at_8_khz_and_cached_on_disk() {
    if !espeak_available() {
        return;
    }
    let dir = scratch("cache");
    let p = Prompts::new("espeak-ng", "en-us", &dir, &dir).unwrap();
    let key = p.say_key("For sales, press 1.", None, None).unwrap();
    assert!(p.cached_say(&key).is_none());
    let clip = p.say(&key).unwrap();
    // About a second and a half of speech at 8 kHz, and not silence.
    assert!((6_000..24_000).contains(&clip.len()), "{}", clip.len());
    assert!(clip.samples().iter().any(|s| s.unsigned_abs() > 2_000));
    assert!(Arc::ptr_eq(&clip, &p.cached_say(&key).unwrap()));
    let files: Vec<_> = std::fs::read_dir(&dir).unwrap().flatten().collect();
    assert_eq!(files.len(), 2, "a .wav and its .key");
    // A fresh store (a restart) reads the disk cache instead of espeak-ng.
    let q = Prompts::new("/bin/true", "en-us", &dir, &dir);
    assert!(q.is_err(), "/bin/true lists no voices");
    let q = Prompts::new("espeak-ng", "en-us", &dir, &dir).unwrap();
    let again = q.say(&key).unwrap();
    assert_eq!(again.samples(), clip.samples());
}

#[test]
fn text_that_looks_like_options_is_spoken() {
    if !espeak_available() {
        return;
    }
    let dir = scratch("options");
    let p = Prompts::new("espeak-ng", "en-us", &dir, &dir).unwrap();
    let key = p.say_key("--help -w /tmp/x.wav", None, None).unwrap();
    assert!(p.say(&key).unwrap().len() > 1_000);
}

#[test]
fn speech_is_not_taken_for_dtmf() {
    if !espeak_available() {
        return;
    }
    let dir = scratch("falsedtmf");
    let p = Prompts::new("espeak-ng", "en-us", &dir, &dir).unwrap();
    let mut g = crate::media::goertzel::Goertzel::default();
    for text in [
        "Thank you for calling Acme. For sales, press 1. For support, press 2.",
        "Please enter your account number followed by the hash key.",
        "one two three four five six seven eight nine zero star pound",
    ] {
        for voice in [None, Some(&Voice::Female)] {
            let clip = p.say(&p.say_key(text, voice, None).unwrap()).unwrap();
            assert!(g.feed(clip.samples()).is_empty(), "{text}");
        }
    }
}

#[test]
fn files_are_loaded_once_relative_to_the_audio_dir() {
    let dir = scratch("files");
    crate::media::audio::write_wav(&dir.join("hello.wav"), &[100; 800]).unwrap();
    if !espeak_available() {
        return;
    }
    let p = Prompts::new("espeak-ng", "en-us", &dir.join("cache"), &dir).unwrap();
    assert!(p.cached_play("hello.wav").is_none());
    let clip = p.play("hello.wav").unwrap();
    assert_eq!(clip.len(), 800);
    assert!(p.cached_play("hello.wav").is_some());
    assert!(p.play("missing.wav").is_err());
}

#[test]
fn cache_names_are_stable() {
    assert_eq!(fnv1a(b""), 0xcbf2_9ce4_8422_2325);
    assert_eq!(fnv1a(b"a"), 0xaf63_dc4c_8601_ec8c);
}
