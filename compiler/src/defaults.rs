//! Behaviour the language leaves open, decided once for every host: the VM,
//! the provider targets and the webhook host read the same numbers.

/// Menu retries when neither the menu nor the flow sets `retries`.
pub const DEFAULT_RETRIES: u32 = 2;
/// Input timeout of menus and `collect` when neither they nor the flow set one.
pub const DEFAULT_INPUT_TIMEOUT_MS: u64 = 5_000;
