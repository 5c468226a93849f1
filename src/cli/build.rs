//! `callflow build FILE --target T`: compile a project to bytecode (a `.cfb`
//! file) or to a provider bundle (a directory of documents and a manifest).

use super::{Exit, load, output, program};
use callflow_compiler::bytecode;
use callflow_compiler::render::{self, Format};
use callflow_compiler::targets::{self, TargetKind, Urls, manifest};
use std::path::{Path, PathBuf};

/// Compile a flow project for a target
#[derive(Debug, clap::Args)]
#[command(after_help = "Targets:\n  \
    bytecode        a .cfb file for the callflow runtime, `callflow sim` and `callflow disasm`\n  \
    africastalking  Africa's Talking voice XML\n  \
    8x8             8x8 callflow JSON\n  \
    tropo           Tropo WebAPI JSON\n  \
    sinch           Sinch SVAML\n\n\
    A provider target writes a bundle directory: one document per point where the\n\
    call waits for the caller (`<id>.xml` or `<id>.json`) and `manifest.json`, which\n\
    lists the documents, their callback URLs (under --base-url) and where each\n\
    outcome leads. `callflow serve FILE --webhook --target T` serves the same\n\
    documents live. docs/targets.md says what each target supports.\n\n\
    A project with errors is not built: its diagnostics are printed and the exit\n\
    status is 1. Warnings are printed and do not stop the build.\n\n\
    Examples:\n  \
    callflow build support.flow --target bytecode           # writes support.cfb\n  \
    callflow build support.flow --target sinch              # writes support.sinch/\n  \
    callflow build support.flow --target africastalking -o at/ --base-url https://ivr.example.com/at\n\n\
    Exit status: 0 built, 1 the project has errors, 2 usage or I/O problems.")]
pub struct Args {
    /// The root .flow file of the project
    file: PathBuf,
    /// What to compile to: bytecode, africastalking, 8x8, tropo or sinch
    #[arg(long, value_name = "TARGET")]
    target: String,
    /// Where to write the output (default: FILE with the target's extension)
    #[arg(short, long, value_name = "OUT")]
    output: Option<PathBuf>,
    /// Public URL the provider posts callbacks to (provider targets)
    #[arg(long, value_name = "URL", default_value = targets::DEFAULT_BASE_URL)]
    base_url: String,
}

/// Targets the design names that are not built yet: asked for, they get a
/// clear "not yet" instead of "unknown".
const PLANNED: &[&str] = &["twiml", "vonage", "voicexml"];

const AVAILABLE: &str = "bytecode, africastalking, 8x8, tropo, sinch";

pub fn run(args: &Args) -> Exit {
    let target = args.target.to_ascii_lowercase();
    if target == "bytecode" {
        return build_bytecode(args);
    }
    match TargetKind::from_id(&target) {
        Some(kind) => build_bundle(args, kind),
        None => {
            let why = if PLANNED.contains(&target.as_str()) {
                format!(
                    "the target `{}` is not implemented yet; available: {AVAILABLE}",
                    args.target
                )
            } else {
                format!("unknown target `{}`; available: {AVAILABLE}", args.target)
            };
            output::error(&why);
            Exit::Usage
        }
    }
}

fn build_bytecode(args: &Args) -> Exit {
    let name = load::name_of(&args.file);
    let compiled = match program::compile(&name, false) {
        Ok(compiled) => compiled,
        Err(exit) => return exit,
    };
    let out = args.output.clone().unwrap_or_else(|| args.file.with_extension("cfb"));
    let bytes = bytecode::encode(&compiled.program);
    if let Err(e) = std::fs::write(&out, &bytes) {
        output::error(&format!("cannot write `{}`: {e}", out.display()));
        return Exit::Usage;
    }
    output::stderr(&format!("wrote {} ({} bytes)\n", load::name_of(&out), bytes.len()));
    Exit::Clean
}

fn build_bundle(args: &Args, kind: TargetKind) -> Exit {
    if let Err(why) = check_base_url(&args.base_url) {
        output::error(&why);
        return Exit::Usage;
    }
    let name = load::name_of(&args.file);
    let (project, analysis) = match load::load(&name) {
        Ok(loaded) => loaded,
        Err(e) => {
            e.report();
            return Exit::Usage;
        }
    };
    let format = Format::Human {
        color: output::stderr_color(),
    };
    let (bundle, diags) = targets::check_project(&project, &analysis, kind);
    if !diags.is_empty() {
        output::stderr(&render::render(&diags, &project.sources, format));
    }
    let bundle = match bundle {
        Some(bundle) if !diags.iter().any(|d| d.is_error()) => bundle,
        _ => return Exit::Errors,
    };
    let dir = args
        .output
        .clone()
        .unwrap_or_else(|| default_bundle_dir(&args.file, kind));
    let urls = Urls::new(&args.base_url);
    match write_bundle(&dir, &bundle, kind, &urls) {
        Ok(count) => {
            output::stderr(&format!(
                "wrote {} ({count} documents and manifest.json for {})\n",
                load::name_of(&dir),
                kind.display()
            ));
            Exit::Clean
        }
        Err(e) => {
            output::error(&e);
            Exit::Usage
        }
    }
}

/// `support.flow` → `support.sinch/`, next to it.
fn default_bundle_dir(file: &Path, kind: TargetKind) -> PathBuf {
    file.with_extension(kind.id())
}

/// Callback URLs end up in every document; a typo here is a dead call.
pub(super) fn check_base_url(url: &str) -> Result<(), String> {
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))
        .ok_or_else(|| format!("--base-url `{url}` must start with http:// or https://"))?;
    if rest.is_empty() || rest.starts_with('/') || url.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(format!(
            "--base-url `{url}` is not a valid URL (it needs a host, and no spaces)"
        ));
    }
    Ok(())
}

/// Write every document and the manifest; returns the document count.
fn write_bundle(dir: &Path, bundle: &targets::model::Bundle, kind: TargetKind, urls: &Urls) -> Result<usize, String> {
    std::fs::create_dir_all(dir).map_err(|e| format!("cannot create `{}`: {e}", dir.display()))?;
    for doc in &bundle.documents {
        let path = dir.join(manifest::file_name(doc, kind));
        std::fs::write(&path, kind.render(doc, urls)).map_err(|e| format!("cannot write `{}`: {e}", path.display()))?;
    }
    let manifest = manifest::manifest(bundle, kind, urls);
    let text = serde_json::to_string_pretty(&manifest).map_err(|e| format!("cannot encode the manifest: {e}"))?;
    let path = dir.join("manifest.json");
    std::fs::write(&path, text + "\n").map_err(|e| format!("cannot write `{}`: {e}", path.display()))?;
    Ok(bundle.documents.len())
}
