//! A flow behaves the same through the webhook as in the simulator: every
//! scenario of every example (`examples/*.test.toml`) is played through
//! every provider's callbacks, and the caller must hear the same prompts in
//! the same order and the call must end the same way.
//!
//! The first test checks the host, whatever the targets can carry: a
//! scenario runs through a provider when that provider's callbacks can
//! report each of its actions (Sinch reports no recordings, Africa's Talking
//! no speech …). The second plays the examples each target carries through
//! the provider's own documents (`provider.rs`): what the caller hears is
//! read from the rendered XML or JSON, and every callback goes where the
//! document says, so the renderers and the host are held to the simulator
//! together.

use super::phone::{self, Phone};
use super::provider::{Next, Provider};
use super::support::{Host, check_structure, examples_dir, program, supports};
use callflow_compiler::targets::TargetKind;
use callflow_runtime::scenario::host::flow_zone;
use callflow_runtime::scenario::{CallerAction, DialResult, ScenarioFile, clock, run};
use callflow_runtime::webhook::Render;

#[test]
fn every_scenario_sounds_the_same_through_every_provider() {
    let mut compared = 0;
    let mut per_target = std::collections::HashMap::new();
    let mut skipped = Vec::new();
    for entry in std::fs::read_dir(examples_dir()).expect("examples") {
        let path = entry.expect("entry").path();
        let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
            continue;
        };
        let Some(stem) = name.strip_suffix(".test.toml") else {
            continue;
        };
        let flow = format!("{stem}.flow");
        let text = std::fs::read_to_string(&path).expect("scenario file");
        let file = ScenarioFile::parse(&text).unwrap_or_else(|e| panic!("{name}: {e:?}"));
        let program = program(&flow);
        for scenario in &file.scenarios {
            let expected = run::run(&program, scenario);
            assert_eq!(expected.problem, None, "{name}: {}", scenario.name);
            let zone = flow_zone(&program, scenario.call.flow.as_deref());
            let at = clock::unix_ms(&scenario.call.at, zone.as_deref()).expect("scenario time");
            for target in TargetKind::ALL {
                let flow_name = scenario.call.flow.clone();
                let host = Host::start(target, program.clone(), |c| c.flow = flow_name);
                host.set_clock(at);
                let mut phone = Phone::new(
                    target,
                    &scenario.call.call_id,
                    &scenario.call.caller,
                    &scenario.call.called,
                );
                match phone::run(host.addr(), &mut phone, &scenario.input) {
                    Ok(actual) => {
                        let what = format!("{flow} / {} / {}", scenario.name, target.id());
                        assert_eq!(actual.prompts, expected.prompts, "{what}: prompts");
                        assert_eq!(Some(actual.ending), expected.ending, "{what}: ending");
                        compared += 1;
                        *per_target.entry(target.id()).or_insert(0) += 1;
                    }
                    Err(why) => skipped.push(format!("{flow} / {} / {}: {why}", scenario.name, target.id())),
                }
            }
        }
    }
    eprintln!(
        "{compared} scenario runs compared; not reportable by the provider:\n  {}",
        skipped.join("\n  ")
    );
    // Every provider ran a good share of the scenarios.
    for target in TargetKind::ALL {
        let runs = per_target.get(target.id()).copied().unwrap_or(0);
        assert!(runs >= 10, "{} ran only {runs} scenarios", target.id());
    }
}

/// The simulator's ending, as the kind `Doc::ending` can tell.
fn ending_kind(ending: &str) -> &str {
    match ending {
        "dial answered" | "caller hangup" => ending,
        other => other.split(' ').next().unwrap_or(other),
    }
}

#[test]
fn every_scenario_sounds_the_same_through_the_providers_own_documents() {
    let mut runs = std::collections::HashMap::new();
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
        let file = ScenarioFile::parse(&std::fs::read_to_string(&path).expect("read")).expect("scenarios");
        let program = program(&flow);
        for target in TargetKind::ALL.into_iter().filter(|t| supports(*t, &flow)) {
            let mut documents = Vec::new();
            for scenario in &file.scenarios {
                let what = format!("{flow} / {} / {}", scenario.name, target.id());
                let expected = run::run(&program, scenario);
                let zone = flow_zone(&program, scenario.call.flow.as_deref());
                let flow_name = scenario.call.flow.clone();
                let host = Host::start(target, program.clone(), |c| {
                    c.flow = flow_name;
                    c.render = Render::Target;
                });
                host.set_clock(clock::unix_ms(&scenario.call.at, zone.as_deref()).expect("scenario time"));
                let phone = Phone::new(
                    target,
                    &scenario.call.call_id,
                    &scenario.call.caller,
                    &scenario.call.called,
                );
                let mut provider = Provider::new(host.addr(), phone);
                let mut doc = provider.start();
                let mut heard = doc.heard.clone();
                let mut actions = scenario.input.iter();
                let mut last: Option<&CallerAction> = None;
                // `None`: the provider cannot tell how the call ended (Sinch
                // reports a failed connect only at the end of the call).
                let ending: Option<String> = loop {
                    if !doc.waits(target) {
                        let answered = last == Some(&CallerAction::Dial(DialResult::Answered));
                        let bare = doc.heard.is_empty() && doc.ending(target) == "hangup";
                        break Some(if answered && bare {
                            "dial answered".into()
                        } else {
                            doc.ending(target)
                        });
                    }
                    let action = actions.next().unwrap_or_else(|| panic!("{what}: no action left"));
                    last = Some(action);
                    match provider.act(&doc, action) {
                        Next::Doc(next) => {
                            heard.extend(next.heard.iter().cloned());
                            doc = next;
                        }
                        Next::Continue => break Some("dial answered".into()),
                        Next::Over(_) if *action == CallerAction::Hangup => break Some("caller hangup".into()),
                        Next::Over(_) if *action == CallerAction::Dial(DialResult::Answered) => {
                            break Some("dial answered".into());
                        }
                        Next::Over(_) => break None,
                    }
                };
                provider.end();
                // 8x8 speaks a prompt's lines as one text: compare the words,
                // with the provider's recordings under the simulator's names.
                let mut heard = heard.join(" ");
                for (i, url) in provider.recordings.iter().enumerate() {
                    heard = heard.replace(url, &format!("recording-{}.wav", i + 1));
                }
                assert_eq!(heard, expected.prompts.join(" "), "{what}: prompts");
                if let (Some(actual), Some(expected)) = (&ending, &expected.ending) {
                    assert_eq!(actual, ending_kind(expected), "{what}: ending");
                }
                documents.extend(provider.documents);
                *runs.entry(target.id()).or_insert(0) += 1;
            }
            check_structure(target, &documents);
        }
    }
    eprintln!("scenario runs through the providers' own documents: {runs:?}");
    // Every target carries at least order_line.flow.
    for target in TargetKind::ALL {
        let count = runs.get(target.id()).copied().unwrap_or(0);
        assert!(count >= 7, "{} ran only {count} scenarios", target.id());
    }
}
