//! The checker's own rules (PROTOCOL.md §3) on runs built to break them, in both modes: the
//! incremental checker the page runs and the full reference that re-reads every log.

use kplay_core::config::{AutoConfig, ClusterConfig, NetworkConfig, TopicConfig};
use kplay_core::controller::ElectionType;
use kplay_core::ids::{BrokerId, TopicPartition};
use kplay_core::message::Acks;
use kplay_core::{Cluster, Command, Scenario};

fn tp() -> TopicPartition {
    TopicPartition::new("t", 0)
}

fn pinned(full: bool) -> Cluster {
    let config = ClusterConfig {
        brokers: 3,
        topics: vec![TopicConfig { name: "t".into(), partitions: 1, replication_factor: 3, ..Default::default() }],
        min_insync_replicas: 1,
        auto: AutoConfig::NONE,
        network: NetworkConfig { min_delay_ms: 0, max_delay_ms: 0, slow_extra_ms: 0 },
        ..ClusterConfig::default()
    };
    let assignment = [(tp(), vec![BrokerId(1), BrokerId(2), BrokerId(3)])].into_iter().collect();
    let mut c = Cluster::with_assignment(config, 1, assignment).expect("valid");
    c.checker.set_full(full);
    c.apply(&Command::ElectController { broker: Some(BrokerId(3)) }).expect("valid");
    c
}

fn run(c: &mut Cluster, cmds: &[Command]) {
    for cmd in cmds {
        c.apply(cmd).unwrap_or_else(|e| panic!("{cmd:?}: {e}"));
        c.apply(&Command::Step { count: 50 }).unwrap();
    }
}

fn found(c: &Cluster, inv: &str) -> Vec<(u64, String)> {
    c.checker.violations.iter().filter(|v| v.invariant == inv).map(|v| (v.step, v.detail.clone())).collect()
}

/// I19 (second half): a record a consumer read is truncated away on the leader, then another
/// record is written at its offset. While the offset was absent nothing could be compared; the
/// incremental checker used to count the entry as checked then and never looked again.
#[test]
fn i19_a_consumed_offset_written_again_after_it_was_absent_is_compared() {
    let mut steps = [None, None];
    for (i, full) in [false, true].into_iter().enumerate() {
        let mut c = pinned(full);
        let produce = |v: &str| Command::Produce { topic: "t".into(), partition: Some(0), key: None, value: v.into(), acks: Acks::Leader, to: None };
        let fetch = |b: u32| Command::Fetch { broker: BrokerId(b), topic: "t".into(), partition: 0 };
        run(&mut c, &[Command::Fence { broker: BrokerId(3) }, produce("a"), fetch(2), fetch(2)]);
        run(&mut c, &[Command::Consume { topic: "t".into(), partition: 0, offset: 0, broker: None }]);
        assert_eq!(c.reads[0].result.to_string(), "(0,0,a)");
        // Broker 3 never had `a`: elected uncleanly, it leads without offset 0, then writes `b` there.
        run(&mut c, &[Command::Fence { broker: BrokerId(1) }, Command::Fence { broker: BrokerId(2) }, Command::Heartbeat { broker: BrokerId(3) }]);
        run(&mut c, &[Command::Elect { topic: "t".into(), partition: 0, kind: ElectionType::Unclean }]);
        assert_eq!(c.controller.partitions[&tp()].leader, Some(BrokerId(3)));
        assert!(found(&c, "I19").is_empty(), "offset 0 is absent on the leader: nothing replaced yet");
        run(&mut c, &[produce("b")]);
        let i19 = found(&c, "I19");
        assert_eq!(i19.len(), 1, "full={full}: {i19:?}");
        assert!(i19[0].1.contains("consumed (0,0,a) replaced by"), "{}", i19[0].1);
        steps[i] = Some(i19[0].0);
    }
    assert_eq!(steps[0], steps[1], "both checkers see it at the same step");
}

/// I9: a leader with LEO >= trueHW whose prefix below trueHW is not the committed one (an
/// unclean leader with its own record at a committed offset) breaks Leader Completeness too.
#[test]
fn i9_the_leaders_prefix_below_the_true_hw_is_the_committed_prefix() {
    let doc = r#"{
      "version": 1, "name": "i9-prefix", "seed": 1,
      "config": {"brokers": 3, "topics": [{"name": "t", "partitions": 1, "replication_factor": 3}],
                 "min_insync_replicas": 1, "unclean_leader_election": true,
                 "auto": {"fetch": false, "isr_check": false, "heartbeats": false, "flush": false, "controller_failover": false},
                 "network": {"min_delay_ms": 0, "max_delay_ms": 0}},
      "initial": {"controller": {"broker": 3, "epoch": 1},
                  "partitions": [{"topic": "t", "partition": 0, "replicas": [1, 2, 3], "leader": 1, "leader_epoch": 1, "isr": [1, 2],
                                  "logs": {"1": {"log": [{"offset": 0, "epoch": 1, "value": "a"}]},
                                           "2": {"log": [{"offset": 0, "epoch": 1, "value": "a"}]},
                                           "3": {"log": [{"offset": 0, "epoch": 0, "value": "x"}], "hw": 0}}}]},
      "steps": [{"do": "fence", "broker": 1}, {"do": "step", "count": 50},
                {"do": "fence", "broker": 2}, {"do": "step", "count": 50},
                {"do": "elect", "topic": "t", "partition": 0, "kind": "unclean"}, {"do": "step", "count": 50}]
    }"#;
    for full in [false, true] {
        let s = Scenario::from_json(doc).expect("valid");
        let mut c = s.build().unwrap();
        c.checker.set_full(full);
        for step in &s.steps {
            c.apply(&step.0).unwrap();
        }
        assert_eq!(c.controller.partitions[&tp()].leader, Some(BrokerId(3)));
        let i9 = found(&c, "I9");
        assert!(i9.iter().any(|(_, d)| d.contains("prefix below trueHW 1 differs: offset 0 is (0,x) on broker 3")), "full={full}: {i9:?}");
        assert!(c.checker.violations.iter().filter(|v| v.invariant == "I9").all(|v| v.explained), "an unclean election explains it");
    }
}
