//! The leader-epoch cache ("leader-epoch-checkpoint"): epoch → start offset (PROTOCOL §2.4).
//!
//! Invariant (I3): entries are strictly increasing in epoch **and** in start offset.

use crate::ids::{LeaderEpoch, Offset};
use serde::Serialize;

/// One entry: `epoch` started at `start_offset`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct EpochEntry {
    /// The leader epoch.
    pub epoch: LeaderEpoch,
    /// The first offset written in that epoch.
    pub start_offset: Offset,
}

/// The cache itself, oldest entry first.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct EpochCache {
    entries: Vec<EpochEntry>,
}

impl EpochCache {
    /// A cache holding these entries, as given (a scenario's initial state).
    pub fn from_entries(entries: Vec<EpochEntry>) -> Self {
        EpochCache { entries }
    }

    /// The entries, oldest first.
    pub fn entries(&self) -> &[EpochEntry] {
        &self.entries
    }

    /// The latest epoch, or UNDEFINED when empty (F1 `LastFetchedEpoch`).
    pub fn latest_epoch(&self) -> LeaderEpoch {
        self.entries.last().map_or(LeaderEpoch::UNDEFINED, |e| e.epoch)
    }

    /// C1 `assign(e, s)`: a no-op when `e` is the latest epoch and `s` is not before its start;
    /// otherwise drop every trailing entry with epoch >= e or start >= s, then append (e, s).
    pub fn assign(&mut self, epoch: LeaderEpoch, start_offset: Offset) {
        if let Some(last) = self.entries.last() {
            if last.epoch == epoch && start_offset >= last.start_offset {
                return;
            }
        }
        while let Some(last) = self.entries.last() {
            if last.epoch >= epoch || last.start_offset >= start_offset {
                self.entries.pop();
            } else {
                break;
            }
        }
        self.entries.push(EpochEntry { epoch, start_offset });
    }

    /// C3 `endOffsetFor(req, LEO)`: the largest epoch <= `requested` and the start of the next
    /// larger epoch (or `leo` if `requested` is the latest). `(UNDEFINED, UNKNOWN)` when undefined.
    pub fn end_offset_for(&self, requested: LeaderEpoch, leo: Offset) -> (LeaderEpoch, Offset) {
        const UNDEFINED: (LeaderEpoch, Offset) = (LeaderEpoch::UNDEFINED, Offset::UNKNOWN);
        if requested == LeaderEpoch::UNDEFINED {
            return UNDEFINED;
        }
        if requested == self.latest_epoch() {
            return (requested, leo);
        }
        let Some(higher) = self.entries.iter().find(|e| e.epoch > requested) else {
            return UNDEFINED;
        };
        match self.entries.iter().rev().find(|e| e.epoch <= requested) {
            None => (requested, higher.start_offset),
            Some(floor) => (floor.epoch, higher.start_offset),
        }
    }

    /// C4 `truncateFromEnd(o)`: remove every entry starting at or after `o`.
    pub fn truncate_from_end(&mut self, offset: Offset) {
        self.entries.retain(|e| e.start_offset < offset);
    }

    /// C4 `truncateFromStart(o)`: drop entries wholly before `o`, re-basing the oldest survivor.
    pub fn truncate_from_start(&mut self, offset: Offset) {
        let keep_from = self.entries.iter().rposition(|e| e.start_offset <= offset).unwrap_or(0);
        self.entries.drain(..keep_from);
        if let Some(first) = self.entries.first_mut() {
            if first.start_offset < offset {
                first.start_offset = offset;
            }
        }
    }

    /// The epoch a record at `offset` must carry according to the cache (I4), if any.
    pub fn epoch_for_offset(&self, offset: Offset) -> Option<LeaderEpoch> {
        self.entries.iter().rev().find(|e| e.start_offset <= offset).map(|e| e.epoch)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cache(pairs: &[(i32, i64)]) -> EpochCache {
        EpochCache::from_entries(
            pairs.iter().map(|&(e, s)| EpochEntry { epoch: LeaderEpoch(e), start_offset: Offset(s) }).collect(),
        )
    }

    #[test]
    fn c1_assign_is_a_noop_for_the_latest_epoch() {
        let mut c = cache(&[(0, 0)]);
        c.assign(LeaderEpoch(0), Offset(5));
        assert_eq!(c, cache(&[(0, 0)]));
    }

    #[test]
    fn c1_assign_removes_non_monotonic_trailing_entries() {
        // A former leader's empty epoch 2 at offset 3 is replaced when epoch 3 starts at 1.
        let mut c = cache(&[(0, 0), (1, 1), (2, 3)]);
        c.assign(LeaderEpoch(3), Offset(1));
        assert_eq!(c, cache(&[(0, 0), (3, 1)]));
    }

    #[test]
    fn c3_end_offset_for_examples_from_protocol_scenarios() {
        // S8 step 6: leader 2 has {1:0, 2:1}; endOffsetFor(1) = (1, 1).
        let c = cache(&[(1, 0), (2, 1)]);
        assert_eq!(c.end_offset_for(LeaderEpoch(1), Offset(2)), (LeaderEpoch(1), Offset(1)));
        // The latest epoch answers with the LEO.
        assert_eq!(c.end_offset_for(LeaderEpoch(2), Offset(2)), (LeaderEpoch(2), Offset(2)));
        // An epoch older than all retained: (req, first start).
        assert_eq!(c.end_offset_for(LeaderEpoch(0), Offset(2)), (LeaderEpoch(0), Offset(0)));
        // S4: leader 3 has {0:0, 2:1}; endOffsetFor(1) = (0, 1): the floor epoch is 0.
        let c = cache(&[(0, 0), (2, 1)]);
        assert_eq!(c.end_offset_for(LeaderEpoch(1), Offset(2)), (LeaderEpoch(0), Offset(1)));
        // UNDEFINED asked → UNDEFINED.
        assert_eq!(c.end_offset_for(LeaderEpoch::UNDEFINED, Offset(2)), (LeaderEpoch::UNDEFINED, Offset::UNKNOWN));
    }

    #[test]
    fn c4_truncate_from_end_clears_an_empty_epoch_at_leo() {
        let mut c = cache(&[(0, 0), (1, 3)]);
        c.truncate_from_end(Offset(3));
        assert_eq!(c, cache(&[(0, 0)]));
    }

    #[test]
    fn c4_truncate_from_start_rebases_the_oldest_survivor() {
        let mut c = cache(&[(0, 0), (1, 4), (2, 9)]);
        c.truncate_from_start(Offset(6));
        assert_eq!(c, cache(&[(1, 6), (2, 9)]));
    }
}
