//! Render one document as Africa's Talking voice XML.
//!
//! The answer is `<Response>` with the actions AT runs in order. Input
//! elements (`GetDigits`, `Record`) nest their prompt and post to the
//! document's callback URL. AT moves on to the next action when `GetDigits`
//! gets no input (providers.md §1.1), so a menu, a `collect` and a `dial`
//! that may fail are followed by a `<Redirect>` to the same callback: a post
//! without `dtmfDigits` (or after a `Dial`) is the timeout or the failure.
//!
//! The renderer trusts a checked document: what `check` refuses on this
//! target (pauses, call recording, park, stream, a named voice …) is left
//! out here rather than approximated.

use super::super::Urls;
use super::super::model::{
    Collect, Dial, Document, End, EndKind, HoldMusic, Menu, Record, Route, Step, StepKind, Text,
};
use crate::ast::{DialMode, Voice};
use quick_xml::Writer;
use quick_xml::events::attributes::Attribute;
use quick_xml::events::{BytesDecl, BytesEnd, BytesStart, BytesText, Event};
use std::borrow::Cow;

/// The document as AT expects it in the answer to a callback.
pub fn render(doc: &Document, urls: &Urls) -> String {
    let mut xml = Xml::new();
    xml.event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)));
    xml.open("Response", &[]);
    for step in &doc.steps {
        self::step(&mut xml, step);
    }
    end(&mut xml, &doc.end, &urls.callback(&doc.id));
    xml.close("Response");
    xml.finish()
}

fn step(xml: &mut Xml, step: &Step) {
    match &step.kind {
        StepKind::Say {
            text, voice, repeat, ..
        } => {
            let voice = voice.as_ref().and_then(voice_attr);
            let attrs: Vec<(&str, String)> = voice.map(|v| ("voice", v.to_string())).into_iter().collect();
            for _ in 0..*repeat {
                xml.text_element("Say", &attrs, &text.render());
            }
        }
        StepKind::Play { url, repeat } => {
            for _ in 0..*repeat {
                xml.empty("Play", &[("url", url.render())]);
            }
        }
        // Refused by `check` (no silence or call-recording action on AT).
        StepKind::Pause { .. } | StepKind::StartRecording | StepKind::StopRecording => {}
    }
}

/// AT's two voices; a named voice profile is refused by `check` (E0504).
pub(super) fn voice_attr(voice: &Voice) -> Option<&'static str> {
    match voice {
        Voice::Male => Some("man"),
        Voice::Female => Some("woman"),
        Voice::Named(_) => None,
    }
}

fn end(xml: &mut Xml, end: &End, callback: &str) {
    match &end.kind {
        EndKind::Menu(menu) => self::menu(xml, menu, callback),
        EndKind::Collect(collect) => self::collect(xml, collect, callback),
        EndKind::Record(record) => self::record(xml, record, callback),
        EndKind::Dial(dial) => self::dial(xml, dial, callback),
        EndKind::Enqueue { queue, hold_music } => {
            let mut attrs = vec![("name", queue.clone())];
            // A built-in music name is refused by `check`: AT takes a URL.
            if let Some(HoldMusic::Url(url)) = hold_music {
                attrs.push(("holdMusic", url.render()));
            }
            xml.empty("Enqueue", &attrs);
        }
        EndKind::Dequeue { queue, number } => {
            let mut attrs = Vec::new();
            if let Some(number) = number {
                attrs.push(("phoneNumber", number.render()));
            }
            attrs.push(("name", queue.clone()));
            xml.empty("Dequeue", &attrs);
        }
        // One conference per number; the room and every option are checked.
        EndKind::Conference(_) => xml.empty("Conference", &[]),
        EndKind::Redirect { url } => xml.text_element("Redirect", &[], &url.render()),
        EndKind::Reject { .. } => xml.empty("Reject", &[]),
        // AT ends the call after the last action.
        EndKind::Hangup => {}
        // Refused by `check`.
        EndKind::Park { .. } | EndKind::Stream { .. } => {}
    }
}

/// One key, posted to the callback; no key falls through to the redirect.
fn menu(xml: &mut Xml, menu: &Menu, callback: &str) {
    let attrs = [
        ("numDigits", "1".to_string()),
        ("timeout", seconds(menu.timeout_ms)),
        ("callbackUrl", callback.to_string()),
    ];
    input(xml, "GetDigits", &attrs, &menu.prompt);
    xml.text_element("Redirect", &[], callback);
}

fn collect(xml: &mut Xml, collect: &Collect, callback: &str) {
    let mut attrs = Vec::new();
    // AT has no minimum: `check` allows only counts AT can honour.
    if let Some(max) = collect.max_digits {
        attrs.push(("numDigits", max.to_string()));
    }
    if let Some(key) = &collect.finish_key {
        attrs.push(("finishOnKey", key.clone()));
    }
    attrs.push(("timeout", seconds(collect.timeout_ms)));
    attrs.push(("callbackUrl", callback.to_string()));
    input(xml, "GetDigits", &attrs, &collect.prompt);
    xml.text_element("Redirect", &[], callback);
}

/// A partial recording: AT posts `recordingUrl` (empty when nothing was
/// recorded) to the callback, so no fallback is needed.
fn record(xml: &mut Xml, record: &Record, callback: &str) {
    let mut attrs = Vec::new();
    if let Some(key) = &record.finish_key {
        attrs.push(("finishOnKey", key.clone()));
    }
    if let Some(max) = record.max_ms {
        attrs.push(("maxLength", seconds(max)));
    }
    if let Some(timeout) = record.timeout_ms {
        attrs.push(("timeout", seconds(timeout)));
    }
    if record.trim_silence {
        attrs.push(("trimSilence", "true".to_string()));
    }
    if record.beep {
        attrs.push(("playBeep", "true".to_string()));
    }
    attrs.push(("callbackUrl", callback.to_string()));
    input(xml, "Record", &attrs, &record.prompt);
}

/// `Dial` is terminal when answered; when nobody answers AT moves on, and the
/// redirect reports it (`check` requires the three failures to share a route).
fn dial(xml: &mut Xml, dial: &Dial, callback: &str) {
    let numbers: Vec<String> = dial.targets.iter().map(dial_target).collect();
    let mut attrs = vec![("phoneNumbers", numbers.join(","))];
    match dial.mode {
        Some(DialMode::Sequential) => attrs.push(("sequential", "true".to_string())),
        Some(DialMode::Simultaneous) => attrs.push(("sequential", "false".to_string())),
        None => {}
    }
    if let Some(caller_id) = &dial.caller_id {
        attrs.push(("callerId", caller_id.render()));
    }
    if dial.record {
        attrs.push(("record", "true".to_string()));
    }
    if let Some(max) = dial.max_duration_ms {
        attrs.push(("maxDuration", seconds(max)));
    }
    if let Some(ringback) = &dial.ringback {
        // AT-node's casing; the docs' sample XML writes `ringbackTone`.
        attrs.push(("ringBackTone", ringback.render()));
    }
    xml.empty("Dial", &attrs);
    let failure_leads_on = [&dial.busy, &dial.no_answer, &dial.failed]
        .iter()
        .any(|r| matches!(r, Route::Entry(_)));
    if failure_leads_on {
        xml.text_element("Redirect", &[], callback);
    }
}

/// AT writes SIP addresses without the scheme (`agent@ke.sip.africastalking.com`).
pub(super) fn dial_target(target: &Text) -> String {
    let rendered = target.render();
    match rendered.strip_prefix("sip:") {
        Some(address) => address.to_string(),
        None => rendered,
    }
}

/// An input element with its prompt (`Say`/`Play`) nested.
fn input(xml: &mut Xml, name: &str, attrs: &[(&str, String)], prompt: &[Step]) {
    if prompt.is_empty() {
        xml.empty(name, attrs);
        return;
    }
    xml.open(name, attrs);
    for s in prompt {
        step(xml, s);
    }
    xml.close(name);
}

/// AT takes whole seconds; `check` refuses durations that are not (E0502),
/// so rounding up only ever matters for documents it did not check.
fn seconds(ms: u64) -> String {
    ms.div_ceil(1000).to_string()
}

/// A thin layer over quick-xml's writer: owned attribute values, and text
/// that is safe in XML 1.0 whatever the flow says.
struct Xml {
    writer: Writer<Vec<u8>>,
}

impl Xml {
    fn new() -> Xml {
        Xml {
            writer: Writer::new_with_indent(Vec::new(), b' ', 2),
        }
    }

    /// Writing into a `Vec` cannot fail, so the I/O result carries nothing.
    fn event(&mut self, event: Event<'_>) {
        let _ = self.writer.write_event(event);
    }

    fn start<'a>(name: &'a str, attrs: &'a [(&'a str, String)]) -> BytesStart<'a> {
        let mut start = BytesStart::new(name);
        for (key, value) in attrs {
            // `Attribute::from` escapes `<>&'"` and the tab, CR and LF that
            // attribute-value normalisation would otherwise turn into spaces.
            start.push_attribute(Attribute::from((*key, Cow::Owned(xml_chars(value)))));
        }
        start
    }

    fn open(&mut self, name: &str, attrs: &[(&str, String)]) {
        self.event(Event::Start(Xml::start(name, attrs)));
    }

    fn close(&mut self, name: &str) {
        self.event(Event::End(BytesEnd::new(name)));
    }

    fn empty(&mut self, name: &str, attrs: &[(&str, String)]) {
        self.event(Event::Empty(Xml::start(name, attrs)));
    }

    fn text_element(&mut self, name: &str, attrs: &[(&str, String)], text: &str) {
        self.open(name, attrs);
        self.event(Event::Text(BytesText::from_escaped(escape_text(text))));
        self.close(name);
    }

    fn finish(self) -> String {
        let mut bytes = self.writer.into_inner();
        bytes.push(b'\n');
        // Only `&str` was written, so the bytes are UTF-8.
        String::from_utf8(bytes).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
    }
}

/// Element text: `&` and `<` must be escaped, `>` too (for `]]>`), and CR
/// as a character reference so that end-of-line handling keeps it.
fn escape_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in xml_chars(text).chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\r' => out.push_str("&#13;"),
            c => out.push(c),
        }
    }
    out
}

/// XML 1.0 cannot carry most control characters, not even as references
/// (`Char` production): they become U+FFFD so the document stays well-formed.
/// Flow strings can hold them only as raw bytes, which no speech engine reads.
pub(super) fn xml_chars(text: &str) -> String {
    text.chars()
        .map(|c| {
            let allowed = matches!(c, '\t' | '\n' | '\r')
                || ('\u{20}'..='\u{D7FF}').contains(&c)
                || ('\u{E000}'..='\u{FFFD}').contains(&c)
                || c >= '\u{10000}';
            if allowed { c } else { '\u{FFFD}' }
        })
        .collect()
}
