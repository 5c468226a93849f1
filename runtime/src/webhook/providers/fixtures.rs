//! The callback fixtures under `tests/fixtures/webhook/<provider>/`, for the
//! decoders' tests.

use super::{BadCallback, Callback, Kind, Report};
use callflow_compiler::targets::TargetKind;
use std::path::PathBuf;

pub fn dir(target: TargetKind) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/fixtures/webhook")
        .join(target.id())
}

/// The body of one fixture.
pub fn body(target: TargetKind, name: &str) -> Vec<u8> {
    let path = dir(target).join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("fixture {}: {e}", path.display()))
}

/// Every fixture of a provider: (file name, body).
pub fn all(target: TargetKind) -> Vec<(String, Vec<u8>)> {
    let mut out: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir(target))
        .unwrap_or_else(|e| panic!("fixtures of {}: {e}", target.id()))
        .filter_map(|entry| {
            let path = entry.ok()?.path();
            let name = path.file_name()?.to_string_lossy().into_owned();
            Some((name, std::fs::read(&path).ok()?))
        })
        .collect();
    out.sort();
    assert!(!out.is_empty(), "no fixtures for {}", target.id());
    out
}

/// A JSON fixture with one field replaced (`pointer` as in RFC 6901).
pub fn json_with(target: TargetKind, name: &str, pointer: &str, value: serde_json::Value) -> Vec<u8> {
    let mut json: serde_json::Value = serde_json::from_slice(&body(target, name)).expect("fixture is JSON");
    *json
        .pointer_mut(pointer)
        .unwrap_or_else(|| panic!("{name} has no {pointer}")) = value;
    serde_json::to_vec(&json).expect("JSON")
}

/// A JSON body with one more field replaced.
pub fn json_with_value(body: Vec<u8>, pointer: &str, value: serde_json::Value) -> Vec<u8> {
    let mut json: serde_json::Value = serde_json::from_slice(&body).expect("JSON");
    *json.pointer_mut(pointer).unwrap_or_else(|| panic!("no {pointer}")) = value;
    serde_json::to_vec(&json).expect("JSON")
}

/// The fixture `name` of `target`, decoded by that provider's `decode`.
pub fn decoded(target: TargetKind, name: &str, decode: fn(&[u8]) -> Result<Callback, BadCallback>) -> Callback {
    decode(&body(target, name)).unwrap_or_else(|e| panic!("{name}: {e:?}"))
}

/// The report a callback carries (a test failure if it is anything else).
pub fn report(callback: Callback) -> Report {
    match callback.kind {
        Kind::Report(report) => report,
        other => panic!("expected a report, got {other:?}"),
    }
}
