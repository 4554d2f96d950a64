//! The trace hash: FNV-1a (64-bit) over every event's data and time, in order.
//!
//! Events derive `Hash`; [`Fnv`] feeds each field's bytes in a fixed form, so the hash is the
//! same natively and on wasm32: integers little-endian, `usize`/`isize` (lengths, enum
//! discriminants) widened to 8 bytes. Hashing the data rather than the events' text keeps
//! string formatting off the hot path (and out of the page's bundle).

use crate::event::TimedEvent;
use serde::Serialize;
use std::hash::{Hash, Hasher};

/// Accumulates the trace hash.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct TraceHasher {
    state: u64,
}

impl Default for TraceHasher {
    fn default() -> Self {
        TraceHasher { state: Fnv::OFFSET_BASIS }
    }
}

impl TraceHasher {
    /// Adds one event.
    pub fn add(&mut self, e: &TimedEvent) {
        let mut h = Fnv(self.state);
        e.hash(&mut h);
        self.state = h.0;
    }

    /// The hash so far.
    pub fn value(&self) -> u64 {
        self.state
    }
}

/// 64-bit FNV-1a with a platform-independent encoding of integers.
struct Fnv(u64);

impl Fnv {
    const OFFSET_BASIS: u64 = 0xcbf2_9ce4_8422_2325;
    const PRIME: u64 = 0x0000_0100_0000_01b3;
}

impl Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 = (self.0 ^ u64::from(*b)).wrapping_mul(Fnv::PRIME);
        }
    }
    fn write_u16(&mut self, i: u16) {
        self.write(&i.to_le_bytes());
    }
    fn write_u32(&mut self, i: u32) {
        self.write(&i.to_le_bytes());
    }
    fn write_u64(&mut self, i: u64) {
        self.write(&i.to_le_bytes());
    }
    fn write_usize(&mut self, i: usize) {
        self.write_u64(i as u64);
    }
    fn write_i16(&mut self, i: i16) {
        self.write_u16(i as u16);
    }
    fn write_i32(&mut self, i: i32) {
        self.write_u32(i as u32);
    }
    fn write_i64(&mut self, i: i64) {
        self.write_u64(i as u64);
    }
    fn write_isize(&mut self, i: isize) {
        self.write_u64(i as i64 as u64);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The published FNV-1a test vectors, so this is FNV-1a and not a look-alike.
    #[test]
    fn fnv1a_matches_its_test_vectors() {
        let hash = |s: &[u8]| {
            let mut h = Fnv(Fnv::OFFSET_BASIS);
            h.write(s);
            h.finish()
        };
        assert_eq!(hash(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(hash(b"a"), 0xaf63_dc4c_8601_ec8c);
        assert_eq!(hash(b"foobar"), 0x8594_4171_f739_67e8);
    }

    /// Lengths and discriminants are `usize`/`isize`: they hash as 8 bytes on every platform.
    #[test]
    fn pointer_sized_integers_hash_as_eight_bytes() {
        let (mut a, mut b) = (Fnv(Fnv::OFFSET_BASIS), Fnv(Fnv::OFFSET_BASIS));
        a.write_usize(7);
        b.write(&7u64.to_le_bytes());
        assert_eq!(a.finish(), b.finish());
    }
}
