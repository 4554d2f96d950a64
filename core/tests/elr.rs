//! Eligible Leader Replicas (PROTOCOL-KRAFT.md §2.6, EL1–EL9), rule by rule, on pinned runs
//! (every timer off, each command followed by its deliveries), and the checker's K-I14/K-I15.
#![cfg(feature = "kraft")]

use kplay_core::config::{AutoConfig, ClusterConfig, NetworkConfig, TopicConfig};
use kplay_core::controller::ElectionType;
use kplay_core::event::{CrashKind, ElectionKind};
use kplay_core::ids::{BrokerId, LeaderEpoch, TopicPartition};
use kplay_core::message::{Acks, LeaderRecoveryState, PartitionState};
use kplay_core::{Cluster, Command, Event};

fn tp() -> TopicPartition {
    TopicPartition::new("P", 0)
}

fn b(ids: &[u32]) -> Vec<BrokerId> {
    ids.iter().map(|i| BrokerId(*i)).collect()
}

/// P on [1,2,3] led by 1, min ISR 2, the controller on broker 4 (which hosts nothing and
/// never fails here).
fn cluster(elr: bool, f: impl FnOnce(&mut ClusterConfig)) -> Cluster {
    let mut config = ClusterConfig {
        brokers: 4,
        topics: vec![TopicConfig { name: "P".into(), partitions: 1, replication_factor: 3, ..Default::default() }],
        min_insync_replicas: 2,
        eligible_leader_replicas: elr,
        auto: AutoConfig::NONE,
        network: NetworkConfig { min_delay_ms: 0, max_delay_ms: 0, slow_extra_ms: 0 },
        ..ClusterConfig::default()
    };
    f(&mut config);
    let assignment = [(tp(), b(&[1, 2, 3]))].into_iter().collect();
    let mut c = Cluster::with_assignment(config, 1, assignment).expect("valid");
    c.apply(&Command::ElectController { broker: Some(BrokerId(4)) }).expect("valid");
    c
}

/// Applies each command and delivers what it sent; returns the events.
fn run(c: &mut Cluster, cmds: &[Command]) -> Vec<Event> {
    let mut events = Vec::new();
    for cmd in cmds {
        events.extend(c.apply(cmd).unwrap_or_else(|e| panic!("{cmd:?}: {e}")).into_iter().map(|e| e.event));
        events.extend(c.apply(&Command::Step { count: 50 }).unwrap().into_iter().map(|e| e.event));
    }
    events
}

fn st(c: &Cluster) -> &PartitionState {
    &c.controller.partitions[&tp()]
}

fn fence(x: u32) -> Command {
    Command::Fence { broker: BrokerId(x) }
}
fn heartbeat(x: u32) -> Command {
    Command::Heartbeat { broker: BrokerId(x) }
}

fn unexplained(c: &Cluster) -> Vec<String> {
    c.checker.violations.iter().filter(|v| !v.explained).map(|v| format!("{} {}", v.invariant, v.detail)).collect()
}

/// EL3: a replica removed while the ISR stays at min ISR never enters the ELR; one removed
/// below it does, sorted, and EL8: that change bumps the partition epoch, not the leader epoch.
#[test]
fn el3_el8_only_a_replica_leaving_an_isr_below_min_isr_becomes_eligible() {
    let mut c = cluster(true, |_| {});
    run(&mut c, &[fence(2)]);
    assert_eq!((st(&c).isr.clone(), st(&c).elr.members()), (b(&[1, 3]), vec![]), "2 left at min ISR: not eligible");
    run(&mut c, &[fence(3)]);
    let s = st(&c);
    assert_eq!((s.isr.clone(), s.elr.members()), (b(&[1]), b(&[3])));
    assert_eq!((s.leader_epoch, s.partition_epoch.0), (LeaderEpoch(0), 2), "pe +1 per change, no leader-epoch bump");
    assert!(unexplained(&c).is_empty(), "{:?}", unexplained(&c));
}

/// EL4, EL5 ("last replica standing"): with ELR the last ISR member's fence empties the ISR,
/// records it as the last known leader, and an ELR member that comes back leads cleanly with
/// `ISR := [it]`; without ELR the ISR keeps the fenced member and nobody else may lead.
#[test]
fn el4_el5_the_isr_empties_and_an_elr_member_leads_cleanly() {
    let mut c = cluster(true, |_| {});
    run(&mut c, &[fence(2), fence(3), fence(1)]);
    let s = st(&c);
    assert_eq!((s.leader, s.isr.clone(), s.elr.members(), s.elr.last_known()), (None, vec![], b(&[1, 3]), Some(BrokerId(1))));
    let events = run(&mut c, &[heartbeat(3)]);
    assert!(events.iter().any(|e| matches!(e, Event::LeaderElected { kind: ElectionKind::FromElr, leader: Some(BrokerId(3)), .. })), "{events:?}");
    let s = st(&c);
    assert_eq!((s.leader, s.isr.clone(), s.elr.members(), s.elr.last_known()), (Some(BrokerId(3)), b(&[3]), b(&[1]), None));
    assert_eq!(s.leader_recovery_state, LeaderRecoveryState::Recovered, "an election from the ELR is clean");
    assert!(unexplained(&c).is_empty(), "{:?}", unexplained(&c));

    let mut off = cluster(false, |_| {});
    run(&mut off, &[fence(2), fence(3), fence(1), heartbeat(3)]);
    let s = st(&off);
    assert_eq!((s.leader, s.isr.clone(), s.elr.members()), (None, b(&[1]), vec![]), "without ELR 3 may not lead");
}

/// EL7 and KB1: a broker that restarts after an unclean shutdown (no clean-shutdown epoch)
/// leaves every ELR; one that shut down cleanly keeps its place.
#[test]
fn el7_an_unclean_restart_leaves_the_elr_a_clean_one_stays() {
    for (kind, stays) in [(CrashKind::Clean, true), (CrashKind::Unclean, false), (CrashKind::Lossy, false)] {
        let mut c = cluster(true, |_| {});
        run(&mut c, &[fence(2), Command::Crash { broker: BrokerId(3), kind, keep: None }, fence(3)]);
        assert_eq!(st(&c).elr.members(), b(&[3]), "{kind:?}");
        let events = run(&mut c, &[Command::Restart { broker: BrokerId(3) }]);
        let detected = events.iter().any(|e| matches!(e, Event::UncleanShutdownDetected { broker: BrokerId(3) }));
        assert_eq!(detected, !stays, "{kind:?}: {events:?}");
        assert_eq!(st(&c).elr.members(), if stays { b(&[3]) } else { vec![] }, "{kind:?}");
        assert!(unexplained(&c).is_empty(), "{kind:?}: {:?}", unexplained(&c));
    }
}

/// EL6: ISR and ELR empty, one last known leader: it is elected uncleanly (RECOVERING) once
/// it is unfenced, with unclean election off; 4.0's bug elects it while still fenced.
#[test]
fn el6_the_last_known_leader_is_elected_uncleanly() {
    for requires_active in [true, false] {
        let mut c = cluster(true, |cfg| cfg.last_known_leader_requires_active = requires_active);
        let lossy = |x: u32| Command::Crash { broker: BrokerId(x), kind: CrashKind::Lossy, keep: None };
        run(&mut c, &[fence(2), lossy(3), fence(3), lossy(1), fence(1)]);
        assert_eq!((st(&c).elr.members(), st(&c).elr.last_known()), (b(&[1, 3]), Some(BrokerId(1))));
        // Both come back from lost page caches: EL7 takes them out of the ELR.
        // (Without heartbeats a registration unfences at once: fence 1 again.)
        run(&mut c, &[Command::Restart { broker: BrokerId(1) }, fence(1)]);
        assert_eq!(st(&c).elr.members(), b(&[3]));
        run(&mut c, &[Command::Restart { broker: BrokerId(3) }]);
        let s = st(&c);
        if requires_active {
            assert_eq!((s.leader, s.elr.members(), s.elr.last_known()), (None, vec![], Some(BrokerId(1))), "4.1+: 1 is fenced, no leader yet");
            let events = run(&mut c, &[heartbeat(1)]);
            assert!(events.iter().any(|e| matches!(e, Event::LeaderElected { kind: ElectionKind::LastKnownLeader, .. })));
        } else {
            assert_eq!(s.leader, Some(BrokerId(1)), "4.0: elected though fenced (KAFKA-19522)");
            assert!(c.controller.registrations[&BrokerId(1)].fenced);
        }
        let s = st(&c);
        assert_eq!((s.leader, s.isr.clone(), s.elr.members(), s.elr.last_known()), (Some(BrokerId(1)), b(&[1]), vec![], None));
        assert_eq!(s.leader_recovery_state, LeaderRecoveryState::Recovering);
        assert!(c.checker.unclean_elections.get(&tp()).is_some_and(|n| *n == 1), "counted as unclean (explains lost data)");
    }
}

/// EL9: an unclean election clears the ELR; ElectLeaders(UNCLEAN) with a leader writes nothing.
#[test]
fn el9_an_unclean_election_clears_the_elr() {
    let mut c = cluster(true, |_| {});
    run(&mut c, &[fence(2), fence(3), fence(1), heartbeat(2)]);
    assert_eq!((st(&c).leader, st(&c).elr.members()), (None, b(&[1, 3])), "2 is unfenced but not eligible");
    run(&mut c, &[Command::Elect { topic: "P".into(), partition: 0, kind: ElectionType::Unclean }]);
    let s = st(&c);
    assert_eq!((s.leader, s.isr.clone(), s.elr.members(), s.elr.last_known()), (Some(BrokerId(2)), b(&[2]), vec![], None));
    let pe = s.partition_epoch;
    run(&mut c, &[Command::Elect { topic: "P".into(), partition: 0, kind: ElectionType::Unclean }]);
    assert_eq!(st(&c).partition_epoch, pe, "ELECTION_NOT_NEEDED: nothing written");
}

/// EL2 with ELR: below min ISR the HW stays, so an ELR member holds every committed offset
/// and its election loses nothing (K-I16: P-I8 holds); acks=1 writes above the HW are lost.
#[test]
fn k_i16_electing_from_the_elr_loses_no_committed_offset() {
    let mut c = cluster(true, |_| {});
    let produce = |v: &str, acks| Command::Produce { topic: "P".into(), partition: Some(0), key: None, value: v.into(), acks, to: None };
    let fetch = |x: u32| Command::Fetch { broker: BrokerId(x), topic: "P".into(), partition: 0 };
    run(&mut c, &[produce("a", Acks::All), fetch(2), fetch(3), fetch(2), fetch(3)]);
    assert_eq!(c.replica(BrokerId(1), &tp()).unwrap().log.high_watermark().0, 1);
    run(&mut c, &[fence(2), fence(3), produce("b", Acks::Leader)]);
    assert_eq!(c.replica(BrokerId(1), &tp()).unwrap().log.high_watermark().0, 1, "EL2: frozen under min ISR");
    run(&mut c, &[fence(1), heartbeat(3)]);
    assert_eq!(st(&c).leader, Some(BrokerId(3)));
    assert!(unexplained(&c).is_empty(), "{:?}", unexplained(&c));
}

/// The checker's K-I14 on a registration the controller could not have written (an ELR
/// member in the ISR): found, in both the incremental and the full checker.
#[test]
fn k_i14_an_elr_member_in_the_isr_is_found() {
    for full in [false, true] {
        let mut c = cluster(true, |_| {});
        c.checker.set_full(full);
        let mut s = st(&c).clone();
        s.elr = kplay_core::message::Elr::new(&b(&[2]), None);
        s.partition_epoch.0 += 1;
        c.controller.partitions.insert(tp(), s);
        run(&mut c, &[Command::Produce { topic: "P".into(), partition: Some(0), key: None, value: "x".into(), acks: Acks::Leader, to: None }]);
        let found: Vec<String> = c.checker.violations.iter().filter(|v| v.invariant == "K-I14").map(|v| v.detail.clone()).collect();
        assert!(found.iter().any(|d| d.contains("broker 2 is in both ISR {1,2,3} and ELR {2}")), "full={full}: {found:?}");
    }
}

/// K-I14 without ELR: the fields stay empty, and a configuration asking ELR of the legacy HW
/// rule is refused by name.
#[test]
fn elr_needs_hw_gating_and_is_empty_when_off() {
    let mut c = cluster(false, |_| {});
    run(&mut c, &[fence(2), fence(3), fence(1)]);
    assert!(st(&c).elr.is_empty());
    let bad = ClusterConfig { eligible_leader_replicas: true, hw_requires_min_isr: false, ..ClusterConfig::default() };
    let Err(err) = Cluster::new(bad, 1) else { panic!("refused") };
    let err = err.to_string();
    assert!(err.contains("eligible_leader_replicas needs hw_requires_min_isr"), "{err}");
}

/// EL7 then EL6 in one batch: a leaderless partition whose ELR empties when a broker registers
/// after an unclean shutdown elects its (unfenced) last known leader in that same change, before
/// the registration itself (KB1: the EL7 records precede RegisterBrokerRecord), as Kafka's
/// builder tries an election on every change.
#[test]
fn el7_emptying_the_elr_elects_the_last_known_leader_in_the_same_batch() {
    let mut c = cluster(true, |_| {});
    let crash = |x: u32, kind| Command::Crash { broker: BrokerId(x), kind, keep: None };
    run(&mut c, &[fence(3), fence(2), crash(1, CrashKind::Lossy), fence(1)]);
    assert_eq!((st(&c).elr.members(), st(&c).elr.last_known()), (b(&[1, 2]), Some(BrokerId(1))));
    // Broker 1 returns (EL7 takes it out of the ELR) and is unfenced, but 2 is still eligible.
    run(&mut c, &[Command::Restart { broker: BrokerId(1) }]);
    assert_eq!((st(&c).leader, st(&c).elr.members()), (None, b(&[2])));
    assert!(!c.controller.registrations[&BrokerId(1)].fenced);
    let events = run(&mut c, &[crash(2, CrashKind::Unclean), Command::Restart { broker: BrokerId(2) }]);
    let at = |f: &dyn Fn(&Event) -> bool| events.iter().position(f).unwrap_or(usize::MAX);
    let elected = at(&|e| matches!(e, Event::LeaderElected { kind: ElectionKind::LastKnownLeader, leader: Some(BrokerId(1)), .. }));
    let registered = at(&|e| matches!(e, Event::BrokerRegistered { broker: BrokerId(2), .. }));
    assert!(elected < registered && registered < usize::MAX, "elected at {elected}, registered at {registered}: {events:?}");
    assert_eq!(st(&c).leader_recovery_state, LeaderRecoveryState::Recovering);
}

/// EL4's order for PREFERRED (`electPreferredLeader`): the preferred replica, the current
/// leader, another valid replica, the last known leader — never an unclean one, even with
/// unclean election on (`electAnyLeader` alone falls back to it).
#[test]
fn a_preferred_election_is_never_unclean() {
    let doc = r#"{
      "version": 1, "name": "preferred-not-unclean", "seed": 1,
      "config": {"brokers": 4, "topics": [{"name": "P", "partitions": 1, "replication_factor": 3}],
                 "min_insync_replicas": 1, "unclean_leader_election": true,
                 "auto": {"fetch": false, "isr_check": false, "heartbeats": false, "flush": false, "controller_failover": false},
                 "network": {"min_delay_ms": 0, "max_delay_ms": 0}},
      "initial": {"controller": {"broker": 4, "epoch": 1},
                  "partitions": [{"topic": "P", "partition": 0, "replicas": [1, 2, 3], "leader": null, "isr": [1]}]},
      "steps": [{"do": "fence", "broker": 1}, {"do": "step", "count": 20},
                {"do": "elect", "topic": "P", "partition": 0, "kind": "preferred"}, {"do": "step", "count": 20}]
    }"#;
    let s = kplay_core::Scenario::from_json(doc).expect("valid");
    let (c, _) = s.run().expect("runs");
    assert_eq!((st(&c).leader, st(&c).isr.clone()), (None, b(&[1])), "2 and 3 are acceptable but out of the ISR: no unclean preferred election");
    let (c, _) = kplay_core::Scenario { steps: vec![s.steps[0].clone(), s.steps[1].clone(), kplay_core::command::Step(Command::Elect { topic: "P".into(), partition: 0, kind: ElectionType::Unclean })], ..s }.run().expect("runs");
    assert_eq!(st(&c).leader, Some(BrokerId(2)), "ElectLeaders(UNCLEAN) does elect one");
}
