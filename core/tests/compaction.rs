//! The log cleaner (PROTOCOL-LOG.md CC1–CC18) as properties and through the cluster: a
//! compacted log keeps exactly the latest record per key below the cleanable bound (CC7, CC9),
//! tombstones until their horizon (CC10), everything from the bound on untouched (CC5, CC15),
//! offsets and contents unchanged (CC13); and replicas clean independently (CC1).
#![cfg(not(target_arch = "wasm32"))]

use kplay_core::cleaner::{clean, plan};
use kplay_core::ids::{LeaderEpoch, Offset};
use kplay_core::log::{CleanupPolicy, DirtyRatio, Log, LogConfig, Record, Value};
use proptest::prelude::*;
use std::collections::BTreeMap;

/// A record as produced: `(key, tombstone)`, one a millisecond, in chunks between rounds.
fn arb_records() -> impl Strategy<Value = Vec<(u8, bool)>> {
    prop::collection::vec((0u8..6, prop::bool::weighted(0.2)), 1..60)
}

static ROUNDS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
static EXPIRED: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    /// CC7 + CC9 + CC10 + CC13, round after round, over the input as produced.
    #[test]
    fn a_compacted_log_keeps_exactly_the_latest_record_per_key_below_the_bound(
        records in arb_records(),
        segment in 2u32..5,
        ratio in prop::sample::select(vec![0.0, 0.25, 0.5]),
        retention in prop::sample::select(vec![0u64, 50, 100_000]),
        rounds in prop::collection::vec((prop::sample::select(vec![1u64, 25, 49, 50, 51, 100, 399]), 0usize..20), 1..8),
    ) {
        let cfg = LogConfig { segment_records: segment, segment_bytes: 1 << 30, cleanup_policy: CleanupPolicy::Compact, min_cleanable_dirty_ratio: DirtyRatio(ratio), delete_retention_ms: retention, ..LogConfig::default() };
        let mut log = Log::new(cfg);
        let mut produced: Vec<Record> = Vec::new();
        // The first time a round kept each tombstone (its horizon counts from there).
        let mut kept_at: BTreeMap<i64, u64> = BTreeMap::new();
        let mut now = 0;
        let mut ckpt = Offset(0);
        let mut next = records.iter().enumerate();
        for (dt, chunk) in rounds {
            // Records arrive, then time passes, then the cleaner runs.
            for (i, (k, tomb)) in next.by_ref().take(chunk) {
                now += 1;
                let value = if *tomb { Value::TOMBSTONE } else { Value::from(format!("v{i}")) };
                let r = Record { offset: Offset(i as i64), epoch: LeaderEpoch(0), key: Some(format!("k{k}")), value, timestamp_ms: now };
                produced.push(r.clone());
                log.append(r);
            }
            log.set_high_watermark(log.log_end_offset());
            now += dt;
            let p = plan(&log, now);
            prop_assert!(p.first_dirty >= ckpt, "L-I13: the checkpoint never goes back");
            if !p.eligible {
                continue;
            }
            let end = p.bound;
            let before: Vec<Record> = log.records().cloned().collect();
            let round = clean(&mut log, p, now);
            ROUNDS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            if round.removed.iter().any(|r| r.expired_tombstone.is_some()) {
                EXPIRED.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            }
            ckpt = round.end_offset;
            prop_assert_eq!(log.cleaner_checkpoint(), Some(end));
            for (o, _) in &round.horizons {
                kept_at.entry(o.0).or_insert(now);
            }
            // The latest record per key below the bound, among those there before the round.
            let mut latest: BTreeMap<&str, &Record> = BTreeMap::new();
            for r in before.iter().filter(|r| r.offset < end) {
                latest.insert(r.key.as_deref().unwrap(), r);
            }
            for r in &before {
                let there = log.record_at(r.offset);
                if r.offset >= end {
                    prop_assert_eq!(there, Some(r), "CC5: offset {} at or above the bound {} is untouched", r.offset, end);
                    continue;
                }
                let is_latest = latest[r.key.as_deref().unwrap()].offset == r.offset;
                let expired = r.value.is_tombstone() && kept_at.get(&r.offset.0).is_some_and(|t| now >= t + retention) && !round.horizons.iter().any(|(o, _)| *o == r.offset);
                let keep = is_latest && !expired;
                prop_assert_eq!(there.is_some(), keep, "offset {} ({:?}) latest {} expired {}", r.offset, r, is_latest, expired);
                if let Some(x) = there {
                    prop_assert_eq!(x, r, "CC13: contents never change");
                    prop_assert_eq!(&produced[r.offset.0 as usize], r);
                }
            }
            prop_assert_eq!((log.log_start_offset(), log.high_watermark()), (Offset(0), Offset(produced.len() as i64)), "CC13: ls, HW, LEO unchanged");
            let offs: Vec<i64> = log.records().map(|r| r.offset.0).collect();
            prop_assert!(offs.windows(2).all(|w| w[0] < w[1]), "L-I4: offsets strictly increase");
            prop_assert!(log.segments().windows(2).all(|w| w[0].base_offset < w[1].base_offset), "L-I2: bases strictly increase");
        }
    }
}

/// The property above exercises the cleaner: rounds that remove expired tombstones among them.
#[test]
fn the_property_runs_rounds_that_expire_tombstones() {
    a_compacted_log_keeps_exactly_the_latest_record_per_key_below_the_bound();
    let (rounds, expired) = (ROUNDS.load(std::sync::atomic::Ordering::Relaxed), EXPIRED.load(std::sync::atomic::Ordering::Relaxed));
    eprintln!("{rounds} rounds, {expired} with an expired tombstone");
    assert!(rounds > 400 && expired > 20, "{rounds} rounds, {expired} with an expired tombstone");
}
