//! `callflow sim`: scripted, piped and JSON runs of the examples, from `.flow`
//! and from bytecode, and the time of day choosing branches.

mod common;

use common::{TempDir, callflow_in, root, text};
use serde_json::Value;

/// Monday 23 November 2026, in and out of Acme Kenya's office hours (Nairobi).
const OPEN: &str = "2026-11-23T10:00";
const CLOSED: &str = "2026-11-23T19:30";

fn sim(args: &[&str], stdin: Option<&str>) -> (i32, String, String) {
    let out = callflow_in(&root(), args, stdin);
    (out.status.code().unwrap_or(-1), text(&out.stdout), text(&out.stderr))
}

#[test]
fn a_scripted_call_prints_prompts_states_and_the_ending() {
    let (code, stdout, stderr) = sim(
        &[
            "sim",
            "examples/support.flow",
            "--keys",
            "1,busy,record 20s",
            "--at",
            OPEN,
        ],
        None,
    );
    assert_eq!(code, 0, "{stderr}");
    let expected = "\
[welcome]
  say: Thank you for calling Acme Kenya.
  goto -> main
[main]
  say: For sales, press 1. For support, press 2. To leave a message, press 3. To hear these options again, press star.
  waits for a key (menu: 1 2 3 *)
  caller: 1
  key 1 -> sales
[sales]
  say: Connecting you to our sales team.
  waits for the result of dialling +254711082000, +254711082001
  caller: busy
  busy -> sales_unavailable
[sales_unavailable]
  say: Our sales team cannot take your call right now.
  goto -> voicemail
[voicemail]
  say: Please leave your name, your number and a short message after the tone, then press hash.
  waits for a recording (record)
  caller: record 20s
  say: Thank you. We will call you back on the next working day.
  goto -> goodbye
[goodbye]
  say: Thank you for calling. Goodbye.
ended: hangup
path: welcome -> main -> sales -> sales_unavailable -> voicemail -> goodbye
";
    assert_eq!(stdout, expected);
    // Not a terminal: no colour, no emoji.
    assert!(!stdout.contains('\x1b') && !stdout.contains('🔊'));
}

#[test]
fn json_output_is_one_object_per_event() {
    let (code, stdout, stderr) = sim(
        &[
            "sim",
            "examples/support.flow",
            "--keys",
            "*,2",
            "--at",
            OPEN,
            "--format",
            "json",
        ],
        None,
    );
    assert_eq!(code, 0, "{stderr}");
    let events: Vec<Value> = stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON: {l}: {e}")))
        .collect();
    let kinds: Vec<&str> = events.iter().filter_map(|e| e["event"].as_str()).collect();
    assert_eq!(kinds.len(), events.len());
    assert_eq!(
        events[0],
        serde_json::json!({"event": "state", "state": "welcome", "flow": "acme_support"})
    );
    assert!(events.contains(&serde_json::json!({"event": "input", "action": "*"})));
    assert!(
        events.contains(&serde_json::json!({"event": "transition", "from": "main", "outcome": "key *", "to": "main"}))
    );
    assert!(events.contains(&serde_json::json!({"event": "effect", "effect": "menu", "valid_keys": "123*"})));
    let menus = events.iter().filter(|e| e["effect"] == "menu").count();
    assert_eq!(menus, 2, "the menu plays again after `*`");
    assert_eq!(
        events.last(),
        Some(
            &serde_json::json!({"event": "end", "ending": "enqueue support_agents", "path": ["welcome", "main", "support"]})
        )
    );
}

#[test]
fn office_hours_choose_the_branch() {
    let path = |at: &str| {
        let (code, stdout, stderr) = sim(
            &["sim", "examples/support.flow", "--keys", "2,timeout", "--at", at],
            None,
        );
        assert_eq!(code, 0, "{stderr}");
        stdout
            .lines()
            .find_map(|l| l.strip_prefix("path: ").map(String::from))
            .unwrap_or_default()
    };
    assert_eq!(path(OPEN), "welcome -> main -> support");
    // Only the first key is used when closed: the recording times out.
    let (code, stdout, _) = sim(
        &["sim", "examples/support.flow", "--keys", "timeout", "--at", CLOSED],
        None,
    );
    assert_eq!(code, 0);
    assert!(stdout.contains("say: Our offices are closed."), "{stdout}");
    assert!(stdout.ends_with("path: welcome -> voicemail -> goodbye\n"), "{stdout}");
    // The same instant written in UTC.
    assert!(
        sim(
            &[
                "sim",
                "examples/support.flow",
                "--keys",
                "timeout",
                "--at",
                "2026-11-23T16:30Z"
            ],
            None
        )
        .1
        .ends_with("path: welcome -> voicemail -> goodbye\n")
    );
}

#[test]
fn a_cfb_built_by_callflow_build_runs_the_same() {
    let dir = TempDir::new("sim-cfb");
    let cfb = dir.0.join("courier.cfb");
    let cfb = cfb.to_string_lossy();
    let (code, _, stderr) = sim(
        &[
            "build",
            "examples/courier_hotline.flow",
            "--target",
            "bytecode",
            "-o",
            &cfb,
        ],
        None,
    );
    assert_eq!(code, 0, "{stderr}");
    let args = |file: &str| -> Vec<String> {
        ["sim", file, "--keys", "9,1", "--at", OPEN, "--format", "json"]
            .map(String::from)
            .into()
    };
    let run = |file: &str| {
        let args = args(file);
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        sim(&args, None)
    };
    let (from_flow, from_cfb) = (run("examples/courier_hotline.flow"), run(&cfb));
    assert_eq!(from_cfb.0, 0, "{}", from_cfb.2);
    assert_eq!(from_flow.1, from_cfb.1);
    assert!(from_cfb.1.contains(r#""outcome":"redirect flow""#), "{}", from_cfb.1);
    assert!(from_cfb.1.ends_with("{\"ending\":\"park\",\"event\":\"end\",\"path\":[\"screen\",\"welcome\",\"main\",\"staff_transfer\",\"staff_menu\",\"driver_hold\"]}\n"), "{}", from_cfb.1);

    // --flow picks the staff line's own flow.
    let (code, stdout, _) = sim(&["sim", &cfb, "--flow", "courier_staff", "--keys", "2"], None);
    assert_eq!(code, 0);
    assert!(
        stdout.ends_with("ended: dequeue dispatch\npath: staff_menu -> take_customer\n"),
        "{stdout}"
    );
}

#[test]
fn without_keys_actions_are_read_from_stdin() {
    let script = "# the caller\n\n204816#\n*\n9931#\n";
    let (code, stdout, stderr) = sim(&["sim", "examples/conference_bridge.flow"], Some(script));
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains("  caller: 204816#\n"), "{stdout}");
    assert!(
        stdout.contains("say: Welcome, host. Meeting 204816 starts now"),
        "{stdout}"
    );
    assert!(
        stdout.ends_with(
            "ended: conference acme-204816\npath: welcome -> ask_pin -> role -> ask_host_pin -> host_join\n"
        ),
        "{stdout}"
    );

    // The end of input hangs up.
    let (code, stdout, _) = sim(&["sim", "examples/conference_bridge.flow"], Some("204816#\n"));
    assert_eq!(code, 0);
    assert!(stdout.contains("caller: hangup\nended: caller hangup\n"), "{stdout}");
}

#[test]
fn mistakes_have_exit_codes() {
    let support = "examples/support.flow";
    // A key while the call is dialling.
    let (code, _, stderr) = sim(&["sim", support, "--keys", "1,2", "--at", OPEN], None);
    assert_eq!(code, 1);
    assert!(
        stderr.contains("`2` does not fit: the call waits for the result of dialling"),
        "{stderr}"
    );
    // A piped line that is not an action.
    let (code, _, stderr) = sim(&["sim", support, "--at", OPEN], Some("one\n"));
    assert_eq!(code, 1);
    assert!(stderr.contains("unknown caller action `one`"), "{stderr}");
    // Usage: bad --keys, --at, --flow; a missing file.
    for (args, message) in [
        (
            vec!["sim", support, "--keys", "1,tmeout"],
            "--keys: unknown caller action `tmeout`",
        ),
        (vec!["sim", support, "--at", "noon"], "`at`: `noon` is not a time"),
        (
            vec!["sim", support, "--flow", "nope"],
            "has no flow `nope`; its flows: acme_support",
        ),
        (vec!["sim", "missing.flow"], "cannot read `missing.flow`: no such file"),
    ] {
        let (code, _, stderr) = sim(&args, None);
        assert_eq!(code, 2, "{args:?}: {stderr}");
        assert!(stderr.contains(message), "{args:?}: {stderr}");
    }
    // A flow with errors prints its diagnostics.
    let dir = TempDir::new("sim-errors");
    let broken = dir.write("broken.flow", "flow f {\n  start a\n}\nstep a {\n  goto b\n}\n");
    let (code, _, stderr) = sim(&["sim", &broken.to_string_lossy()], None);
    assert_eq!(code, 1);
    assert!(stderr.contains("E0101"), "{stderr}");
}
