//! `callflow test`: the examples' scenario files pass and cover every state,
//! and failures, file errors and broken flows are reported as documented
//! (docs/scenarios.md).

mod common;

use common::{TempDir, callflow_in, examples, root, text};
use std::collections::BTreeMap;

/// `N passed, M failed` from the last line of the output.
fn summary(stdout: &str) -> (usize, usize) {
    let last = stdout.lines().last().unwrap_or_default();
    let numbers: Vec<usize> = last
        .split(|c: char| !c.is_ascii_digit())
        .filter_map(|n| n.parse().ok())
        .collect();
    assert!(
        last.ends_with(" failed") && last.contains(" passed, ") && numbers.len() == 2,
        "the last line is not a summary: {last:?}"
    );
    (numbers[0], numbers[1])
}

/// Done and total, as in `14/15`.
type Ratio = (usize, usize);

/// Parse `coverage FLOW: states a/b (p%), transitions c/d (q%)` lines into
/// FLOW → ((a, b), (c, d)).
fn coverage(stdout: &str) -> BTreeMap<String, (Ratio, Ratio)> {
    let mut found = BTreeMap::new();
    for line in stdout.lines() {
        let Some(rest) = line.strip_prefix("coverage ") else {
            continue;
        };
        let (flow, numbers) = rest
            .split_once(": ")
            .unwrap_or_else(|| panic!("bad coverage line {line:?}"));
        let ratio = |part: &str| -> Ratio {
            let (done, total) = part
                .split_whitespace()
                .nth(1)
                .and_then(|r| r.split_once('/'))
                .unwrap_or_else(|| panic!("bad coverage line {line:?}"));
            (done.parse().unwrap_or(usize::MAX), total.parse().unwrap_or(0))
        };
        let (states, transitions) = numbers.split_once(", ").unwrap_or_else(|| panic!("bad line {line:?}"));
        assert!(
            states.starts_with("states ") && transitions.starts_with("transitions "),
            "{line}"
        );
        found.insert(flow.to_string(), (ratio(states), ratio(transitions)));
    }
    found
}

#[test]
fn every_example_has_passing_scenarios_that_enter_every_state() {
    let out = callflow_in(&root(), &["test", "--coverage"], None);
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}\n{}", text(&out.stderr));
    let (passed, failed) = summary(&stdout);
    assert_eq!(failed, 0, "{stdout}");
    assert!(
        passed >= 7 * 5,
        "{passed} scenarios: every example should have several\n{stdout}"
    );
    assert!(!stdout.contains("FAILED"), "{stdout}");

    let covered = coverage(&stdout);
    for example in examples() {
        let name = format!(
            "examples/{}",
            example.file_name().map(|n| n.to_string_lossy()).unwrap_or_default()
        );
        let scenario_file = example.with_extension("test.toml");
        assert!(
            scenario_file.is_file(),
            "{name} has no scenario file {}",
            scenario_file.display()
        );
        let Some(((entered, states), (taken, transitions))) = covered.get(&name) else {
            panic!("no coverage line for {name}:\n{stdout}");
        };
        assert!(
            *states > 0 && entered == states,
            "{name}: states {entered}/{states}\n{stdout}"
        );
        // Transitions are reported for every example; all are covered today,
        // and a scenario should come with any new one.
        assert!(taken <= transitions, "{name}");
        eprintln!("{name}: states {entered}/{states}, transitions {taken}/{transitions}");
    }
}

const FLOW: &str = r#"flow line {
  start main
  retries 1
  timezone "Europe/Berlin"
}

menu main {
  say "Press 1 for sales."
  "1" -> sales
  timeout -> repeat
  invalid -> repeat
  exhausted -> bye
}

step sales {
  if open_hours("Mon-Fri 09:00-17:00") {
    dial "+4930123456"
    on busy -> bye
    on no_answer -> bye
    on failed -> bye
  }
  goto bye
}

step bye {
  say "Goodbye."
  hangup
}
"#;

#[test]
fn a_failing_scenario_shows_what_differs() {
    let dir = TempDir::new("scenario-fail");
    dir.write("line.flow", FLOW);
    dir.write(
        "line.test.toml",
        r#"[[scenario]]
name = "sales at night"
at = "2026-11-23T22:00"
input = ["1"]
path = ["main", "sales", "bye"]
ends = "hangup"

[[scenario]]
name = "sales in the day"
at = "2026-11-23T10:00"
input = ["1", "busy"]
path = ["main", "sales", "bye"]
prompts = ["Press 1 for sales.", "Goodbye!"]
ends = "dial answered"
"#,
    );
    let out = callflow_in(&dir.0, &["test"], None);
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert_eq!(summary(&stdout), (1, 1), "{stdout}");
    assert!(stdout.contains("  sales at night ... ok"), "{stdout}");
    assert!(
        stdout.contains("  sales in the day ... FAILED (line.test.toml:9)"),
        "{stdout}"
    );
    for part in [
        "    prompts:",
        "      - \"Goodbye!\"",
        "      + \"Goodbye.\"",
        "    ends:",
        "      expected: dial answered",
        "      actual:   hangup",
    ] {
        assert!(stdout.contains(part), "missing {part:?} in\n{stdout}");
    }
    assert!(!stdout.contains("    path:"), "the path matched:\n{stdout}");
}

#[test]
fn a_caller_action_that_does_not_fit_fails_the_scenario() {
    let dir = TempDir::new("scenario-misfit");
    dir.write("line.flow", FLOW);
    dir.write(
        "line.test.toml",
        "[[scenario]]\nname = \"key while dialling\"\nat = \"2026-11-23T10:00\"\ninput = [\"1\", \"2\"]\n\n\
         [[scenario]]\nname = \"too few\"\ninput = []\n\n\
         [[scenario]]\nname = \"too many\"\nat = \"2026-11-23T10:00\"\ninput = [\"1\", \"answered\", \"3\"]\n",
    );
    let out = callflow_in(&dir.0, &["test", "line.test.toml"], None);
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert_eq!(summary(&stdout), (0, 3), "{stdout}");
    assert!(
        stdout.contains(
            "input 2 in state `sales`: `2` does not fit: the call waits for the result of dialling +4930123456"
        ),
        "{stdout}"
    );
    assert!(
        stdout.contains("in state `main` the call waits for a key (menu: 1), but `input` has no more actions"),
        "{stdout}"
    );
    assert!(
        stdout.contains("the call ended (dial answered) with 1 caller action left over: `3`"),
        "{stdout}"
    );
}

#[test]
fn scenario_file_errors_are_reported_at_their_line() {
    let dir = TempDir::new("scenario-errors");
    dir.write("line.flow", FLOW);
    dir.write(
        "line.test.toml",
        "[[scenario]]\nname = \"typo\"\ninput = [\"1\", \"tmeout\"]\nat = \"tomorrow\"\n",
    );
    let out = callflow_in(&dir.0, &["test"], None);
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("line.test.toml:3:15: error: unknown caller action `tmeout`"),
        "{stderr}"
    );
    assert!(
        stderr.contains("line.test.toml:4:6: error: `tomorrow` is not a time"),
        "{stderr}"
    );
    assert_eq!(summary(&text(&out.stdout)), (0, 1));

    dir.write("line.test.toml", "[[scenario]]\nname = \"x\"\npaths = []\n");
    let out = callflow_in(&dir.0, &["test"], None);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("line.test.toml:3:1: error: unknown field `paths`"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn a_flow_with_errors_fails_its_scenarios() {
    let dir = TempDir::new("scenario-broken-flow");
    dir.write("line.flow", &FLOW.replace("goto bye\n}", "goto nowhere\n}"));
    dir.write(
        "line.test.toml",
        "[[scenario]]\nname = \"a\"\n\n[[scenario]]\nname = \"b\"\n",
    );
    let out = callflow_in(&dir.0, &["test"], None);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("E0101"), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains("line.flow has errors: all 2 scenarios FAILED"),
        "{stdout}"
    );
    assert_eq!(summary(&stdout), (0, 2));
}

#[test]
fn io_problems_are_usage_errors() {
    let dir = TempDir::new("scenario-io");
    let out = callflow_in(&dir.0, &["test"], None);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("no *.test.toml files found"),
        "{}",
        text(&out.stderr)
    );

    let out = callflow_in(&dir.0, &["test", "missing.test.toml"], None);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("cannot read `missing.test.toml`: no such file"));

    // The flow next to the scenarios is missing.
    dir.write("alone.test.toml", "[[scenario]]\nname = \"a\"\n");
    let out = callflow_in(&dir.0, &["test"], None);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("cannot read `alone.flow`"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn coverage_lists_what_was_never_reached() {
    let dir = TempDir::new("scenario-coverage");
    dir.write("flows/line.flow", FLOW);
    dir.write(
        "tests/line.test.toml",
        "flow_file = \"../flows/line.flow\"\n\n[[scenario]]\nname = \"night\"\nat = \"2026-11-23T22:00\"\ninput = [\"1\"]\nends = \"hangup\"\n",
    );
    let out = callflow_in(&dir.0, &["test", "--coverage", "tests"], None);
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    assert!(
        stdout.contains("coverage flows/line.flow: states 3/3 (100%), transitions 2/6 (33%)\n"),
        "{stdout}"
    );
    for never in [
        "  never taken: main --exhausted--> bye\n",
        "  never taken: sales --busy--> bye\n",
        "  never taken: sales --failed--> bye\n",
        "  never taken: sales --no answer--> bye\n",
    ] {
        assert!(stdout.contains(never), "missing {never:?} in\n{stdout}");
    }
}
