//! Quick fixes for E0101 and W0301.

use super::{Fixture, apply};
use tower_lsp_server::ls_types::{CodeActionOrCommand, Position, Range};

fn fixes(fx: &mut Fixture, line: u32) -> Vec<(String, String)> {
    let main = fx.main();
    let text = fx.text(&main);
    let range = Range::new(Position::new(line, 0), Position::new(line, 0));
    fx.engine
        .code_actions(&main, range)
        .into_iter()
        .filter_map(|a| match a {
            CodeActionOrCommand::CodeAction(a) => {
                let edits = a.edit?.changes?.remove(&main)?;
                Some((a.title, apply(&text, &edits)))
            }
            CodeActionOrCommand::Command(_) => None,
        })
        .collect()
}

#[test]
fn an_undefined_state_can_be_created_after_the_item_that_names_it() {
    let src = "flow f {\n  start a\n}\nstep a {\n  say \"Café 👋\"\n  goto menu_b\n}\n\nstep z {\n  hangup\n}\n";
    let mut fx = Fixture::new(src);
    let found = fixes(&mut fx, 5);
    assert_eq!(found.len(), 1);
    let (title, fixed) = &found[0];
    assert_eq!(title, "Create step `menu_b`");
    insta::assert_snapshot!(fixed);
    // The fix leaves a project without that error.
    let main = fx.main();
    fx.engine.open(main.clone(), 2, fixed.clone());
    let (_, diags) = fx.engine.diagnostics(&main).unwrap_or_default();
    assert!(!diags.iter().any(|d| d.message.contains("menu_b")), "{diags:#?}");
}

#[test]
fn an_unreachable_state_can_be_removed() {
    let src = "flow f {\n  start a\n}\nstep a {\n  hangup\n}\n\nstep old {\n  say \"x\"\n  hangup\n}\n\nmenu m {\n  \"1\" -> a\n}\n";
    let mut fx = Fixture::new(src);
    let found = fixes(&mut fx, 7);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].0, "Remove unreachable step `old`");
    assert_eq!(
        found[0].1,
        "flow f {\n  start a\n}\nstep a {\n  hangup\n}\n\nmenu m {\n  \"1\" -> a\n}\n"
    );
    assert!(fixes(&mut fx, 4).is_empty(), "no fix where there is no diagnostic");
}
