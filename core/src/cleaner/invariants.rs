//! The compaction half of PROTOCOL-LOG §3 (L-I8–L-I14, with I24's compaction half), checked
//! after every step from the cleaner's rounds (their events) and the replicas' logs as they
//! are after the round.
//!
//! * L-I8: a round's bound is at or below its replica's HW and below the active segment.
//! * L-I9: each removed record is keyless, superseded below the bound by a record that survives
//!   (or by a later tombstone that itself expired), or a tombstone past its horizon.
//! * L-I10: nothing younger than `min.compaction.lag.ms` is removed.
//! * L-I11: a tombstone goes no sooner than `delete.retention.ms` after the first round that
//!   kept it, on any replica.
//! * L-I12: a round ran only when CC6 allowed it.
//! * L-I13: the checkpoint is at most the LEO, and goes back only by truncation.
//! * L-I14 ★: after a round, replicas of a compact-only partition agree on each key's latest
//!   value below both HWs once both are cleaned that far (tombstones count as absent), outside
//!   the tombstone hazard set (CC16, reported as expected Kafka behaviour).

use crate::cleaner::{latest_per_key, Round};
use crate::cluster::Cluster;
use crate::event::Event;
use crate::ids::{BrokerId, Offset, TimeMs, TopicPartition};
use crate::log::CleanupPolicy;
use crate::replica::Replica;
use litemap::LiteMap;
use serde::Serialize;

/// (invariant, partition, starred, detail).
pub type Finding = (String, Option<TopicPartition>, bool, String);

/// What the compaction invariants remember between steps.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct CleanerChecker {
    /// L-I11: when a round first kept each tombstone (any replica).
    first_kept: LiteMap<(TopicPartition, Offset), TimeMs>,
    /// L-I13: each replica's checkpoint as last seen.
    checkpoints: LiteMap<(BrokerId, TopicPartition), Offset>,
    /// L-I14's hazard set: keys a replica deleted by removing a tombstone that another replica
    /// had not fetched yet (CC16).
    hazards: LiteMap<(TopicPartition, String), ()>,
    /// Rounds seen (a sweep's exercise count).
    pub rounds: usize,
    /// Records rounds removed.
    pub removed: usize,
}

impl CleanerChecker {
    /// Checks the step whose events are `events`; `resets` are the replicas truncated, created
    /// or deleted in it (L-I13's exception).
    pub fn check(&mut self, c: &Cluster, events: &[Event], resets: &[(BrokerId, TopicPartition)], out: &mut Vec<Finding>) {
        let now = c.now_ms();
        let mut cleaned: Vec<TopicPartition> = Vec::new();
        for e in events {
            let Event::LogCleaned { broker, tp, high_watermark, round } = e else { continue };
            self.rounds += 1;
            self.removed += round.removed.len();
            if let Some(r) = c.replica(*broker, tp) {
                self.check_round(c, r, *high_watermark, round, now, out);
            }
            if !cleaned.contains(tp) {
                cleaned.push(tp.clone());
            }
        }
        // L-I13.
        for b in c.brokers.values() {
            for r in b.replicas.values() {
                let key = (r.broker, r.tp.clone());
                let Some(ckpt) = r.log.cleaner_checkpoint() else {
                    self.checkpoints.remove(&key);
                    continue;
                };
                if ckpt > r.log.log_end_offset() {
                    out.push(("L-I13".into(), Some(r.tp.clone()), false, format!("broker {} cleaner checkpoint {ckpt} past its LEO {}", r.broker, r.log.log_end_offset())));
                }
                if let Some(old) = self.checkpoints.insert(key.clone(), ckpt) {
                    // CC3: a checkpoint outside [ls, LEO] is rewritten to the log start.
                    if ckpt < old && !resets.contains(&key) && ckpt != r.log.log_start_offset() {
                        out.push(("L-I13".into(), Some(r.tp.clone()), false, format!("broker {} cleaner checkpoint went {old} -> {ckpt} without a truncation", r.broker)));
                    }
                }
            }
        }
        for tp in cleaned {
            self.check_agreement(c, &tp, out);
        }
    }

    fn check_round(&mut self, c: &Cluster, r: &Replica, hw: Offset, round: &Round, now: TimeMs, out: &mut Vec<Finding>) {
        let cfg = r.log.config();
        let tp = Some(r.tp.clone());
        let (b, end) = (r.broker, round.end_offset);
        let mut add = |inv: &str, detail: String| out.push((inv.into(), tp.clone(), false, detail));
        // CC3–CC6 recomputed here from the log as the round found it.
        let bf = &round.before;
        let want = recompute(bf, cfg, now);
        let p = &round.plan;
        // L-I8: the bound is the one CC4/CC5 give, at or below the segment holding the HW and
        // the active segment; the segments from it on are untouched.
        let segs = &bf.segments;
        let upper = |i: usize| segs.get(i + 1).map_or(bf.log_end, |s| s.0);
        let hw_base = (0..segs.len()).find(|&i| segs[i].0 <= hw && hw < upper(i)).map_or(segs[segs.len() - 1].0, |i| segs[i].0);
        let active = segs[segs.len() - 1].0;
        if end != want.bound || end > hw_base || end > active {
            add("L-I8", format!("broker {b} cleaned up to {end}; CC4/CC5 give {}, the HW's segment starts at {hw_base}, the active one at {active}", want.bound));
        }
        if r.log.log_start_offset() == bf.log_start {
            for s in segs.iter().filter(|s| s.0 >= end) {
                let now_seg = r.log.segments().iter().find(|x| x.base_offset == s.0).map(|x| (x.size_bytes, x.records.len()));
                if now_seg.is_some_and(|n| n != (s.1, s.2)) {
                    add("L-I8", format!("broker {b} changed segment {} at or above the round's bound {end}", s.0));
                }
            }
        }
        // L-I12: a round only where CC6 allows one, with the plan CC3–CC6 give.
        let ratio = |c: u64, d: u64| (c + d > 0).then(|| c as f64 / (c + d) as f64);
        let allowed = ratio(want.cleanable, want.clean).is_some_and(|x| x > cfg.min_cleanable_dirty_ratio.0) || (want.need_now && want.cleanable > 0);
        if !allowed || (p.first_dirty, p.cleanable, p.clean, p.need_now) != (want.first_dirty, want.cleanable, want.clean, want.need_now) {
            add("L-I12", format!("broker {b} cleaned with dirty {} of {}; recomputed: first dirty {}, dirty {} of {}, overdue {}", p.cleanable, p.cleanable + p.clean, want.first_dirty, want.cleanable, want.cleanable + want.clean, want.need_now));
        }
        // L-I9: every record below the bound was kept or is listed as removed.
        if r.log.log_start_offset() == bf.log_start {
            let before_n: usize = segs.iter().filter(|s| s.0 < end).map(|s| s.2).sum();
            let kept = r.log.records().take_while(|x| x.offset < end).count();
            if kept + round.removed.len() != before_n {
                add("L-I9", format!("broker {b}: {before_n} records below {end} before the round, {kept} kept and {} removed", round.removed.len()));
            }
        }
        for (o, _) in &round.horizons {
            self.first_kept.entry((r.tp.clone(), *o)).or_insert(now);
        }
        // L-I9, L-I10, L-I11 per removed record, against the log after the round.
        let survivors = latest_per_key(&r.log, end);
        for x in &round.removed {
            if r.log.record_at(x.offset).is_some() {
                add("L-I9", format!("broker {b} reports offset {} removed but still holds it", x.offset));
            }
            if i128::from(x.timestamp_ms) > i128::from(now) - i128::from(cfg.min_compaction_lag_ms) {
                add("L-I10", format!("broker {b} removed offset {} (ts {}) within min.compaction.lag.ms {} at {now}", x.offset, x.timestamp_ms, cfg.min_compaction_lag_ms));
            }
            // Retention runs after the round in the same pass (CC2 2): below the new log start
            // the superseding records may be gone too.
            let Some(k) = x.key.as_ref().filter(|_| x.offset >= r.log.log_start_offset()) else { continue };
            let later = survivors.get(k.as_str()).map(|s| s.offset);
            let superseded = later.is_some_and(|o| o > x.offset);
            let removed_later = round.removed.iter().filter(|y| y.key.as_ref() == Some(k)).map(|y| y.offset).max();
            // The key's latest record below the bound went: only a tombstone past its horizon may.
            let expired_chain = later.is_none() && removed_later.and_then(|o| round.removed.iter().find(|y| y.offset == o)).is_some_and(|y| y.expired_tombstone.is_some_and(|h| h <= now));
            if !superseded && !expired_chain {
                add("L-I9", format!("broker {b} removed offset {} of key {k}, whose latest record below {end} is not kept", x.offset));
            }
            if let Some(h) = x.expired_tombstone.filter(|_| later.is_none_or(|o| o < x.offset)) {
                if h > now {
                    add("L-I11", format!("broker {b} removed the tombstone at {} before its horizon {h}", x.offset));
                }
                match self.first_kept.get(&(r.tp.clone(), x.offset)) {
                    Some(t) if now >= t.saturating_add(cfg.delete_retention_ms) => {}
                    first => add("L-I11", format!("broker {b} removed the tombstone at {} at {now}, {} + delete.retention.ms {}", x.offset, first.map_or("never kept".into(), |t| format!("first kept at {t}")), cfg.delete_retention_ms)),
                }
                // CC16: a replica that still holds an older record of the key and has not
                // fetched the tombstone will never see the delete.
                let behind = c.brokers.values().filter_map(|o| o.replicas.get(&r.tp)).any(|o| {
                    o.broker != b && o.log.log_end_offset() <= x.offset && o.log.records().any(|y| y.key.as_ref() == Some(k))
                });
                if behind {
                    self.hazards.insert((r.tp.clone(), k.clone()), ());
                }
            }
        }
    }

    /// L-I14 over the running replicas of a compact-only partition.
    fn check_agreement(&self, c: &Cluster, tp: &TopicPartition, out: &mut Vec<Finding>) {
        let replicas: Vec<&Replica> = c.brokers.values().filter(|b| b.is_running()).filter_map(|b| b.replicas.get(tp)).collect();
        if replicas.first().is_none_or(|r| r.log.config().cleanup_policy != CleanupPolicy::Compact) {
            return;
        }
        for (i, a) in replicas.iter().enumerate() {
            for b in &replicas[i + 1..] {
                let h = a.log.high_watermark().min(b.log.high_watermark());
                let ckpt = |r: &Replica| r.log.cleaner_checkpoint().unwrap_or(Offset(0));
                if h < ckpt(a).max(ckpt(b)) {
                    continue;
                }
                let (la, lb) = (latest_per_key(&a.log, h), latest_per_key(&b.log, h));
                let value = |m: &LiteMap<&str, &crate::log::Record>, k: &str| m.get(k).and_then(|r| r.value.as_str().map(str::to_owned));
                for k in la.iter().map(|(k, _)| *k).chain(lb.iter().map(|(k, _)| *k)) {
                    if self.hazards.contains_key(&(tp.clone(), k.to_string())) {
                        continue;
                    }
                    let (va, vb) = (value(&la, k), value(&lb, k));
                    if va != vb {
                        let show = |v: &Option<String>| v.clone().unwrap_or_else(|| "none".into());
                        out.push((
                            "L-I14".into(),
                            Some(tp.clone()),
                            true,
                            format!("brokers {} and {} disagree on key {k} below {h}: {} vs {}", a.broker, b.broker, show(&va), show(&vb)),
                        ));
                        return;
                    }
                }
            }
        }
    }
}

/// CC3–CC6 from a log's state, written directly from PROTOCOL-LOG's wording (not with the
/// cleaner's code), for L-I8 and L-I12.
struct Recomputed {
    first_dirty: Offset,
    bound: Offset,
    cleanable: u64,
    clean: u64,
    need_now: bool,
}

fn recompute(bf: &crate::cleaner::Before, cfg: crate::log::LogConfig, now: TimeMs) -> Recomputed {
    let segs = &bf.segments;
    let last = segs.len() - 1;
    let upper = |i: usize| segs.get(i + 1).map_or(bf.log_end, |s| s.0);
    // CC3.
    let first_dirty = match bf.checkpoint {
        Some(c) if bf.log_start <= c && c <= bf.log_end => c,
        _ => bf.log_start,
    };
    // The non-active segments from the one holding the first dirty offset on.
    let dirty: Vec<usize> = (0..last).filter(|&i| upper(i) > first_dirty).collect();
    let active = segs[last].0;
    // CC4.
    let lagged = |i: &usize| i128::from(segs[*i].3) > i128::from(now) - i128::from(cfg.min_compaction_lag_ms);
    let m = if cfg.min_compaction_lag_ms > 0 { dirty.iter().find(|i| lagged(i)).map_or(active, |&i| segs[i].0) } else { active };
    let u = first_dirty.max(bf.high_watermark.min(active).min(m));
    // CC5.
    let bound = if u >= active { active } else { segs[(0..last).find(|&i| segs[i].0 <= u && u < upper(i)).unwrap_or(last)].0 };
    let low = first_dirty.min(bound);
    let cleanable = (0..last).filter(|&i| segs[i].0 < bound && upper(i) > low).map(|i| segs[i].1).sum();
    let clean = segs.iter().filter(|s| s.0 < first_dirty).map(|s| s.1).sum();
    // CC6.
    let oldest = dirty.iter().filter_map(|&i| segs[i].4).filter(|t| *t > 0).min();
    let need_now = oldest.is_some_and(|t| i128::from(t) < i128::from(now) - i128::from(cfg.max_compaction_lag_ms));
    Recomputed { first_dirty, bound, cleanable, clean, need_now }
}
