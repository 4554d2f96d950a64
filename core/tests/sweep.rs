//! Seed sweeps: random configurations and fault schedules (produce, clean/unclean/lossy
//! crashes, restarts, isolation, healing, slowness, time) checked by the invariant checker
//! after every step. A failure prints the seed; replay it with
//! `KPLAY_SEED=<seed> cargo test -p kplay-core --test sweep replay -- --nocapture`, or print
//! its trace with `cargo run -p kplay-core --example replay -- <seed> 500 <from> [groups|moves]`.
//! The full sweep (10,000 × 500 steps) is `cargo run --release -p kplay-core --example sweep`.

use kplay_core::schedule;
use kplay_core::ClusterConfig;

const STEPS: usize = 500;

fn unexplained(seed: u64, c: &kplay_core::Cluster) -> Vec<String> {
    c.checker
        .violations
        .iter()
        .filter(|v| !v.explained)
        .map(|v| format!("seed {seed}: {} at step {} on {:?}: {}", v.invariant, v.step, v.tp, v.detail))
        .collect()
}

#[test]
fn default_configuration_never_violates_an_invariant_unexplained() {
    let schedules: u64 = std::env::var("KPLAY_SWEEP").ok().and_then(|v| v.parse().ok()).unwrap_or(150);
    let mut failures = Vec::new();
    let mut events = 0;
    for seed in 0..schedules {
        let c = schedule::run(seed, STEPS, None);
        events += c.event_count();
        failures.extend(unexplained(seed, &c));
        if failures.len() > 20 {
            break;
        }
    }
    assert!(failures.is_empty(), "{} unexplained violations:\n{}", failures.len(), failures.join("\n"));
    assert!(events > schedules * 200, "the schedules should exercise the protocol ({events} events)");
}

/// The sweep with group clients (PROTOCOL-GROUPS.md §3 G-I1–G-I3 among the checks): offsets
/// committed and fetched through `__consumer_offsets` while brokers crash, restart and split.
#[test]
fn groups_never_violate_an_invariant_unexplained() {
    let schedules: u64 = std::env::var("KPLAY_SWEEP").ok().and_then(|v| v.parse().ok()).unwrap_or(100);
    let (mut failures, mut commits) = (Vec::new(), 0);
    for seed in 0..schedules {
        let c = schedule::run_groups(seed, STEPS);
        commits += c.groups.clients.len();
        failures.extend(unexplained(seed, &c));
        if failures.len() > 20 {
            break;
        }
    }
    assert!(failures.is_empty(), "{} unexplained violations:\n{}", failures.len(), failures.join("\n"));
    assert!(commits > schedules as usize, "the schedules should exercise the group clients ({commits})");
}

/// The sweep with consumers of classic groups (PROTOCOL-GROUPS.md §3 G-I1–G-I7, G-I16 among
/// the checks): consumers join, leave, crash, restart and stall past max.poll.interval.ms while
/// brokers crash, restart and split.
#[test]
fn consumers_never_violate_an_invariant_unexplained() {
    let schedules: u64 = std::env::var("KPLAY_SWEEP").ok().and_then(|v| v.parse().ok()).unwrap_or(100);
    let (mut failures, mut joined, mut delivered) = (Vec::new(), 0, 0);
    for seed in 0..schedules {
        let c = schedule::run_consumers(seed, STEPS);
        joined += c.groups.members.values().filter(|m| !m.member_id.is_empty()).count();
        delivered += c.groups.delivered.values().map(|d| d.len()).sum::<usize>();
        failures.extend(unexplained(seed, &c));
        if failures.len() > 20 {
            break;
        }
    }
    assert!(failures.is_empty(), "{} unexplained violations:\n{}", failures.len(), failures.join("\n"));
    assert!(joined > schedules as usize && delivered > schedules as usize * 5, "the schedules should exercise consumers: {joined} consumers joined a group, {delivered} offsets delivered");
}

/// The sweep with partition reassignments (PROTOCOL-KRAFT.md RA1–RA7, K-I17, K-I18 among the
/// checks): moves started, completed and cancelled, and brokers added, while brokers crash,
/// restart and split.
#[test]
fn reassignments_never_violate_an_invariant_unexplained() {
    let schedules: u64 = std::env::var("KPLAY_SWEEP").ok().and_then(|v| v.parse().ok()).unwrap_or(150);
    let (mut failures, mut completed, mut cancelled, mut added) = (Vec::new(), 0, 0, 0);
    for seed in 0..schedules {
        let c = schedule::run_moves(seed, STEPS);
        failures.extend(unexplained(seed, &c));
        completed += c.checker.moves_completed;
        cancelled += c.checker.moves_cancelled;
        added += c.brokers.len().saturating_sub(c.config().brokers as usize);
        if failures.len() > 20 {
            break;
        }
    }
    assert!(failures.is_empty(), "{} unexplained violations:\n{}", failures.len(), failures.join("\n"));
    assert!(completed > schedules as usize / 2 && cancelled > 10 && added > 10, "the schedules should exercise moves: {completed} completed, {cancelled} cancelled, {added} brokers added");
}

/// The sweep with retention (PROTOCOL-LOG.md RT1–RT7, LF1; L-I6, L-I7 among the checks):
/// short segments deleted by time and by size on every replica, on its own HW, while brokers
/// crash, restart and split, and followers learn the leader's log start.
#[test]
fn retention_never_violates_an_invariant_unexplained() {
    let schedules: u64 = std::env::var("KPLAY_SWEEP").ok().and_then(|v| v.parse().ok()).unwrap_or(150);
    let (mut failures, mut deleted) = (Vec::new(), 0);
    for seed in 0..schedules {
        let c = schedule::run_retention(seed, STEPS);
        failures.extend(unexplained(seed, &c));
        deleted += c.checker.segments_deleted;
        if failures.len() > 20 {
            break;
        }
    }
    assert!(failures.is_empty(), "{} unexplained violations:\n{}", failures.len(), failures.join("\n"));
    assert!(deleted > schedules as usize, "the schedules should exercise retention: {deleted} segments deleted");
}

/// The sweep with compaction (PROTOCOL-LOG.md CC1–CC18; L-I8–L-I14 among the checks, and the
/// replication invariants over logs with holes): every broker's cleaner compacts its own
/// replicas of compacted topics, keyed records and tombstones, while brokers crash, restart and
/// split and followers fetch across the leader's holes.
#[test]
fn compaction_never_violates_an_invariant_unexplained() {
    let schedules: u64 = std::env::var("KPLAY_SWEEP").ok().and_then(|v| v.parse().ok()).unwrap_or(150);
    let (mut failures, mut rounds, mut removed) = (Vec::new(), 0, 0);
    for seed in 0..schedules {
        let c = schedule::run_compaction(seed, STEPS);
        failures.extend(unexplained(seed, &c));
        rounds += c.checker.cleaner.rounds;
        removed += c.checker.cleaner.removed;
        if failures.len() > 20 {
            break;
        }
    }
    assert!(failures.is_empty(), "{} unexplained violations:\n{}", failures.len(), failures.join("\n"));
    assert!(rounds > schedules as usize && removed > schedules as usize, "the schedules should exercise the cleaner: {rounds} rounds removed {removed} records");
}

/// The sweep with Eligible Leader Replicas (PROTOCOL-KRAFT.md EL1–EL9; K-I14, K-I15 and, as
/// K-I16 asks, P-I8/I9 among the checks): brokers fenced, crashed cleanly, uncleanly and lossily,
/// restarted, isolated; ISRs that empty, elections from the ELR and of the last known leader.
#[cfg(feature = "kraft")]
#[test]
fn elr_never_violates_an_invariant_unexplained() {
    let schedules: u64 = std::env::var("KPLAY_SWEEP").ok().and_then(|v| v.parse().ok()).unwrap_or(150);
    let (mut failures, mut from_elr, mut last_known, mut emptied) = (Vec::new(), 0, 0, 0);
    for seed in 0..schedules {
        let c = schedule::run_elr(seed, STEPS);
        let [a, b, e] = c.checker.elr_exercised;
        (from_elr, last_known, emptied) = (from_elr + a, last_known + b, emptied + e);
        failures.extend(unexplained(seed, &c));
        if failures.len() > 20 {
            break;
        }
    }
    assert!(failures.is_empty(), "{} unexplained violations:\n{}", failures.len(), failures.join("\n"));
    println!("ELR sweep: {schedules} schedules, {from_elr} elections from the ELR, {last_known} of the last known leader, {emptied} ISRs emptied");
    assert!(from_elr > 0 && last_known > 0 && emptied > schedules as usize, "the schedules should exercise ELR: {from_elr} elections from the ELR, {last_known} of the last known leader, {emptied} ISRs emptied");
}

#[test]
fn legacy_hw_mode_with_undetected_fast_restarts_loses_committed_data() {
    let base = ClusterConfig { brokers: 3, min_insync_replicas: 1, ..ClusterConfig::default() };
    let found = (0..400u64).find(|seed| {
        let c = schedule::run(*seed, STEPS, Some(schedule::legacy_hw_config(base.clone())));
        c.checker.violations.iter().any(|v| !v.explained && matches!(v.invariant.as_str(), "I8" | "I9" | "I20"))
    });
    assert!(found.is_some(), "the checker should find committed-data loss in legacy HW mode");
}

#[test]
fn replay() {
    let Some(seed) = std::env::var("KPLAY_SEED").ok().and_then(|v| v.parse().ok()) else { return };
    let c = schedule::run(seed, STEPS, None);
    for v in &c.checker.violations {
        println!("{} step {} {:?} explained={} {}", v.invariant, v.step, v.tp, v.explained, v.detail);
    }
}

#[test]
fn the_incremental_checker_finds_what_the_full_one_finds() {
    for seed in 0..60u64 {
        let fast = schedule::run(seed, 300, None);
        let full = schedule::run_with(seed, 300, None, |c| c.checker.set_full(true));
        let ids = |c: &kplay_core::Cluster| c.checker.violations.iter().map(|v| (v.invariant.clone(), v.step, v.explained)).collect::<Vec<_>>();
        assert_eq!(ids(&fast), ids(&full), "seed {seed}");
    }
}
