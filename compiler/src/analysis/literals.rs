//! Checks on literal values: durations, keys, numbers, URLs, counts, languages
//! and time zones.

use super::codes::*;
use crate::ast::*;
use crate::diagnostic::Diagnostic;
use crate::span::FileId;
use crate::suggest::did_you_mean;

const SECOND: u64 = 1_000;
const MINUTE: u64 = 60 * SECOND;
const HOUR: u64 = 60 * MINUTE;

pub fn check(asts: &[(FileId, Ast)], diags: &mut Vec<Diagnostic>) {
    for (_, ast) in asts {
        for item in &ast.items {
            match item {
                Item::Flow(f) => flow(f, diags),
                Item::Queue(q) => {
                    if let Some(h) = &q.hold_music {
                        hold_music(h, diags);
                    }
                }
                Item::State(s) => {
                    if let StateBody::Menu(m) = &s.body {
                        if let Some(r) = &m.retries {
                            count(r, "retries", 0, 10, diags);
                        }
                        if let Some(t) = &m.input_timeout {
                            duration(t, "input_timeout", SECOND / 2, 10 * MINUTE, diags);
                        }
                    }
                    s.walk(&mut |stmt| statement(stmt, diags));
                }
                Item::Import(_) => {}
            }
        }
    }
}

fn flow(f: &Flow, diags: &mut Vec<Diagnostic>) {
    if let Some(l) = &f.language {
        language(l, diags);
    }
    if let Some(t) = &f.input_timeout {
        duration(t, "input_timeout", SECOND / 2, 10 * MINUTE, diags);
    }
    if let Some(r) = &f.retries {
        count(r, "retries", 0, 10, diags);
    }
    if let Some(tz) = &f.timezone {
        time_zone(tz, diags);
    }
}

fn statement(stmt: &Stmt, diags: &mut Vec<Diagnostic>) {
    match &stmt.kind {
        StmtKind::Say(s) => {
            if let Some(l) = &s.language {
                language(l, diags);
            }
            if let Some(r) = &s.repeat {
                count(r, "repeat", 1, 10, diags);
            }
        }
        StmtKind::Play { source, repeat } => {
            audio(source, "play", diags);
            if let Some(r) = repeat {
                count(r, "repeat", 1, 10, diags);
            }
        }
        StmtKind::Pause(d) => duration(d, "pause", 1, HOUR, diags),
        StmtKind::Collect(c) => {
            if let Some(min) = &c.min_digits {
                count(min, "digits", 1, 32, diags);
            }
            if let Some(max) = &c.max_digits {
                count(max, "digits", 1, 32, diags);
            }
            if let (Some(min), Some(max)) = (&c.min_digits, &c.max_digits)
                && min.value > max.value
            {
                diags.push(
                    Diagnostic::new(
                        &OUT_OF_RANGE,
                        format!(
                            "at least {} but at most {} digits can never be met",
                            min.value, max.value
                        ),
                    )
                    .primary(min.span.to(max.span), "minimum above maximum")
                    .help(format!("write `digits {}..{}`", max.value, min.value)),
                );
            }
            if let Some(f) = &c.finish {
                dtmf_key(f, diags);
            }
            if let Some(t) = &c.timeout {
                duration(t, "timeout", SECOND / 2, 10 * MINUTE, diags);
            }
            if let Some(Spanned { value: Some(l), .. }) = &c.speech {
                language(l, diags);
            }
        }
        StmtKind::Record(r) => {
            if let Some(m) = &r.max {
                duration(m, "max", SECOND, 4 * HOUR, diags);
            }
            if let Some(f) = &r.finish {
                dtmf_key(f, diags);
            }
            if let Some(t) = &r.timeout {
                duration(t, "timeout", SECOND / 2, HOUR, diags);
            }
        }
        StmtKind::Dial(d) => {
            for t in &d.targets {
                phone(t, true, diags);
            }
            if let Some(c) = &d.caller_id {
                phone(c, false, diags);
            }
            if let Some(t) = &d.timeout {
                duration(t, "timeout", SECOND, 10 * MINUTE, diags);
            }
            if let Some(m) = &d.max_duration {
                duration(m, "max_duration", SECOND, 24 * HOUR, diags);
            }
            if let Some(s) = &d.send_digits {
                dtmf_sequence(s, diags);
            }
            if let Some(r) = &d.ringback {
                audio(r, "ringback", diags);
            }
        }
        StmtKind::Enqueue {
            hold_music: Some(h), ..
        } => hold_music(h, diags),
        StmtKind::Dequeue { number: Some(n), .. } => phone(n, false, diags),
        StmtKind::Park { max: Some(m), .. } => duration(m, "max", SECOND, 24 * HOUR, diags),
        StmtKind::Conference(c) => {
            if c.room.as_plain().is_some_and(|r| r.trim().is_empty()) {
                diags.push(
                    Diagnostic::new(&OUT_OF_RANGE, "a conference room needs a name")
                        .primary(c.room.span, "empty room name")
                        .help("name the room, e.g. `conference \"team-{pin}\"`"),
                );
            }
            if let Some(h) = &c.hold_music {
                hold_music(h, diags);
            }
            if let Some(m) = &c.max_duration {
                duration(m, "max_duration", SECOND, 24 * HOUR, diags);
            }
        }
        StmtKind::Stream { url, max_duration } => {
            url_with(url, &["ws", "wss"], "stream", "a `wss://` (or `ws://`) URL", diags);
            if let Some(m) = max_duration {
                duration(m, "max_duration", SECOND, 24 * HOUR, diags);
            }
        }
        StmtKind::Redirect(RedirectTarget::Url(u)) => {
            url_with(u, &["http", "https"], "redirect", "an `https://` URL", diags)
        }
        _ => {}
    }
}

fn duration(d: &Duration, what: &str, min: u64, max: u64, diags: &mut Vec<Diagnostic>) {
    if d.value >= min && d.value <= max {
        return;
    }
    let msg = if d.value < min {
        format!("`{what}` must be at least {}", show_ms(min))
    } else {
        format!("`{what}` can be at most {}", show_ms(max))
    };
    diags.push(
        Diagnostic::new(&INVALID_DURATION, msg)
            .primary(d.span, format!("{} is out of range", show_ms(d.value)))
            .help(format!(
                "give `{what}` a duration from {} to {}",
                show_ms(min),
                show_ms(max)
            )),
    );
}

pub fn show_ms(ms: u64) -> String {
    match ms {
        0 => "0s".into(),
        ms if ms % HOUR == 0 => format!("{}h", ms / HOUR),
        ms if ms % MINUTE == 0 => format!("{}m", ms / MINUTE),
        ms if ms % SECOND == 0 => format!("{}s", ms / SECOND),
        ms => format!("{ms}ms"),
    }
}

fn count(n: &Spanned<u32>, what: &str, min: u32, max: u32, diags: &mut Vec<Diagnostic>) {
    if n.value < min || n.value > max {
        diags.push(
            Diagnostic::new(&OUT_OF_RANGE, format!("`{what}` must be from {min} to {max}"))
                .primary(n.span, format!("{} is out of range", n.value))
                .help(format!("give `{what}` a value from {min} to {max}")),
        );
    }
}

fn dtmf_key(s: &StrLit, diags: &mut Vec<Diagnostic>) {
    let Some(text) = s.as_plain() else { return };
    let ok = text.chars().count() == 1 && text.chars().all(is_dtmf);
    if !ok {
        diags.push(
            Diagnostic::new(&INVALID_DTMF, format!("`{text}` is not a single phone key"))
                .primary(s.span, "expected one of 0-9, * or #")
                .help("a finish key is one key, usually \"#\""),
        );
    }
}

fn dtmf_sequence(s: &StrLit, diags: &mut Vec<Diagnostic>) {
    let Some(text) = s.as_plain() else { return };
    if let Some(bad) = text.chars().find(|c| !is_dtmf(*c) && *c != 'w') {
        diags.push(
            Diagnostic::new(&INVALID_DTMF, format!("`{bad}` cannot be sent as a phone key"))
                .primary(s.span, "contains a character a keypad cannot send")
                .help("send_digits takes 0-9, *, # and `w` (a half-second wait)"),
        );
    } else if text.is_empty() {
        diags.push(
            Diagnostic::new(&INVALID_DTMF, "no digits to send")
                .primary(s.span, "empty")
                .help("remove `send_digits` or give the digits, e.g. \"ww1234#\""),
        );
    }
}

pub fn is_dtmf(c: char) -> bool {
    c.is_ascii_digit() || c == '*' || c == '#'
}

/// E.164: `+`, then 7 to 15 digits (country code first, never starting with 0).
pub fn is_e164(s: &str) -> bool {
    let Some(digits) = s.strip_prefix('+') else {
        return false;
    };
    (7..=15).contains(&digits.len()) && digits.chars().all(|c| c.is_ascii_digit()) && !digits.starts_with('0')
}

/// `sip:user@host` or `sips:user@host` with a plausible host.
pub fn is_sip_uri(s: &str) -> bool {
    let Some(rest) = s.strip_prefix("sip:").or_else(|| s.strip_prefix("sips:")) else {
        return false;
    };
    let (user, host) = rest.split_once('@').unwrap_or(("", rest));
    let host = host.split([';', '?']).next().unwrap_or("");
    !host.is_empty()
        && !user.contains(char::is_whitespace)
        && host.chars().all(|c| c.is_ascii_alphanumeric() || ".-:[]".contains(c))
}

fn phone(s: &StrLit, allow_sip: bool, diags: &mut Vec<Diagnostic>) {
    let Some(text) = s.as_plain() else { return };
    if is_e164(&text) || (allow_sip && is_sip_uri(&text)) {
        return;
    }
    let digits: String = text.chars().filter(|c| c.is_ascii_digit()).collect();
    let help = if text.starts_with("sip:") && !allow_sip {
        "a caller id must be a phone number in E.164 form".to_string()
    } else if text.starts_with("sip") {
        "a SIP address is written `sip:user@host`".to_string()
    } else if !digits.is_empty() && !text.starts_with('+') {
        "write it in E.164 form: `+`, the country code, then the number without its trunk 0 (0711 082 000 in Kenya is \"+254711082000\")".to_string()
    } else {
        "write numbers in E.164 form: `+`, the country code and the number, no spaces (\"+254711082000\")".to_string()
    };
    let what = if allow_sip {
        "an E.164 phone number or a `sip:` URI"
    } else {
        "an E.164 phone number"
    };
    diags.push(
        Diagnostic::new(&INVALID_PHONE_NUMBER, format!("`{text}` is not {what}"))
            .primary(s.span, "not a dialable number")
            .help(help),
    );
}

fn scheme(text: &str) -> Option<&str> {
    text.split_once("://").map(|(s, _)| s)
}

/// `play`, `ringback` and hold music: an `http(s)` URL or a local audio path.
fn audio(s: &StrLit, what: &str, diags: &mut Vec<Diagnostic>) {
    let Some(text) = s.as_plain() else { return };
    let bad = match scheme(&text) {
        _ if text.trim().is_empty() => Some("it is empty".to_string()),
        Some(sc) if !matches!(sc.to_ascii_lowercase().as_str(), "http" | "https") => {
            Some(format!("`{sc}://` is not supported"))
        }
        Some(_) if text.split_once("://").is_some_and(|(_, rest)| rest.is_empty()) => {
            Some("it has no host".to_string())
        }
        _ => None,
    };
    if let Some(why) = bad {
        diags.push(
            Diagnostic::new(&INVALID_URL, format!("`{text}` cannot be used with `{what}`: {why}"))
                .primary(s.span, "not an audio location")
                .help("give an `https://` URL or the path of an audio file, e.g. \"audio/hold.wav\""),
        );
    }
}

fn url_with(s: &StrLit, schemes: &[&str], what: &str, expected: &str, diags: &mut Vec<Diagnostic>) {
    let Some(text) = s.as_plain() else { return };
    let ok = scheme(&text).is_some_and(|sc| schemes.contains(&sc.to_ascii_lowercase().as_str()))
        && text
            .split_once("://")
            .is_some_and(|(_, rest)| !rest.is_empty() && !rest.contains(char::is_whitespace));
    if !ok {
        diags.push(
            Diagnostic::new(&INVALID_URL, format!("`{what}` needs {expected}"))
                .primary(s.span, format!("`{text}` is not {expected}"))
                .help(format!(
                    "write {expected} with a host, e.g. \"{}://example.com/…\"",
                    schemes.last().unwrap_or(&"https")
                )),
        );
    }
}

fn hold_music(h: &HoldMusic, diags: &mut Vec<Diagnostic>) {
    if let HoldMusic::Url(u) = h {
        audio(u, "hold_music", diags);
    }
}

/// BCP 47, loosely: a 2–3 letter language, then 2–8 character subtags.
pub fn is_language_tag(s: &str) -> bool {
    let mut parts = s.split('-');
    let lang = parts.next().unwrap_or("");
    (2..=3).contains(&lang.len())
        && lang.chars().all(|c| c.is_ascii_alphabetic())
        && parts.all(|p| (2..=8).contains(&p.len()) && p.chars().all(|c| c.is_ascii_alphanumeric()))
}

fn language(s: &StrLit, diags: &mut Vec<Diagnostic>) {
    let Some(text) = s.as_plain() else { return };
    if !is_language_tag(&text) {
        diags.push(
            Diagnostic::new(&INVALID_LANGUAGE_TAG, format!("`{text}` is not a language tag"))
                .primary(s.span, "expected a tag such as \"en-US\"")
                .help("write a BCP 47 tag: language, then region, e.g. \"en-US\", \"sw-KE\", \"fr-FR\""),
        );
    }
}

pub fn time_zone(s: &StrLit, diags: &mut Vec<Diagnostic>) {
    let Some(text) = s.as_plain() else { return };
    if text.parse::<chrono_tz::Tz>().is_ok() {
        return;
    }
    let d = Diagnostic::new(&UNKNOWN_TIME_ZONE, format!("`{text}` is not a time zone"))
        .primary(s.span, "not in the IANA time-zone database");
    let names = chrono_tz::TZ_VARIANTS.iter().map(|tz| tz.name());
    let by_city = chrono_tz::TZ_VARIANTS.iter().map(|tz| tz.name()).find(|n| {
        n.rsplit('/')
            .next()
            .is_some_and(|city| city.eq_ignore_ascii_case(&text.replace(' ', "_")))
    });
    diags.push(match by_city.or_else(|| did_you_mean(&text, names)) {
        Some(s) => d.help(format!("did you mean \"{s}\"?")),
        None => d.help("use an IANA name such as \"Africa/Nairobi\" or \"Europe/Berlin\""),
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::test_support::codes;
    use crate::project::check_source;

    fn ids(body: &str) -> Vec<&'static str> {
        let src = format!("flow f {{\n  start a\n}}\nstep a {{\n{body}\n  hangup\n}}\n");
        codes(&src).into_iter().filter(|id| id.starts_with("E02")).collect()
    }

    #[test]
    fn numbers_urls_keys_and_durations() {
        assert_eq!(
            ids("  dial \"+254711082000\", \"sip:agent@pbx.example.com\" caller_id \"+15550100123\""),
            Vec::<&str>::new()
        );
        assert_eq!(ids("  dial \"0711 082 000\""), vec!["E0203"]);
        assert_eq!(ids("  dial \"{number}\"\n  set number = \"+1\""), Vec::<&str>::new());
        assert_eq!(ids("  play \"ftp://x/y.wav\""), vec!["E0204"]);
        assert_eq!(ids("  play \"audio/hello.wav\""), Vec::<&str>::new());
        assert_eq!(ids("  stream \"https://x\""), vec!["E0204"]);
        assert_eq!(
            ids("  collect pin digits 4 finish \"##\" timeout 0s"),
            vec!["E0202", "E0201"]
        );
        assert_eq!(ids("  collect pin digits 6..4"), vec!["E0210"]);
        assert_eq!(ids("  say \"x\" language \"English\" repeat 0"), vec!["E0211", "E0210"]);
        assert_eq!(ids("  dial \"+254711082000\" send_digits \"12x\""), vec!["E0202"]);
    }

    #[test]
    fn e164_and_sip_shapes() {
        assert!(is_e164("+254711082000"));
        assert!(!is_e164("+0711082000"));
        assert!(!is_e164("254711082000"));
        assert!(!is_e164("+1234"));
        assert!(is_sip_uri("sip:alice@example.com;transport=tcp"));
        assert!(!is_sip_uri("sip:"));
        assert!(is_language_tag("en-US") && is_language_tag("sw") && !is_language_tag("English"));
    }

    #[test]
    fn time_zones_suggest_the_iana_name() {
        let src = "flow f {\n  start a\n  timezone \"Nairobi\"\n}\nstep a {\n  hangup\n}\n";
        let d = check_source("t.flow", src).1.diagnostics;
        assert_eq!(d[0].code.id, "E0208");
        assert_eq!(d[0].help.as_deref(), Some("did you mean \"Africa/Nairobi\"?"));
    }
}
