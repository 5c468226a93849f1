//! A structural checker for Africa's Talking voice XML, for tests only.
//!
//! AT publishes no schema, so this is one written from its documented
//! elements, attributes and nesting (shared/reference/providers.md §1.1):
//! the root is `<Response>`; only AT's ten actions appear; `Say` and `Play`
//! may be nested in `GetDigits` and `Record` and nowhere else; required
//! attributes are present and every value has the documented type or enum;
//! `Reject` stands alone. On top of quick-xml's own parsing it enforces the
//! well-formedness rules quick-xml leaves to the application (characters
//! XML 1.0 cannot carry, `<` in attribute values, `]]>` in text).

#![allow(dead_code)]

use quick_xml::escape::resolve_predefined_entity;
use quick_xml::events::{BytesStart, Event};
use quick_xml::reader::Reader;

/// What an attribute value must look like.
#[derive(Clone, Copy, Debug)]
enum Kind {
    Bool,
    /// Whole seconds or a count, at least 1.
    Positive,
    /// One phone key.
    Key,
    Voice,
    Url,
    /// `phoneNumbers`: E.164 numbers and AT SIP addresses, comma-separated.
    Numbers,
    Phone,
    Name,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Children {
    None,
    /// `Say` and `Play` only (the prompt of an input).
    Prompt,
    Actions,
}

struct Spec {
    name: &'static str,
    /// `(attribute, kind, required)`.
    attrs: &'static [(&'static str, Kind, bool)],
    children: Children,
    /// Text content: `None` forbids it; `Some(kind)` requires it.
    text: Option<Kind>,
}

const SPECS: &[Spec] = &[
    Spec {
        name: "Response",
        attrs: &[],
        children: Children::Actions,
        text: None,
    },
    Spec {
        name: "Say",
        attrs: &[("voice", Kind::Voice, false), ("playBeep", Kind::Bool, false)],
        children: Children::None,
        text: Some(Kind::Name),
    },
    Spec {
        name: "Play",
        attrs: &[("url", Kind::Url, true)],
        children: Children::None,
        text: None,
    },
    Spec {
        name: "GetDigits",
        attrs: &[
            ("numDigits", Kind::Positive, false),
            ("timeout", Kind::Positive, false),
            ("finishOnKey", Kind::Key, false),
            ("callbackUrl", Kind::Url, false),
        ],
        children: Children::Prompt,
        text: None,
    },
    Spec {
        name: "Dial",
        attrs: &[
            ("phoneNumbers", Kind::Numbers, true),
            ("record", Kind::Bool, false),
            ("sequential", Kind::Bool, false),
            ("callerId", Kind::Phone, false),
            ("ringBackTone", Kind::Url, false),
            ("maxDuration", Kind::Positive, false),
        ],
        children: Children::None,
        text: None,
    },
    Spec {
        name: "Record",
        attrs: &[
            ("finishOnKey", Kind::Key, false),
            ("maxLength", Kind::Positive, false),
            ("timeout", Kind::Positive, false),
            ("trimSilence", Kind::Bool, false),
            ("playBeep", Kind::Bool, false),
            ("callbackUrl", Kind::Url, false),
        ],
        children: Children::Prompt,
        text: None,
    },
    Spec {
        name: "Enqueue",
        attrs: &[("holdMusic", Kind::Url, false), ("name", Kind::Name, false)],
        children: Children::None,
        text: None,
    },
    Spec {
        name: "Dequeue",
        attrs: &[("phoneNumber", Kind::Phone, true), ("name", Kind::Name, false)],
        children: Children::None,
        text: None,
    },
    Spec {
        name: "Conference",
        attrs: &[],
        children: Children::None,
        text: None,
    },
    Spec {
        name: "Redirect",
        attrs: &[],
        children: Children::None,
        text: Some(Kind::Url),
    },
    Spec {
        name: "Reject",
        attrs: &[],
        children: Children::None,
        text: None,
    },
];

/// One parsed element: its name, text and children, in order.
#[derive(Debug, Default)]
pub struct Element {
    pub name: String,
    pub attrs: Vec<(String, String)>,
    pub text: String,
    pub children: Vec<Element>,
}

impl Element {
    pub fn attr(&self, key: &str) -> Option<&str> {
        self.attrs.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str())
    }

    /// Every element below this one, depth first.
    pub fn descendants(&self) -> Vec<&Element> {
        let mut out = Vec::new();
        for child in &self.children {
            out.push(child);
            out.extend(child.descendants());
        }
        out
    }
}

/// Parse a document into its element tree, with text and attribute values
/// unescaped; `Err` when it is not well-formed.
pub fn parse(xml: &str) -> Result<Element, String> {
    if let Some(c) = xml.chars().find(|c| !xml_char(*c)) {
        return Err(format!("character U+{:04X} is not allowed in XML 1.0", c as u32));
    }
    let mut reader = Reader::from_str(xml);
    let mut stack: Vec<Element> = vec![Element::default()];
    let mut seen_decl = false;
    loop {
        let at = reader.buffer_position();
        let event = reader.read_event().map_err(|e| format!("at byte {at}: {e}"))?;
        match event {
            Event::Decl(_) if !seen_decl && at == 0 => seen_decl = true,
            Event::Start(start) => stack.push(element(&start)?),
            Event::Empty(start) => {
                let e = element(&start)?;
                push_child(&mut stack, e)?;
            }
            Event::End(_) => {
                let e = stack.pop().ok_or("an end tag without a start")?;
                push_child(&mut stack, e)?;
            }
            Event::Text(text) => {
                let raw = text.xml10_content();
                if raw.contains("]]>") {
                    return Err("`]]>` in text".into());
                }
                current(&mut stack)?.text.push_str(&raw);
            }
            Event::GeneralRef(r) => {
                let c = match r.resolve_char_ref().map_err(|e| e.to_string())? {
                    Some(c) => c.to_string(),
                    None => resolve_predefined_entity(&r)
                        .ok_or_else(|| format!("unknown entity `&{};`", &*r))?
                        .to_string(),
                };
                if !c.chars().all(xml_char) {
                    return Err(format!("character reference `&{};` is not allowed in XML 1.0", &*r));
                }
                current(&mut stack)?.text.push_str(&c);
            }
            Event::Eof => break,
            other => return Err(format!("unexpected {other:?}")),
        }
    }
    let mut document = stack.pop().ok_or("no document")?;
    if !stack.is_empty() {
        return Err(format!("unclosed element `{}`", document.name));
    }
    if !document.text.trim().is_empty() {
        return Err("text outside the root element".into());
    }
    match document.children.len() {
        1 => Ok(document.children.remove(0)),
        n => Err(format!("{n} root elements")),
    }
}

fn current(stack: &mut [Element]) -> Result<&mut Element, String> {
    stack
        .last_mut()
        .ok_or_else(|| "content outside any element".to_string())
}

fn push_child(stack: &mut [Element], e: Element) -> Result<(), String> {
    current(stack)?.children.push(e);
    Ok(())
}

fn element(start: &BytesStart) -> Result<Element, String> {
    let mut e = Element {
        name: start.name().as_ref().to_string(),
        ..Element::default()
    };
    for attr in start.attributes() {
        let attr = attr.map_err(|err| format!("<{}>: {err}", e.name))?;
        let key = attr.key.as_ref().to_string();
        if attr.value.contains('<') {
            return Err(format!("<{} {key}>: `<` in an attribute value", e.name));
        }
        let value = attr
            .normalized_value(quick_xml::XmlVersion::Implicit1_0)
            .map_err(|err| format!("<{} {key}>: {err}", e.name))?;
        e.attrs.push((key, value.into_owned()));
    }
    Ok(e)
}

/// XML 1.0's `Char` production.
fn xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r')
        || ('\u{20}'..='\u{D7FF}').contains(&c)
        || ('\u{E000}'..='\u{FFFD}').contains(&c)
        || c >= '\u{10000}'
}

/// Every structural problem of an AT document (empty when it conforms).
pub fn check(xml: &str) -> Vec<String> {
    let root = match parse(xml) {
        Ok(root) => root,
        Err(e) => return vec![format!("not well-formed: {e}")],
    };
    let mut problems = Vec::new();
    if root.name != "Response" {
        problems.push(format!("the root is <{}>, not <Response>", root.name));
    }
    check_element(&root, &mut problems);
    if root.children.iter().any(|c| c.name == "Reject") && root.children.len() > 1 {
        problems.push("<Reject> must be the only element of <Response>".into());
    }
    problems
}

fn check_element(e: &Element, problems: &mut Vec<String>) {
    let Some(spec) = SPECS.iter().find(|s| s.name == e.name) else {
        problems.push(format!("unknown element <{}>", e.name));
        return;
    };
    for child in &e.children {
        let allowed = match spec.children {
            Children::None => false,
            Children::Prompt => matches!(child.name.as_str(), "Say" | "Play"),
            Children::Actions => child.name != "Response",
        };
        if !allowed {
            problems.push(format!("<{}> is not allowed in <{}>", child.name, e.name));
        }
        check_element(child, problems);
    }
    for (key, value) in &e.attrs {
        match spec.attrs.iter().find(|(k, _, _)| k == key) {
            Some((_, kind, _)) => {
                if let Err(why) = valid(*kind, value) {
                    problems.push(format!("<{} {key}=\"{value}\">: {why}", e.name));
                }
            }
            None => problems.push(format!("<{}> has no attribute `{key}`", e.name)),
        }
    }
    for (key, _, required) in spec.attrs {
        if *required && e.attr(key).is_none() {
            problems.push(format!("<{}> needs `{key}`", e.name));
        }
    }
    match spec.text {
        Some(kind) => {
            if let Err(why) = valid(kind, e.text.trim()) {
                problems.push(format!("<{}> text `{}`: {why}", e.name, e.text));
            }
        }
        None if !e.text.trim().is_empty() => problems.push(format!("<{}> takes no text", e.name)),
        None => {}
    }
}

fn valid(kind: Kind, value: &str) -> Result<(), &'static str> {
    // Text the server fills in when the call runs (`{message}`).
    let template = value.contains('{');
    let ok = match kind {
        Kind::Bool => matches!(value, "true" | "false"),
        Kind::Positive => value.parse::<u64>().is_ok_and(|n| n > 0),
        Kind::Key => value.len() == 1 && value.chars().all(|c| c.is_ascii_digit() || c == '*' || c == '#'),
        Kind::Voice => matches!(value, "man" | "woman"),
        Kind::Url => template || value.starts_with("http://") || value.starts_with("https://"),
        Kind::Numbers => value.split(',').all(|n| template || e164(n) || at_sip(n)),
        Kind::Phone => template || e164(value),
        Kind::Name => !value.is_empty(),
    };
    if ok {
        Ok(())
    } else {
        Err(match kind {
            Kind::Bool => "not true or false",
            Kind::Positive => "not a positive integer",
            Kind::Key => "not one phone key",
            Kind::Voice => "not man or woman",
            Kind::Url => "not an http(s) URL",
            Kind::Numbers => "not a comma-separated list of E.164 numbers and AT SIP addresses",
            Kind::Phone => "not an E.164 number",
            Kind::Name => "empty",
        })
    }
}

fn e164(n: &str) -> bool {
    n.strip_prefix('+')
        .is_some_and(|d| (7..=15).contains(&d.len()) && d.chars().all(|c| c.is_ascii_digit()) && !d.starts_with('0'))
}

/// `user@ke.sip.africastalking.com`, written without a scheme.
fn at_sip(n: &str) -> bool {
    n.split_once('@')
        .is_some_and(|(user, host)| !user.is_empty() && host.ends_with(".sip.africastalking.com"))
}
