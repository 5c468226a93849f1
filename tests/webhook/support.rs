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

fn project(name: &str) -> Project {
    let dir = examples_dir();
    let text = std::fs::read_to_string(dir.join(name)).expect("example");
    Project::load(name, &text, &mut |_, path| {
        std::fs::read_to_string(dir.join(path))
            .map(|t| (path.to_string(), t))
            .map_err(|e| e.to_string())
    })
}

/// An example, compiled.
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
            "{} cannot carry {name} (`callflow build examples/{name} --target {}` says why); \
             drive an example the target accepts in this test",
            target.display(),
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
