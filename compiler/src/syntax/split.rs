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

pub fn split(text: &str) -> Vec<Chunk> {
    let mut chunks = Vec::new();
    let mut current: Option<Current> = None;
    let mut line_start = 0;
    for line in text.split_inclusive('\n') {
        let line_end = line_start + line.len();
        let trimmed = line.trim_start();
        let indent = line.len() - trimmed.len();
        let blank = trimmed.trim().is_empty() || trimmed.starts_with('#');
        let starts_item = starts_with_top_keyword(trimmed);
        let restart = match &current {
            None => !blank,
            // A keyword line starts an item after a closed item or junk, and,
            // in column 0, also ends an item whose braces never closed.
            Some(c) => starts_item && (c.depth == 0 || indent == 0 || !c.keyword),
        };
        if restart {
            if let Some(c) = current.take() {
                chunks.push(c.finish(line_start));
            }
            current = Some(Current {
                start: line_start,
                depth: 0,
                keyword: starts_item,
                open: Vec::new(),
            });
        }
        if let Some(c) = current.as_mut() {
            c.scan(line, line_start);
            // A keyword item is done when its braces balance again; a run of
            // junk lines goes on until the next keyword.
            if c.keyword
                && c.depth == 0
                && let Some(done) = current.take()
            {
                chunks.push(done.finish(line_end));
            }
        }
        line_start = line_end;
    }
    if let Some(c) = current {
        chunks.push(c.finish(text.len()));
    }
    chunks
}

fn starts_with_top_keyword(trimmed: &str) -> bool {
    TOP_KEYWORDS.iter().any(|kw| {
        trimmed.starts_with(kw)
            && !trimmed[kw.len()..]
                .chars()
                .next()
                .is_some_and(|c| c.is_ascii_alphanumeric() || c == '_')
    })
}

struct Current {
    start: usize,
    depth: usize,
    keyword: bool,
    open: Vec<usize>,
}

impl Current {
    /// Track braces outside strings and comments. Bytes, not chars: only
    /// ASCII bytes matter and no byte of a multi-byte character is ASCII.
    fn scan(&mut self, line: &str, offset: usize) {
        let mut in_string = false;
        let mut escaped = false;
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
                    self.depth += 1;
                    self.open.push(offset + i);
                }
                b'}' => {
                    self.depth = self.depth.saturating_sub(1);
                    self.open.pop();
                }
                _ => {}
            }
        }
    }

    fn finish(self, end: usize) -> Chunk {
        Chunk {
            start: self.start,
            end,
            unclosed: self.depth,
            open_brace: self.open.last().copied(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
