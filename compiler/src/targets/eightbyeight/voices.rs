//! 8x8's text-to-speech table: which languages it speaks, in which voices,
//! and the voice profile names its `say` and `sayAndCapture` take.
//!
//! The table is 8x8's own (developer.8x8.com/connect/reference/say, copied in
//! shared/reference/001 and providers.md §1.2). Profiles are named
//! `generic-<code>-<male|female>`. Two quirks of that page are kept on
//! purpose: Chinese is `zn` (the page's profile name, although providers.md
//! writes the code `ZH`), and Vietnamese is `vn`. Korean is listed with the
//! Swedish profile `generic-sv-female`, a documentation error, so Korean is
//! refused rather than silently read by the Swedish voice.
//!
//! The current IVR generation also takes profiles from 8x8's Voice Profile
//! API (e.g. `en-US-ZiraRUS`); a flow names one with `voice "en-US-ZiraRUS"`.
//! That list is not public, so a named profile is only checked for its shape.

use crate::ast::Voice;

/// One row of 8x8's table.
struct Row {
    /// BCP 47 primary language subtags that mean this language.
    tags: &'static [&'static str],
    /// The code inside the profile name (`generic-<code>-female`).
    code: &'static str,
    name: &'static str,
    /// 8x8 has a female voice for every language, a male one for some.
    male: bool,
}

static TABLE: &[Row] = &[
    row(&["en"], "en", "English", true),
    row(&["zh"], "zn", "Chinese", false),
    row(&["da"], "da", "Danish", true),
    row(&["nl"], "nl", "Dutch", true),
    row(&["fr"], "fr", "French", true),
    row(&["de"], "de", "German", true),
    row(&["hi"], "hi", "Hindi", false),
    row(&["is"], "is", "Icelandic", true),
    row(&["it"], "it", "Italian", true),
    row(&["ja"], "ja", "Japanese", true),
    row(&["nb", "no"], "nb", "Norwegian", false),
    row(&["pl"], "pl", "Polish", true),
    row(&["pt"], "pt", "Portuguese", true),
    row(&["ro"], "ro", "Romanian", false),
    row(&["ru"], "ru", "Russian", true),
    row(&["es"], "es", "Spanish", true),
    row(&["sv"], "sv", "Swedish", false),
    row(&["th"], "th", "Thai", false),
    row(&["tr"], "tr", "Turkish", false),
    row(&["vi"], "vn", "Vietnamese", true),
    row(&["cy"], "cy", "Welsh", false),
];

const fn row(tags: &'static [&'static str], code: &'static str, name: &'static str, male: bool) -> Row {
    Row { tags, code, name, male }
}

/// The language when neither the `say` nor the flow gives one: the first row
/// of 8x8's table, whose examples are all English.
const DEFAULT_CODE: &str = "en";

/// A language of 8x8's table, for editors (completion of `language` and
/// `voice`): its tag, its name, and the profiles that speak it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Language {
    pub tag: &'static str,
    pub name: &'static str,
    /// The code inside its profile names (`generic-<code>-female`).
    pub code: &'static str,
    pub male: bool,
}

/// Every language 8x8 speaks, in the order of its table.
pub fn languages() -> impl Iterator<Item = Language> {
    TABLE.iter().map(|r| Language {
        tag: r.tags.first().copied().unwrap_or(r.code),
        name: r.name,
        code: r.code,
        male: r.male,
    })
}

/// Why a voice cannot be spoken on 8x8 (E0504).
#[derive(Debug, PartialEq, Eq)]
pub struct VoiceError {
    pub message: String,
    pub label: String,
    pub help: String,
}

/// The `voiceProfile` for a `say` with this voice and language. Without a
/// voice the female one is used: 8x8 has it for every language.
pub fn profile(voice: Option<&Voice>, language: Option<&str>) -> Result<String, VoiceError> {
    if let Some(Voice::Named(name)) = voice {
        return named(name);
    }
    let male = matches!(voice, Some(Voice::Male));
    let code = match language {
        None => DEFAULT_CODE,
        Some(tag) => language_code(tag)?,
    };
    let Some(row) = TABLE.iter().find(|r| r.code == code) else {
        return Err(unknown_language(language.unwrap_or(code)));
    };
    if male && !row.male {
        return Err(VoiceError {
            message: format!("8x8 has no male voice for {}", row.name),
            label: format!("a male voice in {}", row.name),
            help: format!(
                "8x8 reads {} with a female voice only (`generic-{}-female`): use `voice female`",
                row.name, row.code
            ),
        });
    }
    Ok(format!("generic-{}-{}", row.code, if male { "male" } else { "female" }))
}

/// The 8x8 code of a language tag (`en-GB` → `en`).
fn language_code(tag: &str) -> Result<&'static str, VoiceError> {
    let primary = tag.split('-').next().unwrap_or(tag).to_ascii_lowercase();
    if primary == "ko" {
        return Err(VoiceError {
            message: "8x8 has no Korean voice".to_string(),
            label: format!("`{tag}` is Korean"),
            help: "8x8's table lists Korean with the Swedish profile `generic-sv-female` (a documentation error); \
                   name a Korean profile from 8x8's Voice Profile API with `voice \"…\"`, or play recorded audio"
                .to_string(),
        });
    }
    TABLE
        .iter()
        .find(|r| r.tags.contains(&primary.as_str()))
        .map(|r| r.code)
        .ok_or_else(|| unknown_language(tag))
}

fn unknown_language(tag: &str) -> VoiceError {
    let names: Vec<&str> = TABLE.iter().map(|r| r.name).collect();
    VoiceError {
        message: format!("8x8 has no text-to-speech voice for `{tag}`"),
        label: format!("`{tag}` is not in 8x8's table of voices"),
        help: format!(
            "8x8 speaks {}; play recorded audio for other languages",
            names.join(", ")
        ),
    }
}

/// A profile named in the flow: a `generic-…` profile of the table, or one
/// shaped like the Voice Profile API's (`en-US-ZiraRUS`).
fn named(name: &str) -> Result<String, VoiceError> {
    if let Some(rest) = name.strip_prefix("generic-") {
        let known = TABLE.iter().any(|r| {
            rest.strip_prefix(r.code)
                .and_then(|g| g.strip_prefix('-'))
                .is_some_and(|g| g == "female" || (g == "male" && r.male))
        });
        if known {
            return Ok(name.to_string());
        }
        let codes = |male: bool| -> Vec<&str> { TABLE.iter().filter(|r| r.male == male).map(|r| r.code).collect() };
        return Err(VoiceError {
            message: format!("8x8 has no voice profile `{name}`"),
            label: "not in 8x8's table of generic profiles".to_string(),
            help: format!(
                "8x8's generic profiles are `generic-<code>-female` and `generic-<code>-male` for {}, and only \
                 `generic-<code>-female` for {}",
                codes(true).join(", "),
                codes(false).join(", ")
            ),
        });
    }
    if api_shaped(name) {
        return Ok(name.to_string());
    }
    Err(VoiceError {
        message: format!("`{name}` is not an 8x8 voice profile"),
        label: "8x8 would refuse this voice profile".to_string(),
        help: "use a profile from 8x8's Voice Profile API such as \"en-US-ZiraRUS\", a generic profile such as \
               \"generic-en-female\", or `voice male`/`voice female` with a `language`"
            .to_string(),
    })
}

/// `ll-CC-Name`: a 2–3 letter language, a 2 letter region, a name of letters
/// and digits (`en-US-ZiraRUS`, `en-US-BenjaminRUS` in 8x8's examples).
fn api_shaped(name: &str) -> bool {
    let mut parts = name.splitn(3, '-');
    let (Some(lang), Some(region), Some(voice)) = (parts.next(), parts.next(), parts.next()) else {
        return false;
    };
    (2..=3).contains(&lang.len())
        && lang.bytes().all(|b| b.is_ascii_lowercase())
        && region.len() == 2
        && region.bytes().all(|b| b.is_ascii_uppercase())
        && !voice.is_empty()
        && voice.bytes().all(|b| b.is_ascii_alphanumeric())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn genders_and_languages_map_to_generic_profiles() {
        assert_eq!(
            profile(Some(&Voice::Female), Some("en-US")).as_deref(),
            Ok("generic-en-female")
        );
        assert_eq!(
            profile(Some(&Voice::Male), Some("en-GB")).as_deref(),
            Ok("generic-en-male")
        );
        assert_eq!(profile(None, Some("vi-VN")).as_deref(), Ok("generic-vn-female"));
        assert_eq!(profile(None, Some("zh-CN")).as_deref(), Ok("generic-zn-female"));
        assert_eq!(profile(None, Some("no")).as_deref(), Ok("generic-nb-female"));
    }

    #[test]
    fn the_default_is_the_english_female_voice() {
        assert_eq!(profile(None, None).as_deref(), Ok("generic-en-female"));
        assert_eq!(profile(Some(&Voice::Male), None).as_deref(), Ok("generic-en-male"));
    }

    #[test]
    fn a_gender_the_table_lacks_is_refused() {
        let err = profile(Some(&Voice::Male), Some("zh-CN")).unwrap_err();
        assert_eq!(err.message, "8x8 has no male voice for Chinese");
        assert!(err.help.contains("generic-zn-female"), "{}", err.help);
        assert!(profile(Some(&Voice::Male), Some("nb-NO")).is_err());
        assert!(profile(Some(&Voice::Male), Some("cy")).is_err());
    }

    #[test]
    fn languages_outside_the_table_and_korean_are_refused() {
        let err = profile(None, Some("sw-KE")).unwrap_err();
        assert_eq!(err.message, "8x8 has no text-to-speech voice for `sw-KE`");
        assert!(err.help.contains("Welsh"), "{}", err.help);
        let korean = profile(None, Some("ko-KR")).unwrap_err();
        assert!(korean.help.contains("documentation error"), "{}", korean.help);
    }

    #[test]
    fn named_profiles_are_checked_for_their_shape() {
        let named = |n: &str| profile(Some(&Voice::Named(n.to_string())), Some("fr-FR"));
        assert_eq!(named("en-US-ZiraRUS").as_deref(), Ok("en-US-ZiraRUS"));
        assert_eq!(named("generic-de-male").as_deref(), Ok("generic-de-male"));
        assert!(named("generic-zn-male").is_err(), "Chinese has no male voice");
        assert!(named("generic-xx-female").is_err());
        assert!(named("Zira").is_err());
        assert!(named("en-us-zira").is_err());
        assert!(named("en-US-").is_err());
        assert!(named("en-US-Zira RUS").is_err());
    }
}
