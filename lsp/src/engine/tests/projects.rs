//! Documents as parts of projects: imports through open buffers and the
//! disk, shared files seen through their importer, and odd requests.

use super::{Fixture, uri};
use tower_lsp_server::ls_types::{NumberOrString, Position, TextDocumentContentChangeEvent};

fn codes(fx: &mut Fixture, u: &tower_lsp_server::ls_types::Uri) -> Vec<String> {
    let (_, diags) = fx.engine.diagnostics(u).unwrap_or_default();
    diags
        .iter()
        .map(|d| match &d.code {
            Some(NumberOrString::String(c)) => c.clone(),
            _ => String::new(),
        })
        .collect()
}

fn whole(text: &str) -> Vec<TextDocumentContentChangeEvent> {
    vec![TextDocumentContentChangeEvent {
        range: None,
        range_length: None,
        text: text.to_string(),
    }]
}

const MAIN: &str = "import \"shared/bye.flow\"\nflow f {\n  start a\n}\nstep a {\n  goto bye\n}\n";

#[test]
fn a_shared_file_is_checked_through_the_open_file_that_imports_it() {
    let mut fx = Fixture::new(&format!(
        "--- /p/main.flow\n{MAIN}--- /p/shared/bye.flow\nstep bye {{\n  goto nowhere\n}}\n"
    ));
    let bye = uri("/p/shared/bye.flow");
    assert_eq!(codes(&mut fx, &bye), vec!["E0101"], "no E0110: main.flow has the flow");
    let main = fx.main();
    assert!(codes(&mut fx, &main).is_empty());
}

#[test]
fn a_shared_file_alone_is_a_project_without_flow() {
    let mut fx = Fixture::new("--- /p/shared/bye.flow\nstep bye {\n  hangup\n}\n");
    let bye = uri("/p/shared/bye.flow");
    assert_eq!(codes(&mut fx, &bye), vec!["E0110"]);
}

#[test]
fn an_open_buffer_wins_over_the_disk_and_its_edits_reach_the_importer() {
    let mut fx = Fixture::new(&format!(
        "--- /p/main.flow\n{MAIN}--- /p/shared/bye.flow (disk)\nstep bye {{\n  hangup\n}}\n"
    ));
    let main = fx.main();
    assert!(codes(&mut fx, &main).is_empty(), "read from disk");
    let bye = uri("/p/shared/bye.flow");
    fx.engine.open(bye.clone(), 1, "step byebye {\n  hangup\n}\n".into());
    assert_eq!(codes(&mut fx, &main), vec!["E0101"], "the buffer, not the disk");
    let touched = fx.engine.change(&bye, 2, whole("step bye {\n  hangup\n}\n"));
    assert!(
        touched.contains(&main),
        "the importer's diagnostics change too: {touched:?}"
    );
    assert!(codes(&mut fx, &main).is_empty());
    fx.engine.change(&bye, 3, whole("step nope {\n  hangup\n}\n"));
    fx.engine.close(&bye);
    assert!(codes(&mut fx, &main).is_empty(), "closed: the disk again");
}

#[test]
fn a_missing_import_and_an_unsaved_importer_are_reported() {
    let mut fx = Fixture::new(&format!("--- /p/main.flow\n{MAIN}"));
    let main = fx.main();
    let (_, diags) = fx.engine.diagnostics(&main).unwrap_or_default();
    let e0003 = diags.iter().find(|d| d.message.contains("cannot import"));
    assert!(
        e0003.is_some_and(|d| d.message.contains("no such file (looked for `/p/shared/bye.flow`)")),
        "{diags:#?}"
    );
    let untitled: tower_lsp_server::ls_types::Uri = "untitled:Untitled-1".parse().unwrap_or_else(|_| panic!());
    fx.engine.open(untitled.clone(), 1, MAIN.to_string());
    let (_, diags) = fx.engine.diagnostics(&untitled).unwrap_or_default();
    assert!(format!("{diags:?}").contains("not saved on disk"), "{diags:#?}");
}

#[test]
fn requests_about_unknown_documents_or_odd_positions_answer_nothing() {
    let mut fx = Fixture::new(MAIN);
    let ghost = uri("/nowhere.flow");
    let far = Position::new(9999, 9999);
    assert!(fx.engine.diagnostics(&ghost).is_none());
    assert!(fx.engine.hover(&ghost, far).is_none());
    assert!(fx.engine.completion(&ghost, far).is_empty());
    assert!(fx.engine.change(&ghost, 2, whole("x")).is_empty());
    let main = fx.main();
    let _ = fx.engine.hover(&main, far);
    let _ = fx.engine.completion(&main, far);
    let _ = fx.engine.definition(&main, far);
    assert!(fx.engine.formatting(&main).is_some());
}
