//! The coordinator inside the cluster (PROTOCOL-GROUPS.md §2.1 CP2–CP7, §2.6 OC2, OC5): a
//! client commits and fetches offsets through `__consumer_offsets`, replicated like any topic,
//! and the coordinator moves with the partition's leadership.

use kplay_core::config::{AutoConfig, ClusterConfig, GroupsConfig, NetworkConfig, TopicConfig};
use kplay_core::event::{CrashKind, Event, TimedEvent};
use kplay_core::group::client::Outcome;
use kplay_core::group::coordinator::ContextState;
use kplay_core::group::{partition_for, GroupError};
use kplay_core::ids::{BrokerId, TopicPartition};
use kplay_core::command::OffsetSpec;
use kplay_core::cluster::offsets_tp;
use kplay_core::{Cluster, Command};

fn cluster(groups: GroupsConfig) -> Cluster {
    let config = ClusterConfig {
        brokers: 3,
        topics: vec![TopicConfig { name: "t".into(), partitions: 2, replication_factor: 3, ..Default::default() }],
        auto: AutoConfig::ALL,
        network: NetworkConfig { min_delay_ms: 2, max_delay_ms: 8, slow_extra_ms: 400 },
        groups,
        ..ClusterConfig::default()
    };
    Cluster::new(config, 7).expect("valid")
}

fn commit(c: &mut Cluster, group: &str, offsets: &[(u32, i64)]) -> Vec<TimedEvent> {
    let offsets = offsets.iter().map(|(p, o)| OffsetSpec { topic: "t".into(), partition: *p, offset: *o }).collect();
    c.apply(&Command::CommitOffsets { group: group.into(), client: "admin".into(), offsets }).expect("valid")
}

fn fetch(c: &mut Cluster, group: &str) -> Vec<TimedEvent> {
    c.apply(&Command::FetchOffsets { group: group.into(), client: "admin".into(), topic: "t".into(), partitions: None }).expect("valid")
}

fn advance(c: &mut Cluster, ms: u64) -> Vec<TimedEvent> {
    c.apply(&Command::Advance { ms }).expect("valid")
}

fn done(events: &[TimedEvent]) -> Vec<Outcome> {
    events.iter().filter_map(|e| if let Event::GroupClientDone { outcome, .. } = &e.event { Some(outcome.clone()) } else { None }).collect()
}

fn retries(events: &[TimedEvent]) -> Vec<GroupError> {
    events.iter().filter_map(|e| if let Event::GroupClientRetry { error, .. } = &e.event { Some(*error) } else { None }).collect()
}

fn leader_of(c: &Cluster, tp: &TopicPartition) -> BrokerId {
    c.controller.partitions[tp].leader.expect("a leader")
}

/// CP2: the first FindCoordinator creates `__consumer_offsets` and is answered
/// COORDINATOR_NOT_AVAILABLE; the client looks again after its back-off and finds the leader
/// of partitionFor(g) (CP1). CP6: the commit is answered once it is committed — its record is
/// below the HW of that partition on the coordinator. OC5: the fetch returns it, -1 elsewhere.
#[test]
fn cp2_cp6_oc5_a_first_commit_creates_the_topic_and_is_acknowledged_once_committed() {
    let mut c = cluster(GroupsConfig::default());
    let mut events = commit(&mut c, "g", &[(0, 5)]);
    events.extend(advance(&mut c, 3_000));
    let created = events.iter().find(|e| matches!(e.event, Event::OffsetsTopicCreated { partitions: 3, replication_factor: 3, .. }));
    assert!(created.is_some(), "CP2 creates the topic");
    assert_eq!(retries(&events)[0], GroupError::CoordinatorNotAvailable, "CP2: the first answer");
    let p = partition_for("g", 3);
    let coordinator = leader_of(&c, &offsets_tp(p));
    let found: Vec<BrokerId> = events.iter().filter_map(|e| if let Event::CoordinatorFound { broker, .. } = &e.event { Some(*broker) } else { None }).collect();
    assert_eq!(found.last(), Some(&coordinator), "CP1/CP2: the leader of partitionFor(g)");
    assert_eq!(done(&events), vec![Outcome::Committed]);
    // CP6: the commit's record is committed (below the HW) on the coordinator.
    let r = c.replica(coordinator, &offsets_tp(p)).expect("replica");
    let below_hw = r.log.read(r.log.log_start_offset(), r.log.high_watermark(), usize::MAX);
    assert!(below_hw.iter().any(|rec| rec.key.as_deref() == Some("offset:g:t-0") && rec.value.to_string().contains("\"offset\":5")), "{below_hw:?}");
    let mut events = fetch(&mut c, "g");
    events.extend(advance(&mut c, 1_000));
    assert_eq!(done(&events), vec![Outcome::Fetched(vec![(TopicPartition::new("t", 0), 5), (TopicPartition::new("t", 1), -1)])]);
    assert!(c.checker.violations.is_empty(), "{:?}", c.checker.violations);
}

/// CP3/CP4: while the new leader replays the log the context is LOADING and answers
/// COORDINATOR_LOAD_IN_PROGRESS; the client retries the same broker and is served once the
/// load completes.
#[test]
fn cp3_cp4_a_loading_coordinator_answers_load_in_progress_then_serves() {
    let mut c = cluster(GroupsConfig { coordinator_load_ms: 1_500, ..GroupsConfig::default() });
    let mut events = commit(&mut c, "g", &[(1, 3)]);
    events.extend(advance(&mut c, 5_000));
    let errors = retries(&events);
    assert!(errors.contains(&GroupError::CoordinatorLoadInProgress), "{errors:?}");
    let states: Vec<ContextState> = events.iter().filter_map(|e| if let Event::CoordinatorContext { state, partition, .. } = &e.event { (*partition == partition_for("g", 3)).then_some(*state) } else { None }).collect();
    assert_eq!(states, vec![ContextState::Loading, ContextState::Active]);
    assert_eq!(done(&events), vec![Outcome::Committed]);
}

/// CP6: with the offsets partition's followers down the HW cannot pass the write (P6: frozen
/// under min ISR), so the commit is never acknowledged: after offsets.commit.timeout.ms the
/// coordinator answers COORDINATOR_NOT_AVAILABLE (a retriable error), and the client keeps
/// retrying until default.api.timeout.ms.
#[test]
fn cp6_a_commit_that_cannot_be_committed_is_never_acknowledged() {
    let mut c = cluster(GroupsConfig::default());
    // Create the topic and find the coordinator first.
    commit(&mut c, "g", &[(0, 1)]);
    advance(&mut c, 3_000);
    let tp = offsets_tp(partition_for("g", 3));
    let coordinator = leader_of(&c, &tp);
    for b in c.controller.partitions[&tp].replicas.clone() {
        if b != coordinator {
            c.apply(&Command::Isolate { broker: b }).expect("valid");
        }
    }
    let mut events = commit(&mut c, "g", &[(0, 9)]);
    events.extend(advance(&mut c, 70_000));
    assert!(!done(&events).contains(&Outcome::Committed), "never acknowledged");
    assert!(retries(&events).contains(&GroupError::CoordinatorNotAvailable));
    assert_eq!(done(&events).last(), Some(&Outcome::Failed(GroupError::RequestTimedOut)));
    // …and the fetch from another client, once healed, does not see 9 as committed unless
    // it was committed: what OC5 returns is only what passed the HW.
    for b in [1, 2, 3] {
        c.apply(&Command::Heal { broker: BrokerId(b) }).expect("valid");
    }
    advance(&mut c, 30_000);
    let mut events = fetch(&mut c, "g");
    events.extend(advance(&mut c, 5_000));
    let Some(Outcome::Fetched(offsets)) = done(&events).pop() else { panic!("fetched: {events:?}") };
    assert!([1, 9].contains(&offsets[0].1), "{offsets:?}");
}

/// CP5/CP7: the coordinator's broker crashes; the offsets partition elects a new leader,
/// whose broker loads the group from its replica of the log — the acknowledged commit is
/// there, because CP6 acknowledged it only once it was replicated.
#[test]
fn cp7_after_the_coordinator_crashes_the_new_leader_loads_the_committed_offsets() {
    let mut c = cluster(GroupsConfig::default());
    commit(&mut c, "g", &[(0, 5), (1, 8)]);
    let events = advance(&mut c, 3_000);
    assert_eq!(done(&events), vec![Outcome::Committed]);
    let tp = offsets_tp(partition_for("g", 3));
    let old = leader_of(&c, &tp);
    c.apply(&Command::Crash { broker: old, kind: CrashKind::Unclean, keep: None }).expect("valid");
    let mut events = advance(&mut c, 15_000);
    let new = leader_of(&c, &tp);
    assert_ne!(new, old);
    assert!(events.iter().any(|e| matches!(e.event, Event::CoordinatorContext { broker, state: ContextState::Active, records, .. } if broker == new && records >= 1)));
    events.extend(fetch(&mut c, "g"));
    events.extend(advance(&mut c, 5_000));
    assert_eq!(done(&events).last(), Some(&Outcome::Fetched(vec![(TopicPartition::new("t", 0), 5), (TopicPartition::new("t", 1), 8)])));
    assert!(c.checker.violations.is_empty(), "{:?}", c.checker.violations);
}

/// Nothing about groups happens, and nothing changes, in a cluster that never sees a group:
/// `__consumer_offsets` exists only after a FindCoordinator (CP2).
#[test]
fn a_cluster_without_groups_has_no_offsets_topic() {
    let mut c = cluster(GroupsConfig::default());
    advance(&mut c, 10_000);
    assert!(!c.controller.partitions.keys().any(|tp| tp.topic == "__consumer_offsets"));
}

/// Same seed, same commands: the same trace, groups included.
#[test]
fn group_runs_are_deterministic() {
    let run = || {
        let mut c = cluster(GroupsConfig::default());
        commit(&mut c, "g", &[(0, 5)]);
        advance(&mut c, 2_000);
        c.apply(&Command::Crash { broker: BrokerId(1), kind: CrashKind::Unclean, keep: None }).expect("valid");
        fetch(&mut c, "g");
        advance(&mut c, 20_000);
        c.trace_hash()
    };
    assert_eq!(run(), run());
}

/// G-I1 for reads, as the group sweep found it (seed 131): broker 2 still leads
/// `__consumer_offsets-2` in epoch 0 in its own view while the controller has moved on to epoch
/// 1, and its still-ACTIVE context answers an OffsetFetch from memory — Kafka's zombie
/// coordinator does the same. This is not a violation; a commit there could not be acknowledged
/// (its HW needs the ISR it no longer has).
#[test]
fn g_i1_a_stale_coordinator_serves_reads_from_memory() {
    let c = kplay_core::schedule::run_groups(131, 72);
    let tp = offsets_tp(2);
    let st = &c.controller.partitions[&tp];
    assert_eq!((st.leader, st.leader_epoch.0), (Some(BrokerId(1)), 1));
    let r = c.replica(BrokerId(2), &tp).expect("replica");
    assert!(r.leader_state().is_some() && r.leader_epoch.0 == 0, "broker 2 is a stale leader");
    let ctx = c.groups.coordinators[&BrokerId(2)].contexts.get(&2).expect("context");
    assert_eq!(ctx.state, ContextState::Active);
    assert!(c.checker.violations.iter().all(|v| v.explained), "{:?}", c.checker.violations);
}
