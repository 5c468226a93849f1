//! Turning parse failures into diagnostics that say what was expected.

use super::codes::SYNTAX_ERROR;
use super::grammar::{FlowParser, Rule};
use super::keywords::{MENU_LINES, STATEMENTS};
use super::lower::LineContext;
use crate::diagnostic::Diagnostic;
use crate::span::Span;
use crate::suggest::did_you_mean;
use pest::Parser;
use pest::error::{ErrorVariant, InputLocation};

const FLOW_SETTINGS: &[&str] = &["start", "voice", "language", "input_timeout", "timezone", "retries"];
const QUEUE_SETTINGS: &[&str] = &["hold_music"];

/// The diagnostic for a line the grammar caught with `bad_line`.
pub fn bad_line_diagnostic(text: &str, span: Span, ctx: LineContext) -> Diagnostic {
    let text = text.trim_end_matches(['\n', '\r']);
    let word: String = text
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
        .collect();
    let (known, what, help) = match ctx {
        LineContext::Block => (
            STATEMENTS,
            "statement",
            "a step holds statements such as `say`, `collect`, `dial`, `goto` or `hangup`; see docs/language.md",
        ),
        LineContext::Menu => (
            MENU_LINES,
            "menu line",
            "a menu holds `say`/`play` prompts, `retries`, `input_timeout` and options such as `\"1\" -> sales` or `timeout -> repeat`",
        ),
        LineContext::Flow => (
            FLOW_SETTINGS,
            "flow setting",
            "a flow holds `start`, `voice`, `language`, `input_timeout`, `timezone` and `retries`",
        ),
        LineContext::Queue => (QUEUE_SETTINGS, "queue setting", "a queue holds `hold_music`"),
    };
    if !word.is_empty() && word.starts_with(|c: char| c.is_ascii_alphabetic()) && !known.contains(&word.as_str()) {
        let at = Span::new(span.file, span.start as usize, span.start as usize + word.len());
        let mut d =
            Diagnostic::new(&SYNTAX_ERROR, format!("unknown {what} `{word}`")).primary(at, format!("not a {what}"));
        d = match did_you_mean(&word, known.iter().copied()) {
            Some(s) => d.help(format!("did you mean `{s}`?")),
            None if ctx == LineContext::Block && MENU_LINES.contains(&word.as_str()) => {
                d.help(format!("`{word}` belongs in a `menu`, not in a `step`"))
            }
            None => d.help(help),
        };
        return d;
    }
    let entry = match ctx {
        LineContext::Block => Rule::stmt_entry,
        LineContext::Menu => Rule::menu_line_entry,
        LineContext::Flow => Rule::flow_line_entry,
        LineContext::Queue => Rule::queue_line_entry,
    };
    if ctx == LineContext::Menu
        && !text.contains("->")
        && (text.starts_with('"') || MENU_LINES[5..].contains(&word.as_str()))
    {
        let key_len = match text.strip_prefix('"') {
            Some(rest) => rest.find('"').map_or(text.len(), |i| i + 2),
            None => word.len(),
        };
        let at = Span::new(span.file, span.start as usize, span.start as usize + key_len);
        return Diagnostic::new(&SYNTAX_ERROR, "a menu option needs `->` and where to go")
            .primary(at, "expected `->` after this")
            .help("write options as `\"1\" -> sales`, `timeout -> repeat` or `exhausted -> goodbye`");
    }
    let help = usage(&word).map_or_else(|| help.to_string(), |u| format!("`{word}` is written: {u}"));
    match FlowParser::parse(entry, text) {
        Err(err) => pest_error(&err, text, span.start as usize, span).help(help),
        Ok(_) => Diagnostic::new(&SYNTAX_ERROR, format!("this line is not a valid {what} here"))
            .primary(
                Span::new(span.file, span.start as usize, span.start as usize + text.len()),
                "not valid here",
            )
            .help(help),
    }
}

/// A syntax error from a pest failure on `text`, which starts at byte `offset`
/// of the file `within.file`.
pub fn pest_error(err: &pest::error::Error<Rule>, text: &str, offset: usize, within: Span) -> Diagnostic {
    let pos = match err.location {
        InputLocation::Pos(p) => p,
        InputLocation::Span((s, _)) => s,
    }
    .min(text.len());
    let (found, found_len) = describe_found(text, pos);
    // pest gives up with a custom error when its own recursion would exhaust
    // the stack (`not not not …`, long `else if` chains); "expected stack
    // limit reached" would make no sense to a user.
    if let ErrorVariant::CustomError { message } = &err.variant
        && message.ends_with("limit reached")
    {
        let at = Span::new(within.file, offset + pos, offset + pos + found_len);
        return Diagnostic::new(&SYNTAX_ERROR, format!("this is nested too deeply to read ({message})"))
            .primary(at, "gave up here")
            .help("split deeply nested conditions and long `else if` chains into separate steps");
    }
    let expected = match &err.variant {
        ErrorVariant::ParsingError { positives, .. } => expected_list(positives),
        ErrorVariant::CustomError { message } => message.clone(),
    };
    let message = if expected.is_empty() {
        format!("unexpected {found}")
    } else {
        format!("expected {expected}, found {found}")
    };
    let at = Span::new(within.file, offset + pos, offset + pos + found_len);
    Diagnostic::new(&SYNTAX_ERROR, message).primary(
        at,
        if expected.is_empty() {
            "unexpected".to_string()
        } else {
            format!("expected {expected}")
        },
    )
}

/// `gotox` parses as `goto x` in a PEG; report it instead.
pub fn keyword_boundary(keyword: &str, text: &str, span: Span) -> Option<Diagnostic> {
    let rest = text.get(keyword.len()..)?;
    if !text.starts_with(keyword) || !rest.starts_with(|c: char| c.is_ascii_alphanumeric() || c == '_') {
        return None;
    }
    let word: String = text
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
        .collect();
    let at = Span::new(span.file, span.start as usize, span.start as usize + word.len());
    Some(
        Diagnostic::new(&SYNTAX_ERROR, format!("unknown word `{word}`"))
            .primary(at, format!("did you mean `{keyword} {}`?", &word[keyword.len()..]))
            .help(format!("put a space after `{keyword}`")),
    )
}

fn describe_found(text: &str, pos: usize) -> (String, usize) {
    let rest = text.get(pos..).unwrap_or("");
    match rest.chars().next() {
        None => ("the end of the file".to_string(), 0),
        Some('\n' | '\r') => ("the end of the line".to_string(), 0),
        Some('"') => (
            "a string".to_string(),
            rest.find(['\n'])
                .unwrap_or(rest.len())
                .min(rest[1..].find('"').map_or(rest.len(), |i| i + 2)),
        ),
        Some(c) if c.is_ascii_alphanumeric() || c == '_' => {
            let word: String = rest
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '.')
                .collect();
            (format!("`{word}`"), word.len())
        }
        Some(c) => (format!("`{c}`"), c.len_utf8()),
    }
}

/// How each statement and setting is written, for help lines.
pub fn usage(keyword: &str) -> Option<&'static str> {
    Some(match keyword {
        "say" => "say \"text\" [voice male|female|\"name\"] [language \"en-US\"] [repeat N]",
        "play" => "play \"https://…/file.wav\" [repeat N]",
        "pause" => "pause 2s",
        "collect" => {
            "collect name [digits N | digits MIN..MAX] [finish \"#\"] [timeout 5s] [speech [language \"en-US\"]]"
        }
        "record" => "record [name] [max 60s] [finish \"#\"] [timeout 5s] [beep] [trim_silence]",
        "dial" => {
            "dial \"+E164\" [, \"sip:…\" …] [sequential|simultaneous] [caller_id \"+E164\"] [timeout 30s] [max_duration 1h] [record] [send_digits \"ww123#\"] [ringback \"url\"]"
        }
        "on" => "on answered|busy|no_answer|failed|timeout -> state",
        "enqueue" => "enqueue queue [hold_music ring|music1|music2|music3|\"url\"]",
        "dequeue" => "dequeue queue [number \"+E164\"]",
        "park" => "park [intro \"text\"] [hold \"text\"] [max 10m]",
        "conference" => {
            "conference \"room\" [hold_music …] [muted] [beep] [start_on_enter] [end_on_exit] [max_duration 2h]"
        }
        "stream" => "stream \"wss://…\" [max_duration 1h]",
        "redirect" => "redirect \"https://…\" or redirect flow name",
        "reject" => "reject [busy|rejected]",
        "hangup" => "hangup",
        "goto" => "goto state",
        "if" => "if condition {  …  } else {  …  }",
        "set" => "set name = expression",
        "start" => "start state",
        "voice" => "voice male|female|\"name\"",
        "language" => "language \"en-US\"",
        "input_timeout" => "input_timeout 5s",
        "timezone" => "timezone \"Area/City\"",
        "retries" => "retries N",
        "hold_music" => "hold_music ring|music1|music2|music3|\"url\"",
        _ => return None,
    })
}

fn expected_list(rules: &[Rule]) -> String {
    let mut words: Vec<&str> = Vec::new();
    let only_end = rules.iter().all(|r| *r == Rule::EOI);
    for r in rules.iter().filter(|r| only_end || **r != Rule::EOI) {
        let w = describe(*r);
        if !words.contains(&w) {
            words.push(w);
        }
    }
    match words.len() {
        0 => String::new(),
        1 => words[0].to_string(),
        n if n > 6 => format!("{}, … ({} choices)", words[..5].join(", "), n),
        n => format!("{} or {}", words[..n - 1].join(", "), words[n - 1]),
    }
}

/// Human words for grammar rules.
fn describe(rule: Rule) -> &'static str {
    use Rule::*;
    match rule {
        string | string_inner => "a string",
        ident => "a name",
        integer => "a whole number",
        number => "a number",
        duration | duration_unit => "a duration such as `5s`",
        voice | gender => "`male`, `female` or a quoted voice name",
        block => "`{` and a new line",
        close => "`}`",
        expr | and_expr | not_expr | cmp_expr | sum_expr | reference | boolean => "an expression",
        cmp_op => "a comparison such as `==`",
        or_op | and_op => "`and` or `or`",
        not_op => "`not`",
        sum_op => "`+` or `-`",
        arg => "an argument",
        call_args => "`(` and arguments",
        outcome | answered_kw | busy_kw | no_answer_kw | failed_kw => {
            "an outcome (`answered`, `busy`, `no_answer`, `failed`, `timeout`)"
        }
        timeout_kw | invalid_kw | exhausted_kw | option_key => {
            "a key such as `\"1\"`, or `timeout`, `invalid`, `exhausted`"
        }
        option_target | repeat_kw => "a state name or `repeat`",
        menu_option => "a menu option",
        voice_opt => "`voice`",
        language_opt => "`language`",
        repeat_opt => "`repeat`",
        digits_opt => "`digits`",
        finish_opt => "`finish`",
        timeout_opt => "`timeout`",
        speech_opt => "`speech`",
        max_opt => "`max`",
        beep_flag => "`beep`",
        trim_silence_flag => "`trim_silence`",
        sequential_flag => "`sequential`",
        simultaneous_flag => "`simultaneous`",
        caller_id_opt => "`caller_id`",
        max_duration_opt => "`max_duration`",
        record_flag => "`record`",
        send_digits_opt => "`send_digits`",
        ringback_opt => "`ringback`",
        hold_music_opt => "`hold_music`",
        moh_builtin => "`ring`, `music1`, `music2`, `music3` or a quoted URL",
        number_opt => "`number`",
        intro_opt => "`intro`",
        hold_opt => "`hold`",
        muted_flag => "`muted`",
        start_on_enter_flag => "`start_on_enter`",
        end_on_exit_flag => "`end_on_exit`",
        flow_target => "`flow` and a flow name",
        reject_reason => "`busy` or `rejected`",
        else_clause => "`else`",
        EOI => "the end of the line",
        import_decl | flow_decl | queue_decl | step_decl | menu_decl => "`import`, `flow`, `queue`, `step` or `menu`",
        start_setting
        | voice_setting
        | language_setting
        | input_timeout_setting
        | timezone_setting
        | retries_setting => "a setting",
        _ => "a statement",
    }
}
