//! Scenario files (`*.test.toml`): TOML text in, checked scenarios out.
//!
//! Every value a person writes is validated here, before any call runs, so
//! that a typo in a caller action is reported at its line and column rather
//! than as a confusing failure halfway through a simulated call.
//! docs/scenarios.md is the user-facing description of the format.

use super::action::CallerAction;
use super::clock;
use serde::Deserialize;
use std::collections::BTreeSet;
use toml::Spanned;

/// A parsed scenario file.
#[derive(Clone, Debug, PartialEq)]
pub struct ScenarioFile {
    /// The `.flow` file under test as written in the file (`flow_file = …`),
    /// relative to the scenario file; `None` means the file next to it with
    /// the same stem (`support.test.toml` → `support.flow`).
    pub flow_file: Option<String>,
    pub scenarios: Vec<Scenario>,
}

/// One simulated call and what it must do.
#[derive(Clone, Debug, PartialEq)]
pub struct Scenario {
    pub name: String,
    /// 1-based line of the scenario's `name`, for messages.
    pub line: usize,
    pub call: CallSetup,
    /// What the caller does, in order, each time the call waits.
    pub input: Vec<CallerAction>,
    pub expect: Expectation,
}

/// Who calls whom, when, and into which flow.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CallSetup {
    pub caller: String,
    pub called: String,
    /// The provider's call id (the built-in variable `call_id`).
    pub call_id: String,
    /// A local time (read in the flow's time zone) or one with an offset.
    pub at: String,
    /// The flow to start (`None`: the project's first flow).
    pub flow: Option<String>,
}

/// The caller's number when neither the scenario nor `[defaults]` gives one.
pub const DEFAULT_CALLER: &str = "+15550100001";
/// The number called when neither the scenario nor `[defaults]` gives one.
pub const DEFAULT_CALLED: &str = "+15550100002";

/// The call id when neither the scenario nor `[defaults]` gives one.
pub const DEFAULT_CALL_ID: &str = "test-call";

/// What a scenario checks; `None`/empty means "not checked".
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Expectation {
    /// Every state entered, in order.
    pub path: Option<Vec<String>>,
    /// Every prompt heard, in order, exactly.
    pub prompts: Option<Vec<String>>,
    /// Parts of prompts heard, in order (each a substring of a later prompt).
    pub hears: Vec<String>,
    /// How the call ends (see `ending`).
    pub ends: Option<String>,
}

/// A problem in a scenario file, at a 1-based line and column.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileError {
    pub line: usize,
    pub column: usize,
    pub message: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    flow_file: Option<String>,
    defaults: Option<RawDefaults>,
    #[serde(default)]
    scenario: Vec<RawScenario>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDefaults {
    caller: Option<String>,
    called: Option<String>,
    call_id: Option<String>,
    at: Option<Spanned<toml::Value>>,
    flow: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawScenario {
    name: Spanned<String>,
    caller: Option<String>,
    called: Option<String>,
    call_id: Option<String>,
    at: Option<Spanned<toml::Value>>,
    flow: Option<String>,
    #[serde(default)]
    input: Vec<Spanned<String>>,
    path: Option<Vec<String>>,
    prompts: Option<Vec<String>>,
    #[serde(default)]
    hears: Vec<String>,
    ends: Option<Spanned<String>>,
}

impl ScenarioFile {
    /// Parse and validate a scenario file. All problems are reported, not
    /// only the first.
    pub fn parse(text: &str) -> Result<ScenarioFile, Vec<FileError>> {
        let raw: RawFile = toml::from_str(text).map_err(|e| {
            let at = e.span().map_or(0, |span| span.start);
            vec![error_at(text, at, e.message().trim().to_string())]
        })?;
        let mut errors = Vec::new();
        let defaults = raw.defaults.unwrap_or(RawDefaults {
            caller: None,
            called: None,
            call_id: None,
            at: None,
            flow: None,
        });
        let default_at = defaults.at.as_ref().and_then(|at| time_text(text, at, &mut errors));
        if raw.scenario.is_empty() {
            errors.push(FileError {
                line: 1,
                column: 1,
                message: "no scenarios: add at least one `[[scenario]]` table".to_string(),
            });
        }
        let mut names = BTreeSet::new();
        let mut scenarios = Vec::new();
        for s in raw.scenario {
            let name = s.name.get_ref().trim().to_string();
            if name.is_empty() {
                errors.push(error_at(
                    text,
                    s.name.span().start,
                    "a scenario needs a non-empty `name`".into(),
                ));
            } else if !names.insert(name.clone()) {
                errors.push(error_at(
                    text,
                    s.name.span().start,
                    format!("two scenarios are named `{name}`; names identify scenarios in reports"),
                ));
            }
            let mut input = Vec::new();
            for item in &s.input {
                match CallerAction::parse(item.get_ref()) {
                    Ok(action) => input.push(action),
                    Err(message) => errors.push(error_at(text, item.span().start, message)),
                }
            }
            let at = match &s.at {
                Some(at) => time_text(text, at, &mut errors),
                None => default_at.clone(),
            };
            let ends = s.ends.map(|ends| {
                let words = super::ending::normalize(ends.get_ref());
                if words.is_empty() {
                    errors.push(error_at(
                        text,
                        ends.span().start,
                        "`ends` is empty; write how the call ends, e.g. `hangup` or `enqueue agents`".into(),
                    ));
                }
                words
            });
            scenarios.push(Scenario {
                line: line_col(text, s.name.span().start).0,
                name,
                call: CallSetup {
                    caller: s
                        .caller
                        .or_else(|| defaults.caller.clone())
                        .unwrap_or(DEFAULT_CALLER.into()),
                    called: s
                        .called
                        .or_else(|| defaults.called.clone())
                        .unwrap_or(DEFAULT_CALLED.into()),
                    call_id: s
                        .call_id
                        .or_else(|| defaults.call_id.clone())
                        .unwrap_or(DEFAULT_CALL_ID.into()),
                    at: at.unwrap_or_else(|| clock::DEFAULT_AT.to_string()),
                    flow: s.flow.or_else(|| defaults.flow.clone()),
                },
                input,
                expect: Expectation {
                    path: s.path,
                    prompts: s.prompts,
                    hears: s.hears,
                    ends,
                },
            });
        }
        if errors.is_empty() {
            Ok(ScenarioFile {
                flow_file: raw.flow_file,
                scenarios,
            })
        } else {
            errors.sort_by_key(|e| (e.line, e.column));
            Err(errors)
        }
    }
}

/// The text of an `at` value: a string, or a TOML date-time written bare
/// (`at = 2026-11-23T10:00:00`). Checked for form here; the time zone is
/// applied when the call runs.
fn time_text(text: &str, at: &Spanned<toml::Value>, errors: &mut Vec<FileError>) -> Option<String> {
    let value = match at.get_ref() {
        toml::Value::String(s) => s.clone(),
        toml::Value::Datetime(d) => d.to_string(),
        other => {
            let message = format!(
                "`at` must be a time like \"2026-11-23T10:00\", not a {}",
                other.type_str()
            );
            errors.push(error_at(text, at.span().start, message));
            return None;
        }
    };
    // Any zone will do to check the form; UTC has no gaps.
    match clock::unix_ms(&value, None) {
        Ok(_) => Some(value),
        Err(message) => {
            errors.push(error_at(text, at.span().start, message));
            None
        }
    }
}

fn error_at(text: &str, offset: usize, message: String) -> FileError {
    let (line, column) = line_col(text, offset);
    FileError { line, column, message }
}

/// 1-based line and column (in characters) of a byte offset.
fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = text.get(..offset).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |at| at + 1);
    let column = before.get(line_start..).map_or(0, |s| s.chars().count()) + 1;
    (line, column)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::action::DialResult;

    const FILE: &str = r#"
flow_file = "support.flow"

[defaults]
caller = "+254722000111"
at = "2026-11-23T10:00"

[[scenario]]
name = "sales answers"
input = ["1", "answered"]
path = ["welcome", "main", "sales"]
hears = ["sales team"]
ends = "dial  answered"

[[scenario]]
name = "closed on Sunday"
at = 2026-11-22T10:00:00
caller = "+254733000222"
input = ["record 12s"]
prompts = ["Thank you for calling."]
ends = "hangup"
"#;

    #[test]
    fn a_full_file() {
        let file = ScenarioFile::parse(FILE).unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(file.flow_file.as_deref(), Some("support.flow"));
        let [sales, closed] = file.scenarios.as_slice() else {
            panic!("two scenarios expected")
        };
        assert_eq!(sales.name, "sales answers");
        assert_eq!(sales.line, 9);
        assert_eq!(sales.call.caller, "+254722000111");
        assert_eq!(sales.call.called, DEFAULT_CALLED);
        assert_eq!(sales.call.at, "2026-11-23T10:00");
        assert_eq!(
            sales.input,
            vec![CallerAction::Keys("1".into()), CallerAction::Dial(DialResult::Answered)]
        );
        assert_eq!(sales.expect.ends.as_deref(), Some("dial answered"));
        assert_eq!(sales.expect.hears, vec!["sales team".to_string()]);
        assert_eq!(closed.call.caller, "+254733000222");
        assert_eq!(closed.call.at, "2026-11-22T10:00:00");
        assert_eq!(closed.input, vec![CallerAction::Recorded { duration_ms: 12_000 }]);
        assert_eq!(closed.expect.path, None);
    }

    #[test]
    fn every_mistake_is_reported_where_it_is() {
        let text =
            "[[scenario]]\nname = \"a\"\ninput = [\"1\", \"tmeout\"]\nat = \"noon\"\n\n[[scenario]]\nname = \"a\"\n";
        let errors = ScenarioFile::parse(text).err().unwrap_or_default();
        let found: Vec<(usize, usize, bool)> = errors
            .iter()
            .map(|e| (e.line, e.column, e.message.is_empty()))
            .collect();
        assert_eq!(found, vec![(3, 15, false), (4, 6, false), (7, 8, false)], "{errors:?}");
        assert!(errors[0].message.contains("tmeout"));
        assert!(errors[2].message.contains("two scenarios are named `a`"));
    }

    #[test]
    fn toml_and_shape_errors() {
        for (text, line, part) in [
            ("[[scenario]]\nname = \"a\"\nends = \n", 3, ""),
            ("[[scenario]]\nname = \"a\"\nexpect = \"x\"\n", 3, "expect"),
            ("[[scenario]]\ninput = [\"1\"]\n", 1, "name"),
            ("", 1, "no scenarios"),
            ("[[scenario]]\nname = \"a\"\nat = 5\n", 3, "integer"),
        ] {
            let errors = ScenarioFile::parse(text).err().unwrap_or_default();
            let first = errors.first().unwrap_or_else(|| panic!("no error for {text:?}"));
            assert_eq!(first.line, line, "{text:?}: {errors:?}");
            assert!(first.message.contains(part), "{text:?}: {errors:?}");
        }
    }
}
