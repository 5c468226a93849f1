//! How a call ended, as words: `hangup`, `enqueue agents`, `dial answered`,
//! `redirect https://…`, `conference acme-204816`, `caller hangup` …
//!
//! The simulator prints these and scenario files expect them (`ends = …`).
//! An expectation may stop early: `redirect` matches any redirect and
//! `reject` any rejection, so a test need not repeat a long URL.

/// Collapse runs of whitespace, so `enqueue  agents` equals `enqueue agents`.
pub fn normalize(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Does the ending `actual` satisfy the expectation `expected`? The words of
/// `expected` must be the first words of `actual`. The first word (the kind
/// of ending) is compared without regard to case; names, rooms and URLs after
/// it exactly.
pub fn matches(expected: &str, actual: &str) -> bool {
    let expected: Vec<&str> = expected.split_whitespace().collect();
    let actual: Vec<&str> = actual.split_whitespace().collect();
    if expected.is_empty() || expected.len() > actual.len() {
        return false;
    }
    expected
        .iter()
        .zip(&actual)
        .enumerate()
        .all(|(i, (e, a))| if i == 0 { e.eq_ignore_ascii_case(a) } else { e == a })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exact_and_prefix_matches() {
        assert!(matches("hangup", "hangup"));
        assert!(matches("enqueue agents", "enqueue  agents"));
        assert!(matches("redirect", "redirect https://example.com/x?y=1"));
        assert!(matches("Dial answered", "dial answered"));
        assert!(matches("reject", "reject rejected"));
        assert!(!matches("enqueue sales", "enqueue agents"));
        assert!(!matches("hangup", "caller hangup"));
        assert!(!matches("dial answered", "dial"));
        assert!(!matches("", "hangup"));
        // Names are exact.
        assert!(!matches("enqueue Agents", "enqueue agents"));
    }
}
