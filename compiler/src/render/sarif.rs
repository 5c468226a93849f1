//! The SARIF 2.1.0 format: one log with one run, for code-scanning services
//! (GitHub, GitLab, Azure DevOps). Rules are the codes that occur, each with
//! its explain page as help; columns are Unicode code points (`columnKind`),
//! matching the other formats.

use super::location::{Location, locate};
use crate::diagnostic::{Code, Diagnostic, Severity};
use crate::span::SourceMap;
use serde_json::{Value, json};

const SCHEMA: &str = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";
const INFORMATION_URI: &str = "https://example.invalid/callflow";

pub fn render(diags: &[Diagnostic], sources: &SourceMap) -> String {
    // Rules in order of first appearance; results refer to them by index.
    let mut codes: Vec<&'static Code> = Vec::new();
    for d in diags {
        if !codes.iter().any(|c| c.id == d.code.id) {
            codes.push(d.code);
        }
    }
    let rules: Vec<Value> = codes.iter().map(|c| rule(c)).collect();
    let results: Vec<Value> = diags
        .iter()
        .map(|d| result(d, codes.iter().position(|c| c.id == d.code.id).unwrap_or(0), sources))
        .collect();
    let log = json!({
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": {
                "name": "callflow",
                "version": env!("CARGO_PKG_VERSION"),
                "informationUri": INFORMATION_URI,
                "rules": rules,
            }},
            "columnKind": "unicodeCodePoints",
            "results": results,
        }],
    });
    // Serialising a `Value` cannot fail; an empty log beats a panic anyway.
    let mut out = serde_json::to_string_pretty(&log).unwrap_or_default();
    out.push('\n');
    out
}

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    }
}

fn rule(code: &Code) -> Value {
    json!({
        "id": code.id,
        "name": code.name,
        "shortDescription": { "text": code.summary },
        "fullDescription": { "text": format!("{} ({}): {}", code.id, code.name, code.summary) },
        "help": { "text": code.explain, "markdown": code.explain },
        "helpUri": format!("{INFORMATION_URI}/blob/main/{}", super::explain_url(code)),
        "defaultConfiguration": { "level": level(code.severity) },
    })
}

fn result(diag: &Diagnostic, rule_index: usize, sources: &SourceMap) -> Value {
    let text = match &diag.help {
        Some(help) => format!("{}\nhelp: {help}", diag.message),
        None => diag.message.clone(),
    };
    // The main label (as `Diagnostic::primary_span` picks it) is the location;
    // every other label is a related location.
    let main = diag
        .labels
        .iter()
        .position(|l| l.primary)
        .or((!diag.labels.is_empty()).then_some(0));
    let locations: Vec<Value> = main
        .and_then(|i| diag.labels.get(i))
        .map(|l| physical(&locate(sources, l.span), None))
        .into_iter()
        .collect();
    let related: Vec<Value> = diag
        .labels
        .iter()
        .enumerate()
        .filter(|(i, _)| Some(*i) != main)
        .enumerate()
        .map(|(id, (_, l))| {
            let mut loc = physical(&locate(sources, l.span), Some(&l.message));
            loc["id"] = json!(id);
            loc
        })
        .collect();
    let mut value = json!({
        "ruleId": diag.code.id,
        "ruleIndex": rule_index,
        "level": level(diag.severity),
        "message": { "text": text },
        "locations": locations,
    });
    if !related.is_empty() {
        value["relatedLocations"] = json!(related);
    }
    value
}

fn physical(loc: &Location<'_>, message: Option<&str>) -> Value {
    let mut value = json!({
        "physicalLocation": {
            "artifactLocation": { "uri": uri(loc.file) },
            "region": {
                "startLine": loc.begin.line,
                "startColumn": loc.begin.column,
                "endLine": loc.finish.line,
                "endColumn": loc.finish.column,
                "byteOffset": loc.start,
                "byteLength": loc.end - loc.start,
            },
        },
    });
    if let Some(text) = message.filter(|m| !m.is_empty()) {
        value["message"] = json!({ "text": text });
    }
    value
}

/// A relative file name as a URI reference: `/`-separated, with everything
/// outside the unreserved set (and `/`) percent-encoded.
fn uri(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for byte in name.replace('\\', "/").bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => out.push(byte as char),
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codes;
    use crate::span::Span;

    #[test]
    fn log_has_rules_results_and_regions() {
        let mut sources = SourceMap::new();
        let text = "menu main {\n  \"1\" -> sale # ünïcode\n}\n";
        let f = sources.add("my flows/main.flow", text);
        let at = text.find("sale").unwrap_or(0);
        let e = codes::lookup("E0101").unwrap_or(codes::ALL[0]);
        let w = codes::lookup("W0301").unwrap_or(codes::ALL[0]);
        let diags = [
            Diagnostic::new(w, "never reached").primary(Span::new(f, 5, 9), "this menu"),
            Diagnostic::new(e, "no state `sale`")
                .primary(Span::new(f, at, at + 4), "not defined")
                .secondary(Span::new(f, 5, 9), "in this menu")
                .help("did you mean `sales`?"),
            Diagnostic::new(w, "again").primary(Span::new(f, 0, 4), "x"),
        ];
        let log: Value = serde_json::from_str(&render(&diags, &sources)).unwrap_or_default();
        assert_eq!(log["version"], "2.1.0");
        assert!(log["$schema"].as_str().is_some_and(|s| s.contains("2.1.0")));
        let run = &log["runs"][0];
        assert_eq!(run["tool"]["driver"]["name"], "callflow");
        let rules = run["tool"]["driver"]["rules"].as_array().cloned().unwrap_or_default();
        assert_eq!(rules.len(), 2);
        assert_eq!(rules[1]["id"], "E0101");
        assert_eq!(rules[1]["defaultConfiguration"]["level"], "error");
        assert!(
            rules[1]["help"]["markdown"]
                .as_str()
                .is_some_and(|m| m.contains("## How to fix"))
        );
        let results = run["results"].as_array().cloned().unwrap_or_default();
        assert_eq!(results.len(), 3);
        let r = &results[1];
        assert_eq!(
            (&r["ruleId"], r["ruleIndex"].as_u64(), &r["level"]),
            (&json!("E0101"), Some(1), &json!("error"))
        );
        assert_eq!(r["message"]["text"], "no state `sale`\nhelp: did you mean `sales`?");
        let loc = &r["locations"][0]["physicalLocation"];
        assert_eq!(loc["artifactLocation"]["uri"], "my%20flows/main.flow");
        assert_eq!(loc["region"]["startLine"].as_u64(), Some(2));
        assert_eq!(loc["region"]["startColumn"].as_u64(), Some(10));
        assert_eq!(loc["region"]["endColumn"].as_u64(), Some(14));
        assert_eq!(loc["region"]["byteLength"].as_u64(), Some(4));
        assert_eq!(r["relatedLocations"][0]["message"]["text"], "in this menu");
        assert!(results[0].get("relatedLocations").is_none());
        assert_eq!(results[2]["ruleIndex"].as_u64(), Some(0));
    }

    #[test]
    fn an_empty_run_is_still_a_valid_log() {
        let log: Value = serde_json::from_str(&render(&[], &SourceMap::new())).unwrap_or_default();
        assert_eq!(log["runs"][0]["results"], json!([]));
    }
}
