//! Provider targets: compile a checked project into the documents of a voice
//! provider (Africa's Talking XML, 8x8 callflow JSON, Tropo WebAPI JSON,
//! Sinch SVAML).
//!
//! The pipeline is `IR → cut → Bundle → check → render`:
//! - [`cut`] turns the IR into provider-neutral [`model::Document`]s and the
//!   plans that choose between them (docs/architecture.md, "Provider targets").
//! - Each target module has a capability table ([`Support`] per [`Feature`]),
//!   limit checks with spans on the source, and a renderer. An action a target
//!   lacks is E0501, never dropped.
//! - [`manifest`] describes the bundle: documents, callback URLs and routing.
//!
//! The webhook host (runtime crate) builds documents from the VM's effects
//! instead of the cutter and renders them with the same renderers.

pub mod africastalking;
pub mod codes;
pub mod cut;
pub mod eightbyeight;
pub mod manifest;
pub mod matrix;
pub mod model;
pub mod rules;
pub mod sinch;
pub mod text_rules;
pub mod tropo;

#[cfg(test)]
mod test_support;
#[cfg(test)]
mod tests;

use crate::ast::Ast;
use crate::diagnostic::Diagnostic;
use crate::ir::Ir;
use crate::span::{FileId, SourceMap, Span};
use model::{Bundle, Document, EndKind, Step, StepKind};

/// A provider a flow can be compiled for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TargetKind {
    AfricasTalking,
    EightByEight,
    Tropo,
    Sinch,
}

impl TargetKind {
    pub const ALL: [TargetKind; 4] = [
        TargetKind::AfricasTalking,
        TargetKind::EightByEight,
        TargetKind::Tropo,
        TargetKind::Sinch,
    ];

    /// The name used on the command line and in files (`--target 8x8`).
    pub fn id(self) -> &'static str {
        match self {
            TargetKind::AfricasTalking => "africastalking",
            TargetKind::EightByEight => "8x8",
            TargetKind::Tropo => "tropo",
            TargetKind::Sinch => "sinch",
        }
    }

    /// The provider's name as people write it, for messages.
    pub fn display(self) -> &'static str {
        match self {
            TargetKind::AfricasTalking => "Africa's Talking",
            TargetKind::EightByEight => "8x8",
            TargetKind::Tropo => "Tropo",
            TargetKind::Sinch => "Sinch",
        }
    }

    pub fn from_id(id: &str) -> Option<TargetKind> {
        let id = id.trim().to_ascii_lowercase();
        TargetKind::ALL.into_iter().find(|t| t.id() == id)
    }

    /// File extension of its documents.
    pub fn extension(self) -> &'static str {
        match self {
            TargetKind::AfricasTalking => "xml",
            _ => "json",
        }
    }

    /// Media type of its documents, for the webhook host's answers.
    pub fn content_type(self) -> &'static str {
        match self {
            TargetKind::AfricasTalking => "application/xml",
            _ => "application/json",
        }
    }

    /// The target's capability table.
    pub fn capabilities(self) -> &'static [(Feature, Support)] {
        match self {
            TargetKind::AfricasTalking => africastalking::CAPABILITIES,
            TargetKind::EightByEight => eightbyeight::CAPABILITIES,
            TargetKind::Tropo => tropo::CAPABILITIES,
            TargetKind::Sinch => sinch::CAPABILITIES,
        }
    }

    pub fn support(self, feature: Feature) -> Support {
        self.capabilities()
            .iter()
            .find(|(f, _)| *f == feature)
            .map_or(Support::Unsupported("not in its capability table"), |(_, s)| *s)
    }

    /// Render one document. `urls` gives the callback URLs of its outcomes.
    pub fn render(self, doc: &Document, urls: &Urls) -> String {
        match self {
            TargetKind::AfricasTalking => africastalking::render(doc, urls),
            TargetKind::EightByEight => eightbyeight::render(doc, urls),
            TargetKind::Tropo => tropo::render(doc, urls),
            TargetKind::Sinch => sinch::render(doc, urls),
        }
    }

    /// The target's own limit and placement checks (E0502–E0505).
    fn check_limits(self, bundle: &Bundle, diags: &mut Vec<Diagnostic>) {
        match self {
            TargetKind::AfricasTalking => africastalking::check(bundle, diags),
            TargetKind::EightByEight => eightbyeight::check(bundle, diags),
            TargetKind::Tropo => tropo::check(bundle, diags),
            TargetKind::Sinch => sinch::check(bundle, diags),
        }
    }
}

/// A language feature, as the capability tables and docs/targets.md list them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Feature {
    Say,
    Play,
    Pause,
    Menu,
    Collect,
    CollectSpeech,
    Record,
    StartRecording,
    StopRecording,
    Dial,
    Enqueue,
    Dequeue,
    Park,
    Conference,
    Stream,
    Redirect,
    Reject,
    Hangup,
}

impl Feature {
    pub const ALL: [Feature; 18] = [
        Feature::Say,
        Feature::Play,
        Feature::Pause,
        Feature::Menu,
        Feature::Collect,
        Feature::CollectSpeech,
        Feature::Record,
        Feature::StartRecording,
        Feature::StopRecording,
        Feature::Dial,
        Feature::Enqueue,
        Feature::Dequeue,
        Feature::Park,
        Feature::Conference,
        Feature::Stream,
        Feature::Redirect,
        Feature::Reject,
        Feature::Hangup,
    ];

    /// How the language spells it.
    pub fn name(self) -> &'static str {
        match self {
            Feature::Say => "say",
            Feature::Play => "play",
            Feature::Pause => "pause",
            Feature::Menu => "menu",
            Feature::Collect => "collect",
            Feature::CollectSpeech => "collect … speech",
            Feature::Record => "record",
            Feature::StartRecording => "start_recording",
            Feature::StopRecording => "stop_recording",
            Feature::Dial => "dial",
            Feature::Enqueue => "enqueue",
            Feature::Dequeue => "dequeue",
            Feature::Park => "park",
            Feature::Conference => "conference",
            Feature::Stream => "stream",
            Feature::Redirect => "redirect",
            Feature::Reject => "reject",
            Feature::Hangup => "hangup",
        }
    }

    fn of_step(step: &StepKind) -> Feature {
        match step {
            StepKind::Say { .. } => Feature::Say,
            StepKind::Play { .. } => Feature::Play,
            StepKind::Pause { .. } => Feature::Pause,
            StepKind::StartRecording => Feature::StartRecording,
            StepKind::StopRecording => Feature::StopRecording,
        }
    }

    fn of_end(end: &EndKind) -> Feature {
        match end {
            EndKind::Menu(_) => Feature::Menu,
            EndKind::Collect(c) if c.speech.is_some() => Feature::CollectSpeech,
            EndKind::Collect(_) => Feature::Collect,
            EndKind::Record(_) => Feature::Record,
            EndKind::Dial(_) => Feature::Dial,
            EndKind::Enqueue { .. } => Feature::Enqueue,
            EndKind::Dequeue { .. } => Feature::Dequeue,
            EndKind::Park { .. } => Feature::Park,
            EndKind::Conference(_) => Feature::Conference,
            EndKind::Stream { .. } => Feature::Stream,
            EndKind::Redirect { .. } => Feature::Redirect,
            EndKind::Reject { .. } => Feature::Reject,
            EndKind::Hangup => Feature::Hangup,
        }
    }
}

/// How a target carries out a feature. The text says with what (the
/// provider's verb), or why not.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Support {
    /// The provider has it: the verb or action that carries it out.
    Native(&'static str),
    /// Built from other provider features: how.
    Lowered(&'static str),
    /// Not possible on this target: why, or what to use instead.
    Unsupported(&'static str),
}

/// Where callbacks go.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Urls {
    /// The public URL the application is served at, without a trailing `/`.
    pub base: String,
}

impl Urls {
    pub fn new(base: &str) -> Urls {
        Urls {
            base: base.trim_end_matches('/').to_string(),
        }
    }

    /// The URL a document's outcomes are posted to.
    pub fn callback(&self, doc_id: &str) -> String {
        format!("{}/{}", self.base, doc_id)
    }
}

/// The base URL when none is given: what `callflow serve --webhook` listens
/// on by default.
pub const DEFAULT_BASE_URL: &str = "http://127.0.0.1:8080";

/// Cut a checked project (no errors) for `target` and run every target check.
/// The bundle comes back even with errors so that tools can show it; do not
/// deploy it then.
pub fn compile(asts: &[(FileId, Ast)], ir: &Ir, sources: &SourceMap, target: TargetKind) -> (Bundle, Vec<Diagnostic>) {
    let (bundle, mut diags) = cut::bundle(asts, ir, sources);
    check_capabilities(target, &bundle, &mut diags);
    target.check_limits(&bundle, &mut diags);
    crate::diagnostic::sort_and_dedup(&mut diags);
    (bundle, diags)
}

/// A checked project's diagnostics with the target's added, in one sorted
/// list, and the bundle. The target checks run only when the project itself
/// has no errors: the cutter trusts the flow checks (no dead ends, no loops
/// that never wait), so `bundle` is `None` then. Every front end (`check
/// --target`, `build`, `serve --webhook`, the language server) goes through
/// here, so they report alike.
pub fn check_project(
    project: &crate::project::Project,
    analysis: &crate::project::Analysis,
    target: TargetKind,
) -> (Option<Bundle>, Vec<Diagnostic>) {
    let mut diags = analysis.diagnostics.clone();
    if diags.iter().any(Diagnostic::is_error) {
        return (None, diags);
    }
    let (bundle, target_diags) = compile(&project.asts, &analysis.ir, &project.sources, target);
    diags.extend(target_diags);
    crate::diagnostic::sort_and_dedup(&mut diags);
    (Some(bundle), diags)
}

/// E0501 for every step or end whose feature the target lacks.
fn check_capabilities(target: TargetKind, bundle: &Bundle, diags: &mut Vec<Diagnostic>) {
    let mut report = |feature: Feature, span: Span| {
        if let Support::Unsupported(why) = target.support(feature) {
            diags.push(
                Diagnostic::new(
                    &codes::UNSUPPORTED_ACTION,
                    format!("{} has no `{}`", target.display(), feature.name()),
                )
                .primary(span, format!("not available on {}", target.display()))
                .help(why.to_string()),
            );
        }
    };
    for doc in &bundle.documents {
        for step in all_steps(doc) {
            report(Feature::of_step(&step.kind), step.span);
        }
        report(Feature::of_end(&doc.end.kind), doc.end.span);
    }
}

/// The document's steps and its end's prompt, in the order they play.
pub fn all_steps(doc: &Document) -> impl Iterator<Item = &Step> {
    let prompt: &[Step] = match &doc.end.kind {
        EndKind::Menu(m) => &m.prompt,
        EndKind::Collect(c) => &c.prompt,
        EndKind::Record(r) => &r.prompt,
        _ => &[],
    };
    doc.steps.iter().chain(prompt)
}
