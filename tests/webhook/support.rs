//! Starting webhook hosts on loopback for the tests, and the programs they
//! serve.

use callflow_compiler::bytecode::{self, Program};
use callflow_compiler::project::{Project, analyze};
use callflow_compiler::targets::{self, TargetKind};
use callflow_runtime::webhook::{self, App, Config, Render, Running};
use std::net::SocketAddr;
use std::path::Path;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, Mutex};

/// Monday 23 November 2026, 10:00 in Nairobi (07:00 UTC).
pub const MONDAY_10_NAIROBI_MS: i64 = 1_795_417_200_000;

pub fn examples_dir() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("examples")
}

/// Test-only flows for what no example exercises on some target.
pub fn fixtures_dir() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/webhook")
}

/// Where a flow the tests name lives: `examples/`, or the fixtures for a
/// name that starts with `fixtures/`.
fn locate(name: &str) -> (std::path::PathBuf, &str) {
    match name.strip_prefix("fixtures/") {
        Some(file) => (fixtures_dir(), file),
        None => (examples_dir(), name),
    }
}

fn project(name: &str) -> Project {
    let (dir, name) = locate(name);
    let text = std::fs::read_to_string(dir.join(name)).expect("flow file");
    Project::load(name, &text, &mut |_, path| {
        std::fs::read_to_string(dir.join(path))
            .map(|t| (path.to_string(), t))
            .map_err(|e| e.to_string())
    })
}

/// An example (or `fixtures/NAME.flow`), compiled.
pub fn program(name: &str) -> Arc<Program> {
    let project = project(name);
    let analysis = analyze(&project);
    Arc::new(bytecode::compile(&project, &analysis).expect("the examples compile"))
}

/// Is the target's renderer there yet? Until it is merged, its capability
/// table is empty and it can carry nothing.
pub fn renderer_merged(target: TargetKind) -> bool {
    !target.capabilities().is_empty()
}

/// Does `targets::compile` accept the example for the target?
pub fn supports(target: TargetKind, name: &str) -> bool {
    let project = project(name);
    let analysis = analyze(&project);
    let (_, diags) = targets::compile(&project.asts, &analysis.ir, &project.sources, target);
    !diags.iter().any(|d| d.is_error())
}

/// The whole-call tests name the example they drive; once the target's
/// renderer is in, the target must accept it (else the test picked wrong).
pub fn check_supported(target: TargetKind, name: &str) {
    if renderer_merged(target) {
        assert!(
            supports(target, name),
            "{} cannot carry {name} (`callflow build {} --target {}` says why); \
             drive a flow the target accepts in this test",
            target.display(),
            locate(name).0.join(locate(name).1).display(),
            target.id()
        );
    } else {
        eprintln!(
            "note: the {} renderer is a stub; not checking that it carries {name}",
            target.id()
        );
    }
}

/// A host on 127.0.0.1 with an ephemeral port, a settable clock and a log
/// the test can read.
pub struct Host {
    pub running: Running,
    pub clock: Arc<AtomicI64>,
    pub log: Arc<Mutex<Vec<String>>>,
}

impl Host {
    pub fn start(target: TargetKind, program: Arc<Program>, tweak: impl FnOnce(&mut Config)) -> Host {
        let clock = Arc::new(AtomicI64::new(MONDAY_10_NAIROBI_MS));
        let log = Arc::new(Mutex::new(Vec::new()));
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        let addr = listener.local_addr().expect("addr");
        let mut config = Config::new(target);
        config.base_url = format!("http://{addr}");
        config.render = Render::Outline;
        let now = Arc::clone(&clock);
        config.clock = Arc::new(move || now.load(Ordering::Relaxed));
        let lines = Arc::clone(&log);
        config.log = Arc::new(move |line: &str| lines.lock().expect("log").push(line.to_string()));
        tweak(&mut config);
        let app = App::new(program, config).expect("app");
        let running = webhook::start(Arc::new(app), listener).expect("start");
        Host { running, clock, log }
    }

    pub fn addr(&self) -> SocketAddr {
        self.running.addr()
    }

    pub fn set_clock(&self, unix_ms: i64) {
        self.clock.store(unix_ms, Ordering::Relaxed);
    }

    pub fn logged(&self) -> Vec<String> {
        self.log.lock().expect("log").clone()
    }
}

/// Check every document a test received as static documents are checked:
/// Africa's Talking XML with tests/at_xml/, the JSON targets against
/// tests/schemas/<target>.schema.json (ajv, through node; skipped with a
/// note where node is missing outside CI). `documents`: (name, body).
pub fn check_structure(target: TargetKind, documents: &[(String, String)]) {
    assert!(!documents.is_empty(), "no documents to check");
    if target == TargetKind::AfricasTalking {
        for (name, xml) in documents {
            let problems = crate::at_xml::check(xml);
            assert!(problems.is_empty(), "{name}: {problems:#?}\n{xml}");
        }
        return;
    }
    let Some(validator) = crate::common::js_tool("schema-validate.mjs") else {
        return;
    };
    static RUN: AtomicI64 = AtomicI64::new(0);
    let run = RUN.fetch_add(1, Ordering::Relaxed);
    let dir = crate::common::TempDir::new(&format!("webhook-structure-{}-{run}", target.id()));
    let files: Vec<std::path::PathBuf> = documents
        .iter()
        .enumerate()
        .map(|(i, (name, body))| dir.write(&format!("{i:03}-{name}.json"), body))
        .collect();
    let schema = crate::common::root().join(format!("tests/schemas/{}.schema.json", target.id()));
    let out = std::process::Command::new("node")
        .arg(validator)
        .arg(schema)
        .args(&files)
        .output()
        .expect("run node");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{} documents do not match their schema:\n{stdout}{}",
        target.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(stdout.lines().filter(|l| l.ends_with(": valid")).count(), files.len());
}
