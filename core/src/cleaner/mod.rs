//! The log cleaner (`../shared/PROTOCOL-LOG.md` §2.4, CC1–CC18): compaction keeps the latest
//! record per key. Every broker runs its own cleaner over **all** its replicas of compacted
//! topics, leaders and followers alike, with no coordination (CC1): each replica's segments,
//! checkpoint and tombstone horizons are its own, so two replicas of one partition can differ
//! physically while agreeing on each key's latest value (CC16, L-I14).
//!
//! ```text
//!  {0:0,1,2 | 3:3,4,5 | 6:6,7,8 | 9*:9}   k1 k2 k3 | k1 k2 k4 | k1 k5 k2 | k3   hw 10, ckpt none
//!  CC3 firstDirty 0   CC4 u = min(HW 10, active 9) = 9   CC5 fu 9, cleanable 9, clean 0 → 1 > 0.5
//!  CC7 map {k1:6 k2:8 k3:2 k4:5 k5:7} end 9   CC12 groups {s0} {s3} {s6}   CC9 keep ≥ map[key]
//!  {0:2 | 3:5 | 6:6,7,8 | 9*:9}  ckpt 9 (CC13)   k3 twice: 9 is in the active segment, unmapped
//! ```
//!
//! The walk is [`plan`] (what a round would do: CC3–CC6) then [`clean`] (CC7–CC13); a broker's
//! [`run_pass`] is CC2's (1) + (2): the filthiest eligible log, then retention on every compacted log.

pub mod invariants;

use crate::event::Event;
use crate::ids::{Offset, TimeMs};
use crate::log::{Log, Record, Value};
use crate::outbox::Outbox;
use crate::replica::Replica;
use litemap::LiteMap;
use serde::Serialize;

/// CC3–CC6 on one log at `now`: the dirty section and whether a round may clean it.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct Plan {
    /// CC3: the first dirty offset.
    pub first_dirty: Offset,
    /// CC5 `fu`: the base of the segment holding the uncleanable bound `u` (CC4). Only whole
    /// segments below it are cleaned.
    pub bound: Offset,
    /// CC5: the size of the dirty segments, `[min(firstDirty, fu), fu)`.
    pub cleanable: u64,
    /// CC5: the size of the segments below the first dirty offset.
    pub clean: u64,
    /// CC6: a dirty segment rolled more than `max.compaction.lag.ms` ago.
    pub need_now: bool,
    /// CC6: the ratio is above `min.cleanable.dirty.ratio`, or `need_now` with something to clean.
    pub eligible: bool,
}

impl Plan {
    /// CC5's ratio, `cleanable / (clean + cleanable)` (none for an empty denominator).
    pub fn ratio(&self) -> Option<f64> {
        let total = self.clean + self.cleanable;
        (total > 0).then(|| self.cleanable as f64 / total as f64)
    }
}

/// CC3 + CC4 + CC5 + CC6: the plan for `log` at `now` (its own HW is the LSO: no transactions, S7).
pub fn plan(log: &Log, now: TimeMs) -> Plan {
    let cfg = log.config();
    let segs = log.segments();
    let (ls, leo) = (log.log_start_offset(), log.log_end_offset());
    // CC3: the checkpoint if it lies within [ls, LEO], else the log start.
    let first_dirty = log.cleaner_checkpoint().filter(|c| ls <= *c && *c <= leo).unwrap_or(ls);
    let active = segs.len() - 1;
    let active_base = segs[active].base_offset;
    let holding = |o: Offset| segs.partition_point(|s| s.base_offset <= o).saturating_sub(1);
    // CC4: M, the base of the first non-active segment from firstDirty's with a record newer than
    // now − min.compaction.lag.ms (one recent record holds back its segment and all later ones).
    let horizon = i128::from(now) - i128::from(cfg.min_compaction_lag_ms);
    let m = (cfg.min_compaction_lag_ms > 0)
        .then(|| segs[holding(first_dirty)..active].iter().find(|s| i128::from(s.largest_ts) > horizon).map(|s| s.base_offset))
        .flatten()
        .unwrap_or(active_base);
    let u = first_dirty.max(log.high_watermark().min(active_base).min(m));
    // CC5: fu, and the two sizes.
    let bound = if u >= active_base { active_base } else { segs[holding(u)].base_offset };
    let lower = first_dirty.min(bound);
    let upper = |i: usize| segs.get(i + 1).map_or(leo, |n| n.base_offset);
    let cleanable = (0..active).filter(|&i| segs[i].base_offset < bound && upper(i) > lower).map(|i| segs[i].size_bytes).sum();
    // Kafka's `logSegments(-1, firstDirty)`: the active segment too when the log start is in it.
    let clean = (0..=active).filter(|&i| segs[i].base_offset < first_dirty).map(|i| segs[i].size_bytes).sum();
    // CC6: needNow from the smallest positive rollTs among the non-active segments from firstDirty.
    let oldest = segs[holding(first_dirty)..active].iter().filter_map(|s| s.roll_ts).filter(|t| *t > 0).min();
    let need_now = oldest.is_some_and(|t| i128::from(t) < i128::from(now) - i128::from(cfg.max_compaction_lag_ms));
    let mut p = Plan { first_dirty, bound, cleanable, clean, need_now, eligible: false };
    p.eligible = p.ratio().is_some_and(|r| r > cfg.min_cleanable_dirty_ratio.0) || (need_now && cleanable > 0);
    p
}

/// What a round did on one replica (CC7–CC13), for the event and the checker.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct Round {
    /// The plan it followed.
    pub plan: Plan,
    /// CC7: the offset map's end (`fu`: the map is unbounded here, PROTOCOL-LOG §5 S8).
    pub end_offset: Offset,
    /// CC7: the offset map, key → the latest offset in the dirty section.
    pub map: Vec<(String, Offset)>,
    /// CC9: the records removed, in offset order.
    pub removed: Vec<Removed>,
    /// CC10: tombstones this round kept for the first time, with the horizon it gave them.
    pub horizons: Vec<(Offset, TimeMs)>,
    /// CC12: the bases of the segments each group merged (a group of one was rewritten alone).
    pub groups: Vec<Vec<Offset>>,
    /// The log as the round found it, for the checker to recompute CC3–CC6 by itself (L-I8,
    /// L-I12) and to count what the round kept (L-I9).
    pub before: Before,
}

/// A log's state before a round: what CC3–CC6 read.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct Before {
    /// The log start offset.
    pub log_start: Offset,
    /// The HW (the LSO here).
    pub high_watermark: Offset,
    /// The LEO.
    pub log_end: Offset,
    /// The cleaner checkpoint.
    pub checkpoint: Option<Offset>,
    /// Each segment: base, bytes, records, largest timestamp, `rollTs`.
    pub segments: Vec<(Offset, u64, usize, TimeMs, Option<TimeMs>)>,
}

impl Before {
    fn of(log: &Log) -> Before {
        Before {
            log_start: log.log_start_offset(),
            high_watermark: log.high_watermark(),
            log_end: log.log_end_offset(),
            checkpoint: log.cleaner_checkpoint(),
            segments: log.segments().iter().map(|s| (s.base_offset, s.size_bytes, s.records.len(), s.largest_ts, s.roll_ts)).collect(),
        }
    }
}

/// A record a round removed, and why (CC9).
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct Removed {
    /// Its offset.
    pub offset: Offset,
    /// Its key (none: CC9 b).
    pub key: Option<String>,
    /// Its timestamp (L-I10).
    pub timestamp_ms: TimeMs,
    /// A tombstone removed at its horizon (CC10), rather than superseded.
    pub expired_tombstone: Option<TimeMs>,
}

/// CC7–CC13: one round on `log` at `now`, following `plan`. Offsets, record contents, the log
/// start, LEO and HW never change (CC13); the epoch cache is not touched (CC17).
pub fn clean(log: &mut Log, plan: Plan, now: TimeMs) -> Round {
    let cfg = log.config();
    let before = Before::of(log);
    let end = plan.bound; // CC7 3, with an unbounded map (S8)
    // CC7: the offset map over the dirty section, the later offset winning.
    let mut map: LiteMap<String, Offset> = LiteMap::new();
    for r in log.records_from(plan.first_dirty).take_while(|r| r.offset < end) {
        if let Some(k) = &r.key {
            map.insert(k.clone(), r.offset);
        }
    }
    // CC12: greedy groups over the segments below the bound, by their sizes before this round.
    let segs = log.segments();
    let recopied = segs.partition_point(|s| s.base_offset < end).min(segs.len() - 1);
    let mut groups: Vec<std::ops::Range<usize>> = Vec::new();
    let (limit_records, limit_bytes) = (u64::from(cfg.segment_records), cfg.segment_bytes);
    let mut i = 0;
    while i < recopied {
        let (mut j, mut records, mut bytes) = (i + 1, segs[i].records.len() as u64, segs[i].size_bytes);
        while j < recopied && records + segs[j].records.len() as u64 <= limit_records && bytes + segs[j].size_bytes <= limit_bytes {
            records += segs[j].records.len() as u64;
            bytes += segs[j].size_bytes;
            j += 1;
        }
        groups.push(i..j);
        i = j;
    }
    // CC8 + CC9 + CC10: recopy each group, keeping what CC9 keeps.
    let (mut removed, mut horizons, mut rebuilt) = (Vec::new(), Vec::new(), Vec::new());
    for g in &groups {
        let base = segs[g.start].base_offset;
        let mut kept: Vec<Record> = Vec::new();
        for r in segs[g.clone()].iter().flat_map(|s| s.records.iter()) {
            let latest = r.key.as_ref().and_then(|k| map.get(k)).copied().unwrap_or(Offset(-1));
            let horizon = r.value.delete_horizon_ms();
            let tombstone_kept = horizon.is_none_or(|h| now < h);
            let keep = r.key.is_some() && r.offset >= latest && (!r.value.is_tombstone() || tombstone_kept);
            if !keep {
                let expired = if r.offset >= latest && r.key.is_some() { horizon } else { None };
                removed.push(Removed { offset: r.offset, key: r.key.clone(), timestamp_ms: r.timestamp_ms, expired_tombstone: expired });
                continue;
            }
            let mut r = r.clone();
            if let Value::Tombstone { delete_horizon_ms: h @ None } = &mut r.value {
                // CC10: the first round that keeps a tombstone gives it its horizon.
                let at = now.saturating_add(cfg.delete_retention_ms);
                *h = Some(at);
                horizons.push((r.offset, at));
            }
            kept.push(r);
        }
        rebuilt.push((base, kept, segs[g.end - 1].largest_ts));
    }
    let merged = groups.iter().map(|g| segs[g.clone()].iter().map(|s| s.base_offset).collect()).collect();
    log.replace_cleaned(recopied, rebuilt, end);
    let map = map.into_iter().collect();
    Round { plan, end_offset: end, map, removed, horizons, groups: merged, before }
}

/// CC2 (1) + (2) on one broker at `now`: the filthiest eligible log among its replicas of
/// compacted topics is cleaned (the largest ratio; ties to the lowest partition, S5), then
/// retention runs on every compacted log (RT1: on the cleaner thread). Returns whether it cleaned.
pub fn run_pass<'a>(replicas: impl Iterator<Item = &'a mut Replica>, now: TimeMs, out: &mut Outbox) -> bool {
    let mut logs: Vec<&mut Replica> = replicas.filter(|r| r.log.config().cleanup_policy.compacts()).collect();
    logs.sort_by(|a, b| a.tp.cmp(&b.tp));
    for r in logs.iter_mut() {
        r.log.reset_invalid_checkpoint(); // CC3
    }
    let plans: Vec<Plan> = logs.iter().map(|r| plan(&r.log, now)).collect();
    let mut best: Option<usize> = None;
    for (i, p) in plans.iter().enumerate() {
        let better = best.is_none_or(|b| p.ratio().unwrap_or(0.0) > plans[b].ratio().unwrap_or(0.0));
        if p.eligible && better {
            best = Some(i);
        }
    }
    for (i, p) in plans.iter().enumerate() {
        // A log with dirty data left alone is said so; an idle one is not (Kafka's is silent).
        if Some(i) != best && p.cleanable > 0 {
            let r = &logs[i];
            out.event(Event::CleanerSkipped { broker: r.broker, tp: r.tp.clone(), plan: p.clone() });
        }
    }
    if let Some(i) = best {
        let r = &mut logs[i];
        let hw = r.log.high_watermark();
        let round = clean(&mut r.log, plans[i].clone(), now);
        out.event(Event::LogCleaned { broker: r.broker, tp: r.tp.clone(), high_watermark: hw, round: Box::new(round) });
    }
    for r in logs {
        crate::retention::run_pass(r, now, out);
    }
    best.is_some()
}

/// Each key's latest record below `below` on `log` (L-I14, and the page's view of the offset map).
pub fn latest_per_key(log: &Log, below: Offset) -> LiteMap<&str, &Record> {
    let mut m = LiteMap::new();
    for r in log.records().take_while(|r| r.offset < below) {
        if let Some(k) = &r.key {
            m.insert(k.as_str(), r);
        }
    }
    m
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::LeaderEpoch;
    use crate::log::{CleanupPolicy, LogConfig};

    /// PROTOCOL-LOG's units: segments of 3 records (`segment.bytes=3`), ratio 0.5, compact.
    fn log(lag: u64) -> Log {
        Log::new(LogConfig { segment_records: 3, segment_bytes: 1 << 30, cleanup_policy: CleanupPolicy::Compact, min_compaction_lag_ms: lag, ..LogConfig::default() })
    }
    fn put(l: &mut Log, kv: &str, ts: TimeMs) {
        let (k, v) = kv.split_once('=').expect("k=v");
        let value = if v == "∅" { Value::TOMBSTONE } else { v.into() };
        l.append(Record { offset: l.log_end_offset(), epoch: LeaderEpoch(0), key: Some(k.into()), value, timestamp_ms: ts });
        l.set_high_watermark(l.log_end_offset());
    }
    /// `{0:2 | 3:5 | 6*:6}` in PROTOCOL-LOG §0's notation.
    fn shape(l: &Log) -> String {
        let n = l.segments().len();
        let segs: Vec<String> = l
            .segments()
            .iter()
            .enumerate()
            .map(|(i, s)| {
                let offs: Vec<String> = s.records.iter().map(|r| r.offset.to_string()).collect();
                format!("{}{}:{}", s.base_offset, if i + 1 == n { "*" } else { "" }, offs.join(","))
            })
            .collect();
        format!("{{{}}}", segs.join(" | "))
    }
    fn ls6() -> Log {
        let mut l = log(0);
        for (i, kv) in ["k1=a", "k2=b", "k3=c", "k1=d", "k2=e", "k4=f", "k1=g", "k5=h", "k2=i", "k3=j"].iter().enumerate() {
            put(&mut l, kv, 100 * i as u64 + 1);
        }
        l
    }

    #[test]
    fn ls6_compacting_a_keyed_log_keeps_the_latest_per_key_below_the_active_segment() {
        let mut l = ls6();
        assert_eq!(shape(&l), "{0:0,1,2 | 3:3,4,5 | 6:6,7,8 | 9*:9}");
        let p = plan(&l, 2000);
        // CC3 firstDirty 0 (no checkpoint); CC4 u = min(HW 10, active 9) → fu 9; CC5 9 dirty, 0 clean.
        assert_eq!((p.first_dirty, p.bound), (Offset(0), Offset(9)));
        assert_eq!(p.ratio(), Some(1.0));
        assert!(p.eligible);
        let round = clean(&mut l, p, 2000);
        let map: Vec<(String, i64)> = round.map.iter().map(|(k, o)| (k.clone(), o.0)).collect();
        assert_eq!(map, [("k1", 6), ("k2", 8), ("k3", 2), ("k4", 5), ("k5", 7)].map(|(k, o)| (k.to_string(), o)));
        assert_eq!(round.groups, vec![vec![Offset(0)], vec![Offset(3)], vec![Offset(6)]], "CC12: 3 + 3 > 3");
        assert_eq!(shape(&l), "{0:2 | 3:5 | 6:6,7,8 | 9*:9}");
        assert_eq!(l.cleaner_checkpoint(), Some(Offset(9)), "CC13");
        assert_eq!((l.log_start_offset(), l.high_watermark(), l.log_end_offset()), (Offset(0), Offset(10), Offset(10)));
        // CC14: a read at a removed offset returns the next survivor; k3 twice (2 and 9, the active segment).
        let from = |o| l.read(Offset(o), Offset(10), 1).first().map(|r| r.offset.0);
        assert_eq!([from(0), from(1), from(3), from(4)], [Some(2), Some(2), Some(5), Some(5)]);
        let all: Vec<i64> = l.read(Offset(0), Offset(10), 99).iter().map(|r| r.offset.0).collect();
        assert_eq!(all, vec![2, 5, 6, 7, 8, 9]);
    }

    #[test]
    fn ls7_the_active_segment_is_not_compacted_and_the_dirty_ratio_delays_cleaning() {
        let mut l = ls6();
        let p = plan(&l, 2000);
        clean(&mut l, p, 2000);
        put(&mut l, "k1=x", 3000);
        put(&mut l, "k7=y", 3100);
        let p = plan(&l, 3200);
        assert_eq!((p.first_dirty, p.bound, p.cleanable), (Offset(9), Offset(9), 0), "1: u = firstDirty → nothing cleanable");
        assert!(!p.eligible);
        put(&mut l, "k2=z", 3300); // rolls 12
        let p = plan(&l, 3400);
        let unit = 27; // each record here: a 24-byte batch, a 2-byte key, a 1-byte value (Record::size_bytes)
        assert_eq!((p.bound, p.cleanable, p.clean), (Offset(12), 3 * unit, 5 * unit), "2: 3 dirty, 1 + 1 + 3 clean");
        assert!(!p.eligible, "0.375 is not above 0.5 (CC6 strict)");
        for (kv, t) in [("k6=m", 3500), ("k1=n", 3600), ("k6=p", 3700)] {
            put(&mut l, kv, t);
        }
        let p = plan(&l, 3800);
        assert_eq!((p.bound, p.cleanable, p.clean), (Offset(15), 6 * unit, 5 * unit), "3: 6/11 ≈ 0.545");
        assert!(p.eligible);
        let round = clean(&mut l, p, 3800);
        assert_eq!(round.groups, vec![vec![Offset(0), Offset(3)], vec![Offset(6)], vec![Offset(9)], vec![Offset(12)]], "4: 1 + 1, then + 3 > 3");
        assert_eq!(shape(&l), "{0:5 | 6:7 | 9:9,11 | 12:12,13,14 | 15*:15}");
        assert_eq!(l.cleaner_checkpoint(), Some(Offset(15)));
    }

    #[test]
    fn ls8_min_compaction_lag_holds_a_segment_back() {
        let mut l = log(1000);
        for (kv, t) in [("k1=a", 0), ("k4=b", 100), ("k1=c", 200), ("k2=d", 900), ("k1=e", 1000), ("k3=f", 1100), ("k1=g", 1200)] {
            put(&mut l, kv, t);
        }
        assert_eq!(shape(&l), "{0:0,1,2 | 3:3,4,5 | 6*:6}");
        let p = plan(&l, 1500);
        assert_eq!(p.bound, Offset(3), "1: s3's largest ts 1100 > 500 → M = 3");
        clean(&mut l, p, 1500);
        assert_eq!(shape(&l), "{0:1,2 | 3:3,4,5 | 6*:6}", "k1=c is kept although newer values exist");
        let p = plan(&l, 2099);
        assert_eq!((p.bound, p.cleanable), (Offset(3), 0), "2: 1100 > 1099 → still held");
        let p = plan(&l, 2100);
        assert_eq!(p.bound, Offset(6), "3: 1100 > 1100 is false");
        assert!(p.eligible, "3/5 = 0.6");
        clean(&mut l, p, 2100);
        assert_eq!(shape(&l), "{0:1 | 3:3,4,5 | 6*:6}");
        assert_eq!(l.cleaner_checkpoint(), Some(Offset(6)));
    }

    #[test]
    fn cc10_a_tombstone_lives_delete_retention_ms_from_the_first_round_that_kept_it() {
        let mut l = Log::new(LogConfig { delete_retention_ms: 1000, ..log(0).config() });
        for (kv, t) in [("k1=a", 1), ("k2=b", 2), ("k1=∅", 3), ("k3=c", 4)] {
            put(&mut l, kv, t);
        }
        let p = plan(&l, 100);
        let round = clean(&mut l, p, 100);
        assert_eq!(round.horizons, vec![(Offset(2), 1100)], "kept at 100: horizon 100 + 1000");
        assert_eq!(shape(&l), "{0:1,2 | 3*:3}", "k1=a superseded by the tombstone");
        for (kv, t) in [("k4=d", 5), ("k5=e", 6), ("k6=f", 7)] {
            put(&mut l, kv, t);
        }
        // Dirty 3 of 5: a round at 1099 keeps the tombstone (1099 < 1100) …
        let p = plan(&l, 1099);
        let round = clean(&mut l, p, 1099);
        assert!(round.horizons.is_empty() && round.removed.is_empty());
        assert!(l.record_at(Offset(2)).is_some_and(|r| r.value.is_tombstone()));
        for (kv, t) in [("k7=g", 8), ("k8=h", 9), ("k9=i", 10), ("k10=j", 11), ("k11=k", 12), ("k12=l", 13)] {
            put(&mut l, kv, t);
        }
        // … the next eligible round at or after 1100 removes it (no timer: CC10), at 1100 exactly.
        let p = plan(&l, 1100);
        assert!(p.eligible);
        let round = clean(&mut l, p, 1100);
        assert_eq!(round.removed.iter().map(|r| (r.offset.0, r.expired_tombstone)).collect::<Vec<_>>(), vec![(2, Some(1100))]);
        assert!(l.record_at(Offset(2)).is_none());
    }

    #[test]
    fn cc6_max_compaction_lag_forces_a_round_below_the_ratio() {
        let mut l = Log::new(LogConfig { max_compaction_lag_ms: 1000, min_cleanable_dirty_ratio: crate::log::DirtyRatio(0.99), ..log(0).config() });
        for (kv, t) in [("k1=a", 10), ("k1=b", 20), ("k1=c", 30), ("k2=d", 40)] {
            put(&mut l, kv, t);
        }
        let p = plan(&l, 50);
        clean(&mut l, p, 50); // ratio 1 > 0.99: {0:2 | 3*:3}
        for (kv, t) in [("k2=e", 60), ("k2=f", 70), ("k3=g", 80)] {
            put(&mut l, kv, t);
        }
        let p = plan(&l, 1000);
        assert!(!p.eligible && !p.need_now, "3/4 dirty is not above 0.99; rolled at 40, not yet 1000 ago");
        let p = plan(&l, 1041);
        assert!(p.need_now && p.eligible, "the dirty segment's rollTs 40 < 1041 − 1000");
    }
}
