//! The outline.

use super::Fixture;
use tower_lsp_server::ls_types::DocumentSymbol;

pub fn show(symbols: &[DocumentSymbol], depth: usize, out: &mut String) {
    for s in symbols {
        let r = s.range;
        out.push_str(&format!(
            "{}{} {:?} ({}) {}:{}-{}:{}\n",
            "  ".repeat(depth),
            s.name,
            s.kind,
            s.detail.as_deref().unwrap_or(""),
            r.start.line,
            r.start.character,
            r.end.line,
            r.end.character
        ));
        show(s.children.as_deref().unwrap_or(&[]), depth + 1, out);
    }
}

#[test]
fn flows_queues_steps_and_menus_with_their_options() {
    let mut fx = Fixture::new(
        "import \"x.flow\"\nflow acme {\n  start main\n}\nqueue agents\nmenu main {\n  say \"👋 Press 1\"\n  \
         \"1\" -> sales\n  timeout -> repeat\n}\nstep sales {\n  hangup\n}\n",
    );
    let main = fx.main();
    let mut out = String::new();
    show(&fx.engine.document_symbols(&main), 0, &mut out);
    insta::assert_snapshot!(out);
}
