//! Whole calls with SIPp.

use super::phone::Phone;
use super::support::{Server, assert_sipp_ok, events, peers_available, sipp, states};
use std::time::Duration;

#[test]
fn a_dtmf_key_chooses_the_menu_branch_and_the_ivr_hangs_up() {
    if !peers_available() {
        return;
    }
    let server = Server::start("dtmf", "tests/sip/flows/menu.flow", "");
    let out = sipp(&server, "dtmf_menu.xml", &["-m", "1", "-l", "1"]);
    assert_sipp_ok(&server, "dtmf_menu.xml", &out);
    let calls = server.wait_for("end", Duration::from_secs(5), |c| c["event"] == "end");
    assert_eq!(states(&calls), vec!["main", "sales"]);
    assert_eq!(
        events(&calls, "digits")[0]["digits"],
        "1",
        "one key, despite the repeated packets"
    );
    assert_eq!(events(&calls, "digits").len(), 1);
    let start = events(&calls, "start")[0];
    assert_eq!(
        (start["codec"].as_str(), start["dtmf"].as_str()),
        (Some("PCMU"), Some("rfc4733"))
    );
    assert_eq!(start["from"], "+254700000001");
    assert_eq!(events(&calls, "end")[0]["reason"], "hangup");
}

#[test]
fn the_caller_hanging_up_mid_prompt_ends_the_call_cleanly() {
    if !peers_available() {
        return;
    }
    let mut server = Server::start("callerbye", "tests/sip/flows/menu.flow", "");
    let out = sipp(&server, "caller_bye.xml", &["-m", "1", "-l", "1"]);
    assert_sipp_ok(&server, "caller_bye.xml", &out);
    let calls = server.wait_for("end", Duration::from_secs(5), |c| c["event"] == "end");
    let end = events(&calls, "end")[0];
    assert_eq!(end["reason"], "caller_bye");
    assert!(end["duration_ms"].as_u64().unwrap() < 3_000);
    assert!(server.is_running());
}

#[test]
fn cancel_before_the_answer_gets_487() {
    if !peers_available() {
        return;
    }
    let server = Server::start("cancel", "tests/sip/flows/menu.flow", "answer_after = \"5s\"");
    let out = sipp(&server, "cancel.xml", &["-m", "1", "-l", "1"]);
    assert_sipp_ok(&server, "cancel.xml", &out);
    let calls = server.wait_for("cancelled", Duration::from_secs(5), |c| c["event"] == "cancelled");
    assert!(events(&calls, "start").is_empty(), "the call never started");
}

#[test]
fn streamed_caller_audio_is_recorded_at_its_length() {
    if !peers_available() {
        return;
    }
    let server = Server::start("record", "tests/sip/flows/record.flow", "");
    let out = sipp(&server, "record_g711a.xml", &["-m", "1", "-l", "1"]);
    assert_sipp_ok(&server, "record_g711a.xml", &out);
    let calls = server.wait_for("recording", Duration::from_secs(5), |c| c["event"] == "recording");
    let start = events(&calls, "start")[0];
    assert_eq!(
        (start["codec"].as_str(), start["dtmf"].as_str()),
        (Some("PCMA"), Some("inband"))
    );
    let rec = events(&calls, "recording")[0];
    // g711a.pcap holds 7.05 s of audio (235 packets of 30 ms).
    let ms = rec["duration_ms"].as_u64().unwrap();
    assert!((6_800..=7_100).contains(&ms), "recorded {ms} ms");
    let path = rec["path"].as_str().unwrap();
    let wav = hound::WavReader::open(path).expect("a WAV file");
    assert_eq!(
        (wav.spec().sample_rate, wav.spec().channels, wav.spec().bits_per_sample),
        (8_000, 1, 16)
    );
    assert_eq!(u64::from(wav.duration()) / 8, ms);
    let loud = wav
        .into_samples::<i16>()
        .filter_map(Result::ok)
        .filter(|s| s.unsigned_abs() > 1_000)
        .count();
    assert!(loud > 1_000, "the recording has the caller's audio, not silence");
}

#[test]
fn fifty_concurrent_calls_all_succeed() {
    if !peers_available() {
        return;
    }
    let server = Server::start("fifty", "tests/sip/flows/menu.flow", "");
    let out = sipp(
        &server,
        "load.xml",
        &["-m", "50", "-l", "50", "-r", "50", "-d", "3000", "-max_socket", "100"],
    );
    assert_sipp_ok(&server, "load.xml", &out);
    let calls = {
        let until = std::time::Instant::now() + Duration::from_secs(10);
        loop {
            let calls = server.calls();
            if events(&calls, "end").len() >= 50 || std::time::Instant::now() > until {
                break calls;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    };
    assert_eq!(events(&calls, "start").len(), 50);
    let ends = events(&calls, "end");
    assert_eq!(ends.len(), 50);
    assert!(ends.iter().all(|e| e["reason"] == "caller_bye"), "{ends:#?}");
}

#[test]
fn garbage_datagrams_never_stop_the_server() {
    if !peers_available() {
        return;
    }
    let mut server = Server::start("garbage", "tests/sip/flows/menu.flow", "");
    let mut phone = Phone::new(server.addr);
    phone.call();
    let media = phone.server_media.expect("media address");
    let junk = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
    let invite = phone.request("INVITE", &phone.sdp("sendrecv"), false);
    let mut x: u32 = 12_345;
    for i in 0..3_000usize {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        let len = (x % 1_400) as usize;
        let mut data: Vec<u8> = (0..len).map(|j| (x.rotate_left(j as u32 % 32) >> 3) as u8).collect();
        if i % 3 == 0 {
            // Broken SIP: a real request cut short or with a byte changed.
            data = invite.as_bytes().to_vec();
            let at = (x as usize) % data.len();
            data[at] = (x >> 8) as u8;
            data.truncate((x as usize >> 4) % data.len() + 1);
        }
        if i % 5 == 0 {
            // RTP-looking junk at the call's media port, from elsewhere.
            let _ = junk.send_to(&[0x80, 0x00, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 0xff], media);
        }
        let _ = junk.send_to(&data, server.addr);
    }
    assert!(server.is_running());
    // The call in progress still plays, and a new call is still answered.
    assert!(phone.listen(Duration::from_millis(300)).len() > 5);
    assert_eq!(phone.hang_up(), 200);
    let mut second = Phone::new(server.addr);
    second.call();
    assert_eq!(second.hang_up(), 200);
    assert!(server.is_running());
}
