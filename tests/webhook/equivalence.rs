//! A flow behaves the same through the webhook as in the simulator: every
//! scenario of every example (`examples/*.test.toml`) is played through
//! every provider's callbacks, and the caller must hear the same prompts in
//! the same order and the call must end the same way.
//!
//! This tests the host, whatever the targets can carry: a scenario runs
//! through a provider when that provider's callbacks can report each of its
//! actions (Sinch reports no recordings, Africa's Talking no speech …). Which
//! examples a target can carry is `rendered.rs`'s business.

use super::phone::{self, Phone};
use super::support::{Host, examples_dir, program};
use callflow_compiler::targets::TargetKind;
use callflow_runtime::scenario::host::flow_zone;
use callflow_runtime::scenario::{ScenarioFile, clock, run};

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
