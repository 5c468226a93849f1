//! Sinch prompt strings and locales.
//!
//! `runMenu` and `park` take their prompts as one string of elements —
//! `#tts[text]`, `#ssml[…]`, `#href[url]` — separated by `;`
//! (providers.md §1.4; sinch-ts `menu.ts`). Sinch documents no escape for
//! either delimiter, so text that contains `]` (which would end the element)
//! or `;` (which would start the next one) cannot be carried: `check` refuses
//! it in written-out text (E0502), and the renderer replaces it in values
//! that arrive at run time (`]` → `)`, `;` → `,`, which a voice reads
//! alike), so a document never breaks the syntax. The `say` and `playFiles`
//! instructions take plain JSON strings and carry any text.

use crate::ast::Voice;
use crate::targets::model::{Step, StepKind, Text, TextPart};

/// Characters that cannot appear inside a prompt element.
pub const DELIMITERS: [char; 2] = [']', ';'];

/// The locale Sinch assumes when none is given; written out where Sinch
/// requires a locale (`playFiles` of TTS or SSML, `runMenu` with speech).
pub const DEFAULT_LOCALE: &str = "en-US";

/// SSML breaks longer than this are split: speech engines cap a single
/// `<break>` (Amazon Polly at 10 s).
const MAX_BREAK_MS: u64 = 10_000;

/// The prompt string of `steps`; `None` when there is nothing to play.
pub fn prompt(steps: &[Step]) -> Option<String> {
    let mut elements = Vec::new();
    for step in steps {
        match &step.kind {
            StepKind::Say { text, repeat, .. } => {
                for _ in 0..*repeat {
                    elements.push(tts(text));
                }
            }
            StepKind::Play { url, repeat } => {
                for _ in 0..*repeat {
                    elements.push(href(url));
                }
            }
            StepKind::Pause { ms } => elements.push(pause(*ms)),
            StepKind::StartRecording | StepKind::StopRecording => {}
        }
    }
    (!elements.is_empty()).then(|| elements.join(";"))
}

/// `#tts[text]`, with the delimiters replaced.
pub fn tts(text: &Text) -> String {
    format!("#tts[{}]", replaced(text, |s| s.replace(']', ")").replace(';', ",")))
}

/// `#href[url]`, with the delimiters percent-encoded (`%5D`, `%3B`).
pub fn href(url: &Text) -> String {
    format!(
        "#href[{}]",
        replaced(url, |s| s.replace(']', "%5D").replace(';', "%3B"))
    )
}

/// Silence as an SSML break, for `pause`.
pub fn pause(ms: u64) -> String {
    let mut breaks = String::new();
    let mut left = ms;
    while left > 0 {
        let chunk = left.min(MAX_BREAK_MS);
        breaks.push_str(&format!("<break time=\"{chunk}ms\"/>"));
        left -= chunk;
    }
    format!("#ssml[<speak>{breaks}</speak>]")
}

/// The text with `fix` applied to its literal parts (a template's variables
/// stay placeholders).
fn replaced(text: &Text, fix: impl Fn(&str) -> String) -> String {
    Text {
        parts: text
            .parts
            .iter()
            .map(|p| match p {
                TextPart::Lit(s) => TextPart::Lit(fix(s)),
                TextPart::Var(v) => TextPart::Var(v.clone()),
            })
            .collect(),
    }
    .render()
}

/// The first delimiter in the written-out part of a text, if any.
pub fn delimiter_in(text: &Text) -> Option<char> {
    text.parts.iter().find_map(|p| match p {
        TextPart::Lit(s) => s.chars().find(|c| DELIMITERS.contains(c)),
        TextPart::Var(_) => None,
    })
}

/// The Sinch `locale` of a `say`: a named voice as it is (Sinch takes a
/// voice name there too), else the language as `ll-CC`. A male/female choice
/// has no field in SVAML: Sinch reads a locale with that locale's voice.
pub fn locale(voice: Option<&Voice>, language: Option<&str>) -> Option<String> {
    match voice {
        Some(Voice::Named(name)) => Some(name.clone()),
        _ => language.map(|l| normalized(l).unwrap_or_else(|| l.to_string())),
    }
}

/// `en-us` → `en-US`; `None` when the tag is not an ISO 639 language and an
/// ISO 3166-1 alpha-2 country joined by `-`, the form Sinch documents.
pub fn normalized(tag: &str) -> Option<String> {
    let (lang, country) = tag.split_once('-')?;
    let ok = (2..=3).contains(&lang.len())
        && lang.bytes().all(|b| b.is_ascii_alphabetic())
        && country.len() == 2
        && country.bytes().all(|b| b.is_ascii_alphabetic());
    ok.then(|| format!("{}-{}", lang.to_ascii_lowercase(), country.to_ascii_uppercase()))
}

/// The locale of each `say` in a prompt, in order.
pub fn say_locales(steps: &[Step]) -> impl Iterator<Item = (Option<String>, &Step)> {
    steps.iter().filter_map(|s| match &s.kind {
        StepKind::Say { voice, language, .. } => Some((locale(voice.as_ref(), language.as_deref()), s)),
        _ => None,
    })
}
