//! Rename: every reference in every file of the project, and refusals.

use super::{Fixture, apply_workspace};
use crate::engine::RenameError;
use std::collections::HashMap;

const MAIN: &str = "import \"shared/bye.flow\"\nflow f {\n  start welcome\n}\nstep welcome {\n  collect pin\n  \
                    say \"PIN {pin} 👋\"\n  if pin == \"1\" {\n    goto goodbye\n  }\n  goto goodbye\n}\n";
const BYE: &str = "step goodbye {\n  say \"Bye, {pin}\"\n  hangup\n}\n";

fn fixture(at: &str, nth: usize, bye_open: bool) -> Fixture {
    let i = MAIN
        .match_indices(at)
        .nth(nth)
        .map(|(i, _)| i)
        .unwrap_or_else(|| panic!("{at}"));
    let main = format!("{}$0{}", &MAIN[..i + 1], &MAIN[i + 1..]);
    let bye = if bye_open {
        "--- /p/shared/bye.flow"
    } else {
        "--- /p/shared/bye.flow (disk)"
    };
    Fixture::new(&format!("--- /p/main.flow\n{main}{bye}\n{BYE}"))
}

#[test]
fn renaming_a_state_edits_every_reference_including_files_not_open() {
    let mut fx = fixture("goodbye", 1, false);
    let (uri, at) = fx.at();
    let edit = fx.engine.rename(&uri, at, "farewell");
    let disk = HashMap::from([("/p/shared/bye.flow", BYE)]);
    match edit {
        Ok(edit) => insta::assert_snapshot!(apply_workspace(&fx, &edit, &disk)),
        Err(e) => panic!("{e}"),
    }
}

#[test]
fn renaming_a_variable_edits_interpolations_in_every_open_file() {
    let mut fx = fixture("pin", 1, true);
    let (uri, at) = fx.at();
    let edit = fx.engine.rename(&uri, at, "code");
    match edit {
        Ok(edit) => insta::assert_snapshot!(apply_workspace(&fx, &edit, &HashMap::new())),
        Err(e) => panic!("{e}"),
    }
}

#[test]
fn invalid_names_reserved_words_builtins_and_taken_names_are_refused() {
    let mut fx = fixture("goodbye", 1, true);
    let (uri, at) = fx.at();
    let mut try_rename = |name: &str| fx.engine.rename(&uri, at, name).err().map(|e| e.to_string());
    assert_eq!(
        try_rename("good bye"),
        Some(RenameError::NotAName("good bye".into()).to_string())
    );
    assert_eq!(
        try_rename("9lives"),
        Some(RenameError::NotAName("9lives".into()).to_string())
    );
    assert_eq!(
        try_rename("hangup"),
        Some("`hangup` is a reserved word and cannot be a name".into())
    );
    assert_eq!(
        try_rename("welcome"),
        Some("a state named `welcome` already exists".into())
    );
    assert_eq!(try_rename("start_time"), None, "a name may start with a reserved word");

    let mut fx = fixture("pin", 1, true);
    let (uri, at) = fx.at();
    let refused = fx.engine.rename(&uri, at, "caller").err().map(|e| e.to_string());
    assert_eq!(
        refused,
        Some("`caller` is a built-in variable and keeps its name".into())
    );
}

#[test]
fn prepare_rename_gives_the_names_range_or_says_why_not() {
    let mut fx = fixture("goodbye", 0, true);
    let (uri, at) = fx.at();
    let range = fx.engine.prepare_rename(&uri, at).ok();
    assert_eq!(
        range.map(|r| (r.start.line, r.start.character, r.end.character)),
        Some((8, 9, 16))
    );
    let mut fx = Fixture::new("flow f {\n  start a\n}\nstep a {\n  say \"{cal$0ler}\"\n  hangup\n}\n");
    let (uri, at) = fx.at();
    assert_eq!(
        fx.engine.prepare_rename(&uri, at),
        Err(RenameError::Builtin("caller".into()))
    );
    let mut fx = Fixture::new("flow f {\n  start a\n}\nstep a {\n  han$0gup\n}\n");
    let (uri, at) = fx.at();
    assert_eq!(fx.engine.prepare_rename(&uri, at), Err(RenameError::NothingHere));
}
