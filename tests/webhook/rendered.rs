//! The providers' own documents for whole example calls, snapshotted.
//!
//! For every example a target carries (`targets::compile` says which),
//! every scenario of its `*.test.toml` runs through the webhook host's
//! calls, and the documents they answer with are rendered by the target's
//! renderer, as `callflow serve` sends them. A caller's action the provider
//! does not report (Sinch's failed connect, Africa's Talking's answered
//! Dial) ends the scenario there, with a note; Sinch's answer to a connect
//! is its ACE. Every document is also checked like a static one
//! (`support::check_structure`). Skipped for targets whose renderer is still
//! a stub.

use super::support::{MONDAY_10_NAIROBI_MS, check_structure, examples_dir, program, renderer_merged, supports};
use callflow_compiler::targets::{TargetKind, Urls};
use callflow_runtime::scenario::host::flow_zone;
use callflow_runtime::scenario::{CallerAction, DialResult, ScenarioFile, clock};
use callflow_runtime::vm::{CallInfo, DialOutcome};
use callflow_runtime::webhook::call::{Call, Reply};
use callflow_runtime::webhook::document::Wait;
use callflow_runtime::webhook::providers::Report;
use std::fmt::Write;

fn report(action: &CallerAction, recordings: &mut u32) -> Option<Report> {
    let mut report = Report::default();
    match action {
        CallerAction::Keys(keys) => report.keys = Some(keys.clone()),
        CallerAction::Timeout => {}
        CallerAction::Speech(words) => report.speech = Some(words.clone()),
        CallerAction::Recorded { .. } => {
            *recordings += 1;
            report.recording = Some(format!("https://recordings.example.com/recording-{recordings}.wav"));
        }
        CallerAction::Dial(result) => {
            report.dial = Some(match result {
                DialResult::Answered => DialOutcome::Answered,
                DialResult::Busy => DialOutcome::Busy,
                DialResult::NoAnswer => DialOutcome::NoAnswer,
                DialResult::Failed => DialOutcome::Failed,
            })
        }
        CallerAction::Hangup => return None,
    }
    Some(report)
}

/// How the provider reports `action` while the call waits for `wait`.
enum Reported {
    Report(Report),
    /// Sinch's ACE: the connect was answered and the bridge is up.
    Answered,
    /// No callback before the call's end; why.
    Nothing(&'static str),
}

fn reported(target: TargetKind, wait: &Wait, action: &CallerAction, recordings: &mut u32) -> Reported {
    match (target, wait, action) {
        (TargetKind::Sinch, Wait::Dial, CallerAction::Dial(DialResult::Answered)) => Reported::Answered,
        (TargetKind::Sinch, Wait::Dial, CallerAction::Dial(_)) => {
            Reported::Nothing("Sinch reports a connect nobody answered only in the DiCE")
        }
        (TargetKind::AfricasTalking, Wait::Dial, CallerAction::Dial(DialResult::Answered)) => {
            Reported::Nothing("an answered Dial ends the call with the bridged call")
        }
        _ => match report(action, recordings) {
            Some(report) => Reported::Report(report),
            None => Reported::Nothing("the caller hangs up"),
        },
    }
}

#[test]
fn rendered_documents_of_whole_example_calls() {
    let targets: Vec<TargetKind> = TargetKind::ALL.into_iter().filter(|t| renderer_merged(*t)).collect();
    if targets.is_empty() {
        eprintln!("note: no target's renderer is merged yet; nothing to snapshot");
        return;
    }
    for target in targets {
        let urls = Urls::new(&format!("https://ivr.example.com/{}", target.id()));
        let mut carried = 0;
        let mut documents = Vec::new();
        for entry in std::fs::read_dir(examples_dir()).expect("examples") {
            let path = entry.expect("entry").path();
            let Some(stem) = path
                .file_name()
                .and_then(|n| n.to_str())
                .and_then(|n| n.strip_suffix(".test.toml"))
            else {
                continue;
            };
            let flow = format!("{stem}.flow");
            if !supports(target, &flow) {
                continue;
            }
            carried += 1;
            let program = program(&flow);
            let file = ScenarioFile::parse(&std::fs::read_to_string(&path).expect("read")).expect("scenarios");
            let mut out = String::new();
            for scenario in &file.scenarios {
                let zone = flow_zone(&program, scenario.call.flow.as_deref());
                let now = clock::unix_ms(&scenario.call.at, zone.as_deref()).unwrap_or(MONDAY_10_NAIROBI_MS);
                let info = CallInfo {
                    caller: scenario.call.caller.clone(),
                    called: scenario.call.called.clone(),
                    call_id: scenario.call.call_id.clone(),
                    flow: scenario.call.flow.clone(),
                };
                let mut call = Call::new(program.clone(), info, None).expect("call");
                let _ = writeln!(out, "## {}\n", scenario.name);
                let mut answer = call.start(now);
                let mut input = scenario.input.iter();
                let mut recordings = 0;
                loop {
                    match &answer.reply {
                        Reply::Document(doc) => {
                            let rendered = target.render(doc, &urls);
                            assert!(!rendered.trim().is_empty(), "{flow}: empty document {}", doc.id);
                            if target.content_type() == "application/json" {
                                serde_json::from_str::<serde_json::Value>(&rendered)
                                    .unwrap_or_else(|e| panic!("{flow} {}: not JSON ({e}): {rendered}", doc.id));
                            }
                            let _ = writeln!(out, "### {}\n{}\n", doc.id, rendered.trim_end());
                            documents.push((format!("{stem}-{}", doc.id), rendered));
                        }
                        other => {
                            let _ = writeln!(out, "### {other:?}\n");
                        }
                    }
                    if call.current().is_none_or(|c| c.wait == Wait::Over) {
                        break;
                    }
                    let Some(action) = input.next() else {
                        break;
                    };
                    let wait = call.current().map(|c| c.wait.clone()).unwrap_or(Wait::Over);
                    answer = match reported(target, &wait, action, &mut recordings) {
                        Reported::Report(report) => match call.report(&report, now) {
                            Ok(answer) => answer,
                            Err(refused) => panic!("{flow} / {}: {}", scenario.name, refused.message),
                        },
                        Reported::Answered => call.answered(now),
                        Reported::Nothing(why) => {
                            let _ = writeln!(out, "### ({action}: no callback; {why})\n");
                            break;
                        }
                    };
                }
            }
            insta::assert_snapshot!(format!("live_{}_{stem}", target.id()), out);
        }
        if carried == 0 {
            eprintln!(
                "note: {} carries none of the examples; nothing to snapshot for it",
                target.display()
            );
        } else {
            check_structure(target, &documents);
        }
    }
}
