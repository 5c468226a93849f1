//! Name resolution and type checks over the ASTs of a project.

pub mod codes;
pub mod literals;
pub mod resolve;
pub mod typeck;
