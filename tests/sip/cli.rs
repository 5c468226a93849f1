//! Start-up refusals: what the SIP runtime cannot run is refused before it
//! answers anything, with the action and its line.

use super::common::{callflow, root};

fn serve(flow: &str, extra: &[&str]) -> (i32, String) {
    let path = root().join(flow);
    let mut args = vec!["serve", path.to_str().unwrap(), "--sip", "127.0.0.1:0"];
    args.extend_from_slice(extra);
    let out = callflow(&args);
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn a_flow_that_dials_is_refused_with_its_line() {
    let (code, stderr) = serve("tests/sip/flows/dial.flow", &[]);
    assert_eq!(code, 1, "{stderr}");
    assert!(
        stderr.contains("error: the SIP runtime cannot run `dial` yet"),
        "{stderr}"
    );
    assert!(stderr.contains("dial.flow:8"), "{stderr}");
    assert!(stderr.contains("dial \"+254711082000\""), "{stderr}");
}

#[test]
fn a_missing_audio_file_is_refused_at_start_up() {
    let (code, stderr) = serve("tests/sip/flows/missing_audio.flow", &[]);
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains("no-such-file.wav"), "{stderr}");
    assert!(stderr.contains("missing_audio.flow:7"), "{stderr}");
}

#[test]
fn a_missing_espeak_is_a_clear_error() {
    let dir = super::common::scratch("sip-noespeak");
    let config = dir.join("callflow.toml");
    std::fs::write(&config, "espeak = \"/nonexistent/espeak-ng\"\n").unwrap();
    let (code, stderr) = serve("tests/sip/flows/menu.flow", &["--config", config.to_str().unwrap()]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("cannot run `/nonexistent/espeak-ng`"), "{stderr}");
    assert!(stderr.contains("apt-get install espeak-ng"), "{stderr}");
}

#[test]
fn config_mistakes_are_usage_errors() {
    let dir = super::common::scratch("sip-badconfig");
    let config = dir.join("callflow.toml");
    std::fs::write(&config, "alow = [\"10.0.0.0/8\"]\n").unwrap();
    let (code, stderr) = serve("tests/sip/flows/menu.flow", &["--config", config.to_str().unwrap()]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("alow"), "{stderr}");
    let (code, stderr) = serve("tests/sip/flows/menu.flow", &["--rtp-ports", "9"]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("--rtp-ports"), "{stderr}");
}
