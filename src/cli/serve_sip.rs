//! `callflow serve FILE --sip ADDR`: answer phone calls over SIP/RTP with
//! the flow (docs/sip.md).
//!
//! Everything that can be known before the first call is checked first:
//! the flow compiles (or the bytecode loads), it uses no action the SIP
//! runtime cannot run, espeak-ng is there when the flow speaks, every fixed
//! prompt renders and every fixed audio file loads. A problem stops the
//! start-up with exit status 1 (the flow) or 2 (the set-up).

use super::{Exit, load, output, program};
use callflow_runtime::media::prompts::Prompts;
use callflow_runtime::media::sender::MediaSender;
use callflow_runtime::sip::config::{Settings, parse_port_range};
use callflow_runtime::sip::limits;
use callflow_runtime::sip::load::{prepare_prompts, records, refusals, speaks};
use callflow_runtime::sip::server::{self, CallLog};
use std::path::{Path, PathBuf};
use std::sync::Arc;

pub struct SipArgs<'a> {
    pub file: &'a Path,
    pub sip: &'a str,
    pub rtp_ports: Option<&'a str>,
    pub config: Option<&'a Path>,
    pub flow: Option<&'a str>,
    pub max_calls: Option<usize>,
}

fn usage(message: &str, help: &str) -> Exit {
    output::error(message);
    output::stderr(&format!("help: {help}\n"));
    Exit::Usage
}

fn settings(args: &SipArgs) -> Result<Settings, Exit> {
    let mut settings = match args.config {
        None => Settings::default(),
        Some(path) => {
            let text = std::fs::read_to_string(path).map_err(|e| {
                usage(
                    &format!("cannot read `{}`: {e}", path.display()),
                    "give the path of a callflow.toml (docs/sip.md lists its keys)",
                )
            })?;
            let base = path.parent().unwrap_or(Path::new("."));
            Settings::from_toml(&text, base).map_err(|why| {
                usage(
                    &format!("`{}`: {why}", path.display()),
                    "docs/sip.md lists the keys of callflow.toml and their values",
                )
            })?
        }
    };
    if let Some(ports) = args.rtp_ports {
        settings.rtp_ports = parse_port_range(ports)
            .map_err(|why| usage(&format!("--rtp-ports: {why}"), "write it like 20000-29999"))?;
    }
    if let Some(n) = args.max_calls {
        settings.max_calls = n;
    }
    Ok(settings)
}

pub fn run(args: &SipArgs) -> Exit {
    let settings = match settings(args) {
        Ok(s) => s,
        Err(exit) => return exit,
    };
    let name = load::name_of(args.file);
    let program = match program::program_for(args.file) {
        Ok(p) => p,
        Err(exit) => return exit,
    };
    if let Some(flow) = args.flow
        && program.flow_named(flow).is_none()
    {
        let flows: Vec<&str> = program.flows.iter().map(|f| f.name.as_str()).collect();
        return usage(
            &format!("`{name}` has no flow `{flow}`"),
            &format!("its flows: {}", flows.join(", ")),
        );
    }
    let refused = refusals(&program);
    if !refused.is_empty() {
        for p in &refused {
            output::stderr(&format!("{p}\n\n"));
        }
        output::error(&format!(
            "not serving `{name}` over SIP: {} action(s) the SIP runtime cannot run (above)",
            refused.len()
        ));
        return Exit::Errors;
    }
    let flow_dir = args
        .file
        .parent()
        .map(Path::to_path_buf)
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or_else(|| PathBuf::from("."));
    let audio_dir = settings.audio_dir.clone().unwrap_or(flow_dir);
    let prompts = match speaks(&program) {
        true => match Prompts::new(
            &settings.espeak,
            &settings.voice,
            &settings.prompt_cache_dir,
            &audio_dir,
        ) {
            Ok(p) => p,
            Err(why) => return usage(&why, "the flow says things, so the SIP runtime needs espeak-ng"),
        },
        false => Prompts::without_speech(&audio_dir),
    };
    let problems = prepare_prompts(&program, &prompts);
    if !problems.is_empty() {
        for p in &problems {
            output::stderr(&format!("{p}\n\n"));
        }
        output::error(&format!(
            "not serving `{name}` over SIP: {} prompt(s) cannot be played (above)",
            problems.len()
        ));
        return Exit::Errors;
    }
    if records(&program)
        && let Err(e) = std::fs::create_dir_all(&settings.recordings_dir)
    {
        return usage(
            &format!(
                "cannot create the recordings directory `{}`: {e}",
                settings.recordings_dir.display()
            ),
            "set `recordings_dir` in callflow.toml to a directory the server may write",
        );
    }
    let log = match CallLog::open(&settings.call_log) {
        Ok(log) => Arc::new(log),
        Err(e) => {
            return usage(
                &format!("cannot open the call log `{}`: {e}", settings.call_log),
                "set `call_log` in callflow.toml to a writable file, or `-` for stdout",
            );
        }
    };
    let socket = match std::net::UdpSocket::bind(args.sip) {
        Ok(s) => s,
        Err(e) => {
            return usage(
                &format!("cannot listen on `{}`: {e}", args.sip),
                "choose another address with --sip, e.g. 127.0.0.1:5070 (port 0 picks a free one)",
            );
        }
    };
    let listening = socket
        .local_addr()
        .map_or_else(|_| args.sip.to_string(), |a| a.to_string());
    let (sender, priority) = match MediaSender::start(settings.media_realtime) {
        Ok(started) => started,
        Err(e) => {
            output::error(&format!("cannot start the media clock's thread: {e}"));
            return Exit::Usage;
        }
    };
    // Two sockets a call: say so when the limit leaves room for fewer calls
    // than max_calls (the calls beyond would get 503).
    let files = match limits::raise_open_files() {
        Ok(limit) if (limits::calls_within(limit) as usize) < settings.max_calls => format!(
            "  open files    {limit}: room for about {} calls, fewer than max_calls ({}); raise the hard limit (ulimit -Hn, systemd LimitNOFILE=)\n",
            limits::calls_within(limit),
            settings.max_calls
        ),
        Ok(_) => String::new(),
        Err(e) => format!("  open files    the limit could not be read or raised: {e}\n"),
    };
    let allow: Vec<String> = settings.allow.iter().map(|c| format!("{}/{}", c.net, c.bits)).collect();
    output::stderr(&format!(
        "callflow: serving {name} over SIP\n  listening on  udp {listening}\n  rtp ports     {}-{}\n  media clock   {priority}\n{files}  calls         at most {} at once, each at most {}s\n  callers from  {}\n  call log      {}\nPress Ctrl-C to stop.\n",
        settings.rtp_ports.0,
        settings.rtp_ports.1,
        settings.max_calls,
        settings.max_call_duration.as_secs(),
        allow.join(", "),
        if settings.call_log == "-" {
            "stdout"
        } else {
            &settings.call_log
        },
    ));
    let host = server::Host {
        settings: Arc::new(settings),
        program: Arc::new(program),
        flow: args.flow.map(str::to_string),
        prompts: Arc::new(prompts),
        log,
        sender,
    };
    let result = server::serve_until_interrupted(socket, host);
    match result {
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
