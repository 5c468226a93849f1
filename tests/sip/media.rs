//! What the caller hears: RTP for the prompt, paced and numbered right;
//! RTCP sender reports; hold by re-INVITE stops the audio.

use super::phone::{Packet, Phone};
use super::support::{Server, peers_available};
use std::time::Duration;

const MENU: &str = "tests/sip/flows/menu.flow";

fn check_stream(packets: &[Packet]) {
    let first = &packets[0];
    assert!(first.marker, "the first packet of a talkspurt has the marker bit");
    for pair in packets.windows(2) {
        let (a, b) = (&pair[0], &pair[1]);
        assert_eq!(b.ssrc, first.ssrc, "one SSRC");
        assert_eq!(b.seq, a.seq.wrapping_add(1), "consecutive sequence numbers");
        assert_eq!(b.ts, a.ts.wrapping_add(160), "the timestamp advances 160 per 20 ms");
        assert!(!b.marker, "no marker inside a talkspurt");
    }
    assert!(packets.iter().all(|p| p.pt == 0 && p.len == 160), "PCMU, 20 ms");
}

#[test]
fn the_prompt_arrives_as_paced_rtp() {
    if !peers_available() {
        return;
    }
    let server = Server::start("rtp", MENU, "");
    let mut phone = Phone::new(server.addr);
    let ok = phone.call();
    assert!(ok.contains("Content-Type: application/sdp"), "{ok}");
    assert!(
        phone.answer.contains("a=rtpmap:96 telephone-event/8000"),
        "our PT 96 is kept:\n{}",
        phone.answer
    );
    assert!(
        phone.answer.contains("m=audio ") && phone.answer.contains(" RTP/AVP 0 96"),
        "{}",
        phone.answer
    );
    let packets = phone.listen(Duration::from_millis(2_000));
    // 2 s at 50 packets/s, less the start-up (first packet ≤ 20 ms after the ACK).
    assert!((90..=101).contains(&packets.len()), "{} packets in 2 s", packets.len());
    check_stream(&packets);
    // Pacing: packets come one per 20 ms, not in bursts, and do not drift
    // (the span of n packets is n·20 ms). How close to the slot each one
    // leaves is measured by bench/sip-load.sh, not here: a test machine
    // busy with other tests delays a few packets.
    let mut gaps: Vec<f64> = packets
        .windows(2)
        .map(|w| (w[1].at - w[0].at).as_secs_f64() * 1e3)
        .collect();
    gaps.sort_by(f64::total_cmp);
    let median = gaps[gaps.len() / 2];
    assert!((18.0..=22.0).contains(&median), "median gap {median:.2} ms");
    let last = packets.len() - 1;
    let span = (packets[last].at - packets[0].at).as_secs_f64() * 1e3;
    let expected = 20.0 * last as f64;
    assert!(
        (span - expected).abs() < 60.0,
        "{last} packets over {span:.1} ms, not {expected} ms"
    );
    assert_eq!(phone.hang_up(), 200);
    let calls = server.wait_for("end", Duration::from_secs(5), |c| c["event"] == "end");
    assert_eq!(
        calls.iter().find(|c| c["event"] == "end").unwrap()["reason"],
        "caller_bye"
    );
}

#[test]
fn sender_reports_come_every_five_seconds_on_the_next_port() {
    if !peers_available() {
        return;
    }
    let server = Server::start("rtcp", MENU, "");
    let mut phone = Phone::new(server.addr);
    phone.call();
    let mut buf = [0u8; 512];
    let until = std::time::Instant::now() + Duration::from_millis(6_500);
    let mut report = None;
    while std::time::Instant::now() < until && report.is_none() {
        // Drain RTP meanwhile so nothing backs up.
        let _ = phone.rtp.recv_from(&mut buf);
        if let Ok((n, _)) = phone.rtcp.recv_from(&mut buf) {
            report = Some(buf[..n].to_vec());
        }
    }
    let sr = report.expect("a sender report within 6.5 s");
    assert_eq!(sr[0] >> 6, 2, "RTCP version 2");
    assert_eq!(sr[1], 200, "SR");
    let packets = u32::from_be_bytes([sr[20], sr[21], sr[22], sr[23]]);
    assert!(packets > 100, "packet count {packets}");
    phone.hang_up();
}

#[test]
fn hold_stops_the_audio_and_resume_restarts_it() {
    if !peers_available() {
        return;
    }
    // A long prompt, so there is audio to hold.
    let server = Server::start("hold", MENU, "");
    let mut phone = Phone::new(server.addr);
    phone.call();
    assert!(phone.listen(Duration::from_millis(500)).len() > 15);
    let ok = phone.reinvite("sendonly");
    assert!(ok.contains("a=recvonly"), "{ok}");
    phone.listen(Duration::from_millis(100)); // in flight
    assert!(phone.listen(Duration::from_millis(600)).is_empty(), "no audio on hold");
    phone.reinvite("sendrecv");
    let resumed = phone.listen(Duration::from_millis(600));
    assert!(resumed.len() > 15, "audio again after resume: {}", resumed.len());
    assert!(resumed[0].marker, "a new talkspurt");
    phone.hang_up();
}

#[test]
fn options_answers_health_checks() {
    if !peers_available() {
        return;
    }
    let server = Server::start("options", MENU, "");
    let mut phone = Phone::new(server.addr);
    let options = phone.request("OPTIONS", "", true);
    phone.send(&options);
    let (code, ok) = phone.final_response(Duration::from_secs(2));
    assert_eq!(code, 200);
    assert!(ok.contains("Allow: INVITE, ACK, BYE, CANCEL, OPTIONS"), "{ok}");
}

#[test]
fn stopping_the_server_hangs_up_calls_and_reports_the_pacing() {
    if !peers_available() {
        return;
    }
    let mut server = Server::start("shutdown", MENU, "");
    let mut phone = Phone::new(server.addr);
    phone.call();
    assert!(phone.listen(Duration::from_millis(500)).len() > 15);
    let stopper = std::thread::spawn(move || {
        let calls = server.stop();
        (server.is_running(), calls)
    });
    assert!(phone.expect_bye(Duration::from_secs(5)), "the server says BYE");
    let (running, calls) = stopper.join().unwrap();
    assert!(!running);
    let end = calls.iter().find(|c| c["event"] == "end").expect("end");
    assert_eq!(end["reason"], "shutdown");
    let stats = calls.iter().find(|c| c["event"] == "stats").expect("stats at shutdown");
    assert!(stats["rtp_sent"].as_u64().unwrap() > 15);
    assert!(stats["send_deviation_us"]["p99"].as_u64().is_some());
}

/// The `stats` lines of the call log that cover an interval.
fn interval_stats(calls: &[serde_json::Value]) -> Vec<&serde_json::Value> {
    calls
        .iter()
        .filter(|c| c["event"] == "stats" && c["over"] == "interval")
        .collect()
}

#[test]
fn sigusr1_reports_the_interval_since_the_last_report_and_the_server_goes_on() {
    if !peers_available() {
        return;
    }
    let mut server = Server::start("usr1", MENU, "");
    let mut phone = Phone::new(server.addr);
    phone.call();
    assert!(phone.listen(Duration::from_millis(500)).len() > 15);
    assert!(server.signal("USR1"), "kill -USR1");
    let calls = server.wait_for("a stats line", Duration::from_secs(5), |c| c["over"] == "interval");
    let first = interval_stats(&calls)[0].clone();
    assert_eq!(first["calls_active"], 1, "{first}");
    assert_eq!(first["calls_started"], 1, "{first}");
    let sent = first["rtp_sent"].as_u64().unwrap();
    assert!(sent > 15, "{first}");
    assert_eq!(first["send_deviation_us"]["count"], sent, "{first}");
    assert!(first["seconds"].as_f64().is_some_and(|s| s > 0.4), "{first}");
    // The next report counts from the first, not from the start: the
    // call started before it.
    assert!(phone.listen(Duration::from_millis(200)).len() > 5);
    assert!(server.signal("USR1"), "kill -USR1");
    let calls = server.wait_for("a second stats line", Duration::from_secs(5), |c| {
        c["over"] == "interval" && c["calls_started"] == 0
    });
    let second = interval_stats(&calls)[1];
    assert_eq!(second["calls_active"], 1, "{second}");
    assert!(second["rtp_sent"].as_u64().unwrap() > 5, "{second}");
    assert!(server.is_running(), "SIGUSR1 does not stop the server");
    let calls = server.stop();
    let run = calls
        .iter()
        .find(|c| c["over"] == "run")
        .expect("the run's stats at shutdown");
    assert!(run["rtp_sent"].as_u64().unwrap() > sent, "{run}");
}

#[test]
fn stats_interval_writes_the_statistics_on_its_own() {
    if !peers_available() {
        return;
    }
    let server = Server::start("stats-interval", MENU, "stats_interval = \"1s\"");
    let calls = server.wait_for("a stats line a second in", Duration::from_secs(6), |c| {
        c["over"] == "interval" && c["seconds"].as_f64().is_some_and(|s| s > 0.9)
    });
    let line = interval_stats(&calls)[0];
    assert_eq!(line["calls_active"], 0, "{line}");
    assert_eq!(line["rtp_sent"], 0, "{line}");
}

/// A call to `flow` served with `half_second.wav` in its audio directory
/// (half a second at 8 kHz: exactly 25 frames of 20 ms, none of them
/// silent); the directory is returned for removal.
fn call_with_half_second(name: &str, flow: &str) -> (Server, Phone, std::path::PathBuf) {
    let audio = std::env::temp_dir().join(format!("callflow-sip-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&audio).expect("the audio dir");
    let tone: Vec<i16> = (0..4_000).map(|i| if i % 16 < 8 { 8_000 } else { -8_000 }).collect();
    callflow_runtime::media::audio::write_wav(&audio.join("half_second.wav"), &tone).expect("a WAV file");
    let server = Server::start(name, flow, &format!("audio_dir = {audio:?}"));
    let mut phone = Phone::new(server.addr);
    phone.call();
    (server, phone, audio)
}

#[test]
fn the_last_prompt_is_heard_whole_before_the_hangup() {
    if !peers_available() {
        return;
    }
    let (_server, phone, audio) = call_with_half_second("goodbye", "tests/sip/flows/goodbye.flow");
    // The flow moves on to its hangup before the prompt has been heard
    // (to queue a next prompt in time); the BYE must wait for the audio.
    let packets = phone.listen(Duration::from_millis(1_500));
    assert_eq!(packets.len(), 25, "every frame of the last prompt");
    check_stream(&packets);
    assert!(phone.expect_bye(Duration::from_secs(3)), "then the BYE");
    let _ = std::fs::remove_dir_all(&audio);
}

#[test]
fn prompts_in_a_row_are_one_stream_without_a_gap() {
    if !peers_available() {
        return;
    }
    let (mut server, phone, audio) = call_with_half_second("in-a-row", "tests/sip/flows/in_a_row.flow");
    // Four half seconds (one of them a repeat): 100 frames, one talkspurt
    // (no marker after the first, timestamps 160 apart throughout).
    let packets = phone.listen(Duration::from_millis(2_800));
    assert_eq!(packets.len(), 100, "every frame of the four prompts");
    check_stream(&packets);
    assert!(phone.expect_bye(Duration::from_secs(3)), "then the BYE");
    let calls = server.stop();
    let stats = calls.iter().find(|c| c["event"] == "stats").expect("stats at shutdown");
    assert_eq!(stats["underruns"], 0, "no gap between the prompts: {stats}");
    let _ = std::fs::remove_dir_all(&audio);
}
