//! Tests of the cutter and the manifest: what documents a project becomes,
//! independent of any provider's syntax.

use super::cut;
use super::manifest;
use super::model::{Bundle, EndKind, Plan, Route, StepKind, Text, TextPart};
use super::test_support;
use super::{TargetKind, Urls};

fn bundle(src: &str) -> (Bundle, Vec<&'static str>) {
    let (project, analysis) = test_support::checked(src);
    let (bundle, diags) = cut::bundle(&project.asts, &analysis.ir, &project.sources);
    (bundle, diags.iter().map(|d| d.code.id).collect())
}

const SUPPORT: &str = r##"
flow acme {
  start welcome
  voice female
  language "en-US"
  retries 2
  timezone "Africa/Nairobi"
}
step welcome {
  say "Thank you for calling."
  if open_hours("Mon-Fri 08:00-18:00") {
    goto main
  }
  say "We are closed."
  goto voicemail
}
menu main {
  say "For sales press 1."
  "1" -> sales
  "*" -> repeat
  timeout -> repeat
  invalid -> repeat
  exhausted -> voicemail
}
step sales {
  dial "+254711082000" timeout 25s
  on busy -> voicemail
  on no_answer -> voicemail
  on failed -> voicemail
}
step voicemail {
  say "Leave a message after the tone."
  record max 2m finish "#" timeout 10s beep
  on timeout -> bye
  say "Thank you."
  goto bye
}
step bye {
  say "Goodbye."
  hangup
}
"##;

#[test]
fn entries_are_states_and_the_points_after_waiting_actions() {
    let (b, diags) = bundle(SUPPORT);
    assert!(diags.is_empty());
    let ids: Vec<&str> = b.entries.iter().map(|e| e.id.as_str()).collect();
    assert_eq!(ids, ["welcome", "sales", "main", "voicemail", "voicemail.2", "bye"]);
    assert_eq!(b.flows.len(), 1);
    assert_eq!(b.flows[0].entry, "welcome");
}

#[test]
fn a_branch_becomes_a_plan_with_one_document_per_path() {
    let (b, _) = bundle(SUPPORT);
    let welcome = b.entry("welcome").expect("entry");
    let Plan::If {
        cond, then, otherwise, ..
    } = &welcome.plan
    else {
        panic!("expected an if, got {:?}", welcome.plan)
    };
    assert_eq!(cond, r#"open_hours("Mon-Fri 08:00-18:00")"#);
    let (Plan::Doc(open), Plan::Doc(closed)) = (then.as_ref(), otherwise.as_ref()) else {
        panic!("expected two documents")
    };
    let open = &b.documents[*open];
    let closed = &b.documents[*closed];
    assert_eq!((open.id.as_str(), closed.id.as_str()), ("welcome~1", "welcome~2"));
    // The open path runs into the menu: its greeting becomes part of the prompt.
    let EndKind::Menu(menu) = &open.end.kind else {
        panic!("open path should end in the menu")
    };
    assert!(open.steps.is_empty());
    assert_eq!(menu.prompt.len(), 2);
    // The closed path ends at the recording, with both sayings as its prompt.
    let EndKind::Record(record) = &closed.end.kind else {
        panic!("closed path should end in the record")
    };
    assert_eq!(record.prompt.len(), 3);
    assert!(record.beep);
    assert_eq!(record.max_ms, Some(120_000));
    assert_eq!(record.next, Route::Entry("voicemail.2".into()));
    assert_eq!(record.on_timeout, Some(Route::Entry("bye".into())));
}

#[test]
fn flow_defaults_are_applied_to_every_say() {
    let (b, _) = bundle(SUPPORT);
    for doc in &b.documents {
        for step in super::all_steps(doc) {
            if let StepKind::Say { voice, language, .. } = &step.kind {
                assert_eq!(voice, &Some(crate::ast::Voice::Female), "in {}", doc.id);
                assert_eq!(language.as_deref(), Some("en-US"), "in {}", doc.id);
            }
        }
    }
}

#[test]
fn a_menu_that_repeats_on_timeout_and_invalid_may_retry_natively() {
    let (b, _) = bundle(SUPPORT);
    let EndKind::Menu(menu) = &b.document("main").expect("main").end.kind else {
        panic!("main is a menu")
    };
    assert_eq!(menu.attempts, 3);
    assert_eq!(menu.retries, 2);
    assert_eq!(
        menu.routes.keys,
        [('1', Route::Entry("sales".into())), ('*', Route::Entry("main".into()))]
    );
    assert_eq!(menu.routes.exhausted, Route::Entry("voicemail".into()));

    let routed = SUPPORT.replace("timeout -> repeat", "timeout -> bye");
    let (b, _) = bundle(&routed);
    let EndKind::Menu(menu) = &b.document("main").expect("main").end.kind else {
        panic!("main is a menu")
    };
    assert_eq!(menu.attempts, 1, "a routed timeout must come back to the server");
    assert_eq!(menu.routes.timeout, Route::Entry("bye".into()));
}

#[test]
fn an_unrouted_exhaustion_hangs_up() {
    let src = SUPPORT.replace("  exhausted -> voicemail\n", "");
    let (b, _) = bundle(&src);
    let EndKind::Menu(menu) = &b.document("main").expect("main").end.kind else {
        panic!("main is a menu")
    };
    assert_eq!(menu.routes.exhausted, Route::Hangup);
}

#[test]
fn dial_outcomes_are_routed_and_an_unrouted_answer_ends_the_call() {
    let (b, _) = bundle(SUPPORT);
    let EndKind::Dial(dial) = &b.document("sales").expect("sales").end.kind else {
        panic!("sales dials")
    };
    assert_eq!(dial.answered, None);
    assert_eq!(dial.busy, Route::Entry("voicemail".into()));
    assert_eq!(dial.timeout_ms, Some(25_000));
}

#[test]
fn which_callbacks_a_document_answers() {
    let (b, _) = bundle(SUPPORT);
    let answers = |id: &str| b.document(id).expect(id).answers;
    assert!(answers("welcome~1").first && !answers("welcome~1").later);
    assert!(!answers("main").first && answers("main").later);
    // A menu key leads back to the start: now both.
    let (b, _) = bundle(&SUPPORT.replace(r#""*" -> repeat"#, r#""*" -> welcome"#));
    let a = b.document("welcome~2").expect("welcome~2").answers;
    assert!(a.first && a.later);
}

#[test]
fn sets_are_part_of_the_plan_and_templates_are_marked() {
    let src = r##"
flow f {
  start a
}
step a {
  collect pin digits 4 finish "#"
  set tries = 1
  say "You entered {pin}. \{braces} stay."
  hangup
}
"##;
    let (b, _) = bundle(src);
    let after = b.entry("a.2").expect("entry after collect");
    let Plan::Set { var, value, then, .. } = &after.plan else {
        panic!("expected a set, got {:?}", after.plan)
    };
    assert_eq!((var.as_str(), value.as_str()), ("tries", "1"));
    let Plan::Doc(i) = then.as_ref() else {
        panic!("expected a document")
    };
    let doc = &b.documents[*i];
    assert!(doc.is_template());
    let StepKind::Say { text, .. } = &doc.steps[0].kind else {
        panic!("expected a say")
    };
    assert_eq!(text.render(), "You entered {pin}. {{braces}} stay.");
    assert!(matches!(doc.end.kind, EndKind::Hangup));
    assert!(!b.document("a").expect("a").is_template());
}

#[test]
fn literal_braces_are_doubled_only_in_templates() {
    let lit = Text::plain("a {b}");
    assert_eq!(lit.render(), "a {b}");
    let template = Text {
        parts: vec![TextPart::Lit("a {b} ".into()), TextPart::Var("c".into())],
    };
    assert_eq!(template.render(), "a {{b}} {c}");
    assert_eq!(template.min_chars(), 6);
}

#[test]
fn several_flows_prefix_their_entries() {
    let src = r#"
flow one {
  start a
}
flow two {
  start b
}
step a {
  say "One."
  redirect flow two
}
step b {
  say "Two."
  hangup
}
"#;
    let (b, _) = bundle(src);
    let ids: Vec<&str> = b.entries.iter().map(|e| e.id.as_str()).collect();
    assert_eq!(ids, ["one.a", "two.b"]);
    // `redirect flow` continues the walk: flow one's document says both.
    let doc = b.document("one.a").expect("one.a");
    let EndKind::Hangup = doc.end.kind else {
        panic!("ends with hangup")
    };
    assert_eq!(doc.steps.len(), 2);
}

#[test]
fn independent_branches_past_the_limit_are_refused() {
    let mut body = String::new();
    for i in 0..7 {
        body.push_str(&format!(
            "  if caller == \"+25470000000{i}\" {{\n    say \"Hello {i}.\"\n  }}\n"
        ));
    }
    let src = format!("flow f {{\n  start a\n}}\nstep a {{\n{body}  hangup\n}}\n");
    let (b, diags) = bundle(&src);
    assert_eq!(diags, ["E0506"]);
    assert!(b.documents.len() > cut::MAX_DOCUMENTS_PER_ENTRY);

    let six = src.replacen("  if caller == \"+254700000006\" {\n    say \"Hello 6.\"\n  }\n", "", 1);
    let (b, diags) = bundle(&six);
    assert!(diags.is_empty());
    assert_eq!(b.documents.len(), 64);
}

#[test]
fn the_manifest_routes_every_outcome_to_an_entry() {
    let (b, _) = bundle(SUPPORT);
    let m = manifest::manifest(&b, TargetKind::Sinch, &Urls::new("https://ivr.example.com/acme/"));
    assert_eq!(m["base_url"], "https://ivr.example.com/acme");
    let entries: Vec<&str> = b.entries.iter().map(|e| e.id.as_str()).collect();
    let docs = m["documents"].as_array().expect("documents");
    assert_eq!(docs.len(), b.documents.len());
    for doc in docs {
        for (outcome, route) in doc["routes"].as_object().expect("routes") {
            match route.as_str() {
                Some(entry) => assert!(entries.contains(&entry), "{outcome} -> {entry}"),
                None => assert_eq!(route["hangup"], true),
            }
        }
    }
    let main = docs.iter().find(|d| d["id"] == "main").expect("main");
    assert_eq!(main["callback"], "https://ivr.example.com/acme/main");
    assert_eq!(main["file"], "main.json");
    assert_eq!(main["routes"]["key 1"], "sales");
    let bye = docs.iter().find(|d| d["id"] == "bye").expect("bye");
    assert!(bye.get("callback").is_none(), "a hangup document has no callback");
}
