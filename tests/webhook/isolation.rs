//! Calls kept apart, and everything that must not disturb them: malformed
//! requests, calls ending, idle calls released, the call limit, many calls
//! at once.

use super::client;
use super::phone::{self, JSON, Phone};
use super::support::{Host, program};
use callflow_compiler::targets::TargetKind;
use callflow_runtime::scenario::CallerAction;
use std::time::Duration;

fn keys(k: &str) -> CallerAction {
    CallerAction::Keys(k.to_string())
}

#[test]
fn interleaved_calls_keep_their_own_variables() {
    let target = TargetKind::Sinch;
    let host = Host::start(target, program("conference_bridge.flow"), |_| {});
    let mut a = Phone::new(target, "call-a", "+46708000001", "+46700000000");
    let mut b = Phone::new(target, "call-b", "+46708000002", "+46700000000");
    let pin_a = a.start().send(host.addr()).json();
    let pin_b = b.start().send(host.addr()).json();
    // Both calls are at a document of the same name: ids are per call.
    assert_eq!(
        (pin_a["id"].as_str(), pin_b["id"].as_str()),
        (Some("ask_pin-1"), Some("ask_pin-1"))
    );
    let role_b = b.answer(&pin_b, &keys("551903")).unwrap().send(host.addr()).json();
    let role_a = a.answer(&pin_a, &keys("204816")).unwrap().send(host.addr()).json();
    let join_b = b.answer(&role_b, &keys("2")).unwrap().send(host.addr()).json();
    let join_a = a.answer(&role_a, &keys("1")).unwrap().send(host.addr()).json();
    assert_eq!(join_a["end"]["room"], "acme-204816");
    assert_eq!(join_a["end"]["muted"], false);
    assert_eq!(join_b["end"]["room"], "acme-551903");
    assert_eq!(join_b["end"]["muted"], true);
}

#[test]
fn malformed_requests_get_4xx_and_the_other_call_goes_on() {
    let target = TargetKind::Sinch;
    let host = Host::start(target, program("conference_bridge.flow"), |c| c.max_body_bytes = 4096);
    let addr = host.addr();
    let mut phone = Phone::new(target, "steady-call", "+46708000001", "+46700000000");
    let pin = phone.start().send(addr).json();

    let huge = vec![b'{'; 10_000];
    let cases: Vec<(&str, &str, Vec<u8>, u16, &str)> = vec![
        ("/", "text/plain", b"{}".to_vec(), 415, "application/json"),
        (
            "/",
            JSON,
            b"{\"event\": \"pie\", \"callid\":".to_vec(),
            400,
            "not valid JSON",
        ),
        ("/", JSON, br#"{"event": "pie"}"#.to_vec(), 400, "`callid`"),
        (
            "/",
            JSON,
            br#"{"event": "pie", "callid": "nobody", "menuResult": {"type": "timeout"}}"#.to_vec(),
            404,
            "no call `nobody`",
        ),
        (
            "/",
            JSON,
            br#"{"event": "nonsense", "callid": "steady-call"}"#.to_vec(),
            400,
            "unknown `event`",
        ),
        ("/", JSON, huge, 413, "larger than 4096 bytes"),
        (
            "/ask_pin-9",
            JSON,
            phone::json_fixture(target, "pie-timeout.json", &[("/callid", "steady-call".into())]),
            409,
            "is at document `ask_pin-1`",
        ),
        ("/no/such/path", JSON, b"{}".to_vec(), 404, "no callback at"),
    ];
    for (path, content_type, body, status, needle) in cases {
        let reply = client::post(addr, path, content_type, &body);
        assert_eq!(reply.status, status, "{path} {needle}: {}", reply.body);
        assert!(reply.body.contains(needle), "{needle}: {}", reply.body);
        assert!(reply.body.contains("\nhelp: "), "{}", reply.body);
        assert!(
            reply
                .header("content-type")
                .is_some_and(|c| c.starts_with("text/plain"))
        );
    }
    // A body larger than the cap without a Content-Length (chunked).
    let chunked = format!(
        "POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n{:x}\r\n{}\r\n0\r\n\r\n",
        5000,
        "x".repeat(5000)
    );
    assert_eq!(client::raw(addr, chunked.as_bytes()).status, 413);
    // Not HTTP at all.
    let garbage = client::raw(addr, b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03\r\n\r\n");
    assert_eq!(garbage.status, 400);
    let get = client::raw(addr, b"GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    assert_eq!((get.status, get.header("allow")), (405, Some("POST")));

    // The call that was going on is untouched.
    let role = phone.answer(&pin, &keys("204816")).unwrap().send(addr).json();
    assert_eq!(role["id"], "role-2");
}

#[test]
fn the_end_of_call_callback_releases_the_session() {
    let target = TargetKind::AfricasTalking;
    let host = Host::start(target, program("support.flow"), |_| {});
    let mut phone = Phone::new(target, "ATVId_release", "+254722000111", "+254207654000");
    let menu = phone.start().send(host.addr()).json();
    let end = phone.end().send(host.addr());
    assert_eq!((end.status, end.body.as_str()), (200, ""));
    let late = phone.answer(&menu, &keys("1")).unwrap().send(host.addr());
    assert_eq!(late.status, 410, "{}", late.body);
    assert!(late.body.contains("the provider reported its end"), "{}", late.body);
    // A first callback again does not bring it back.
    assert_eq!(phone.start().send(host.addr()).status, 410);
}

#[test]
fn an_idle_call_is_released_after_the_timeout() {
    let target = TargetKind::Tropo;
    let host = Host::start(target, program("voicemail.flow"), |c| {
        c.idle_timeout = Duration::from_millis(200)
    });
    let mut idle = Phone::new(target, "tropo-idle", "+14155550123", "+14155550100");
    let mut busy = Phone::new(target, "tropo-busy", "+14155550124", "+14155550100");
    let idle_doc = idle.start().send(host.addr()).json();
    let mut busy_doc = busy.start().send(host.addr()).json();
    // The busy call keeps answering (its menu times out and replays) while
    // the idle one says nothing.
    busy_doc = busy
        .answer(&busy_doc, &CallerAction::Recorded { duration_ms: 1_000 })
        .unwrap()
        .send(host.addr())
        .json();
    for _ in 0..8 {
        std::thread::sleep(Duration::from_millis(60));
        busy_doc = busy.answer(&busy_doc, &keys("2")).unwrap().send(host.addr()).json();
    }
    let late = idle
        .answer(&idle_doc, &CallerAction::Recorded { duration_ms: 1_000 })
        .unwrap()
        .send(host.addr());
    assert_eq!(late.status, 410, "{}", late.body);
    assert!(
        late.body.contains("released after 200ms without a callback"),
        "{}",
        late.body
    );
    assert!(
        host.logged()
            .iter()
            .any(|l| l == "call tropo-idle: released after 200ms without a callback"),
        "{:#?}",
        host.logged()
    );
    // The busy one is still there.
    assert_eq!(busy_doc["end"]["action"], "menu");
    assert_eq!(
        busy.answer(&busy_doc, &keys("1")).unwrap().send(host.addr()).json()["end"]["action"],
        "hangup"
    );
}

#[test]
fn beyond_the_call_limit_new_calls_get_503() {
    let target = TargetKind::AfricasTalking;
    let host = Host::start(target, program("support.flow"), |c| c.max_calls = 2);
    let phones: Vec<Phone> = (0..3)
        .map(|i| Phone::new(target, &format!("ATVId_limit_{i}"), "+254722000111", "+254207654000"))
        .collect();
    assert_eq!(phones[0].start().send(host.addr()).status, 200);
    assert_eq!(phones[1].start().send(host.addr()).status, 200);
    let full = phones[2].start().send(host.addr());
    assert_eq!(full.status, 503);
    assert!(full.body.contains("2 calls are in progress"), "{}", full.body);
    assert_eq!(phones[0].end().send(host.addr()).status, 200);
    assert_eq!(phones[2].start().send(host.addr()).status, 200);
}

#[test]
fn many_calls_at_once_each_get_their_own_path() {
    let target = TargetKind::AfricasTalking;
    let host = Host::start(target, program("support.flow"), |_| {});
    let addr = host.addr();
    let threads: Vec<_> = (0..16)
        .map(|i| {
            std::thread::spawn(move || {
                let mut phone = Phone::new(target, &format!("ATVId_many_{i}"), "+254722000111", "+254207654000");
                // Even calls go to support, odd ones leave a message.
                let script = if i % 2 == 0 {
                    vec![keys("2")]
                } else {
                    vec![keys("3"), CallerAction::Recorded { duration_ms: 5_000 }]
                };
                let run = phone::run(addr, &mut phone, &script).expect("runs");
                (i, run.ending)
            })
        })
        .collect();
    for thread in threads {
        let (i, ending) = thread.join().expect("thread");
        let expected = if i % 2 == 0 { "enqueue support_agents" } else { "hangup" };
        assert_eq!(ending, expected, "call {i}");
    }
}

#[test]
fn recording_uploads_have_a_cap_of_their_own_and_touch_no_call() {
    let target = TargetKind::Tropo;
    let host = Host::start(target, program("fixtures/tropo_voicemail.flow"), |c| {
        c.max_upload_bytes = 150_000;
    });
    let mut phone = Phone::new(target, "tropo-cap-1", "+14155550123", "+14155550100");
    let record = phone.start().send(host.addr()).json();
    assert_eq!(record["id"], "greeting-1");
    let upload = |size: usize| {
        client::post(
            host.addr(),
            "/greeting-1/recording",
            "multipart/form-data; boundary=x",
            &vec![b'a'; size],
        )
    };
    // Larger than a callback may be (64 KiB), within the upload cap.
    let within = upload(100_000);
    assert_eq!((within.status, within.body.as_str()), (200, ""));
    let over = upload(200_000);
    assert_eq!(over.status, 413, "{}", over.body);
    assert!(over.body.contains("larger than 150000 bytes"), "{}", over.body);
    // A callback keeps the callback limit.
    let big_callback = client::post(host.addr(), "/greeting-1", JSON, &vec![b' '; 100_000]);
    assert_eq!(big_callback.status, 413, "{}", big_callback.body);
    // The call is where it was.
    let review = phone
        .answer(&record, &CallerAction::Recorded { duration_ms: 5_000 })
        .expect("a result")
        .send(host.addr())
        .json();
    assert_eq!(review["id"], "review-2");
}
