//! Partition reassignment inside the cluster (PROTOCOL-KRAFT.md §2.8 RA1–RA7): the controller
//! writes the move, adding replicas are created empty on their brokers and catch up by the
//! normal fetch protocol, the move completes once the ISR covers the target, and removed
//! replicas delete their logs — also when their broker was down at the time.

use kplay_core::config::{AutoConfig, ClusterConfig, NetworkConfig, TopicConfig};
use kplay_core::controller::ElectionType;
use kplay_core::event::{CrashKind, Event, TimedEvent};
use kplay_core::ids::{BrokerId, LeaderEpoch, PartitionEpoch, TopicPartition};
use kplay_core::message::{KafkaError, Message, Node};
use kplay_core::{Cluster, Command};
use litemap::LiteMap;

fn ids(v: &[u32]) -> Vec<BrokerId> {
    v.iter().map(|b| BrokerId(*b)).collect()
}

fn tp() -> TopicPartition {
    TopicPartition::new("t", 0)
}

/// `brokers` brokers, topic `t` with one partition on [1,2,3] led by 1, everything automatic.
fn cluster(brokers: u32) -> Cluster {
    let config = ClusterConfig {
        brokers,
        topics: vec![TopicConfig { name: "t".into(), partitions: 1, replication_factor: 3, ..Default::default() }],
        min_insync_replicas: 2,
        auto: AutoConfig { leader_rebalance: false, controller_failover: false, ..AutoConfig::ALL },
        network: NetworkConfig { min_delay_ms: 2, max_delay_ms: 8, slow_extra_ms: 400 },
        ..ClusterConfig::default()
    };
    let mut assignment = LiteMap::new_vec();
    assignment.insert(tp(), ids(&[1, 2, 3]));
    Cluster::with_assignment(config, 11, assignment).expect("valid")
}

fn run(c: &mut Cluster, cmd: Command) -> Vec<TimedEvent> {
    c.apply(&cmd).unwrap_or_else(|e| panic!("{cmd:?}: {e}"))
}

fn advance(c: &mut Cluster, ms: u64) -> Vec<TimedEvent> {
    run(c, Command::Advance { ms })
}

fn produce(c: &mut Cluster, values: &[&str]) -> Vec<TimedEvent> {
    let mut out = Vec::new();
    for v in values {
        out.extend(run(c, Command::Produce { topic: "t".into(), partition: Some(0), key: None, value: (*v).into(), acks: kplay_core::message::Acks::All, to: None }));
    }
    out
}

fn reassign(c: &mut Cluster, target: &[u32]) -> Vec<TimedEvent> {
    run(c, Command::Reassign { topic: "t".into(), partition: 0, replicas: ids(target) })
}

fn values(c: &Cluster, b: u32) -> Vec<String> {
    c.replica(BrokerId(b), &tp()).map(|r| r.log.records().map(|x| x.value.to_string()).collect()).unwrap_or_default()
}

fn no_violations(c: &Cluster) {
    assert!(c.checker.violations.is_empty(), "{:?}", c.checker.violations);
}

/// RA2–RA6 end to end: [1,2,3] → [4,2,3] on a broker added at run time. 4 registers (E1),
/// is created empty when the move names it (RA4), catches up by fetching, joins the ISR, and
/// that AlterPartition completes the move (RA5): 1 leaves, so the first valid replica of the
/// target, 4, leads with the leader epoch bumped, and 1's AlterPartition is answered
/// NEW_LEADER_ELECTED although written. 1 deletes its replica (RA6).
#[test]
fn ra2_ra6_a_move_onto_a_new_broker_completes_and_the_old_leader_leaves() {
    let mut c = cluster(3);
    produce(&mut c, &["a", "b", "c"]);
    advance(&mut c, 1_000);
    let mut events = run(&mut c, Command::AddBroker {});
    assert!(events.iter().any(|e| e.event == Event::BrokerAdded { broker: BrokerId(4) }));
    events.extend(advance(&mut c, 3_000));
    assert!(c.controller.registrations.get(&BrokerId(4)).is_some_and(|r| !r.fenced), "4 registered and unfenced");
    let before = c.controller.partitions[&tp()].clone();
    let events = reassign(&mut c, &[4, 2, 3]);
    let st = c.controller.partitions[&tp()].clone();
    assert_eq!((st.replicas.clone(), st.adding_replicas.clone(), st.removing_replicas.clone()), (ids(&[4, 2, 3, 1]), ids(&[4]), ids(&[1])), "RA2");
    assert_eq!((st.leader, st.leader_epoch, st.partition_epoch), (Some(BrokerId(1)), before.leader_epoch, PartitionEpoch(before.partition_epoch.0 + 1)), "RA3: no leader-epoch bump");
    assert!(events.iter().any(|e| matches!(&e.event, Event::ReassignmentStarted { target, .. } if *target == ids(&[4, 2, 3]))));
    let events = advance(&mut c, 5_000);
    assert!(events.iter().any(|e| e.event == Event::ReplicaCreated { broker: BrokerId(4), tp: tp() }), "RA4");
    let st = c.controller.partitions[&tp()].clone();
    assert_eq!((st.replicas.clone(), st.isr.len(), st.reassigning()), (ids(&[4, 2, 3]), 3, false), "RA5: complete");
    assert_eq!(st.leader, Some(BrokerId(4)), "RA5: the old leader left; the target's first valid replica leads");
    assert_eq!(st.leader_epoch, LeaderEpoch(before.leader_epoch.0 + 1));
    assert!(events.iter().any(|e| matches!(&e.event, Event::Sent { to: Node::Broker(BrokerId(1)), message: Message::AlterPartitionResponse { error: Some(KafkaError::NewLeaderElected), .. }, .. })), "RA5: NEW_LEADER_ELECTED to the old leader");
    assert!(events.iter().any(|e| e.event == Event::ReplicaDeleted { broker: BrokerId(1), tp: tp() }), "RA6");
    assert!(c.replica(BrokerId(1), &tp()).is_none());
    assert_eq!(values(&c, 4), ["a", "b", "c"], "the new replica holds the whole log");
    // The new leader serves: a write after the move reaches every replica of the target.
    produce(&mut c, &["d"]);
    advance(&mut c, 2_000);
    for b in [4, 2, 3] {
        assert_eq!(values(&c, b), ["a", "b", "c", "d"], "broker {b}");
    }
    no_violations(&c);
}

/// RA6 on registration: a replica removed while its broker was down is a stray when the broker
/// comes back (the controller no longer lists it there), and it is deleted.
#[test]
fn ra6_a_replica_removed_while_its_broker_was_down_is_deleted_when_it_returns() {
    let mut c = cluster(4);
    produce(&mut c, &["a"]);
    advance(&mut c, 1_000);
    run(&mut c, Command::Crash { broker: BrokerId(3), kind: CrashKind::Clean, keep: None });
    advance(&mut c, 1_000);
    reassign(&mut c, &[1, 2, 4]);
    advance(&mut c, 5_000);
    let st = c.controller.partitions[&tp()].clone();
    assert_eq!((st.replicas.clone(), st.reassigning()), (ids(&[1, 2, 4]), false), "completed without 3");
    assert!(c.replica(BrokerId(3), &tp()).is_some(), "3 was down: it still has its old replica");
    run(&mut c, Command::Restart { broker: BrokerId(3) });
    let events = advance(&mut c, 2_000);
    assert!(events.iter().any(|e| e.event == Event::ReplicaDeleted { broker: BrokerId(3), tp: tp() }), "the stray is deleted");
    assert!(c.replica(BrokerId(3), &tp()).is_none());
    assert!(c.brokers[&BrokerId(3)].deleted.contains_key(&tp()));
    no_violations(&c);
}

/// RA4: an adding broker whose LeaderAndIsr was lost has nothing to report for the partition;
/// the controller sends it the state with its next heartbeat answer, and the move completes.
#[test]
fn ra4_an_adding_broker_that_missed_the_move_learns_it_from_its_heartbeat() {
    let mut c = cluster(4);
    produce(&mut c, &["a"]);
    advance(&mut c, 1_000);
    run(&mut c, Command::Cut { from: BrokerId(1), to: BrokerId(4) });
    reassign(&mut c, &[1, 2, 4]);
    advance(&mut c, 500);
    assert!(c.replica(BrokerId(4), &tp()).is_none(), "the state was lost on the cut link");
    run(&mut c, Command::Heal { broker: BrokerId(1) });
    run(&mut c, Command::Heal { broker: BrokerId(4) });
    let events = advance(&mut c, 6_000);
    assert!(events.iter().any(|e| e.event == Event::ReplicaCreated { broker: BrokerId(4), tp: tp() }));
    assert_eq!(c.controller.partitions[&tp()].replicas, ids(&[1, 2, 4]));
    assert_eq!(values(&c, 4), ["a"]);
    no_violations(&c);
}

/// RA1: empty, duplicate and unregistered targets are refused with INVALID_REPLICA_ASSIGNMENT
/// and change nothing; a broker counts once it has registered. RA7: a cancellation without a
/// move is NO_REASSIGNMENT_IN_PROGRESS.
#[test]
fn ra1_ra7_refusals_change_nothing() {
    let mut c = cluster(3);
    let before = c.controller.partitions[&tp()].clone();
    let refused = |events: &[TimedEvent]| events.iter().find_map(|e| if let Event::ReassignmentRefused { error, .. } = e.event { Some(error) } else { None });
    for target in [&[][..], &[1, 1], &[1, 9]] {
        assert_eq!(refused(&reassign(&mut c, target)), Some(KafkaError::InvalidReplicaAssignment), "{target:?}");
    }
    assert_eq!(refused(&run(&mut c, Command::CancelReassignment { topic: "t".into(), partition: 0 })), Some(KafkaError::NoReassignmentInProgress));
    assert_eq!(c.controller.partitions[&tp()], before);
    // A broker just added is not registered until its registration arrives.
    run(&mut c, Command::AddBroker {});
    assert_eq!(refused(&reassign(&mut c, &[4])), Some(KafkaError::InvalidReplicaAssignment), "4 has not registered yet");
    advance(&mut c, 100);
    assert_eq!(refused(&reassign(&mut c, &[4, 1, 2])), None);
    assert!(c.controller.partitions[&tp()].reassigning());
    no_violations(&c);
}

/// RA3: a pure reorder rewrites the replicas only (no move, no leader-epoch bump); the leader
/// is now not the preferred one (PL1), and a preferred election (PL3) moves it; PL2's answers
/// (KS5 and its variant).
#[test]
fn ra3_pl2_a_pure_reorder_then_preferred_elections() {
    let mut c = cluster(3);
    advance(&mut c, 500);
    let before = c.controller.partitions[&tp()].clone();
    reassign(&mut c, &[3, 2, 1]);
    let st = c.controller.partitions[&tp()].clone();
    assert_eq!((st.replicas.clone(), st.reassigning(), st.leader, st.leader_epoch), (ids(&[3, 2, 1]), false, Some(BrokerId(1)), before.leader_epoch));
    assert_eq!(c.controller.imbalanced(), vec![tp()], "PL1");
    let preferred = |c: &mut Cluster| {
        run(c, Command::Elect { topic: "t".into(), partition: 0, kind: ElectionType::Preferred })
            .iter()
            .find_map(|e| if let Event::PreferredElectionResult { error, .. } = e.event { Some(error) } else { None })
            .expect("PL2: a preferred election answers")
    };
    assert_eq!(preferred(&mut c), None, "PL2: written");
    let st = c.controller.partitions[&tp()].clone();
    assert_eq!((st.leader, st.leader_epoch, st.isr.clone()), (Some(BrokerId(3)), LeaderEpoch(before.leader_epoch.0 + 1), before.isr.clone()), "PL3: the ISR is not reordered");
    assert_eq!(preferred(&mut c), Some(KafkaError::ElectionNotNeeded), "KS5 step 3");
    advance(&mut c, 1_000);
    // KS5's variant: the preferred replica is out (fenced, out of the ISR), the current leader
    // is valid: no change, PREFERRED_LEADER_NOT_AVAILABLE.
    run(&mut c, Command::Crash { broker: BrokerId(3), kind: CrashKind::Clean, keep: None });
    advance(&mut c, 1_000);
    let st = c.controller.partitions[&tp()].clone();
    assert_ne!(st.leader, Some(BrokerId(3)));
    assert_eq!(preferred(&mut c), Some(KafkaError::PreferredLeaderNotAvailable));
    assert_eq!(c.controller.partitions[&tp()], st, "nothing written");
    no_violations(&c);
}

/// Scenario files carry the new commands both ways, and a bad one names its field.
#[test]
fn the_commands_round_trip_through_a_scenario_file() {
    use kplay_core::command::Step;
    use kplay_core::scenario::Scenario;
    let text = r#"{"version": 1, "config": {"brokers": 3}, "steps": [
        {"do": "add_broker"},
        {"do": "reassign", "topic": "orders", "partition": 0, "replicas": [4, 1]},
        {"do": "cancel_reassignment", "topic": "orders", "partition": 0}]}"#;
    let s = Scenario::from_json(text).expect("reads");
    let want = [
        Command::AddBroker {},
        Command::Reassign { topic: "orders".into(), partition: 0, replicas: ids(&[4, 1]) },
        Command::CancelReassignment { topic: "orders".into(), partition: 0 },
    ];
    assert_eq!(s.steps.iter().map(|st| st.0.clone()).collect::<Vec<_>>(), want);
    let again = Scenario::from_json(&s.to_json()).expect("reads back");
    assert_eq!(again.steps, s.steps);
    let e = Step::from_value(&serde_json::json!({"do": "add_broker", "id": 4}), "steps[0]").unwrap_err().to_string();
    assert!(e.contains("steps[0]") && e.contains("id"), "{e}");
    let e = Step::from_value(&serde_json::json!({"do": "reassign", "topic": "t", "partition": 0}), "steps[1]").unwrap_err().to_string();
    assert!(e.contains("replicas"), "{e}");
}
