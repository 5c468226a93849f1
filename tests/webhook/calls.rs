//! Whole example calls, one provider each, with every document checked in
//! sequence: what is said, what the call waits for, where outcomes go.

use super::phone::{self, Phone};
use super::support::{Host, MONDAY_10_NAIROBI_MS, check_supported, program};
use callflow_compiler::targets::TargetKind;
use callflow_runtime::scenario::{CallerAction, DialResult};
use serde_json::{Value, json};

fn heard(doc: &Value) -> Vec<String> {
    let mut out = Vec::new();
    phone::heard(doc, &mut out);
    out
}

fn keys(k: &str) -> CallerAction {
    CallerAction::Keys(k.to_string())
}

#[test]
fn africas_talking_support_line_sales_busy_then_voicemail() {
    let target = TargetKind::AfricasTalking;
    check_supported(target, "support.flow");
    let host = Host::start(target, program("support.flow"), |_| {});
    let mut phone = Phone::new(target, "ATVId_support_1", "+254722000111", "+254207654000");

    let menu = phone.start().send(host.addr()).json();
    assert_eq!(menu["id"], "main-1");
    assert_eq!(menu["first"], true);
    assert_eq!(
        heard(&menu),
        [
            "Thank you for calling Acme Kenya.",
            "For sales, press 1. For support, press 2. To leave a message, press 3. To hear these options again, press star."
        ]
    );
    assert_eq!(menu["end"]["keys"], "123*");
    assert_eq!(menu["end"]["timeout_ms"], 5000);
    assert_eq!(menu["end"]["attempts"], 1);
    assert_eq!(menu["end"]["prompt"][0]["voice"], "female");
    assert_eq!(menu["end"]["prompt"][0]["language"], "en-US");

    // A key the menu does not list: the menu again, prompt only.
    let again = phone.answer(&menu, &keys("7")).unwrap().send(host.addr()).json();
    assert_eq!(again["id"], "main-2");
    assert_eq!(again["first"], false);
    assert_eq!(heard(&again).len(), 1);

    let sales = phone.answer(&again, &keys("1")).unwrap().send(host.addr()).json();
    assert_eq!(sales["id"], "sales-3");
    assert_eq!(heard(&sales), ["Connecting you to our sales team."]);
    assert_eq!(
        sales["end"],
        json!({
            "action": "dial",
            "targets": ["+254711082000", "+254711082001"],
            "mode": "sequential",
            "caller_id": "+254207654000",
            "timeout_ms": 25000,
            "record": true,
            "routes": {
                "answered": "sales-3/answered",
                "busy": "sales-3/busy",
                "no_answer": "sales-3/no-answer",
                "failed": "sales-3/failed"
            }
        })
    );

    let busy = CallerAction::Dial(DialResult::Busy);
    let voicemail = phone.answer(&sales, &busy).unwrap().send(host.addr()).json();
    assert_eq!(voicemail["id"], "voicemail-4");
    assert_eq!(
        heard(&voicemail),
        [
            "Our sales team cannot take your call right now.",
            "Please leave your name, your number and a short message after the tone, then press hash."
        ]
    );
    let end = &voicemail["end"];
    assert_eq!(
        (end["action"].as_str(), end["max_ms"].as_u64()),
        (Some("record"), Some(120_000))
    );
    assert_eq!(
        (end["finish_key"].as_str(), end["timeout_ms"].as_u64()),
        (Some("#"), Some(10_000))
    );
    assert_eq!(
        (end["beep"].as_bool(), end["trim_silence"].as_bool()),
        (Some(true), Some(true))
    );

    let recorded = CallerAction::Recorded { duration_ms: 20_000 };
    let goodbye = phone.answer(&voicemail, &recorded).unwrap().send(host.addr()).json();
    assert_eq!(goodbye["id"], "goodbye-5");
    assert_eq!(
        heard(&goodbye),
        [
            "Thank you. We will call you back on the next working day.",
            "Thank you for calling. Goodbye."
        ]
    );
    assert_eq!(goodbye["end"]["action"], "hangup");

    let end = phone.end().send(host.addr());
    assert_eq!((end.status, end.body.as_str()), (200, ""));
    // The session is gone: a late callback is refused.
    let late = phone.answer(&voicemail, &recorded).unwrap().send(host.addr());
    assert_eq!(late.status, 410, "{}", late.body);

    // One line per request, with the session.
    let log = host.logged();
    let lines: Vec<&String> = log.iter().filter(|l| l.contains("session=ATVId_support_1")).collect();
    assert_eq!(lines.len(), 7, "{log:#?}");
    assert!(
        lines[0].starts_with("POST / session=ATVId_support_1 200 menu main-1"),
        "{}",
        lines[0]
    );
    assert!(
        lines[6].starts_with("POST /voicemail-4 session=ATVId_support_1 410"),
        "{}",
        lines[6]
    );
}

#[test]
fn africas_talking_support_line_out_of_hours_goes_to_voicemail() {
    let target = TargetKind::AfricasTalking;
    let host = Host::start(target, program("support.flow"), |_| {});
    // 19:30 in Nairobi: closed. The clock is read per call, at its callbacks.
    host.set_clock(MONDAY_10_NAIROBI_MS + 9 * 3_600_000 + 30 * 60_000);
    let mut phone = Phone::new(target, "ATVId_support_2", "+254722000111", "+254207654000");
    let voicemail = phone.start().send(host.addr()).json();
    assert_eq!(voicemail["id"], "voicemail-1");
    assert_eq!(
        heard(&voicemail)[1],
        "Our offices are closed. We are open Monday to Friday from 8 am to 6 pm, and on Saturday from 9 am to 1 pm."
    );
    // Silence: nothing recorded, so no promise of a call back.
    let goodbye = phone
        .answer(&voicemail, &CallerAction::Timeout)
        .unwrap()
        .send(host.addr())
        .json();
    assert_eq!(heard(&goodbye), ["Thank you for calling. Goodbye."]);
}

#[test]
fn eight_by_eight_number_masking_connects_the_other_party() {
    let target = TargetKind::EightByEight;
    check_supported(target, "number_masking.flow");
    let host = Host::start(target, program("number_masking.flow"), |_| {});
    let mut rider = Phone::new(target, "8x8-session-rider", "+254722555101", "+254709000444");
    let dial = rider.start().send(host.addr()).json();
    assert_eq!(dial["id"], "call_driver-1");
    assert_eq!(heard(&dial), ["Connecting you to your driver. This call is recorded."]);
    assert_eq!(dial["end"]["targets"], json!(["+254733555202"]));
    // `caller_id "{called}"`: the proxy number this call came in on.
    assert_eq!(dial["end"]["caller_id"], "+254709000444");
    assert_eq!(dial["end"]["max_duration_ms"], 900_000);
    assert_eq!(dial["end"]["ringback"], "https://example.com/audio/safiri-ringback.mp3");
    let busy = rider
        .answer(&dial, &CallerAction::Dial(DialResult::Busy))
        .unwrap()
        .send(host.addr())
        .json();
    assert_eq!(busy["id"], "party_busy-2");
    assert_eq!(busy["end"]["action"], "hangup");
    assert!(heard(&busy)[0].starts_with("The person you are calling is on another call."));
    assert_eq!(rider.end().send(host.addr()).status, 200);

    // A stranger hears why, and the call ends with the first document.
    let stranger = Phone::new(target, "8x8-session-stranger", "+254700000000", "+254709000444");
    let refused = stranger.start().send(host.addr()).json();
    assert_eq!(refused["id"], "identify-1");
    assert_eq!(refused["end"]["action"], "hangup");
    assert!(heard(&refused)[0].starts_with("This number is not linked"));
}

#[test]
fn tropo_voicemail_plays_back_what_was_recorded() {
    let target = TargetKind::Tropo;
    check_supported(target, "voicemail.flow");
    let host = Host::start(target, program("voicemail.flow"), |_| {});
    let mut phone = Phone::new(target, "tropo-vm-1", "+14155550123", "+14155550100");
    let record = phone.start().send(host.addr()).json();
    assert_eq!(record["id"], "record_message-1");
    assert_eq!(
        heard(&record),
        [
            "play https://example.com/voicemail/wanjiru/greeting.mp3",
            "Please record your message after the tone. When you have finished, press hash."
        ]
    );
    assert_eq!(
        record["end"]["routes"],
        json!({"next": "record_message-1/next", "timeout": "record_message-1/timeout"})
    );
    let review = phone
        .answer(&record, &CallerAction::Recorded { duration_ms: 9_000 })
        .unwrap()
        .send(host.addr())
        .json();
    assert_eq!(review["id"], "review-2");
    assert_eq!(review["end"]["keys"], "123");
    let playback = phone.answer(&review, &keys("2")).unwrap().send(host.addr()).json();
    // The recording's location, from the result, is what `play "{message}"` plays.
    assert_eq!(playback["id"], "review-3");
    assert_eq!(
        heard(&playback),
        [
            "Here is your message.",
            "play recording-1.wav",
            "To keep your message, press 1. To listen to it, press 2. To record it again, press 3."
        ]
    );
    let saved = phone.answer(&playback, &keys("1")).unwrap().send(host.addr()).json();
    assert_eq!(saved["id"], "saved-4");
    assert_eq!(saved["end"]["action"], "hangup");
    assert_eq!(phone.end().send(host.addr()).status, 200);
}

#[test]
fn sinch_conference_bridge_builds_the_room_from_the_pin() {
    let target = TargetKind::Sinch;
    check_supported(target, "conference_bridge.flow");
    let host = Host::start(target, program("conference_bridge.flow"), |_| {});
    let mut phone = Phone::new(target, "sinch-bridge-1", "+46708000000", "+46700000000");
    let pin = phone.start().send(host.addr()).json();
    assert_eq!(pin["id"], "ask_pin-1");
    assert_eq!(pin["end"]["action"], "collect");
    assert_eq!(
        (pin["end"]["max_digits"].as_u64(), pin["end"]["finish_key"].as_str()),
        (Some(6), Some("#"))
    );
    assert_eq!(
        heard(&pin),
        [
            "Welcome to the Acme conference bridge.",
            "Please enter your six digit meeting PIN, followed by the hash key."
        ]
    );
    // A wrong PIN, then silence, then the right one.
    let wrong = phone.answer(&pin, &keys("111111")).unwrap().send(host.addr()).json();
    assert_eq!(wrong["id"], "ask_pin-2");
    assert_eq!(heard(&wrong)[0], "Sorry, we do not recognise that meeting PIN.");
    let silent = phone
        .answer(&wrong, &CallerAction::Timeout)
        .unwrap()
        .send(host.addr())
        .json();
    assert_eq!(silent["id"], "ask_pin-3");
    let role = phone.answer(&silent, &keys("204816")).unwrap().send(host.addr()).json();
    assert_eq!(role["id"], "role-4");
    assert_eq!(role["end"]["routes"]["key *"], "role-4/key-star");
    let join = phone.answer(&role, &keys("1")).unwrap().send(host.addr()).json();
    assert_eq!(join["id"], "join-5");
    assert_eq!(
        heard(&join),
        ["You are joining meeting 204816. If the host has not arrived yet, you will hear music until they do."]
    );
    assert_eq!(
        join["end"],
        json!({
            "action": "conference",
            "room": "acme-204816",
            "hold_music": {"url": "https://example.com/audio/bridge-wait.mp3"},
            "muted": false,
            "beep": true,
            "start_on_enter": false,
            "end_on_exit": false,
            "max_duration_ms": 10_800_000
        })
    );
    assert_eq!(phone.end().send(host.addr()).status, 200);
}
