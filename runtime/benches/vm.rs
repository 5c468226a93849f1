//! How fast the VM runs calls, and how big one call's state is.
//!
//! A scripted caller drives whole calls of the support and bank examples:
//! every prompt is acknowledged at once, menus and collects get the script's
//! next keys, dials are busy, recordings succeed. A "step" is one
//! `Vm::resume` (one event in, one effect out); criterion reports steps per
//! second as its throughput. The size of one call's VM state is printed
//! before the timings. Results and the command: docs/performance.md.
//!
//! `cargo bench -p callflow-runtime --bench vm`

use callflow_compiler::bytecode::{self, Program};
use callflow_compiler::project::{Project, analyze};
use callflow_runtime::vm::{CallInfo, DialOutcome, Effect, Event, Vm};
use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use std::hint::black_box;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

/// Monday 2026-01-05 10:00 in Nairobi (07:00 UTC): the support line is open.
const MONDAY_MORNING_MS: i64 = 1_767_596_400_000;

fn example(name: &str) -> Arc<Program> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples");
    let text = std::fs::read_to_string(dir.join(name)).expect("example");
    let project = Project::load(name, &text, &mut |_, path| {
        std::fs::read_to_string(dir.join(path))
            .map(|t| (path.to_string(), t))
            .map_err(|e| e.to_string())
    });
    let analysis = analyze(&project);
    let program = bytecode::compile(&project, &analysis).expect("compiles");
    Arc::new(bytecode::load(&bytecode::encode(&program)).expect("loads"))
}

fn call_info() -> CallInfo {
    CallInfo {
        caller: "+254700000001".into(),
        called: "+254207654000".into(),
        call_id: "CA0123456789abcdef".into(),
        flow: None,
    }
}

/// What the scripted caller answers to each effect; `keys` feed menus and
/// collects in order.
fn answer(effect: &Effect, keys: &mut std::slice::Iter<'_, &str>) -> Option<Event> {
    Some(match effect {
        Effect::Say { .. }
        | Effect::Play { .. }
        | Effect::Pause { .. }
        | Effect::StartRecording
        | Effect::StopRecording => Event::Done,
        Effect::GetKey { .. } | Effect::Collect { .. } => match keys.next() {
            Some(k) => Event::Digits((*k).to_string()),
            None => Event::Timeout,
        },
        Effect::Record { .. } => Event::RecordingDone {
            location: "recordings/CA0123456789abcdef.wav".into(),
            duration_ms: 12_000,
        },
        Effect::Dial { .. } => Event::DialResult(DialOutcome::Busy),
        _ => return None,
    })
}

/// One whole call; returns the number of resumes (steps) and the VM.
fn run_call(program: &Arc<Program>, script: &[&str], trace: bool) -> (u64, Vm) {
    let mut vm = Vm::new(Arc::clone(program), call_info()).expect("vm");
    vm.set_clock(MONDAY_MORNING_MS);
    vm.set_tracing(trace);
    let mut keys = script.iter();
    let mut steps = 1;
    let mut effect = vm.resume(Event::Start);
    while let Some(event) = answer(&effect, &mut keys) {
        effect = vm.resume(event);
        steps += 1;
        if trace {
            black_box(vm.drain_trace());
        }
    }
    assert!(vm.is_finished(), "the call ends: {effect:?}");
    (steps, vm)
}

/// The calls: support (menu replay, sales busy, voicemail, goodbye) and bank
/// (menu, account and PIN collects, hand-over).
fn calls() -> Vec<(&'static str, Arc<Program>, Vec<&'static str>)> {
    vec![
        ("support", example("support.flow"), vec!["*", "1"]),
        (
            "bank_balance",
            example("bank_balance.flow"),
            vec!["1", "12345678#", "2468#"],
        ),
    ]
}

fn bench(c: &mut Criterion) {
    for (name, program, script) in calls() {
        let (steps, mut vm) = run_call(&program, &script, true);
        vm.drain_trace();
        println!(
            "{name}: {steps} steps per call; size_of::<Vm>() = {} B; state after the call = {} B ({} variables); program shared by all calls: {} B encoded",
            std::mem::size_of::<Vm>(),
            vm.state_size(),
            program.vars.len(),
            bytecode::encode(&program).len(),
        );
    }
    let mut group = c.benchmark_group("vm");
    for (name, program, script) in calls() {
        let (steps, _) = run_call(&program, &script, true);
        group.throughput(Throughput::Elements(steps));
        for (mode, trace) in [("traced", true), ("untraced", false)] {
            group.bench_with_input(BenchmarkId::new(format!("call/{mode}"), name), &(), |b, ()| {
                b.iter(|| black_box(run_call(&program, &script, trace).0));
            });
        }
    }
    group.finish();
}

fn config() -> Criterion {
    Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
        .sample_size(20)
}

criterion_group! {
    name = benches;
    config = config();
    targets = bench
}
criterion_main!(benches);
