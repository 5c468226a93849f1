//! `callflow serve`: what it refuses before it starts, and (once a target's
//! renderer can carry an example) a live run stopped with Ctrl-C.

use super::common::{TempDir, callflow, text};
use super::phone::Phone;
use super::support::{renderer_merged, supports};
use callflow_compiler::targets::TargetKind;
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

fn serve(args: &[&str]) -> (i32, String, String) {
    let mut all = vec!["serve"];
    all.extend_from_slice(args);
    let out = callflow(&all);
    (out.status.code().unwrap_or(-1), text(&out.stdout), text(&out.stderr))
}

#[test]
fn serve_needs_a_mode() {
    let (code, stdout, stderr) = serve(&["examples/support.flow"]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stdout.is_empty());
    assert!(
        stderr.starts_with("error: `callflow serve` needs a mode: --webhook or --sip\n"),
        "{stderr}"
    );
    assert!(
        stderr.contains("help: run `callflow serve examples/support.flow --webhook --target TARGET`"),
        "{stderr}"
    );
    assert!(
        stderr.contains("`--sip 127.0.0.1:5060` to answer SIP calls"),
        "{stderr}"
    );
}

#[test]
fn usage_mistakes_are_refused_before_anything_starts() {
    let cases: [(&[&str], &str); 5] = [
        (&["examples/support.flow", "--webhook"], "--webhook needs --target"),
        (
            &["examples/support.flow", "--webhook", "--target", "twilio"],
            "unknown target `twilio`",
        ),
        (
            &[
                "examples/support.flow",
                "--webhook",
                "--target",
                "sinch",
                "--idle-timeout",
                "soon",
            ],
            "--idle-timeout `soon`",
        ),
        (
            &[
                "examples/support.flow",
                "--webhook",
                "--target",
                "sinch",
                "--max-calls",
                "0",
            ],
            "--max-calls 0",
        ),
        (
            &[
                "examples/support.flow",
                "--webhook",
                "--target",
                "sinch",
                "--base-url",
                "ivr.example.com",
            ],
            "must start with http",
        ),
    ];
    for (args, needle) in cases {
        let (code, _, stderr) = serve(args);
        assert_eq!(code, 2, "{args:?}: {stderr}");
        assert!(stderr.contains(needle), "{needle}: {stderr}");
        assert!(stderr.contains("\nhelp: "), "{stderr}");
    }
}

#[test]
fn a_flow_with_errors_is_not_served() {
    let dir = TempDir::new("serve-errors");
    let file = dir.write(
        "broken.flow",
        "flow f {\n  start main\n}\n\nstep main {\n  goto nowhere\n}\n",
    );
    let (code, stdout, stderr) = serve(&[file.to_str().unwrap(), "--webhook", "--target", "tropo"]);
    assert_eq!(code, 1, "{stderr}");
    assert!(stdout.is_empty(), "{stdout}");
    assert!(stderr.contains("E0101"), "{stderr}");
    assert!(stderr.contains("error: not serving"), "{stderr}");
}

#[test]
fn a_flow_the_target_cannot_carry_is_not_served() {
    let dir = TempDir::new("serve-unsupported");
    // Africa's Talking has no media streams.
    let file = dir.write(
        "bot.flow",
        "flow f {\n  start main\n}\n\nstep main {\n  stream \"wss://bot.example.com/media\"\n}\n",
    );
    let (code, stdout, stderr) = serve(&[file.to_str().unwrap(), "--webhook", "--target", "africastalking"]);
    assert_eq!(code, 1, "{stderr}");
    assert!(stdout.is_empty(), "{stdout}");
    assert!(stderr.contains("E0501"), "{stderr}");
    assert!(stderr.contains("error: not serving"), "{stderr}");
}

/// A (target, example) the target's renderer carries, once one is merged.
fn servable() -> Option<(TargetKind, String)> {
    for target in TargetKind::ALL.into_iter().filter(|t| renderer_merged(*t)) {
        for example in [
            "support.flow",
            "voicemail.flow",
            "conference_bridge.flow",
            "number_masking.flow",
        ] {
            if supports(target, example) {
                return Some((target, example.to_string()));
            }
        }
    }
    None
}

#[test]
fn serves_callbacks_until_interrupted() {
    let Some((target, example)) = servable() else {
        eprintln!("note: no target's renderer is merged yet; the live `serve` run is skipped");
        return;
    };
    let mut child = Command::new(env!("CARGO_BIN_EXE_callflow"))
        .args([
            "serve",
            &format!("examples/{example}"),
            "--webhook",
            "--target",
            target.id(),
        ])
        .args(["--http", "127.0.0.1:0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("serve");
    let mut stdout = BufReader::new(child.stdout.take().expect("stdout"));
    let mut banner = String::new();
    let addr = loop {
        let mut line = String::new();
        assert!(
            stdout.read_line(&mut line).expect("read") > 0,
            "no address printed: {banner}"
        );
        banner.push_str(&line);
        if let Some(url) = line.trim().strip_prefix("listening on") {
            break url.trim().trim_start_matches("http://").parse().expect("address");
        }
    };
    let mut rest = String::new();
    for _ in 0..3 {
        let _ = stdout.read_line(&mut rest);
    }
    assert!(rest.contains(&format!("callback URL  http://{addr}/")), "{rest}");
    let phone = Phone::new(target, "cli-call-1", "+254722000111", "+254207654000");
    let reply = phone.start().send(addr);
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert_eq!(reply.header("content-type"), Some(target.content_type()));
    assert!(!reply.body.is_empty());
    let status = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .expect("kill");
    assert!(status.success());
    let out = child.wait_with_output().expect("wait");
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(stderr.contains("POST / session=cli-call-1 200"), "{stderr}");
    assert!(stderr.ends_with("callflow: stopped\n"), "{stderr}");
}
