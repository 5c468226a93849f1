//! Scenario tests: scripted callers driven through the VM, with expectations
//! on the states entered, the prompts heard and how the call ends, plus
//! coverage of states and transitions. Pure: text and programs in, results
//! out; the CLI (`callflow test`, `callflow sim`) does the I/O.
//!
//! - `file`: the TOML format (docs/scenarios.md), `action`: the caller's
//!   vocabulary, `clock`: `at` times, `ending`: how calls end, in words;
//! - `host`: the simulated phone (shared with `callflow sim`), `run`: one
//!   scenario through it, `compare`: expectations against the transcript;
//! - `coverage`: states and transitions reached, against the IR's.

pub mod action;
pub mod clock;
pub mod compare;
pub mod coverage;
pub mod ending;
pub mod file;
pub mod host;
pub mod run;

pub use action::{CallerAction, DialResult};
pub use file::{CallSetup, Expectation, FileError, Scenario, ScenarioFile};
