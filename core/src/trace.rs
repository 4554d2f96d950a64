//! The trace hash: FNV-1a (64-bit) over each event's one-line text form and its time.
//! The text form has no floats and no addresses, so the hash is the same natively and on
//! wasm32.

use crate::event::TimedEvent;
use serde::Serialize;
use std::hash::Hasher;

/// Accumulates the trace hash.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct TraceHasher {
    state: u64,
}

impl Default for TraceHasher {
    fn default() -> Self {
        TraceHasher { state: fnv::FnvHasher::default().finish() }
    }
}

/// Feeds formatted text straight into the hasher (FNV is byte-serial, so this equals
/// hashing the whole line at once, without building it).
struct HashWriter(fnv::FnvHasher);

impl std::fmt::Write for HashWriter {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        self.0.write(s.as_bytes());
        Ok(())
    }
}

impl TraceHasher {
    /// Adds one event's line.
    pub fn add(&mut self, e: &TimedEvent) {
        use std::fmt::Write as _;
        let mut w = HashWriter(fnv::FnvHasher::with_key(self.state));
        let _ = writeln!(w, "{e}");
        self.state = w.0.finish();
    }

    /// The hash so far.
    pub fn value(&self) -> u64 {
        self.state
    }
}
