//! Random edits of flow text for property tests (the fast-path differential
//! test and the formatter's): insert a token or a reserved word, delete a few
//! bytes, duplicate, delete or swap lines. Test-only.

use crate::syntax::keywords;
use proptest::prelude::*;

#[derive(Clone, Debug)]
pub enum Edit {
    Insert(usize, &'static str),
    InsertWord(usize, usize),
    Delete(usize, usize),
    DuplicateLine(usize),
    DeleteLine(usize),
    SwapLines(usize, usize),
}

pub fn edit(tokens: &'static [&'static str]) -> impl Strategy<Value = Edit> {
    prop_oneof![
        4 => (any::<usize>(), prop::sample::select(tokens)).prop_map(|(at, t)| Edit::Insert(at, t)),
        2 => (any::<usize>(), any::<usize>()).prop_map(|(at, w)| Edit::InsertWord(at, w)),
        2 => (any::<usize>(), 1..8usize).prop_map(|(at, n)| Edit::Delete(at, n)),
        1 => any::<usize>().prop_map(Edit::DuplicateLine),
        1 => any::<usize>().prop_map(Edit::DeleteLine),
        1 => (any::<usize>(), any::<usize>()).prop_map(|(a, b)| Edit::SwapLines(a, b)),
    ]
}

/// The char boundary at or before `i % (len + 1)`.
fn boundary(text: &str, i: usize) -> usize {
    let mut at = i % (text.len() + 1);
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

pub fn apply(text: &mut String, edit: &Edit) {
    let mut lines: Vec<String> = text.split_inclusive('\n').map(str::to_string).collect();
    let n = lines.len();
    match *edit {
        Edit::Insert(at, t) => text.insert_str(boundary(text, at), t),
        Edit::InsertWord(at, w) => {
            let word = keywords::RESERVED[w % keywords::RESERVED.len()];
            text.insert_str(boundary(text, at), word);
        }
        Edit::Delete(at, len) => {
            let start = boundary(text, at);
            let end = boundary(text, (start + len).min(text.len()));
            text.replace_range(start..end, "");
        }
        _ if n == 0 => {}
        Edit::DuplicateLine(i) => {
            let copy = lines[i % n].clone();
            lines.insert(i % n, copy);
            *text = lines.concat();
        }
        Edit::DeleteLine(i) => {
            lines.remove(i % n);
            *text = lines.concat();
        }
        Edit::SwapLines(a, b) => {
            lines.swap(a % n, b % n);
            *text = lines.concat();
        }
    }
}
