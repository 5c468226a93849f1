//! Semantic tokens, decoded back to (line, text, type) for reading.

use super::Fixture;
use crate::engine::semantic_tokens_legend;

fn decode(fx: &mut Fixture) -> String {
    let main = fx.main();
    let text = fx.text(&main);
    let lines: Vec<&str> = text.lines().collect();
    let legend = semantic_tokens_legend();
    let tokens = fx.engine.semantic_tokens(&main).unwrap_or_default();
    let (mut line, mut col) = (0u32, 0u32);
    let mut out = String::new();
    for t in tokens.data {
        if t.delta_line > 0 {
            col = 0;
        }
        line += t.delta_line;
        col += t.delta_start;
        let units: Vec<u16> = lines.get(line as usize).unwrap_or(&"").encode_utf16().collect();
        let piece = units
            .get(col as usize..(col + t.length) as usize)
            .map(String::from_utf16_lossy)
            .unwrap_or_else(|| "<out of range>".into());
        let ty = legend
            .token_types
            .get(t.token_type as usize)
            .map_or("?", |t| t.as_str());
        let mods: Vec<&str> = legend
            .token_modifiers
            .iter()
            .enumerate()
            .filter(|(i, _)| t.token_modifiers_bitset & (1 << i) != 0)
            .map(|(_, m)| m.as_str())
            .collect();
        out.push_str(&format!("{}:{col} {piece:?} {ty} {}\n", line + 1, mods.join(",")).replace(" \n", "\n"));
    }
    out
}

#[test]
fn every_kind_of_token_at_utf16_columns() {
    let mut fx = Fixture::new(
        "flow f { # the entry\n  start a\n}\nqueue q\nstep a {\n  say \"Café 👋 {who}!\" repeat 2\n  \
         set who = caller\n  pause 500ms\n  if starts_with(who, \"+1\") {\n    enqueue q hold_music ring\n  }\n  \
         goto a\n}\n",
    );
    insta::assert_snapshot!(decode(&mut fx));
}

#[test]
fn a_line_the_parser_rejects_is_still_coloured() {
    let mut fx = Fixture::new("flow f {\n  start a\n}\nstep a {\n  say \"hi\" voice voice 5s\n  hangup\n}\n");
    let out = decode(&mut fx);
    assert!(
        out.contains("5:2 \"say\" keyword") && out.contains("5:6 \"\\\"hi\\\"\" string"),
        "{out}"
    );
    assert!(out.contains("5:23 \"5s\" number"), "{out}");
}
