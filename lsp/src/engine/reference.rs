//! The language reference (docs/language.md) as hover and completion text.
//!
//! The page is compiled in, so what an editor shows is what the reference
//! says; a test fails when a keyword's section or an option's row can no
//! longer be found (for example after a heading is renamed).

const LANGUAGE_MD: &str = include_str!("../../../docs/language.md");

/// The reference section of a keyword (`say`, `menu`, `else` …): its
/// heading, syntax and explanation up to its first example, with links to
/// other parts of the page reduced to their text.
pub fn section(keyword: &str) -> Option<String> {
    let body = raw_section(keyword)?;
    let cut = body.find("```flow").unwrap_or(body.len());
    Some(unlink(body[..cut].trim_end()))
}

/// The first line of the syntax block of a keyword's section
/// (`say "TEXT" [voice …] …`), for completion details.
pub fn syntax(keyword: &str) -> Option<String> {
    let body = raw_section(keyword)?;
    let start = body.find("```\n")? + 4;
    let block: Vec<&str> = body[start..].lines().take_while(|l| !l.starts_with("```")).collect();
    // `start_recording` and `stop_recording` share a block: take the line
    // that is about this keyword.
    let line = block
        .iter()
        .find(|l| l.trim_start().starts_with(keyword))
        .or(block.first())?
        .trim();
    (!line.is_empty()).then(|| line.to_string())
}

/// What the reference says about `word` inside the section of `keyword`: the
/// row of an option table (`caller_id` of `dial`, `start` of `flow`) with the
/// table's header, or a bullet (`timeout` of `menu`).
pub fn entry(keyword: &str, word: &str) -> Option<String> {
    let body = raw_section(keyword)?;
    let lines: Vec<&str> = body.lines().collect();
    for (i, line) in lines.iter().enumerate() {
        if let Some(cells) = line.strip_prefix('|') {
            // `sequential` / `simultaneous` share a row: any code span of
            // the first cell may name the word.
            let first = cells.split('|').next().unwrap_or("");
            let named = first.split('`').skip(1).step_by(2).any(|code| {
                code.strip_prefix(word)
                    .is_some_and(|rest| !rest.starts_with(|c: char| c.is_ascii_alphanumeric() || c == '_'))
            });
            if !named {
                continue;
            }
            // The header is the first row of this table.
            let top = lines[..i]
                .iter()
                .rposition(|l| !l.starts_with('|'))
                .map_or(0, |p| p + 1);
            let header = lines.get(top..top + 2)?.join("\n");
            return Some(unlink(&format!("{header}\n{line}")));
        }
        if let Some(bullet) = line.strip_prefix("- ")
            && starts_with_code(bullet, word)
        {
            let more = lines[i + 1..]
                .iter()
                .take_while(|l| l.starts_with("  ") && !l.trim().is_empty());
            let text: Vec<&str> = std::iter::once(*line).chain(more.copied()).collect();
            return Some(unlink(&text.join("\n")));
        }
    }
    None
}

/// The last cell of an entry's row (an option table's "Meaning").
pub fn meaning(entry: &str) -> Option<String> {
    let row = entry.lines().last()?.strip_prefix('|')?;
    let cell = row.trim_end().strip_suffix('|')?.rsplit('|').next()?.trim();
    (!cell.is_empty()).then(|| cell.to_string())
}

/// Does `text` start with `` `word`` followed by something that ends the
/// word (a space, a backtick, `(`)? For bullets.
fn starts_with_code(text: &str, word: &str) -> bool {
    text.strip_prefix('`')
        .and_then(|t| t.strip_prefix(word))
        .is_some_and(|rest| !rest.starts_with(|c: char| c.is_ascii_alphanumeric() || c == '_'))
}

/// From a `##`/`###` heading naming `keyword` to the next heading; the
/// first such heading of the page wins.
fn raw_section(keyword: &str) -> Option<&'static str> {
    let headings = headings();
    let i = headings.iter().position(|(_, line)| heading_names(line, keyword))?;
    let start = headings[i].0;
    let end = headings.get(i + 1).map_or(LANGUAGE_MD.len(), |(offset, _)| *offset);
    LANGUAGE_MD.get(start..end)
}

/// The `##`/`###` headings of the page with their offsets, found once:
/// completion asks for a section per keyword it lists.
fn headings() -> &'static [(usize, &'static str)] {
    static HEADINGS: std::sync::OnceLock<Vec<(usize, &'static str)>> = std::sync::OnceLock::new();
    HEADINGS.get_or_init(|| {
        let mut offset = 0;
        let mut out = Vec::new();
        for line in LANGUAGE_MD.split_inclusive('\n') {
            if line.starts_with("## ") || line.starts_with("### ") {
                out.push((offset, line));
            }
            offset += line.len();
        }
        out
    })
}

/// Does a heading name the keyword: is it the first word of a `code span`,
/// or the whole title (`Functions`, `Variables`)?
fn heading_names(line: &str, keyword: &str) -> bool {
    line.trim_start_matches('#').trim() == keyword
        || line
            .split('`')
            .skip(1)
            .step_by(2)
            .any(|code| code.split_whitespace().next() == Some(keyword))
}

/// `[text](#anchor)` → `text`: anchors of the reference page lead nowhere
/// in an editor.
fn unlink(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(open) = rest.find('[') {
        let after = &rest[open + 1..];
        let link = after.find("](").and_then(|close| {
            let target = &after[close + 2..];
            let end = target.find(')')?;
            (!after[..close].contains('[')).then_some((close, close + 2 + end + 1))
        });
        match link {
            Some((close, end)) => {
                out.push_str(&rest[..open]);
                out.push_str(&after[..close]);
                rest = &after[end..];
            }
            None => {
                out.push_str(&rest[..=open]);
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::vocabulary;

    #[test]
    fn every_keyword_that_starts_something_has_a_section_and_a_syntax() {
        let words = vocabulary::STATEMENTS
            .iter()
            .chain(vocabulary::ITEMS)
            .chain(&["else", "on"]);
        for kw in words {
            let text = section(kw).unwrap_or_else(|| panic!("no section for `{kw}`"));
            assert!(text.contains(&format!("`{kw}")), "{kw}: {text}");
            assert!(!text.contains("```flow"), "{kw}: examples are cut");
            if *kw != "else" {
                assert!(syntax(kw).is_some(), "no syntax line for `{kw}`");
            }
        }
    }

    #[test]
    fn every_option_of_every_statement_has_an_entry() {
        for (statement, options) in vocabulary::OPTIONS {
            let text = section(statement).unwrap_or_default();
            for option in *options {
                assert!(
                    entry(statement, option).is_some() || text.contains(&format!("`{option}`")),
                    "docs/language.md says nothing findable about `{option}` of `{statement}`"
                );
            }
        }
        for setting in vocabulary::FLOW_SETTINGS {
            assert!(entry("flow", setting).is_some(), "flow setting {setting}");
        }
        for word in ["timeout", "invalid", "exhausted"] {
            assert!(entry("menu", word).is_some(), "menu {word}");
        }
    }

    #[test]
    fn an_entry_is_its_table_row_under_the_header() {
        let row = entry("dial", "caller_id").unwrap_or_default();
        assert!(row.starts_with("| Option |"), "{row}");
        assert!(row.ends_with("the number the called party sees |"), "{row}");
        assert_eq!(row.lines().count(), 3);
        let shared = entry("dial", "simultaneous").unwrap_or_default();
        assert!(shared.contains("| `sequential` / `simultaneous` |"), "{shared}");
        assert_eq!(meaning(&row), Some("the number the called party sees".to_string()));
    }

    #[test]
    fn links_keep_their_text() {
        assert_eq!(
            unlink("see [How control moves](#how-control-moves)."),
            "see How control moves."
        );
        assert_eq!(unlink("a [b] c [d](e"), "a [b] c [d](e");
    }
}
