//! Fuzz target `load`: arbitrary bytes through the bytecode loader
//! (`bytecode::load` = decode + verify), as a runtime receives a `.cfb` file
//! it did not compile itself.
//!
//! A crash is a panic (or an out-of-memory: lengths are capped by the bytes
//! that remain), or an accepted program that is not sound: it must verify,
//! re-encode to bytes that load to the same program, disassemble, and run in
//! the VM under a scripted caller without panicking. The same properties are
//! asserted by `compiler/tests/bytecode_fuzz.rs`; see docs/fuzzing.md.

#![no_main]

use callflow_compiler::bytecode;
use callflow_runtime::vm::{CallInfo, DialOutcome, Event, Vm};
use libfuzzer_sys::fuzz_target;
use std::sync::Arc;

fuzz_target!(|data: &[u8]| {
    let Ok(program) = bytecode::load(data) else { return };
    assert_eq!(program.verify(), Ok(()));
    let again = bytecode::encode(&program);
    assert_eq!(bytecode::load(&again).as_ref(), Ok(&program));
    let _ = bytecode::disasm(&program);
    // Drive one call with events chosen by the input's bytes.
    let Ok(mut vm) = Vm::new(Arc::new(program), CallInfo::default()) else {
        return;
    };
    vm.set_clock(1_767_614_400_000);
    let mut events = data.iter().rev().take(64).map(|b| match b % 9 {
        0 => Event::Done,
        1 => Event::Digits("1".into()),
        2 => Event::Digits("1234#".into()),
        3 => Event::Timeout,
        4 => Event::Speech("yes".into()),
        5 => Event::DialResult(DialOutcome::Busy),
        6 => Event::DialResult(DialOutcome::Answered),
        7 => Event::RecordingDone {
            location: "r.wav".into(),
            duration_ms: 1,
        },
        _ => Event::Start,
    });
    let _ = vm.resume(Event::Start);
    while !vm.is_finished() {
        let Some(event) = events.next() else { break };
        let _ = vm.resume(event);
        let _ = vm.drain_trace();
    }
});
