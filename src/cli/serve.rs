//! `callflow serve FILE --webhook --target T`: answer a voice provider's
//! callbacks for a flow, live (docs/webhook.md).
//!
//! Everything that can be wrong with the flow is found before the host
//! starts: a flow with errors, or with an action or value the target cannot
//! carry, is refused with its diagnostics, so nothing fails mid-call that
//! could have been known at start-up.

use super::{Exit, build, load, output};
use callflow_compiler::bytecode;
use callflow_compiler::render::{self, Format};
use callflow_compiler::targets::{self, TargetKind};
use callflow_runtime::webhook::config::DEFAULT_MAX_CALLS;
use callflow_runtime::webhook::{self, App, Config, app::show_duration, providers::where_to_configure};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

/// Run a flow live: answer a voice provider's webhooks
#[derive(Debug, clap::Args)]
#[command(after_help = "Modes:\n  \
    --webhook   an HTTP server that answers a voice provider's callbacks with the next\n              \
    document of each call (Africa's Talking, 8x8, Tropo or Sinch; needs --target)\n  \
    --sip ADDR  answer phone calls over SIP/RTP on a UDP address (prompts by espeak-ng and\n              \
    WAV files, RFC 4733 and in-band DTMF, recordings; see docs/sip.md)\n\n\
    The flow is checked for the target first; a flow with errors, or one the target\n\
    cannot carry, is not served. Each call runs in the same VM as `callflow sim`.\n\
    One line per request goes to stderr. Ctrl-C stops the server. With --sip,\n\
    SIGUSR1 writes a `stats` line for the interval since the last one to the call log.\n\n\
    Examples:\n  \
    callflow serve examples/support.flow --webhook --target africastalking\n  \
    callflow serve examples/support.flow --webhook --target sinch --http 0.0.0.0:8080 \\\n      \
    --base-url https://ivr.example.com/sinch\n  \
    callflow serve ivr.flow --sip 127.0.0.1:5060 --rtp-ports 20000-29999 --config callflow.toml\n\n\
    Exit status: 0 stopped by Ctrl-C, 1 the flow has errors or the target cannot\n\
    carry it, 2 usage or I/O problems.")]
pub struct Args {
    /// The root .flow file of the project
    file: PathBuf,
    /// Serve a voice provider's webhooks over HTTP
    #[arg(long)]
    webhook: bool,
    /// Answer SIP calls on this UDP address (e.g. 127.0.0.1:5060)
    #[arg(long, value_name = "ADDR", conflicts_with = "webhook")]
    sip: Option<String>,
    /// RTP ports for --sip calls (even port RTP, the next one RTCP)
    #[arg(long, value_name = "LOW-HIGH", requires = "sip")]
    rtp_ports: Option<String>,
    /// Settings for --sip: allowed callers, limits, directories (docs/sip.md)
    #[arg(long, value_name = "FILE", requires = "sip")]
    config: Option<PathBuf>,
    /// The provider: africastalking, 8x8, tropo or sinch
    #[arg(long, value_name = "TARGET")]
    target: Option<String>,
    /// The address to listen on
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:8080")]
    http: String,
    /// The public URL the provider reaches this server at (default: http://ADDR)
    #[arg(long, value_name = "URL")]
    base_url: Option<String>,
    /// The flow that answers calls (default: the first)
    #[arg(long, value_name = "NAME")]
    flow: Option<String>,
    /// Release a call after this long without a callback (500ms, 30s, 10m, 1h)
    #[arg(long, value_name = "DURATION", default_value = "10m")]
    idle_timeout: String,
    /// The most calls in progress at once; a new call beyond it gets 503
    #[arg(long, value_name = "N", default_value_t = DEFAULT_MAX_CALLS)]
    max_calls: usize,
}

const TARGETS: &str = "africastalking, 8x8, tropo, sinch";

pub fn run(args: &Args) -> Exit {
    if let Some(sip) = &args.sip {
        let max_calls = (args.max_calls != DEFAULT_MAX_CALLS).then_some(args.max_calls);
        return super::serve_sip::run(&super::serve_sip::SipArgs {
            file: &args.file,
            sip,
            rtp_ports: args.rtp_ports.as_deref(),
            config: args.config.as_deref(),
            flow: args.flow.as_deref(),
            max_calls,
        });
    }
    if !args.webhook {
        usage(
            "`callflow serve` needs a mode: --webhook or --sip",
            &format!(
                "run `callflow serve {} --webhook --target TARGET` ({TARGETS}) for a provider, or `--sip 127.0.0.1:5060` to answer SIP calls",
                args.file.display()
            ),
        );
        return Exit::Usage;
    }
    let target = match args.target.as_deref().map(|t| (t, TargetKind::from_id(t))) {
        Some((_, Some(target))) => target,
        Some((name, None)) => {
            usage(
                &format!("unknown target `{name}`"),
                &format!("--target is one of {TARGETS}"),
            );
            return Exit::Usage;
        }
        None => {
            usage(
                "--webhook needs --target: whose callbacks should it answer?",
                &format!("add --target TARGET, one of {TARGETS}"),
            );
            return Exit::Usage;
        }
    };
    let idle_timeout = match parse_duration(&args.idle_timeout) {
        Ok(d) => d,
        Err(why) => {
            usage(
                &format!("--idle-timeout `{}`: {why}", args.idle_timeout),
                "write it like 30s, 10m or 1h",
            );
            return Exit::Usage;
        }
    };
    if args.max_calls == 0 {
        usage(
            "--max-calls 0 would refuse every call",
            "give --max-calls a positive number",
        );
        return Exit::Usage;
    }
    if let Some(url) = &args.base_url
        && let Err(why) = build::check_base_url(url)
    {
        usage(
            &why,
            "give the URL the provider reaches this server at, e.g. https://ivr.example.com/at",
        );
        return Exit::Usage;
    }
    let program = match checked_program(args, target) {
        Ok(program) => Arc::new(program),
        Err(exit) => return exit,
    };
    let listener = match std::net::TcpListener::bind(&args.http) {
        Ok(listener) => listener,
        Err(e) => {
            usage(
                &format!("cannot listen on `{}`: {e}", args.http),
                "choose another address with --http, e.g. 127.0.0.1:8081 (port 0 picks a free one)",
            );
            return Exit::Usage;
        }
    };
    let listening = match listener.local_addr() {
        Ok(addr) => format!("http://{addr}"),
        Err(_) => format!("http://{}", args.http),
    };
    let mut config = Config::new(target);
    config.base_url = args.base_url.clone().unwrap_or_else(|| listening.clone());
    config.flow = args.flow.clone();
    config.idle_timeout = idle_timeout;
    config.max_calls = args.max_calls;
    let app = match App::new(program, config) {
        Ok(app) => Arc::new(app),
        Err(why) => {
            usage(
                &why,
                "name one of its flows with --flow, or leave --flow out for the first",
            );
            return Exit::Usage;
        }
    };
    output::stdout(&format!(
        "callflow: serving {} for {}\n  listening on  {listening}\n  callback URL  {}\n                (set it {})\n  calls         at most {} at once, released after {} without a callback\nPress Ctrl-C to stop.\n",
        load::name_of(&args.file),
        target.display(),
        app.entry_url(),
        where_to_configure(target),
        args.max_calls,
        show_duration(idle_timeout),
    ));
    match webhook::serve_until_interrupted(app, listener) {
        Ok(()) => {
            output::stderr("callflow: stopped\n");
            Exit::Clean
        }
        Err(e) => {
            output::error(&format!("the server stopped: {e}"));
            Exit::Usage
        }
    }
}

/// Compile the project and check it for the target; print diagnostics.
fn checked_program(args: &Args, target: TargetKind) -> Result<bytecode::Program, Exit> {
    let name = load::name_of(&args.file);
    let (project, analysis) = load::load(&name).map_err(|e| {
        e.report();
        Exit::Usage
    })?;
    let (bundle, diags) = targets::check_project(&project, &analysis, target);
    let program = bundle.and_then(|_| bytecode::compile(&project, &analysis).ok());
    if !diags.is_empty() {
        let format = Format::Human {
            color: output::stderr_color(),
        };
        output::stderr(&render::render(&diags, &project.sources, format));
    }
    match program {
        Some(program) if !diags.iter().any(|d| d.is_error()) => Ok(program),
        _ => {
            usage(
                &format!("not serving `{name}` for {}: it has errors (above)", target.display()),
                "fix them and start the server again; `callflow explain CODE` says more about each code",
            );
            Err(Exit::Errors)
        }
    }
}

fn usage(message: &str, help: &str) {
    output::error(message);
    output::stderr(&format!("help: {help}\n"));
}

/// `500ms`, `30s`, `10m`, `1h`.
fn parse_duration(text: &str) -> Result<Duration, String> {
    let text = text.trim();
    let split = text.find(|c: char| !c.is_ascii_digit()).unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let number: u64 = number.parse().map_err(|_| "not a duration".to_string())?;
    let ms = match unit {
        "ms" => Some(number),
        "s" => number.checked_mul(1_000),
        "m" => number.checked_mul(60_000),
        "h" => number.checked_mul(3_600_000),
        _ => return Err(format!("unknown unit `{unit}` (use ms, s, m or h)")),
    }
    .ok_or("too long")?;
    if ms == 0 {
        return Err("must be longer than 0".to_string());
    }
    Ok(Duration::from_millis(ms))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(parse_duration("500ms"), Ok(Duration::from_millis(500)));
        assert_eq!(parse_duration("30s"), Ok(Duration::from_secs(30)));
        assert_eq!(parse_duration(" 10m "), Ok(Duration::from_secs(600)));
        assert_eq!(parse_duration("1h"), Ok(Duration::from_secs(3_600)));
        for bad in ["", "m", "10", "10 m", "1d", "0s", "-5s", "99999999999999999999h"] {
            assert!(parse_duration(bad).is_err(), "{bad:?}");
        }
    }
}
