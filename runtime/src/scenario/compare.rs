//! Comparing what a call did with what its scenario expects, and explaining
//! the difference so that a failing test can be fixed without re-running it
//! by hand.

use super::ending;
use super::file::Expectation;
use super::run::Transcript;

/// One expectation that did not hold, already worded for people.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Mismatch {
    /// `path`, `prompts`, `hears`, `ends` or `call` (the call itself went wrong).
    pub what: &'static str,
    /// Indented lines explaining it.
    pub detail: Vec<String>,
}

/// Every way `transcript` differs from `expect`; empty when the scenario passes.
pub fn compare(expect: &Expectation, transcript: &Transcript) -> Vec<Mismatch> {
    let mut out = Vec::new();
    if let Some(problem) = &transcript.problem {
        out.push(Mismatch {
            what: "call",
            detail: vec![problem.clone()],
        });
    }
    if let Some(path) = &expect.path
        && *path != transcript.path
    {
        out.push(Mismatch {
            what: "path",
            detail: path_detail(path, &transcript.path),
        });
    }
    if let Some(prompts) = &expect.prompts
        && *prompts != transcript.prompts
    {
        out.push(Mismatch {
            what: "prompts",
            detail: list_diff(prompts, &transcript.prompts),
        });
    }
    if let Some(missing) = first_unheard(&expect.hears, &transcript.prompts) {
        let mut detail = vec![format!(
            "expected to hear (in order): {}",
            quote(&expect.hears[missing])
        )];
        if missing > 0 {
            detail.push(format!("after: {}", quote(&expect.hears[missing - 1])));
        }
        detail.push("heard:".to_string());
        detail.extend(transcript.prompts.iter().map(|p| format!("  {}", quote(p))));
        if transcript.prompts.is_empty() {
            detail.push("  (nothing)".to_string());
        }
        out.push(Mismatch { what: "hears", detail });
    }
    if let Some(expected) = &expect.ends {
        let actual = transcript.ending.as_deref().unwrap_or("(the call did not end)");
        if !ending::matches(expected, actual) {
            out.push(Mismatch {
                what: "ends",
                detail: vec![format!("expected: {expected}"), format!("actual:   {actual}")],
            });
        }
    }
    out
}

/// The index in `hears` of the first part not found, in order, in `prompts`.
/// Each part must be in a prompt after the one the previous part was in (or
/// the same prompt, further on).
fn first_unheard(hears: &[String], prompts: &[String]) -> Option<usize> {
    let (mut prompt, mut offset) = (0, 0);
    'parts: for (i, part) in hears.iter().enumerate() {
        while let Some(text) = prompts.get(prompt) {
            if let Some(found) = text.get(offset..).and_then(|rest| rest.find(part.as_str())) {
                offset += found + part.len();
                continue 'parts;
            }
            prompt += 1;
            offset = 0;
        }
        return Some(i);
    }
    None
}

fn path_detail(expected: &[String], actual: &[String]) -> Vec<String> {
    let mut detail = vec![
        format!("expected: {}", arrows(expected)),
        format!("actual:   {}", arrows(actual)),
    ];
    let first = expected.iter().zip(actual).position(|(e, a)| e != a);
    let at = first.unwrap_or(expected.len().min(actual.len()));
    let note = match (expected.get(at), actual.get(at)) {
        (Some(e), Some(a)) => format!("state {} differs: expected `{e}`, got `{a}`", at + 1),
        (Some(e), None) => format!("the call entered no state {} (expected `{e}`)", at + 1),
        (None, Some(a)) => format!("the call went on to `{a}` (state {})", at + 1),
        (None, None) => String::new(),
    };
    detail.push(note);
    detail
}

fn arrows(states: &[String]) -> String {
    if states.is_empty() {
        "(no states)".to_string()
    } else {
        states.join(" → ")
    }
}

fn quote(text: &str) -> String {
    format!("{text:?}")
}

/// A line diff of two lists: `  ` common, `- ` expected only, `+ ` actual only.
pub fn list_diff(expected: &[String], actual: &[String]) -> Vec<String> {
    // Longest common subsequence table, from the back; lists are short.
    let (n, m) = (expected.len(), actual.len());
    let mut lcs = vec![vec![0usize; m + 1]; n + 1];
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            lcs[i][j] = if expected[i] == actual[j] {
                lcs[i + 1][j + 1] + 1
            } else {
                lcs[i + 1][j].max(lcs[i][j + 1])
            };
        }
    }
    let mut out = vec!["(- expected, + actual)".to_string()];
    let (mut i, mut j) = (0, 0);
    while i < n || j < m {
        if i < n && j < m && expected[i] == actual[j] {
            out.push(format!("  {}", quote(&expected[i])));
            i += 1;
            j += 1;
        } else if i < n && (j == m || lcs[i + 1][j] >= lcs[i][j + 1]) {
            out.push(format!("- {}", quote(&expected[i])));
            i += 1;
        } else {
            out.push(format!("+ {}", quote(&actual[j])));
            j += 1;
        }
    }
    out
}

/// The mismatches of one scenario as indented text for `callflow test`.
pub fn render(mismatches: &[Mismatch]) -> String {
    let mut out = String::new();
    for m in mismatches {
        out.push_str(&format!("    {}:\n", m.what));
        for line in &m.detail {
            out.push_str(&format!("      {line}\n"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(items: &[&str]) -> Vec<String> {
        items.iter().map(|s| s.to_string()).collect()
    }

    fn transcript(path: &[&str], prompts: &[&str], ending: &str) -> Transcript {
        Transcript {
            path: strings(path),
            prompts: strings(prompts),
            ending: Some(ending.to_string()),
            ..Transcript::default()
        }
    }

    #[test]
    fn a_matching_call_passes() {
        let expect = Expectation {
            path: Some(strings(&["welcome", "main"])),
            prompts: Some(strings(&["Hi.", "Press 1."])),
            hears: strings(&["Hi", "Press", "1"]),
            ends: Some("enqueue".into()),
        };
        let t = transcript(&["welcome", "main"], &["Hi.", "Press 1."], "enqueue agents");
        assert_eq!(compare(&expect, &t), vec![]);
    }

    #[test]
    fn each_difference_is_explained() {
        let expect = Expectation {
            path: Some(strings(&["welcome", "main", "sales"])),
            prompts: Some(strings(&["Hi.", "Press 1."])),
            hears: strings(&["Press", "Hi"]),
            ends: Some("hangup".into()),
        };
        let mut t = transcript(&["welcome", "voicemail"], &["Hi.", "Closed."], "enqueue agents");
        t.problem = Some("2 caller actions were not used: 1, busy".into());
        let found = compare(&expect, &t);
        let whats: Vec<&str> = found.iter().map(|m| m.what).collect();
        assert_eq!(whats, ["call", "path", "prompts", "hears", "ends"]);
        let text = render(&found);
        assert!(text.contains("expected: welcome → main → sales"), "{text}");
        assert!(text.contains("actual:   welcome → voicemail"), "{text}");
        assert!(
            text.contains("state 2 differs: expected `main`, got `voicemail`"),
            "{text}"
        );
        assert!(
            text.contains("- \"Press 1.\"") && text.contains("+ \"Closed.\""),
            "{text}"
        );
        assert!(text.contains("  \"Hi.\""), "{text}");
        assert!(text.contains("expected to hear (in order): \"Press\""), "{text}");
        assert!(text.contains("actual:   enqueue agents"), "{text}");
    }

    #[test]
    fn hears_is_ordered() {
        let prompts = strings(&["For sales press 1.", "Goodbye."]);
        assert_eq!(
            first_unheard(&strings(&["sales", "press 1", "Goodbye"]), &prompts),
            None
        );
        assert_eq!(first_unheard(&strings(&["Goodbye", "sales"]), &prompts), Some(1));
        assert_eq!(first_unheard(&strings(&["press", "press"]), &prompts), Some(1));
    }
}
