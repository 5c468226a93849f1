//! Turning diagnostics into text for people and machines. Being written.
