//! One test per PROTOCOL.md rule of the leader side, the controller and the clients: given
//! this state and this input, exactly this happens. (The epoch cache, log and truncation
//! rules have unit tests next to their code; whole tables are in scenarios/conformance.)

use kplay_core::config::{AutoConfig, ClusterConfig, NetworkConfig, TopicConfig};
use kplay_core::controller::ElectionType;
use kplay_core::ids::{BrokerEpoch, BrokerId, LeaderEpoch, Offset, TopicPartition};
use kplay_core::message::{Acks, KafkaError, Message};
use kplay_core::outbox::{Ctx, Outbox};
use kplay_core::partition::{self, FetchAnswer, FetchFields};
use kplay_core::{Cluster, Command};

fn tp() -> TopicPartition {
    TopicPartition::new("t", 0)
}

/// A pinned 3-broker cluster (nothing moves by itself, no network delay), partition t-0 on
/// [1, 2, 3] led by 1 in epoch 0, broker 3 the controller.
fn pinned(min_isr: u32) -> Cluster {
    let config = ClusterConfig {
        brokers: 3,
        topics: vec![TopicConfig { name: "t".into(), partitions: 1, replication_factor: 3, ..Default::default() }],
        min_insync_replicas: min_isr,
        auto: AutoConfig::NONE,
        network: NetworkConfig { min_delay_ms: 0, max_delay_ms: 0, slow_extra_ms: 0 },
        ..ClusterConfig::default()
    };
    let assignment = [(tp(), vec![BrokerId(1), BrokerId(2), BrokerId(3)])].into_iter().collect();
    let mut c = Cluster::with_assignment(config, 1, assignment).expect("valid");
    c.apply(&Command::ElectController { broker: Some(BrokerId(3)) }).expect("valid");
    c
}

fn produce(c: &mut Cluster, v: &str, acks: Acks) {
    c.apply(&Command::Produce { topic: "t".into(), partition: Some(0), key: None, value: v.into(), acks, to: None }).expect("valid");
}

fn fetch(c: &mut Cluster, b: u32) {
    c.apply(&Command::Fetch { broker: BrokerId(b), topic: "t".into(), partition: 0 }).expect("valid");
}

fn result(c: &Cluster, i: usize) -> Option<Result<Option<Offset>, KafkaError>> {
    c.produced[i].result
}

/// Calls a leader-side handler on broker `b`'s replica of t-0 with the cluster's context.
fn on_replica<R>(c: &mut Cluster, b: u32, f: impl FnOnce(&mut kplay_core::replica::Replica, &Ctx, &mut Outbox) -> R) -> (R, Outbox) {
    let config = c.config().clone();
    let registrations = c.controller.registrations.clone();
    let now = c.now_ms();
    let ctx = Ctx { cfg: &config, now, incarnation: 0, controller: c.controller.active, registrations: &registrations };
    let mut out = Outbox::default();
    let r = c.replica_mut(BrokerId(b), &tp()).expect("replica");
    let v = f(r, &ctx, &mut out);
    (v, out)
}

fn fields(replica: u32, fetch_offset: i64, last_epoch: i32, current: i32) -> FetchFields {
    FetchFields {
        correlation_id: 99,
        replica_id: BrokerId(replica),
        replica_epoch: BrokerEpoch(-1),
        fetch_offset: Offset(fetch_offset),
        last_fetched_epoch: LeaderEpoch(last_epoch),
        current_leader_epoch: LeaderEpoch(current),
        max_wait_ms: 0,
    }
}

fn response(a: FetchAnswer) -> Message {
    match a {
        FetchAnswer::Respond(m) => m,
        FetchAnswer::Parked => panic!("parked"),
    }
}

#[test]
fn p2_acks_all_below_min_isr_is_rejected_and_appends_nothing() {
    let mut c = pinned(2);
    c.apply(&Command::Fence { broker: BrokerId(2) }).unwrap();
    c.apply(&Command::Fence { broker: BrokerId(3) }).unwrap();
    produce(&mut c, "x", Acks::All);
    assert_eq!(result(&c, 0), Some(Err(KafkaError::NotEnoughReplicas)));
    assert_eq!(c.replica(BrokerId(1), &tp()).unwrap().log.log_end_offset(), Offset(0));
    produce(&mut c, "y", Acks::Leader); // acks=1 skips the check
    assert_eq!(result(&c, 1), Some(Ok(Some(Offset(0)))));
}

#[test]
fn p5_acks_all_completes_when_the_hw_passes_the_record() {
    let mut c = pinned(2);
    produce(&mut c, "x", Acks::All);
    assert_eq!(result(&c, 0), None, "parked in purgatory");
    fetch(&mut c, 2);
    fetch(&mut c, 3);
    assert_eq!(result(&c, 0), None, "followers fetched at 0: HW still 0");
    fetch(&mut c, 2);
    assert_eq!(result(&c, 0), None, "3 still holds the HW back");
    fetch(&mut c, 3);
    assert_eq!(result(&c, 0), Some(Ok(Some(Offset(0)))));
}

#[test]
fn l1_fetches_from_other_epochs_or_to_a_non_leader_fail() {
    let mut c = pinned(1);
    let (a, out) = on_replica(&mut c, 1, |r, ctx, out| partition::handle_follower_fetch(r, ctx, out, fields(2, 0, -1, 1)));
    assert!(matches!(response(a), Message::FetchResponse { error: Some(KafkaError::UnknownLeaderEpoch), .. }));
    assert!(out.events.is_empty());
    c.apply(&Command::Elect { topic: "t".into(), partition: 0, kind: ElectionType::Clean }).unwrap();
    c.apply(&Command::Fence { broker: BrokerId(1) }).unwrap(); // 2 leads in epoch 1
    let (a, _) = on_replica(&mut c, 2, |r, ctx, out| partition::handle_follower_fetch(r, ctx, out, fields(3, 0, -1, 0)));
    assert!(matches!(response(a), Message::FetchResponse { error: Some(KafkaError::FencedLeaderEpoch), .. }));
    let (a, _) = on_replica(&mut c, 3, |r, ctx, out| partition::handle_follower_fetch(r, ctx, out, fields(2, 0, -1, 1)));
    assert!(matches!(response(a), Message::FetchResponse { error: Some(KafkaError::NotLeaderOrFollower), .. }));
}

#[test]
fn l4_a_diverging_fetch_gets_the_epoch_end_and_leaves_the_follower_state_alone() {
    let mut c = pinned(1);
    produce(&mut c, "a", Acks::Leader); // leader 1: [(0,0,a)], cache {0:0}
    let before = c.replica(BrokerId(1), &tp()).unwrap().leader_state().unwrap().followers[&BrokerId(2)].clone();
    // Follower 2 claims epoch 0 up to offset 3: the leader's epoch 0 ends at its LEO 1.
    let (a, out) = on_replica(&mut c, 1, |r, ctx, out| partition::handle_follower_fetch(r, ctx, out, fields(2, 3, 0, 0)));
    match response(a) {
        Message::FetchResponse { diverging_epoch, records, .. } => {
            assert_eq!(diverging_epoch, Some((LeaderEpoch(0), Offset(1))));
            assert!(records.is_empty());
        }
        other => panic!("{other:?}"),
    }
    assert!(out.events.iter().any(|e| matches!(e, kplay_core::Event::DivergenceDetected { .. })));
    let after = c.replica(BrokerId(1), &tp()).unwrap().leader_state().unwrap().followers[&BrokerId(2)].clone();
    assert_eq!(before, after, "KAFKA-13141: no follower state update on a diverging fetch");
}

#[test]
fn l6_last_caught_up_time_follows_the_three_branches() {
    let mut c = pinned(1);
    produce(&mut c, "a", Acks::Leader);
    produce(&mut c, "b", Acks::Leader); // leader LEO 2
    c.apply(&Command::Advance { ms: 100 }).unwrap();
    // Behind the leader's LEO and behind its LEO at the previous fetch: unchanged (never).
    let rec = |c: &Cluster| c.replica(BrokerId(1), &tp()).unwrap().leader_state().unwrap().followers[&BrokerId(2)].clone();
    on_replica(&mut c, 1, |r, ctx, out| partition::handle_follower_fetch(r, ctx, out, fields(2, 0, -1, 0)));
    let f = rec(&c);
    assert_eq!((f.leo, f.last_fetch_time_ms, f.last_fetch_leader_leo), (Offset(0), Some(100), Offset(2)));
    let caught_up_at_0 = f.last_caught_up_time_ms;
    c.apply(&Command::Advance { ms: 100 }).unwrap();
    // At or past the leader's LEO at the previous fetch (2): caught up as of that fetch (t=100).
    on_replica(&mut c, 1, |r, ctx, out| partition::handle_follower_fetch(r, ctx, out, fields(2, 2, 0, 0)));
    let f = rec(&c);
    assert_eq!(f.last_caught_up_time_ms, Some(200), "2 >= leader LEO 2 at t=200: caught up now");
    assert!(caught_up_at_0.is_none_or(|t| t <= 100));
    produce(&mut c, "c", Acks::Leader); // leader LEO 3
    c.apply(&Command::Advance { ms: 100 }).unwrap();
    on_replica(&mut c, 1, |r, ctx, out| partition::handle_follower_fetch(r, ctx, out, fields(2, 2, 0, 0)));
    assert_eq!(rec(&c).last_caught_up_time_ms, Some(200), "2 < LEO 3, 2 >= previous leader LEO 2: max(200, last fetch 200)");
}

#[test]
fn h2_hw_is_the_smallest_leo_of_the_maximal_isr_and_unknown_blocks_it() {
    let mut c = pinned(1);
    produce(&mut c, "a", Acks::Leader);
    produce(&mut c, "b", Acks::Leader);
    fetch(&mut c, 2);
    fetch(&mut c, 2); // 2 at LEO 2; 3 still UNKNOWN
    assert_eq!(c.replica(BrokerId(1), &tp()).unwrap().log.high_watermark(), Offset(0), "3's UNKNOWN LEO blocks the HW");
    fetch(&mut c, 3); // 3 at 0 → HW min(2, 2, 0) = 0; it receives both records
    fetch(&mut c, 3); // 3 at 2
    assert_eq!(c.replica(BrokerId(1), &tp()).unwrap().log.high_watermark(), Offset(2));
}

#[test]
fn h2_hw_is_frozen_under_min_isr_from_3_7() {
    let mut c = pinned(2);
    c.apply(&Command::Fence { broker: BrokerId(2) }).unwrap();
    c.apply(&Command::Fence { broker: BrokerId(3) }).unwrap();
    produce(&mut c, "a", Acks::Leader);
    assert_eq!(c.replica(BrokerId(1), &tp()).unwrap().log.high_watermark(), Offset(0), "KAFKA-15583 (I26)");
}

#[test]
fn h4_a_new_leader_alone_in_the_isr_takes_its_leo_as_hw() {
    let mut c = pinned(1);
    produce(&mut c, "a", Acks::Leader);
    fetch(&mut c, 2); // 2 has the record, HW 0
    c.apply(&Command::Fence { broker: BrokerId(3) }).unwrap();
    c.apply(&Command::Fence { broker: BrokerId(1) }).unwrap(); // 2 leads with ISR {2}
    let r = c.replica(BrokerId(2), &tp()).unwrap();
    assert_eq!(c.controller.partitions[&tp()].isr, vec![BrokerId(2)]);
    assert_eq!((r.log.high_watermark(), r.leader_state().unwrap().leso), (Offset(1), Offset(1)));
    assert_eq!(r.epoch_cache.latest_epoch(), LeaderEpoch(1), "C2: the new epoch (1: the follower shrink did not bump it) is assigned at the LEO");
}

#[test]
fn s1_a_follower_stays_in_sync_up_to_the_lag_time_inclusive() {
    let mut c = pinned(1);
    produce(&mut c, "a", Acks::Leader);
    fetch(&mut c, 2);
    fetch(&mut c, 3); // both fetched at 0 at t=0: lastCaughtUp = 0 (0 >= leader LEO 0 at the last fetch)
    let lag = c.config().replica_lag_time_max_ms;
    c.apply(&Command::AdvanceTo { time_ms: lag }).unwrap();
    c.apply(&Command::IsrCheck { broker: BrokerId(1) }).unwrap();
    assert_eq!(c.controller.partitions[&tp()].isr.len(), 3, "now - lastCaughtUp = lag: still in sync (<=)");
    c.apply(&Command::AdvanceTo { time_ms: lag + 1 }).unwrap();
    c.apply(&Command::IsrCheck { broker: BrokerId(1) }).unwrap();
    assert_eq!(c.controller.partitions[&tp()].isr, vec![BrokerId(1)], "both followers are behind LEO 1 and out of time");
    assert_eq!(c.controller.partitions[&tp()].leader_epoch, LeaderEpoch(0), "no leader-epoch bump on shrink (MV >= 3.6)");
}

#[test]
fn s2_a_follower_rejoins_only_at_or_past_the_hw_and_the_leso() {
    let mut c = pinned(1);
    c.apply(&Command::Fence { broker: BrokerId(3) }).unwrap(); // ISR {1,2}
    produce(&mut c, "a", Acks::Leader);
    fetch(&mut c, 2);
    fetch(&mut c, 2); // HW 1
    c.apply(&Command::Heartbeat { broker: BrokerId(3) }).unwrap(); // unfenced, follows again
    fetch(&mut c, 3); // at 0 < HW 1: not added; receives the record
    assert_eq!(c.controller.partitions[&tp()].isr, vec![BrokerId(1), BrokerId(2)]);
    fetch(&mut c, 3); // at 1 >= HW 1 and >= LESO 0
    assert_eq!(c.controller.partitions[&tp()].isr, vec![BrokerId(1), BrokerId(2), BrokerId(3)]);
}

#[test]
fn e2_clean_election_takes_the_first_live_isr_replica_in_assignment_order() {
    let mut c = pinned(1);
    c.apply(&Command::Fence { broker: BrokerId(1) }).unwrap();
    let st = &c.controller.partitions[&tp()];
    assert_eq!((st.leader, st.leader_epoch), (Some(BrokerId(2)), LeaderEpoch(1)));
    c.apply(&Command::Fence { broker: BrokerId(2) }).unwrap();
    c.apply(&Command::Fence { broker: BrokerId(3) }).unwrap();
    let st = &c.controller.partitions[&tp()];
    assert_eq!(st.leader, None, "no candidate: leader NONE");
    assert_eq!(st.isr, vec![BrokerId(3)], "the last replica standing stays in the ISR");
    assert_eq!(st.leader_epoch, LeaderEpoch(3), "E3: leader -> NONE bumps the epoch too");
}

#[test]
fn e2_unclean_election_takes_a_replica_outside_the_isr_and_marks_it_recovering() {
    let mut c = pinned(1);
    c.apply(&Command::Fence { broker: BrokerId(3) }).unwrap(); // ISR {1,2}
    c.apply(&Command::Fence { broker: BrokerId(1) }).unwrap(); // 2 leads, ISR {2}
    c.apply(&Command::Fence { broker: BrokerId(2) }).unwrap(); // NONE, ISR {2}
    c.apply(&Command::Heartbeat { broker: BrokerId(3) }).unwrap(); // 3 is back but not in the ISR
    assert_eq!(c.controller.partitions[&tp()].leader, None);
    c.apply(&Command::Elect { topic: "t".into(), partition: 0, kind: ElectionType::Unclean }).unwrap();
    let st = &c.controller.partitions[&tp()];
    assert_eq!((st.leader, st.isr.clone()), (Some(BrokerId(3)), vec![BrokerId(3)]));
    assert_eq!(c.checker.unclean_elections[&tp()], 1);
}

/// KIP-704 as Kafka 4.4 does it (found by the real-Kafka oracle, o5-unclean-election): the
/// uncleanly elected leader sends no AlterPartition of its own to report RECOVERED; the
/// partition stays RECOVERING, with its partition epoch, until the first ISR expansion, which
/// reports RECOVERED and commits both in one partition-epoch bump.
#[test]
fn kip704_an_unclean_leader_reports_recovered_with_its_first_isr_expansion() {
    use kplay_core::message::LeaderRecoveryState;
    let mut c = pinned(1);
    c.apply(&Command::Fence { broker: BrokerId(3) }).unwrap();
    c.apply(&Command::Fence { broker: BrokerId(1) }).unwrap();
    c.apply(&Command::Fence { broker: BrokerId(2) }).unwrap();
    c.apply(&Command::Heartbeat { broker: BrokerId(3) }).unwrap();
    c.apply(&Command::Elect { topic: "t".into(), partition: 0, kind: ElectionType::Unclean }).unwrap();
    c.apply(&Command::Step { count: 50 }).unwrap();
    let elected = c.controller.partitions[&tp()].clone();
    assert_eq!(elected.leader, Some(BrokerId(3)));
    assert_eq!(elected.leader_recovery_state, LeaderRecoveryState::Recovering, "no AlterPartition on becoming leader");
    c.apply(&Command::Heartbeat { broker: BrokerId(2) }).unwrap();
    c.apply(&Command::Step { count: 50 }).unwrap();
    for _ in 0..4 {
        fetch(&mut c, 2);
        c.apply(&Command::Step { count: 50 }).unwrap();
    }
    let st = &c.controller.partitions[&tp()];
    let mut isr = st.isr.clone();
    isr.sort();
    assert_eq!(isr, vec![BrokerId(2), BrokerId(3)], "a RECOVERING leader expands its ISR");
    assert_eq!(st.leader_recovery_state, LeaderRecoveryState::Recovered);
    assert_eq!(st.partition_epoch.0, elected.partition_epoch.0 + 1, "RECOVERED and the expansion are one change");
}

#[test]
fn q1_consumers_read_below_the_hw_and_get_an_empty_answer_up_to_the_leo() {
    let mut c = pinned(1);
    produce(&mut c, "a", Acks::Leader);
    c.apply(&Command::Consume { topic: "t".into(), partition: 0, offset: 0, broker: None }).unwrap();
    assert_eq!(c.reads[0].result.to_string(), "empty", "HW 0: nothing committed yet");
    c.apply(&Command::Consume { topic: "t".into(), partition: 0, offset: 5, broker: None }).unwrap();
    assert_eq!(c.reads[1].result.to_string(), "OFFSET_OUT_OF_RANGE");
    fetch(&mut c, 2);
    fetch(&mut c, 3);
    fetch(&mut c, 2);
    fetch(&mut c, 3);
    c.apply(&Command::Consume { topic: "t".into(), partition: 0, offset: 0, broker: None }).unwrap();
    assert_eq!(c.reads[2].result.to_string(), "(0,0,a)");
}

#[test]
fn p1_only_the_leader_accepts_writes() {
    let mut c = pinned(1);
    c.apply(&Command::Produce { topic: "t".into(), partition: Some(0), key: None, value: "x".into(), acks: Acks::Leader, to: Some(BrokerId(2)) }).unwrap();
    assert_eq!(result(&c, 0), Some(Err(KafkaError::NotLeaderOrFollower)));
}

/// F1 liveness: a follower whose fetch *response* is lost (its link cut after the request
/// arrived) does not wait forever: its connection fails, it backs off and fetches again, so
/// after the link heals it catches up and rejoins the ISR. Before, only a lost *request* was
/// retried, and a follower isolated mid-fetch stayed stuck for good.
#[test]
fn a_follower_whose_fetch_response_is_lost_retries_and_catches_up_after_healing() {
    let config = ClusterConfig {
        brokers: 3,
        topics: vec![TopicConfig { name: "t".into(), partitions: 1, replication_factor: 3, ..Default::default() }],
        replica_lag_time_max_ms: 10_000,
        replica_fetch_wait_max_ms: 1_500,
        broker_heartbeat_interval_ms: 2_000,
        broker_session_timeout_ms: 60_000,
        network: NetworkConfig { min_delay_ms: 150, max_delay_ms: 350, slow_extra_ms: 1_500 },
        ..ClusterConfig::default()
    };
    let assignment = [(tp(), vec![BrokerId(1), BrokerId(2), BrokerId(3)])].into_iter().collect();
    let mut c = Cluster::with_assignment(config, 1, assignment).expect("valid");
    produce(&mut c, "m1", Acks::All);
    c.apply(&Command::Step { count: 10 }).expect("valid");
    c.apply(&Command::Isolate { broker: BrokerId(3) }).expect("valid");
    produce(&mut c, "m2", Acks::All);
    produce(&mut c, "m3", Acks::All);
    c.apply(&Command::Step { count: 150 }).expect("valid");
    let lost = c.replica(BrokerId(3), &tp()).expect("replica").log.log_end_offset();
    assert_eq!(lost, Offset(1), "isolated, broker 3 has only m1");
    c.apply(&Command::Heal { broker: BrokerId(3) }).expect("valid");
    c.apply(&Command::Step { count: 300 }).expect("valid");
    assert_eq!(c.replica(BrokerId(3), &tp()).expect("replica").log.log_end_offset(), Offset(3), "broker 3 fetched again after healing");
    assert!(c.controller.partitions[&tp()].isr.contains(&BrokerId(3)), "and rejoined the ISR (S2)");
}

/// `pinned`, with only the leader rebalance running by itself (controller: broker 3).
fn rebalancing() -> Cluster {
    let mut cfg = pinned(1).config().clone();
    cfg.auto.leader_rebalance = true;
    let assignment = [(tp(), vec![BrokerId(1), BrokerId(2), BrokerId(3)])].into_iter().collect();
    let mut c = Cluster::with_assignment(cfg, 1, assignment).expect("valid");
    c.apply(&Command::ElectController { broker: Some(BrokerId(3)) }).expect("valid");
    c
}

fn rebalance_runs(events: &[kplay_core::TimedEvent]) -> Vec<u64> {
    events.iter().filter(|e| matches!(e.event, kplay_core::Event::LeaderRebalance { .. })).map(|e| e.time_ms).collect()
}

/// PL4: an imbalance schedules one run `leader_imbalance_check_interval_ms` later; a run that
/// cannot move the leader (the preferred replica is out of the ISR) writes nothing and the
/// next run follows one interval later (KS6's note); once the preferred replica is back in the
/// ISR, the run restores it with leaderEpoch + 1 (PL3) and no run is scheduled after it.
#[test]
fn pl4_auto_rebalance_retries_until_the_preferred_replica_can_lead() {
    let mut c = rebalancing();
    let mut events = c.apply(&Command::Elect { topic: "t".into(), partition: 0, kind: ElectionType::Clean }).expect("valid");
    assert!(c.next_event_time().is_none(), "balanced: nothing is scheduled");
    // Fence broker 1: broker 2 leads (epoch 1), and a run is scheduled for t = 300 s.
    events.extend(c.apply(&Command::Fence { broker: BrokerId(1) }).expect("valid"));
    assert_eq!(c.controller.partitions[&tp()].leader, Some(BrokerId(2)));
    assert_eq!(c.next_event_time(), Some(300_000));
    // Broker 1 is still out of the ISR at 300 s and 600 s: those runs move nothing.
    events.extend(c.apply(&Command::AdvanceTo { time_ms: 600_000 }).expect("valid"));
    assert_eq!(rebalance_runs(&events), vec![300_000, 600_000]);
    assert_eq!(c.controller.partitions[&tp()].leader_epoch, LeaderEpoch(1));
    // Broker 1 back in the ISR (a pinned AlterPartition stands in for its catching up).
    let mut st = c.controller.partitions[&tp()].clone();
    st.isr.push(BrokerId(1));
    c.controller.partitions.insert(tp(), st);
    c.controller.registrations.get_mut(&BrokerId(1)).expect("registered").fenced = false;
    events.extend(c.apply(&Command::AdvanceTo { time_ms: 900_000 }).expect("valid"));
    assert_eq!(rebalance_runs(&events), vec![300_000, 600_000, 900_000]);
    let st = &c.controller.partitions[&tp()];
    assert_eq!((st.leader, st.leader_epoch), (Some(BrokerId(1)), LeaderEpoch(2)), "PL3: the preferred replica, epoch + 1");
    assert!(c.next_event_time().is_none_or(|t| t > 900_000 + 300_000), "balanced again: no further run");
}
