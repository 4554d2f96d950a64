//! The trace hash: FNV-1a (64-bit) over each event's one-line text form and its time.
//! The text form has no floats and no addresses, so the hash is the same natively and on
//! wasm32.

use crate::event::TimedEvent;
use serde::{Deserialize, Serialize};
use std::hash::Hasher;

/// Accumulates the trace hash.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TraceHasher {
    state: u64,
}

impl Default for TraceHasher {
    fn default() -> Self {
        TraceHasher { state: fnv::FnvHasher::default().finish() }
    }
}

impl TraceHasher {
    /// Adds one event's line.
    pub fn add(&mut self, e: &TimedEvent) {
        let mut h = fnv::FnvHasher::with_key(self.state);
        h.write(e.to_string().as_bytes());
        h.write(b"\n");
        self.state = h.finish();
    }

    /// The hash so far.
    pub fn value(&self) -> u64 {
        self.state
    }
}
