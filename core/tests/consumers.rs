//! Consumers of a classic group inside the cluster (PROTOCOL-GROUPS.md §2.2 CL2–CL16, §2.6
//! OC1–OC10): they find the coordinator through `__consumer_offsets`, join, sync, heartbeat,
//! poll their partitions from the leaders and commit — and a crash shows the redelivery from
//! the last commit exactly where Kafka produces it (GS3).

use kplay_core::command::ConsumerSettings;
use kplay_core::config::{AutoConfig, ClusterConfig, NetworkConfig, TopicConfig};
use kplay_core::event::{Event, TimedEvent};
use kplay_core::group::member::{MemberState, Note, OffsetReset};
use kplay_core::ids::TopicPartition;
use kplay_core::message::Acks;
use kplay_core::{Cluster, Command};
use std::collections::{BTreeMap, BTreeSet};

fn cluster(seed: u64) -> Cluster {
    let config = ClusterConfig {
        brokers: 3,
        topics: vec![TopicConfig { name: "t".into(), partitions: 4, replication_factor: 3, ..Default::default() }],
        min_insync_replicas: 2,
        auto: AutoConfig::ALL,
        network: NetworkConfig { min_delay_ms: 2, max_delay_ms: 8, slow_extra_ms: 400 },
        ..ClusterConfig::default()
    };
    Cluster::new(config, seed).expect("valid")
}

fn settings() -> ConsumerSettings {
    ConsumerSettings {
        assignors: Some(vec!["range".into()]),
        session_timeout_ms: Some(10_000),
        heartbeat_interval_ms: Some(1_000),
        auto_offset_reset: Some(OffsetReset::Earliest),
        ..ConsumerSettings::default()
    }
}

fn start(c: &mut Cluster, member: &str, s: ConsumerSettings) -> Vec<TimedEvent> {
    c.apply(&Command::StartConsumer { group: "g".into(), member: member.into(), topics: vec!["t".into()], settings: s }).expect("valid")
}

fn produce(c: &mut Cluster, per_partition: u32, tag: &str) {
    for p in 0..4 {
        for i in 0..per_partition {
            c.apply(&Command::Produce { topic: "t".into(), partition: Some(p), key: None, value: format!("{tag}{p}-{i}").into(), acks: Acks::All, to: None }).expect("valid");
        }
    }
}

fn advance(c: &mut Cluster, ms: u64) -> Vec<TimedEvent> {
    c.apply(&Command::Advance { ms }).expect("valid")
}

/// `(member, tp, offset)` of every record delivered in `events`.
fn deliveries(events: &[TimedEvent]) -> Vec<(String, TopicPartition, i64)> {
    let mut out = Vec::new();
    for e in events {
        if let Event::RecordsConsumed { member, tp, first, last, .. } = &e.event {
            for o in first.0..=last.0 {
                out.push((member.clone(), tp.clone(), o));
            }
        }
    }
    out
}

fn owned(c: &Cluster, member: &str) -> Vec<u32> {
    c.groups.members.get(member).expect("a consumer").owned.iter().map(|tp| tp.partition).collect()
}

/// CL2, CL5, CL6, CL12 in the cluster, then GS3: two range consumers share t (c1-1 gets
/// t-0, t-1; c2-2 gets t-2, t-3); every record is delivered once. c2 crashes between two
/// auto-commits: after its session times out (CL8) the group rebalances, c1 owns all four and
/// replays t-2/t-3 from their committed offsets (OC10) — exactly the records c2 had consumed
/// past its last acknowledged commit are delivered twice, and nothing is skipped.
#[test]
fn gs3_crash_redelivers_from_the_last_commit() {
    let mut c = cluster(11);
    produce(&mut c, 5, "a");
    let mut all = start(&mut c, "c1", settings());
    all.extend(advance(&mut c, 100));
    all.extend(start(&mut c, "c2", settings()));
    all.extend(advance(&mut c, 20_000));
    let (m1, m2) = (&c.groups.members.get("c1").expect("a consumer"), &c.groups.members.get("c2").expect("a consumer"));
    assert_eq!((m1.state, m2.state), (MemberState::Stable, MemberState::Stable));
    assert_eq!(m1.generation, m2.generation);
    assert_eq!((owned(&c, "c1"), owned(&c, "c2")), (vec![0, 1], vec![2, 3]), "AS1 range over c1-1 < c2-2");
    let before = deliveries(&all);
    let distinct: BTreeSet<(TopicPartition, i64)> = before.iter().map(|(_, tp, o)| (tp.clone(), *o)).collect();
    assert_eq!(distinct.len(), 20, "every record once: {before:?}");

    // New records; c2 consumes some of them, then crashes before its next auto-commit has
    // been acknowledged for all of them.
    produce(&mut c, 6, "b");
    let mut tail = advance(&mut c, 1_500);
    let generation = c.groups.members.get("c1").expect("a consumer").generation;
    let coordinator = c.groups.members.get("c1").expect("a consumer").coordinator.expect("known");
    let committed: BTreeMap<u32, i64> = c.groups.coordinators[&coordinator]
        .contexts
        .values()
        .find_map(|ctx| ctx.offsets.get("g"))
        .map(|o| o.iter().map(|(tp, off)| (tp.partition, *off)).collect())
        .unwrap_or_default();
    tail.extend(c.apply(&Command::CrashConsumer { member: "c2".into() }).expect("valid"));
    tail.extend(advance(&mut c, 30_000));
    let m1 = &c.groups.members.get("c1").expect("a consumer");
    assert_eq!(m1.state, MemberState::Stable);
    assert!(m1.generation > generation, "a new generation after c2's session expired");
    assert_eq!(owned(&c, "c1"), vec![0, 1, 2, 3]);
    let removed: Vec<String> = tail.iter().filter_map(|e| if let Event::GroupMemberRemoved { member, reason, .. } = &e.event { Some(format!("{member} {reason}")) } else { None }).collect();
    assert!(removed.iter().any(|r| r.starts_with("c2-")), "CL8 removes c2: {removed:?}");

    // The duplicates: what c2 consumed at or past the committed offset at its crash.
    let delivered = deliveries(&all.iter().chain(&tail).cloned().collect::<Vec<_>>());
    let mut expected: BTreeSet<(u32, i64)> = BTreeSet::new();
    for (m, tp, o) in &delivered {
        if m == "c2" && *o >= committed.get(&tp.partition).copied().unwrap_or(0) {
            expected.insert((tp.partition, *o));
        }
    }
    let mut count: BTreeMap<(u32, i64), u32> = BTreeMap::new();
    for (_, tp, o) in &delivered {
        *count.entry((tp.partition, *o)).or_default() += 1;
    }
    let twice: BTreeSet<(u32, i64)> = count.iter().filter(|(_, n)| **n > 1).map(|(k, _)| *k).collect();
    assert!(!expected.is_empty(), "c2 had consumed past its last commit: {committed:?}");
    assert_eq!(twice, expected, "redelivered exactly from the last commit (OC10)");
    assert_eq!(count.len(), 44, "nothing skipped: every offset of 4 × 11 records delivered");
    let reported: u32 = tail.iter().filter_map(|e| if let Event::RecordsConsumed { duplicates, .. } = &e.event { Some(*duplicates) } else { None }).sum();
    assert_eq!(reported as usize, expected.len(), "the events count the same duplicates");
    assert!(c.checker.violations.is_empty(), "{:?}", c.checker.violations);
}

/// GS1: a second member joins a Stable EAGER group: c1 commits in onJoinPrepare (auto-commit)
/// and revokes everything; after the rebalance each resumes exactly there — no duplicates.
#[test]
fn gs1_eager_join_revokes_all_and_resumes_exactly() {
    let mut c = cluster(5);
    produce(&mut c, 5, "a");
    let mut all = start(&mut c, "c1", settings());
    all.extend(advance(&mut c, 10_000));
    assert_eq!(owned(&c, "c1"), vec![0, 1, 2, 3]);
    produce(&mut c, 3, "b");
    all.extend(advance(&mut c, 500));
    all.extend(start(&mut c, "c2", settings()));
    all.extend(advance(&mut c, 15_000));
    assert_eq!((owned(&c, "c1"), owned(&c, "c2")), (vec![0, 1], vec![2, 3]));
    let revoked = all.iter().any(|e| matches!(&e.event, Event::ConsumerMember { member, note: Note::Revoked { partitions }, .. } if member == "c1" && partitions.len() == 4));
    assert!(revoked, "EAGER: c1 revokes all four (CL11)");
    let d = deliveries(&all);
    assert_eq!(d.len(), 32, "each of 4 × 8 records once: {d:?}");
    assert!(c.checker.violations.is_empty(), "{:?}", c.checker.violations);
}

/// Bad consumer commands are refused by name; a file carries the command both ways.
#[test]
fn consumer_commands_are_validated_and_round_trip() {
    let mut c = cluster(1);
    let bad = |s: ConsumerSettings| Command::StartConsumer { group: "g".into(), member: "c1".into(), topics: vec!["t".into()], settings: s };
    let e = c.apply(&bad(ConsumerSettings { assignors: Some(vec!["fair".into()]), ..ConsumerSettings::default() })).unwrap_err().to_string();
    assert!(e.contains("unknown assignor `fair`"), "{e}");
    let e = c.apply(&Command::StartConsumer { group: "g".into(), member: "c1".into(), topics: vec!["nope".into()], settings: ConsumerSettings::default() }).unwrap_err().to_string();
    assert!(e.contains("`nope`, which is not a topic"), "{e}");
    let e = c.apply(&Command::CrashConsumer { member: "c9".into() }).unwrap_err().to_string();
    assert!(e.contains("there is no consumer c9"), "{e}");
    c.apply(&bad(ConsumerSettings::default())).expect("valid");
    let e = c.apply(&bad(ConsumerSettings::default())).unwrap_err().to_string();
    assert!(e.contains("already running"), "{e}");
    let e = c.apply(&Command::RestartConsumer { member: "c1".into() }).unwrap_err().to_string();
    assert!(e.contains("is running"), "{e}");
    let step = kplay_core::command::Step(bad(settings()));
    let json: serde_json::Value = serde_json::from_str(&step.to_json()).expect("json");
    let back = kplay_core::command::Step::from_value(&json, "step").expect("reads back");
    assert_eq!(back, step);
    assert_eq!(json["auto_offset_reset"], "earliest");
}
