//! Cut a source file into top-level items before pest sees it.
//!
//! Each item (`import`, `flow`, `queue`, `step`, `menu`, or a run of lines that
//! is none of these) is parsed on its own, so a syntax error in one state never
//! hides the rest of the file. An item ends at the end of the line where its
//! braces balance; a line that starts with a top-level keyword in column 0
//! also starts a new item when the previous one never closed its `{`.

const TOP_KEYWORDS: [&str; 5] = ["import", "flow", "queue", "step", "menu"];

/// One top-level chunk of a file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Chunk {
    pub start: usize,
    pub end: usize,
    /// Braces still open at the end of the chunk (it never closed them).
    pub unclosed: usize,
    /// Offset of the innermost `{` left open, for the "unclosed block" label.
    pub open_brace: Option<usize>,
}

/// Cut `text` into chunks. One pass over the bytes, line by line, finding line
/// ends and quotes with `memchr`: it reads every byte of the file, so its speed
/// shows on large files (docs/performance.md). `tests::reference` is the plain
/// version it must agree with.
pub fn split(text: &str) -> Vec<Chunk> {
    let bytes = text.as_bytes();
    let mut chunks = Vec::new();
    let mut current: Option<Current> = None;
    // The `{` offsets of the current chunk still open: one buffer for all.
    let mut open: Vec<usize> = Vec::new();
    let mut line_start = 0;
    while line_start < bytes.len() {
        let rest = bytes.get(line_start..).unwrap_or_default();
        let line_end = line_start + memchr::memchr(b'\n', rest).map_or(rest.len(), |i| i + 1);
        let line = bytes.get(line_start..line_end).unwrap_or_default();
        let (indent, blank, starts_item) = classify(text, line_start, line_end);
        let restart = match &current {
            None => !blank,
            // A keyword line starts an item after a closed item or junk, and,
            // in column 0, also ends an item whose braces never closed.
            Some(c) => starts_item && (c.depth == 0 || indent == 0 || !c.keyword),
        };
        if restart {
            if let Some(c) = current.take() {
                chunks.push(c.finish(line_start, &open));
            }
            open.clear();
            current = Some(Current {
                start: line_start,
                depth: 0,
                keyword: starts_item,
            });
        }
        if let Some(c) = current.as_mut() {
            // Leading whitespace holds no brace, quote or `#`.
            c.scan(
                line.get(indent.min(line.len())..).unwrap_or_default(),
                line_start + indent,
                &mut open,
            );
            // A keyword item is done when its braces balance again; a run of
            // junk lines goes on until the next keyword.
            if c.keyword
                && c.depth == 0
                && let Some(done) = current.take()
            {
                chunks.push(done.finish(line_end, &open));
            }
        }
        line_start = line_end;
    }
    if let Some(c) = current {
        chunks.push(c.finish(text.len(), &open));
    }
    chunks
}

/// `split` of `text[range]`, with offsets into the whole `text`.
///
/// Only meaningful when the range starts at the start of `text` or at a cut
/// from [`parts`], and ends at the end of `text` or at such a cut.
pub fn split_range(text: &str, range: std::ops::Range<usize>) -> Vec<Chunk> {
    let offset = range.start;
    let mut chunks = split(text.get(range).unwrap_or_default());
    for c in &mut chunks {
        c.start += offset;
        c.end += offset;
        c.open_brace = c.open_brace.map(|o| o + offset);
    }
    chunks
}

/// Cut `text` into at most `n` runs of whole chunks of about equal size, so
/// that each can be split and parsed on a thread of its own.
///
/// A run starts at a line that begins with a top-level keyword in column 0.
/// `split` starts a chunk at every such line whatever came before it (after
/// a closed item, after junk, and inside an item left open), so splitting
/// the runs one by one gives exactly the chunks of splitting the whole text.
pub fn parts(text: &str, n: usize) -> Vec<std::ops::Range<usize>> {
    let bytes = text.as_bytes();
    let mut cuts = vec![0];
    for i in 1..n {
        let target = text.len() / n * i;
        let from = cuts.last().map_or(0, |&c| c.max(target));
        if let Some(at) = item_line_after(bytes, from) {
            cuts.push(at);
        }
    }
    cuts.push(text.len());
    cuts.dedup();
    cuts.windows(2).map(|w| w[0]..w[1]).collect()
}

/// The start of the first line after byte `from` that begins with a
/// top-level keyword in column 0.
fn item_line_after(bytes: &[u8], from: usize) -> Option<usize> {
    let mut at = from;
    loop {
        let line = at + memchr::memchr(b'\n', bytes.get(at..)?)? + 1;
        if starts_with_top_keyword(bytes.get(line..)?) {
            return Some(line);
        }
        at = line;
    }
}

/// A line's indent (the bytes `trim_start` removes), whether it is blank or a
/// comment, and whether it starts with a top-level keyword.
fn classify(text: &str, start: usize, end: usize) -> (usize, bool, bool) {
    let line = text.as_bytes().get(start..end).unwrap_or_default();
    // ASCII whitespace as `char::is_whitespace` sees it: tab, LF, VT, FF, CR, space.
    let indent = line
        .iter()
        .position(|b| !matches!(b, b'\t' | b'\n' | 0x0b | 0x0c | b'\r' | b' '))
        .unwrap_or(line.len());
    let trimmed = match line.get(indent) {
        None => return (indent, true, false),
        Some(b) if b.is_ascii() => line.get(indent..).unwrap_or_default(),
        // Unicode whitespace (a no-break space …) is rare: let `str` decide.
        Some(_) => {
            let line = text.get(start..end).unwrap_or_default();
            let trimmed = line.trim_start();
            let indent = line.len() - trimmed.len();
            let blank = trimmed.is_empty() || trimmed.starts_with('#');
            return (indent, blank, starts_with_top_keyword(trimmed.as_bytes()));
        }
    };
    (indent, trimmed.first() == Some(&b'#'), starts_with_top_keyword(trimmed))
}

fn starts_with_top_keyword(trimmed: &[u8]) -> bool {
    TOP_KEYWORDS.iter().any(|kw| {
        trimmed.starts_with(kw.as_bytes())
            && !trimmed
                .get(kw.len())
                .is_some_and(|&c| c.is_ascii_alphanumeric() || c == b'_')
    })
}

struct Current {
    start: usize,
    depth: usize,
    keyword: bool,
}

impl Current {
    /// Track braces outside strings and comments. Bytes, not chars: only
    /// ASCII bytes matter and no byte of a multi-byte character is ASCII.
    /// A string never continues onto the next line.
    fn scan(&mut self, line: &[u8], offset: usize, open: &mut Vec<usize>) {
        let mut i = 0;
        while let Some(&b) = line.get(i) {
            match b {
                b'"' => {
                    // Skip to the closing quote; a backslash escapes the next byte.
                    i += 1;
                    loop {
                        match memchr::memchr2(b'"', b'\\', line.get(i..).unwrap_or_default()) {
                            // An unclosed string runs to the end of the line.
                            None => return,
                            Some(j) if line.get(i + j) == Some(&b'"') => {
                                i += j;
                                break;
                            }
                            Some(j) => i += j + 2,
                        }
                    }
                }
                b'#' => return,
                b'{' => {
                    self.depth += 1;
                    open.push(offset + i);
                }
                b'}' => {
                    self.depth = self.depth.saturating_sub(1);
                    open.pop();
                }
                _ => {}
            }
            i += 1;
        }
    }

    fn finish(self, end: usize, open: &[usize]) -> Chunk {
        Chunk {
            start: self.start,
            end,
            unclosed: self.depth,
            open_brace: open.last().copied(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The plain version `split` must agree with: `str` lines, `trim_start`,
    /// and a byte-at-a-time scan with its own `Vec` of open braces per chunk.
    fn reference(text: &str) -> Vec<Chunk> {
        struct Cur {
            start: usize,
            depth: usize,
            keyword: bool,
            open: Vec<usize>,
        }
        fn starts_item(trimmed: &str) -> bool {
            TOP_KEYWORDS.iter().any(|kw| {
                trimmed.starts_with(kw)
                    && !trimmed[kw.len()..]
                        .chars()
                        .next()
                        .is_some_and(|c| c.is_ascii_alphanumeric() || c == '_')
            })
        }
        let finish = |c: Cur, end: usize| Chunk {
            start: c.start,
            end,
            unclosed: c.depth,
            open_brace: c.open.last().copied(),
        };
        let mut chunks = Vec::new();
        let mut current: Option<Cur> = None;
        let mut line_start = 0;
        for line in text.split_inclusive('\n') {
            let line_end = line_start + line.len();
            let trimmed = line.trim_start();
            let indent = line.len() - trimmed.len();
            let blank = trimmed.trim().is_empty() || trimmed.starts_with('#');
            let item = starts_item(trimmed);
            let restart = match &current {
                None => !blank,
                Some(c) => item && (c.depth == 0 || indent == 0 || !c.keyword),
            };
            if restart {
                if let Some(c) = current.take() {
                    chunks.push(finish(c, line_start));
                }
                current = Some(Cur {
                    start: line_start,
                    depth: 0,
                    keyword: item,
                    open: Vec::new(),
                });
            }
            if let Some(c) = current.as_mut() {
                let (mut in_string, mut escaped) = (false, false);
                for (i, &b) in line.as_bytes().iter().enumerate() {
                    if in_string {
                        match (escaped, b) {
                            (true, _) => escaped = false,
                            (false, b'\\') => escaped = true,
                            (false, b'"') => in_string = false,
                            _ => {}
                        }
                        continue;
                    }
                    match b {
                        b'"' => in_string = true,
                        b'#' => break,
                        b'{' => {
                            c.depth += 1;
                            c.open.push(line_start + i);
                        }
                        b'}' => {
                            c.depth = c.depth.saturating_sub(1);
                            c.open.pop();
                        }
                        _ => {}
                    }
                }
                if c.keyword
                    && c.depth == 0
                    && let Some(done) = current.take()
                {
                    chunks.push(finish(done, line_end));
                }
            }
            line_start = line_end;
        }
        if let Some(c) = current {
            chunks.push(finish(c, text.len()));
        }
        chunks
    }

    /// Pieces that matter to the splitter: keywords (whole and glued),
    /// braces, quotes, escapes, comments, every kind of line break and of
    /// leading whitespace, Unicode whitespace included.
    const PIECES: &[&str] = &[
        "step",
        "menu",
        "flow",
        "queue",
        "import",
        "stepx",
        "step_",
        "menu1",
        "x",
        " a ",
        "{",
        "}",
        "{\n",
        "}\n",
        "\"",
        "\\",
        "\\\"",
        "#",
        "# {",
        "\n",
        "\r\n",
        "\r",
        " ",
        "  ",
        "\t",
        "\u{b}",
        "\u{c}",
        "\u{a0}",
        "\u{3000}",
        "\u{2028}",
        "\u{85}",
        "é",
        "👋",
        "say \"}\"",
        "\"{\"",
        "\n\n",
    ];

    #[test]
    fn agrees_with_the_reference_on_every_example_and_fixture() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let mut seen = 0;
        for dir in ["examples", "examples/shared", "tests/diagnostics"] {
            for entry in std::fs::read_dir(root.join(dir)).expect("readable").flatten() {
                let Ok(text) = std::fs::read_to_string(entry.path()) else {
                    continue;
                };
                assert_eq!(split(&text), reference(&text), "{}", entry.path().display());
                seen += 1;
            }
        }
        assert!(seen > 20, "only {seen} files found");
    }

    /// Splitting in parts and joining gives the chunks of the whole text.
    fn split_in_parts(text: &str, n: usize) -> Vec<Chunk> {
        let parts = parts(text, n);
        assert!(parts.len() <= n.max(1), "{parts:?}");
        assert_eq!(parts.first().map_or(0, |p| p.start), 0);
        assert_eq!(parts.last().map_or(0, |p| p.end), text.len());
        assert!(
            parts
                .windows(2)
                .all(|w| w[0].end == w[1].start && w[0].start < w[0].end)
        );
        parts.into_iter().flat_map(|r| split_range(text, r)).collect()
    }

    #[test]
    fn parts_of_a_large_file_split_like_the_whole() {
        let mut text = String::new();
        for i in 0..400 {
            // Closed items, junk, comments, an item left open, keywords
            // indented and glued: every way a line can start.
            text.push_str(match i % 7 {
                0 => "step a {\n  say \"}\" # }\n}\n\n",
                1 => "junk line\n  step inside junk\n",
                2 => "menu m {\n  \"1\" -> a\n",
                3 => "# comment\nflow f {\n  start a\n}\n",
                4 => "stepx {\n}\n queue q\n",
                5 => "import \"x.flow\"\n",
                _ => "step b {\n  if x {\n    hangup\n  }\n}\n",
            });
        }
        let whole = split(&text);
        for n in 1..=6 {
            assert_eq!(split_in_parts(&text, n), whole, "{n} parts");
        }
        assert_eq!(parts(&text, 4).len(), 4);
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 2000, failure_persistence: None, ..ProptestConfig::default() })]

        #[test]
        fn parts_split_like_the_whole(pieces in prop::collection::vec(prop::sample::select(PIECES), 0..80), n in 1usize..6) {
            let text = pieces.concat();
            prop_assert_eq!(split_in_parts(&text, n), split(&text), "{:?}", text);
        }

        #[test]
        fn agrees_with_the_reference(pieces in prop::collection::vec(prop::sample::select(PIECES), 0..60)) {
            let text = pieces.concat();
            prop_assert_eq!(split(&text), reference(&text), "{:?}", text);
        }

        #[test]
        fn agrees_with_the_reference_on_any_text(text in "(?s).{0,200}") {
            prop_assert_eq!(split(&text), reference(&text), "{:?}", text);
        }
    }

    fn texts(src: &str) -> Vec<&str> {
        split(src).into_iter().map(|c| &src[c.start..c.end]).collect()
    }

    #[test]
    fn splits_items_and_keeps_junk_apart() {
        let src = "import \"a.flow\"\nstep a {\n  say \"}\" # }\n}\njunk here\nmore\nmenu m {\n}\n";
        assert_eq!(
            texts(src),
            vec![
                "import \"a.flow\"\n",
                "step a {\n  say \"}\" # }\n}\n",
                "junk here\nmore\n",
                "menu m {\n}\n"
            ]
        );
    }

    #[test]
    fn an_unclosed_block_ends_at_the_next_keyword_in_column_zero() {
        let src = "step a {\n  if x {\n    hangup\nstep b {\n  hangup\n}\n";
        let chunks = split(src);
        assert_eq!(chunks.len(), 2);
        assert_eq!(chunks[0].unclosed, 2);
        assert_eq!(chunks[0].open_brace, Some(16));
        assert_eq!(&src[chunks[1].start..chunks[1].end], "step b {\n  hangup\n}\n");
    }
}
