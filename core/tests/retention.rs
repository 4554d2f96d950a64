//! Retention inside the cluster (PROTOCOL-LOG.md §2.2–2.3, RT1–RT7, LF1) with per-topic
//! settings: each topic's `configs` override the cluster's `log`, each broker deletes on its
//! own replicas, and a topic without a limit keeps everything.

use kplay_core::config::{AutoConfig, ClusterConfig, NetworkConfig, TopicConfig, TopicLogConfig};
use kplay_core::event::Event;
use kplay_core::ids::{BrokerId, Offset, TopicPartition};
use kplay_core::message::Acks;
use kplay_core::scenario::Scenario;
use kplay_core::{Cluster, Command};

fn cluster() -> Cluster {
    let short = TopicLogConfig { segment_records: Some(2), retention_ms: Some(1_000), ..TopicLogConfig::default() };
    let config = ClusterConfig {
        brokers: 3,
        topics: vec![
            TopicConfig { name: "short".into(), partitions: 1, replication_factor: 3, configs: short },
            TopicConfig { name: "long".into(), partitions: 1, replication_factor: 3, configs: TopicLogConfig { segment_records: Some(2), ..TopicLogConfig::default() } },
        ],
        min_insync_replicas: 2,
        auto: AutoConfig { controller_failover: false, ..AutoConfig::ALL },
        network: NetworkConfig { min_delay_ms: 2, max_delay_ms: 8, slow_extra_ms: 400 },
        ..ClusterConfig::default()
    };
    Cluster::new(config, 3).expect("valid")
}

/// The topic with retention.ms 1000 loses its old segments on every replica at a pass; the
/// other, under the cluster's 7-day default, keeps them. The log start and epoch cache move
/// together (RT6), and the leader's log start reaches nobody it should not (all run their own).
#[test]
fn rt1_rt4_per_topic_retention_deletes_only_where_configured() {
    let mut c = cluster();
    for topic in ["short", "long"] {
        for i in 0..5 {
            c.apply(&Command::Produce { topic: topic.into(), partition: Some(0), key: None, value: format!("{topic}{i}").into(), acks: Acks::All, to: None }).unwrap();
            c.apply(&Command::Advance { ms: 50 }).unwrap();
        }
    }
    c.apply(&Command::Advance { ms: 3_000 }).unwrap();
    let events = c.apply(&Command::RetentionPass { broker: None }).unwrap();
    let deleted: Vec<(BrokerId, String)> = events.iter().filter_map(|e| if let Event::SegmentsDeleted { broker, tp, .. } = &e.event { Some((*broker, tp.topic.clone())) } else { None }).collect();
    assert_eq!(deleted.len(), 3, "one walk per replica of `short`: {deleted:?}");
    assert!(deleted.iter().all(|(_, t)| t == "short"));
    for b in 1..=3 {
        let short = c.replica(BrokerId(b), &TopicPartition::new("short", 0)).unwrap();
        assert_eq!((short.log.log_start_offset(), short.log.log_end_offset()), (Offset(5), Offset(5)), "broker {b}: everything old went, the log rolled first (RT5)");
        assert_eq!(short.epoch_cache.entries()[0].start_offset, Offset(5), "RT6: the cache starts at the log start");
        let long = c.replica(BrokerId(b), &TopicPartition::new("long", 0)).unwrap();
        assert_eq!(long.log.log_start_offset(), Offset(0));
        assert_eq!(long.log.segments().len(), 3, "segments of 2 records, from its own configs");
    }
    assert!(c.checker.violations.is_empty(), "{:?}", c.checker.violations);
}

/// A topic's bad setting is named with the topic and the field; a file carries the settings both ways.
#[test]
fn topic_configs_are_validated_by_name_and_round_trip() {
    let e = Scenario::from_json(r#"{"version": 1, "config": {"topics": [{"name": "t", "partitions": 1, "replication_factor": 1, "configs": {"retention_ms": -7}}]}}"#).unwrap().build().unwrap_err().to_string();
    assert!(e.contains("topic `t`: configs.retention_ms must be −1 (no limit) or at least 0, got -7"), "{e}");
    let e = Scenario::from_json(r#"{"version": 1, "config": {"topics": [{"name": "t", "partitions": 1, "replication_factor": 1, "configs": {"retention_hours": 1}}]}}"#).unwrap_err().to_string();
    assert!(e.contains("retention_hours"), "{e}");
    let s = Scenario::from_json(r#"{"version": 1, "config": {"brokers": 1, "topics": [{"name": "t", "partitions": 1, "replication_factor": 1, "configs": {"segment_ms": 1000, "retention_bytes": 500}}]}}"#).unwrap();
    let again = Scenario::from_json(&s.to_json()).unwrap();
    assert_eq!(again.config, s.config);
    assert_eq!(s.config.log_for("t").segment_ms, 1_000);
    assert_eq!(s.config.log_for("t").retention_bytes, 500);
    assert_eq!(s.config.log_for("t").retention_ms, s.config.log.retention_ms, "what the topic leaves out is the cluster's");
}
