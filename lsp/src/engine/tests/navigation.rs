//! Go to definition and find references.

use super::{Fixture, draw};
use tower_lsp_server::ls_types::{GotoDefinitionResponse, Location};

fn locations(fx: &Fixture, locs: &[Location]) -> String {
    let mut out = String::new();
    for loc in locs {
        let text = fx.text(&loc.uri);
        let path = loc.uri.as_str().trim_start_matches("file://");
        out.push_str(&format!(
            "{path}:{}\n{}\n",
            loc.range.start.line + 1,
            draw(&text, loc.range)
        ));
    }
    out
}

fn definition(fx: &mut Fixture) -> Vec<Location> {
    let (uri, at) = fx.at();
    match fx.engine.definition(&uri, at) {
        None => Vec::new(),
        Some(GotoDefinitionResponse::Scalar(l)) => vec![l],
        Some(GotoDefinitionResponse::Array(ls)) => ls,
        Some(other) => panic!("unexpected {other:?}"),
    }
}

#[test]
fn a_goto_leads_to_the_state_in_another_file() {
    let mut fx = Fixture::new(
        "--- /p/main.flow\nimport \"shared/bye.flow\"\nflow f {\n  start a\n}\nstep a {\n  goto go$0odbye\n}\n\
         --- /p/shared/bye.flow\nstep goodbye {\n  say \"Bye 👋\"\n  hangup\n}\n",
    );
    let found = definition(&mut fx);
    assert_eq!(
        locations(&fx, &found),
        "/p/shared/bye.flow:1\nstep goodbye {\n     ^^^^^^^\n"
    );
}

#[test]
fn a_variable_leads_to_every_statement_that_sets_it() {
    let mut fx = Fixture::new(
        "flow f {\n  start a\n}\nstep a {\n  set tries = 0\n  collect pin\n  set tries = tries + 1\n  \
         say \"{pi$0n} {tries}\"\n  hangup\n}\n",
    );
    let found = definition(&mut fx);
    insta::assert_snapshot!(locations(&fx, &found), @r"
    /project/main.flow:6
      collect pin
              ^^^
    ");
    let (uri, _) = fx.at();
    let refs = fx
        .engine
        .references(&uri, tower_lsp_server::ls_types::Position::new(6, 7), false);
    insta::assert_snapshot!(locations(&fx, &refs), @r#"
    /project/main.flow:5
      set tries = 0
          ^^^^^
    /project/main.flow:7
      set tries = tries + 1
          ^^^^^
    /project/main.flow:7
      set tries = tries + 1
                  ^^^^^
    /project/main.flow:8
      say "{pin} {tries}"
                  ^^^^^
    "#);
}

#[test]
fn references_of_a_state_cover_every_kind_of_use_across_files() {
    let mut fx = Fixture::new(
        "--- /p/main.flow\nimport \"lib.flow\"\nflow f {\n  start ma$0in\n}\nmenu main {\n  \"1\" -> main\n  \
         timeout -> repeat\n}\nstep a {\n  dial \"+254711082000\"\n  on busy -> main\n  goto main\n}\n\
         --- /p/lib.flow (disk)\nstep b {\n  goto main\n}\n",
    );
    let (uri, at) = fx.at();
    let with = fx.engine.references(&uri, at, true);
    let without = fx.engine.references(&uri, at, false);
    assert_eq!(with.len(), without.len() + 1, "the declaration is the only difference");
    let lib = with.iter().filter(|l| l.uri.as_str().ends_with("lib.flow")).count();
    assert_eq!(lib, 1, "the imported file's use is found although it is not open");
    let mut lines: Vec<u32> = with
        .iter()
        .filter(|l| l.uri == uri)
        .map(|l| l.range.start.line)
        .collect();
    lines.sort_unstable();
    assert_eq!(lines, vec![2, 4, 5, 10, 11]);
}

#[test]
fn nothing_is_found_off_a_name_or_for_an_undefined_one() {
    let mut fx = Fixture::new("flow f {\n  start a\n}\nstep a {\n  go$0to nowhere\n}\n");
    assert!(definition(&mut fx).is_empty());
    let mut fx = Fixture::new("flow f {\n  start a\n}\nstep a {\n  goto nowh$0ere\n}\n");
    assert!(definition(&mut fx).is_empty());
}
