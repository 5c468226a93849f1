//! A real editor as the client: headless Neovim starts `callflow lsp` for a
//! broken copy of an example and writes the diagnostics it received to a
//! file (tests/editor/nvim_smoke.lua). Neovim converts the server's UTF-16
//! columns to byte columns itself, so a wrong encoding shows here.
//!
//! Skipped with a note when `nvim` is missing, except under CI=true, where
//! .ci/run installs Debian's `neovim`.

mod common;

use common::TempDir;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

#[test]
fn neovim_shows_the_diagnostics_at_the_right_columns() {
    if !common::available("nvim", Command::new("nvim").arg("--version")) {
        return;
    }
    let dir = TempDir::new("nvim-lsp");
    let example = std::fs::read_to_string(common::root().join("examples/support.flow")).expect("example");
    let shared = std::fs::read_to_string(common::root().join("examples/shared/goodbye.flow")).expect("shared");
    let broken = example
        .replacen(
            "say \"Thank you for calling Acme Kenya.\"",
            "say \"Karibu 👋 {nme}\"",
            1,
        )
        .replacen("goto main", "goto mian", 1);
    assert_ne!(broken, example, "the example changed; update the edits above");
    let file = dir.write("support.flow", &broken);
    dir.write("shared/goodbye.flow", &shared);
    let out = dir.0.join("diagnostics.txt");

    let mut child = Command::new("nvim")
        .args(["--headless", "-u", "NONE", "-i", "NONE", "-n", "-c"])
        .arg(format!(
            "luafile {}",
            common::root().join("tests/editor/nvim_smoke.lua").display()
        ))
        .env("CALLFLOW", env!("CARGO_BIN_EXE_callflow"))
        .env("FLOW_FILE", &file)
        .env("OUT", &out)
        .env("XDG_CACHE_HOME", dir.0.join("cache"))
        .env("XDG_STATE_HOME", dir.0.join("state"))
        .env("XDG_DATA_HOME", dir.0.join("data"))
        .env("XDG_CONFIG_HOME", dir.0.join("config"))
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start nvim");
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait for nvim") {
            break status;
        }
        if started.elapsed() > Duration::from_secs(90) {
            let _ = child.kill();
            panic!("nvim did not finish in 90 s");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let written = std::fs::read_to_string(&out).unwrap_or_default();
    assert!(status.success(), "nvim failed ({status}); it wrote:\n{written}");

    // Neovim's columns are 1-based bytes: find the expected ones in the text.
    let locate = |needle: &str| -> String {
        let (n, line) = broken
            .lines()
            .enumerate()
            .find(|(_, l)| l.contains(needle))
            .expect("needle in the broken example");
        let col = line.find(needle).unwrap_or(0) + 1;
        format!("{}:{}", n + 1, col)
    };
    let expected = [
        format!("{} E0104 nothing ever sets the variable `nme`", locate("nme}")),
        format!("{} E0101 there is no state named `mian`", locate("mian")),
    ];
    for line in &expected {
        assert!(written.lines().any(|l| l == line), "missing `{line}` in:\n{written}");
    }
}
