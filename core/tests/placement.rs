//! Rack-aware placement (PROTOCOL-KRAFT.md §2.9, RK1–RK7): a cluster with racks places its
//! topics as KRaft's `StripedReplicaPlacer` does, and losing a whole rack leaves every partition
//! a leader and an ISR.
#![cfg(feature = "kraft")]

use kplay_core::config::{ClusterConfig, TopicConfig};
use kplay_core::event::CrashKind;
use kplay_core::ids::BrokerId;
use kplay_core::message::Acks;
use kplay_core::{Cluster, Command};

fn racked(zero: bool) -> ClusterConfig {
    ClusterConfig {
        brokers: 6,
        topics: vec![TopicConfig { name: "t".into(), partitions: 6, replication_factor: 3, ..Default::default() }],
        racks: [(1, "a"), (2, "a"), (3, "b"), (4, "b"), (5, "c"), (6, "c")].into_iter().map(|(b, r)| (BrokerId(b), r.to_string())).collect(),
        placement_zero_offsets: zero,
        ..ClusterConfig::default()
    }
}

fn assignment(c: &Cluster) -> Vec<Vec<u32>> {
    c.controller.partitions.values().map(|st| st.replicas.iter().map(|b| b.0).collect()).collect()
}

/// RK4–RK6 in zero-offset mode, the whole topic worked by hand: partitions 0–2 as in the
/// placer's unit test ([1,3,5], [4,6,2], [5,1,3]); partition 3 starts epoch 3 at rack a again,
/// each list one further on (a: 2, b: 4, c: 6); partition 4 rack b (b: 3, c: 5, a: 1); partition 5
/// rack c (c: 6, a: 2, b: 4). Epoch 6 would equal the six unfenced brokers and shuffle (RK5).
#[test]
fn rk5_a_racked_topic_is_striped_over_its_racks() {
    let c = Cluster::new(racked(true), 1).expect("valid");
    assert_eq!(assignment(&c), vec![vec![1, 3, 5], vec![4, 6, 2], vec![5, 1, 3], vec![2, 4, 6], vec![3, 5, 1], vec![6, 2, 4]]);
    // Seeded: other offsets, the same RK5 property (every partition on three racks).
    for seed in 0..50 {
        let c = Cluster::new(racked(false), seed).expect("valid");
        let cfg = c.config();
        for p in assignment(&c) {
            let mut racks: Vec<&String> = p.iter().map(|b| &cfg.racks[&BrokerId(*b)]).collect();
            racks.sort();
            racks.dedup();
            assert_eq!(racks.len(), 3, "seed {seed}: {p:?}");
        }
    }
}

/// RK1: without racks the placement is the rack-unaware one, as before racks existed.
#[test]
fn without_racks_the_placement_is_unchanged() {
    let plain = ClusterConfig { racks: Default::default(), ..racked(false) };
    let a = Cluster::new(plain.clone(), 7).expect("valid");
    let b = Cluster::new(ClusterConfig { placement_zero_offsets: true, ..plain }, 7).expect("valid");
    assert_eq!(assignment(&a), assignment(&b), "the zero-offset switch is the striped placer's");
}

/// The point of racks: rack a's two brokers go down together; every partition still has two
/// in-sync replicas on the other racks, a leader among them, and takes acks=all writes.
#[test]
fn losing_a_rack_leaves_every_partition_a_leader_and_min_isr() {
    let mut c = Cluster::new(racked(false), 3).expect("valid");
    for b in [1, 2] {
        c.apply(&Command::Crash { broker: BrokerId(b), kind: CrashKind::Unclean, keep: None }).unwrap();
    }
    c.apply(&Command::Advance { ms: 30_000 }).unwrap();
    for st in c.controller.partitions.values() {
        let leader = st.leader.expect("a leader");
        assert!(![1, 2].contains(&leader.0), "{st:?}");
        assert!(st.isr.len() >= 2 && st.isr.iter().all(|b| b.0 > 2), "{st:?}");
    }
    let before = c.produced.len();
    for p in 0..6 {
        c.apply(&Command::Produce { topic: "t".into(), partition: Some(p), key: None, value: format!("v{p}").into(), acks: Acks::All, to: None }).unwrap();
    }
    c.apply(&Command::Advance { ms: 5_000 }).unwrap();
    let report = kplay_core::report::Report::of(&c);
    assert!(report.produced[before..].iter().all(|p| p.result == "ok"), "{:?}", &report.produced[before..]);
    assert!(c.checker.violations.iter().all(|v| v.explained), "{:?}", c.checker.violations);
}

/// A rack for a broker that does not exist is refused by name.
#[test]
fn a_rack_of_an_unknown_broker_is_refused() {
    let mut cfg = racked(false);
    cfg.racks.insert(BrokerId(9), "z".into());
    let Err(e) = Cluster::new(cfg, 1) else { panic!("refused") };
    assert_eq!(e.to_string(), "racks.9: is not a broker (ids are 1–6)");
}
