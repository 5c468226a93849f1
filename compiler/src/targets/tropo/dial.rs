//! Dial targets as Tropo writes them: `tel:+…` or `sip:…` URIs, with the
//! keys to send after the answer as dial options (`;postd=…;pause=…`,
//! providers.md §1.3 and the Tropo `call` page).

use super::super::model::{Text, TextPart};

/// One `to` URI. A literal number gets `tel:`; a SIP URI stays as it is; a
/// target that starts with a variable is left for the server that fills it
/// in (the webhook host renders resolved documents, which take the first two
/// branches).
pub(super) fn to_uri(target: &Text, post_dial: &str) -> String {
    let rendered = target.render();
    let uri = match target.parts.first() {
        Some(TextPart::Lit(s)) if s.starts_with('+') => format!("tel:{rendered}"),
        _ => rendered,
    };
    format!("{uri}{post_dial}")
}

/// `send_digits` as dial options. The language's `w` waits half a second;
/// Tropo waits before the first key with `;pause=…ms` and between keys with
/// `p`, one second each. So waits inside the keys must come in pairs of `w`:
/// `None` when they do not (`check` reports it as E0502).
pub(super) fn post_dial(keys: &str) -> Option<String> {
    let lead = keys.chars().take_while(|c| *c == 'w').count();
    let mut postd = String::new();
    let mut waits = 0usize;
    for c in keys.chars().skip(lead) {
        if c == 'w' {
            waits += 1;
            continue;
        }
        if !waits.is_multiple_of(2) {
            return None;
        }
        postd.extend(std::iter::repeat_n('p', waits / 2));
        waits = 0;
        postd.push(c);
    }
    if !waits.is_multiple_of(2) {
        return None;
    }
    postd.extend(std::iter::repeat_n('p', waits / 2));
    let mut options = String::new();
    if !postd.is_empty() {
        options.push_str(";postd=");
        options.push_str(&postd);
    }
    if lead > 0 {
        options.push_str(&format!(";pause={}ms", lead * 500));
    }
    Some(options)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn leading_waits_become_a_pause_and_inner_pairs_become_p() {
        assert_eq!(post_dial("ww3").as_deref(), Some(";postd=3;pause=1000ms"));
        assert_eq!(post_dial("204#").as_deref(), Some(";postd=204#"));
        assert_eq!(post_dial("1ww2wwww3").as_deref(), Some(";postd=1p2pp3"));
        assert_eq!(post_dial("w").as_deref(), Some(";pause=500ms"));
        assert_eq!(post_dial("").as_deref(), Some(""));
    }

    #[test]
    fn a_lone_half_second_between_keys_cannot_be_written() {
        assert_eq!(post_dial("1w2"), None);
        assert_eq!(post_dial("ww1www"), None);
    }

    #[test]
    fn numbers_get_tel_and_sip_stays() {
        assert_eq!(
            to_uri(&Text::plain("+254711082000"), ";postd=3"),
            "tel:+254711082000;postd=3"
        );
        assert_eq!(
            to_uri(&Text::plain("sip:desk@pbx.example.com"), ""),
            "sip:desk@pbx.example.com"
        );
        let template = Text {
            parts: vec![TextPart::Var("front_desk".into())],
        };
        assert_eq!(to_uri(&template, ""), "{front_desk}");
    }
}
