//! The webhook host: answers a voice provider's callbacks with the next
//! document of each call, running the flow in the same VM as the simulator
//! (`callflow serve FILE --webhook --target T`; docs/webhook.md).
//!
//! Providers are webhook-driven: they POST when a call comes in and whenever
//! a document's waiting action ends, and run the document they get back. Per
//! call the host keeps one [`crate::vm::Vm`], keyed by the provider's
//! session id; each callback is decoded into what happened
//! ([`providers`]), fed to the VM as an event ([`call`]), and the VM's
//! effects up to its next wait become the next document ([`document`]),
//! rendered by the target's renderer.
//!
//! - [`route`]: the names of live documents and their routes;
//! - [`sessions`]: the table of calls, with its limit and idle timeout;
//! - [`app`]: one request in, one response out (no I/O);
//! - [`http`]: the same on a socket (hyper on tokio);
//! - [`outline`]: documents as provider-neutral JSON.

pub mod app;
pub mod call;
pub mod config;
pub mod document;
pub mod http;
pub mod outline;
pub mod providers;
pub mod route;
pub mod sessions;
#[cfg(test)]
pub(crate) mod test_support;

pub use app::{App, Request, Response};
pub use config::{Config, Render};
pub use http::{Running, serve, serve_until_interrupted, start};
