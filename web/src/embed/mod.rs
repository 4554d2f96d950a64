//! Pointing at the page from elsewhere and putting it elsewhere: URL parameters that open a
//! lesson at a stop or pin a sandbox ([`params`]), share links with the whole session in the
//! fragment ([`share`]), the share menu ([`panel`]), and the postMessage API for a page that
//! embeds this one ([`api`], wired to the window by [`host`]).

pub mod api;
#[cfg(target_arch = "wasm32")]
pub mod host;
pub mod panel;
pub mod params;
pub mod share;
