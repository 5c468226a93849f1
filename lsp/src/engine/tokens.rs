//! Semantic tokens: keywords, state/queue/flow names, variables, strings
//! with their interpolations, numbers and durations, comments.
//!
//! Lines are lexed afresh (so a line the parser rejects is still coloured);
//! names take their meaning from the project's index.

use super::index::{Kind, Occurrence};
use super::lex::{self, TokKind};
use super::snapshot::Snapshot;
use super::vocabulary;
use callflow_compiler::ast::BUILTIN_VARS;
use callflow_compiler::span::FileId;
use callflow_compiler::syntax::keywords::is_reserved;
use std::collections::HashMap;
use tower_lsp_server::ls_types::{
    SemanticToken, SemanticTokenModifier, SemanticTokenType, SemanticTokens, SemanticTokensLegend,
};

/// Token types, in legend order.
const TYPES: [SemanticTokenType; 10] = [
    SemanticTokenType::KEYWORD,
    SemanticTokenType::FUNCTION, // states (and built-in functions, with `defaultLibrary`)
    SemanticTokenType::VARIABLE,
    SemanticTokenType::STRING,
    SemanticTokenType::NUMBER, // numbers and durations
    SemanticTokenType::COMMENT,
    SemanticTokenType::OPERATOR,    // `->` and the braces of `{name}`
    SemanticTokenType::NAMESPACE,   // flows
    SemanticTokenType::TYPE,        // queues
    SemanticTokenType::ENUM_MEMBER, // hold music names, reject reasons
];

#[derive(Clone, Copy)]
#[repr(u32)]
enum Ty {
    Keyword = 0,
    Function = 1,
    Variable = 2,
    String = 3,
    Number = 4,
    Comment = 5,
    Operator = 6,
    Namespace = 7,
    Queue = 8,
    EnumMember = 9,
}

const MODIFIERS: [SemanticTokenModifier; 3] = [
    SemanticTokenModifier::DECLARATION,
    SemanticTokenModifier::READONLY,
    SemanticTokenModifier::DEFAULT_LIBRARY,
];
const DECLARATION: u32 = 1;
const DEFAULT_LIBRARY: u32 = 4;
/// Built-in variables: provided by the call, and read-only.
const BUILTIN: u32 = 2 | DEFAULT_LIBRARY;

pub fn legend() -> SemanticTokensLegend {
    SemanticTokensLegend {
        token_types: TYPES.to_vec(),
        token_modifiers: MODIFIERS.to_vec(),
    }
}

pub fn tokens(snap: &Snapshot, file: FileId) -> SemanticTokens {
    let Some(source) = snap.file(file) else {
        return SemanticTokens::default();
    };
    let names: HashMap<u32, &Occurrence> = snap.index.in_file(file).map(|o| (o.span.start, o)).collect();
    let mut data = Vec::new();
    let (mut prev_line, mut prev_col) = (0u32, 0u32);
    let mut line_start = 0usize;
    for (line_no, raw) in source.text.split('\n').enumerate() {
        let line = raw.strip_suffix('\r').unwrap_or(raw);
        let toks = lex::tokens(line);
        let mut col16 = 0u32;
        let mut scanned = 0usize;
        for (i, tok) in toks.iter().enumerate() {
            let text = tok.text(line);
            let next_is_paren = toks.get(i + 1).is_some_and(|t| t.text(line) == "(");
            let Some((ty, mods)) = classify(
                tok.kind,
                text,
                next_is_paren,
                names.get(&to_u32(line_start + tok.start)),
            ) else {
                continue;
            };
            col16 += utf16_len(&line[scanned..tok.start]);
            scanned = tok.start;
            let line_no = to_u32(line_no);
            let delta_line = line_no - prev_line;
            let delta_start = if delta_line == 0 { col16 - prev_col } else { col16 };
            data.push(SemanticToken {
                delta_line,
                delta_start,
                length: utf16_len(text),
                token_type: ty as u32,
                token_modifiers_bitset: mods,
            });
            prev_line = line_no;
            prev_col = col16;
        }
        line_start += raw.len() + 1;
    }
    SemanticTokens { result_id: None, data }
}

fn classify(kind: TokKind, text: &str, call: bool, name: Option<&&Occurrence>) -> Option<(Ty, u32)> {
    Some(match kind {
        TokKind::Comment => (Ty::Comment, 0),
        TokKind::Str => (Ty::String, 0),
        TokKind::Number => (Ty::Number, 0),
        TokKind::Brace => (Ty::Operator, 0),
        TokKind::Punct if text == "->" => (Ty::Operator, 0),
        TokKind::Punct => return None,
        TokKind::InterpName if BUILTIN_VARS.contains(&text) => (Ty::Variable, BUILTIN),
        TokKind::InterpName => (Ty::Variable, 0),
        TokKind::Word => match name {
            Some(occ) => {
                let ty = match occ.kind {
                    Kind::State => Ty::Function,
                    Kind::Queue => Ty::Queue,
                    Kind::Flow => Ty::Namespace,
                    Kind::Variable => Ty::Variable,
                };
                let builtin = occ.kind == Kind::Variable && BUILTIN_VARS.contains(&text);
                let mods = if builtin {
                    BUILTIN
                } else if occ.role == super::index::Role::Definition {
                    DECLARATION
                } else {
                    0
                };
                (ty, mods)
            }
            None if is_reserved(text) => (Ty::Keyword, 0),
            None if call && vocabulary::FUNCTIONS.iter().any(|(f, _)| *f == text) => (Ty::Function, DEFAULT_LIBRARY),
            None if vocabulary::MUSIC.contains(&text) || text == "rejected" => (Ty::EnumMember, 0),
            None if BUILTIN_VARS.contains(&text) => (Ty::Variable, BUILTIN),
            None => return None,
        },
    })
}

fn utf16_len(s: &str) -> u32 {
    to_u32(s.encode_utf16().count())
}

fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}
