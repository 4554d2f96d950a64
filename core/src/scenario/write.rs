//! Writing scenario files: the inverse of `read.rs`, into a `serde_json::Value` whose fields
//! keep the order given here (serde_json's `preserve_order`), so an exported session reads
//! like a hand-written scenario.

use super::{
    ControllerSpec, Expectations, InitialState, PartitionExpectation, PartitionSpec, ReplicaExpectation, ReplicaSpec,
    Scenario,
};
#[cfg(feature = "groups")]
use crate::command::ConsumerSettings;
use crate::command::{Command, OffsetSpec, Step};
use crate::group::member::{CommitMode, OffsetReset};
use crate::config::{AutoConfig, ClusterConfig, GroupsConfig, NetworkConfig, TopicConfig, TopicLogConfig, TruncationMode};
use crate::controller::ElectionType;
use crate::epoch_cache::EpochEntry;
use crate::event::CrashKind;
use crate::ids::{BrokerId, ControllerEpoch, LeaderEpoch, MessageId, Offset, PartitionEpoch};
use crate::lesson::{Compare, Lesson, Level, Side, Stop, StopAt, Text};
use crate::log::LogConfig;
use crate::message::Acks;
use crate::report::LogEntry;
use serde_json::{Map, Value};
use std::collections::BTreeMap;

/// A value of the format, written back: what `read.rs` reads, in the order a person
/// would write it. `None`s are left out (reading treats left out and `null` alike), except a
/// partition's `leader`, whose `null` means "no leader".
pub(crate) trait ToJson {
    fn write(&self) -> Value;
}

/// An object under construction, its fields in the order given.
struct Object(Map<String, Value>);

impl Object {
    fn new() -> Object {
        Object(Map::new())
    }

    fn put(mut self, key: &str, v: &impl ToJson) -> Object {
        self.insert(key, v.write());
        self
    }

    /// One copy of the insertion for every field (inlined, it was one per field: 0.4 KB of
    /// the gzipped page).
    #[inline(never)]
    fn insert(&mut self, key: &str, v: Value) {
        self.0.insert(key.into(), v);
    }

    fn put_some<T: ToJson>(self, key: &str, v: &Option<T>) -> Object {
        match v {
            Some(v) => self.put(key, v),
            None => self,
        }
    }

    fn put_nullable<T: ToJson>(mut self, key: &str, v: &Option<Option<T>>) -> Object {
        if let Some(l) = v {
            self.insert(key, l.as_ref().map_or(Value::Null, |b| b.write()));
        }
        self
    }

    fn put_leader(self, key: &str, v: &Option<Option<BrokerId>>) -> Object {
        self.put_nullable(key, v)
    }

    fn done(self) -> Value {
        Value::Object(self.0)
    }
}

macro_rules! write_numbers {
    ($($t:ty $(as $id:ident)?),* $(,)?) => {$(
        impl ToJson for $t {
            fn write(&self) -> Value {
                let n = *self;
                $(let $id(n) = n;)?
                Value::from(n)
            }
        }
    )*};
}
write_numbers!(
    u32,
    u64,
    i64,
    BrokerId as BrokerId,
    LeaderEpoch as LeaderEpoch,
    PartitionEpoch as PartitionEpoch,
    ControllerEpoch as ControllerEpoch,
    MessageId as MessageId,
    Offset as Offset,
);

impl ToJson for bool {
    fn write(&self) -> Value {
        Value::Bool(*self)
    }
}

#[cfg(feature = "compaction")]
impl ToJson for crate::log::CleanupPolicy {
    fn write(&self) -> Value {
        Value::String(self.as_str().into())
    }
}

impl Object {
    /// The cleaner's settings, written by builds with the cleaner (the page's first build
    /// refuses compaction, and leaves out the float writer they would bring).
    #[cfg(feature = "compaction")]
    fn put_cleaner(self, l: &LogConfig) -> Object {
        self.put("cleanup_policy", &l.cleanup_policy)
            .put("min_cleanable_dirty_ratio", &l.min_cleanable_dirty_ratio)
            .put("min_compaction_lag_ms", &l.min_compaction_lag_ms)
            .put("max_compaction_lag_ms", &l.max_compaction_lag_ms)
            .put("delete_retention_ms", &l.delete_retention_ms)
            .put("cleaner_backoff_ms", &l.cleaner_backoff_ms)
    }
    #[cfg(not(feature = "compaction"))]
    fn put_cleaner(self, _: &LogConfig) -> Object {
        self
    }
    /// A topic's cleaner settings, likewise.
    #[cfg(feature = "compaction")]
    fn put_topic_cleaner(self, c: &TopicLogConfig) -> Object {
        self.put_some("cleanup_policy", &c.cleanup_policy)
            .put_some("min_cleanable_dirty_ratio", &c.min_cleanable_dirty_ratio)
            .put_some("min_compaction_lag_ms", &c.min_compaction_lag_ms)
            .put_some("max_compaction_lag_ms", &c.max_compaction_lag_ms)
            .put_some("delete_retention_ms", &c.delete_retention_ms)
    }
    #[cfg(not(feature = "compaction"))]
    fn put_topic_cleaner(self, _: &TopicLogConfig) -> Object {
        self
    }
    /// A comparison side's ELR switch (builds without ELR do not have it).
    #[cfg(feature = "kraft")]
    fn put_side_elr(self, side: &Side) -> Object {
        self.put_some("eligible_leader_replicas", &side.eligible_leader_replicas).put_some("racks", &side.racks)
    }
    #[cfg(not(feature = "kraft"))]
    fn put_side_elr(self, _: &Side) -> Object {
        self
    }
    /// An expectation's ELR fields (builds without ELR do not have them).
    #[cfg(feature = "kraft")]
    fn put_expected_elr(self, p: &crate::scenario::PartitionExpectation) -> Object {
        self.put_some("elr", &p.elr).put_some("last_known_elr", &p.last_known_elr)
    }
    #[cfg(not(feature = "kraft"))]
    fn put_expected_elr(self, _: &crate::scenario::PartitionExpectation) -> Object {
        self
    }
    /// The ELR knobs (EL1, EL6) and the racks (RK), written by builds with the `kraft` feature
    /// (the first page's does not read them).
    #[cfg(feature = "kraft")]
    fn put_elr(self, c: &ClusterConfig) -> Object {
        self.put("eligible_leader_replicas", &c.eligible_leader_replicas)
            .put("last_known_leader_requires_active", &c.last_known_leader_requires_active)
            .put("racks", &c.racks)
            .put("placement_zero_offsets", &c.placement_zero_offsets)
    }
    #[cfg(not(feature = "kraft"))]
    fn put_elr(self, _: &ClusterConfig) -> Object {
        self
    }
}

#[cfg(feature = "compaction")]
impl ToJson for crate::log::DirtyRatio {
    fn write(&self) -> Value {
        serde_json::Number::from_f64(self.0).map_or(Value::Null, Value::Number)
    }
}

/// A string, or null for a tombstone.
impl ToJson for crate::log::Value {
    fn write(&self) -> Value {
        self.as_str().map_or(Value::Null, |s| Value::String(s.into()))
    }
}

impl ToJson for String {
    fn write(&self) -> Value {
        Value::String(self.clone())
    }
}

impl<T: ToJson> ToJson for Vec<T> {
    fn write(&self) -> Value {
        Value::Array(self.iter().map(ToJson::write).collect())
    }
}

impl<T: ToJson> ToJson for BTreeMap<BrokerId, T> {
    fn write(&self) -> Value {
        Value::Object(self.iter().map(|(b, v)| (b.to_string(), v.write())).collect())
    }
}

macro_rules! write_names {
    ($($t:ty { $($variant:path => $name:literal),* $(,)? })*) => {$(
        impl ToJson for $t {
            fn write(&self) -> Value {
                Value::from(match self { $($variant => $name),* })
            }
        }
    )*};
}
write_names! {
    TruncationMode { TruncationMode::Hw => "HW", TruncationMode::Kip101 => "KIP101", TruncationMode::Kip279 => "KIP279", TruncationMode::Fetch => "FETCH" }
    Acks { Acks::None => "0", Acks::Leader => "1", Acks::All => "all" }
    CrashKind { CrashKind::Clean => "clean", CrashKind::Unclean => "unclean", CrashKind::Lossy => "lossy" }
    ElectionType { ElectionType::Clean => "clean", ElectionType::Preferred => "preferred", ElectionType::Unclean => "unclean" }
    CommitMode { CommitMode::Auto => "auto", CommitMode::AfterProcessing => "after_processing", CommitMode::BeforeProcessing => "before_processing" }
    OffsetReset { OffsetReset::Earliest => "earliest", OffsetReset::Latest => "latest", OffsetReset::None => "none" }
}

impl ToJson for Scenario {
    fn write(&self) -> Value {
        Object::new()
            .put("version", &self.version)
            .put("name", &self.name)
            .put("description", &self.description)
            .put("seed", &self.seed)
            .put("config", &self.config)
            .put_some("initial", &self.initial)
            .put("steps", &self.steps)
            .put_some("expect", &self.expect)
            .put_some("lesson", &self.lesson)
            .done()
    }
}

impl ToJson for Text {
    fn write(&self) -> Value {
        Object::new().put("en", &self.en).put("ko", &self.ko).done()
    }
}

impl ToJson for Level {
    fn write(&self) -> Value {
        Value::from(self.name())
    }
}

impl ToJson for Lesson {
    fn write(&self) -> Value {
        Object::new()
            .put("id", &self.id)
            .put("title", &self.title)
            .put("summary", &self.summary)
            .put("level", &self.level)
            .put("topics", &self.topics)
            .put("learn", &self.learn)
            .put("tour", &self.tour)
            .put_some("compare", &self.compare)
            .done()
    }
}

impl ToJson for Compare {
    fn write(&self) -> Value {
        Object::new().put("a", &self.a).put("b", &self.b).done()
    }
}

impl ToJson for Side {
    fn write(&self) -> Value {
        Object::new()
            .put("label", &self.label)
            .put_some("truncation_mode", &self.truncation_mode)
            .put_some("unclean_leader_election", &self.unclean_leader_election)
            .put_some("min_insync_replicas", &self.min_insync_replicas)
            .put_some("acks", &self.acks)
            .put_side_elr(self)
            .done()
    }
}

impl ToJson for Stop {
    fn write(&self) -> Value {
        Object::new()
            .put("at", &self.at)
            .put("caption", &self.caption)
            .put("rules", &self.rules)
            .put("look", &self.look)
            .put_some("question", &self.question)
            .put_some("answer", &self.answer)
            .done()
    }
}

impl ToJson for StopAt {
    fn write(&self) -> Value {
        Object::new()
            .put_some("event", &self.event)
            .put_some("partition", &self.partition)
            .put_some("broker", &self.broker)
            .put_some("nth", &self.nth)
            .put_some("step", &self.step)
            .done()
    }
}

impl ToJson for ClusterConfig {
    fn write(&self) -> Value {
        Object::new()
            .put("brokers", &self.brokers)
            .put("topics", &self.topics)
            .put("min_insync_replicas", &self.min_insync_replicas)
            .put("replica_lag_time_max_ms", &self.replica_lag_time_max_ms)
            .put("replica_fetch_wait_max_ms", &self.replica_fetch_wait_max_ms)
            .put("replica_fetch_backoff_ms", &self.replica_fetch_backoff_ms)
            .put("broker_heartbeat_interval_ms", &self.broker_heartbeat_interval_ms)
            .put("broker_session_timeout_ms", &self.broker_session_timeout_ms)
            .put("request_timeout_ms", &self.request_timeout_ms)
            .put("log_flush_interval_ms", &self.log_flush_interval_ms)
            .put("controller_failover_ms", &self.controller_failover_ms)
            .put("leader_imbalance_check_interval_ms", &self.leader_imbalance_check_interval_ms)
            .put("unclean_leader_election", &self.unclean_leader_election)
            .put("truncation_mode", &self.truncation_mode)
            .put("hw_requires_min_isr", &self.hw_requires_min_isr)
            .put("leader_epoch_bump_on_isr_shrink", &self.leader_epoch_bump_on_isr_shrink)
            .put("controller_detects_fast_restart", &self.controller_detects_fast_restart)
            .put("leader_assigns_epoch_on_election", &self.leader_assigns_epoch_on_election)
            .put_elr(self)
            .put("log", &self.log)
            .put("auto", &self.auto)
            .put("network", &self.network)
            .put("groups", &self.groups)
            .done()
    }
}

#[cfg(feature = "groups")]
impl ConsumerSettings {
    /// Its set fields, flat in the step (as `serde(flatten)` writes them).
    fn put_into(&self, o: Object) -> Object {
        o.put_some("assignors", &self.assignors)
            .put_some("instance_id", &self.instance_id)
            .put_some("session_timeout_ms", &self.session_timeout_ms)
            .put_some("heartbeat_interval_ms", &self.heartbeat_interval_ms)
            .put_some("max_poll_interval_ms", &self.max_poll_interval_ms)
            .put_some("commit", &self.commit)
            .put_some("auto_commit_interval_ms", &self.auto_commit_interval_ms)
            .put_some("auto_offset_reset", &self.auto_offset_reset)
            .put_some("max_poll_records", &self.max_poll_records)
            .put_some("poll_interval_ms", &self.poll_interval_ms)
    }
}

impl ToJson for OffsetSpec {
    fn write(&self) -> Value {
        Object::new().put("topic", &self.topic).put("partition", &self.partition).put("offset", &self.offset).done()
    }
}

impl ToJson for TopicConfig {
    fn write(&self) -> Value {
        Object::new()
            .put("name", &self.name)
            .put("partitions", &self.partitions)
            .put("replication_factor", &self.replication_factor)
            .put_some("configs", &Some(self.configs).filter(|c| !c.is_empty()))
            .done()
    }
}

impl ToJson for TopicLogConfig {
    fn write(&self) -> Value {
        Object::new()
            .put_some("segment_bytes", &self.segment_bytes)
            .put_some("segment_records", &self.segment_records)
            .put_some("segment_ms", &self.segment_ms)
            .put_some("retention_ms", &self.retention_ms)
            .put_some("retention_bytes", &self.retention_bytes)
            .put_topic_cleaner(self)
            .done()
    }
}

impl ToJson for LogConfig {
    fn write(&self) -> Value {
        Object::new()
            .put("segment_bytes", &self.segment_bytes)
            .put("segment_records", &self.segment_records)
            .put("index_interval_bytes", &self.index_interval_bytes)
            .put("segment_ms", &self.segment_ms)
            .put("retention_ms", &self.retention_ms)
            .put("retention_bytes", &self.retention_bytes)
            .put("retention_check_interval_ms", &self.retention_check_interval_ms)
            .put("initial_task_delay_ms", &self.initial_task_delay_ms)
            .put_cleaner(self)
            .done()
    }
}

impl ToJson for AutoConfig {
    fn write(&self) -> Value {
        Object::new()
            .put("fetch", &self.fetch)
            .put("isr_check", &self.isr_check)
            .put("heartbeats", &self.heartbeats)
            .put("flush", &self.flush)
            .put("controller_failover", &self.controller_failover)
            .put("leader_rebalance", &self.leader_rebalance)
            .put("retention", &self.retention)
            .put("cleaner", &self.cleaner)
            .done()
    }
}

impl ToJson for NetworkConfig {
    fn write(&self) -> Value {
        Object::new()
            .put("min_delay_ms", &self.min_delay_ms)
            .put("max_delay_ms", &self.max_delay_ms)
            .put("slow_extra_ms", &self.slow_extra_ms)
            .done()
    }
}

impl ToJson for GroupsConfig {
    fn write(&self) -> Value {
        Object::new()
            .put("offsets_topic_num_partitions", &self.offsets_topic_num_partitions)
            .put("offsets_topic_replication_factor", &self.offsets_topic_replication_factor)
            .put("coordinator_load_ms", &self.coordinator_load_ms)
            .put("retry_backoff_ms", &self.retry_backoff_ms)
            .done()
    }
}

impl ToJson for InitialState {
    fn write(&self) -> Value {
        Object::new().put_some("controller", &self.controller).put("partitions", &self.partitions).done()
    }
}

impl ToJson for ControllerSpec {
    fn write(&self) -> Value {
        Object::new().put("broker", &self.broker).put("epoch", &self.epoch).done()
    }
}

impl ToJson for PartitionSpec {
    fn write(&self) -> Value {
        Object::new()
            .put("topic", &self.topic)
            .put("partition", &self.partition)
            .put_some("replicas", &self.replicas)
            .put_leader("leader", &self.leader)
            .put_some("leader_epoch", &self.leader_epoch)
            .put_some("partition_epoch", &self.partition_epoch)
            .put_some("isr", &self.isr)
            .put("logs", &self.logs)
            .done()
    }
}

impl ToJson for ReplicaSpec {
    fn write(&self) -> Value {
        Object::new()
            .put("log", &self.log)
            .put_some("hw", &self.hw)
            .put_some("hw_checkpoint", &self.hw_checkpoint)
            .put_some("recovery_point", &self.recovery_point)
            .put_some("log_start_offset", &self.log_start_offset)
            .put_some("epoch_cache", &self.epoch_cache)
            .done()
    }
}

impl ToJson for LogEntry {
    fn write(&self) -> Value {
        Object::new().put("offset", &self.offset).put("epoch", &self.epoch).put_some("key", &self.key).put("value", &self.value).done()
    }
}

impl ToJson for EpochEntry {
    fn write(&self) -> Value {
        Object::new().put("epoch", &self.epoch).put("start_offset", &self.start_offset).done()
    }
}

impl ToJson for Expectations {
    fn write(&self) -> Value {
        Object::new()
            .put_some("controller", &self.controller)
            .put("partitions", &self.partitions)
            .put_some("produced", &self.produced)
            .put_some("reads", &self.reads)
            .put_some("violations", &self.violations)
            .groups(self)
            .done()
    }
}

impl Object {
    #[cfg(feature = "groups")]
    fn groups(self, e: &Expectations) -> Object {
        self.put_some("consumers", &e.consumers).put_some("groups", &e.groups)
    }
    #[cfg(not(feature = "groups"))]
    fn groups(self, _: &Expectations) -> Object {
        self
    }
}

#[cfg(feature = "groups")]
impl<T: ToJson> ToJson for BTreeMap<String, T> {
    fn write(&self) -> Value {
        Value::Object(self.iter().map(|(k, v)| (k.clone(), v.write())).collect())
    }
}

#[cfg(feature = "groups")]
impl ToJson for i32 {
    fn write(&self) -> Value {
        Value::from(*self)
    }
}

#[cfg(feature = "groups")]
impl ToJson for crate::scenario::ConsumerExpectation {
    fn write(&self) -> Value {
        Object::new()
            .put_some("state", &self.state)
            .put_some("member_id", &self.member_id)
            .put_some("generation", &self.generation)
            .put_some("owned", &self.owned)
            .put_some("positions", &self.positions)
            .done()
    }
}

#[cfg(feature = "groups")]
impl ToJson for crate::scenario::GroupExpectation {
    fn write(&self) -> Value {
        Object::new()
            .put_some("state", &self.state)
            .put_some("generation", &self.generation)
            .put_some("members", &self.members)
            .put_some("committed", &self.committed)
            .put_some("delivered", &self.delivered)
            .put_some("duplicates", &self.duplicates)
            .done()
    }
}

impl ToJson for PartitionExpectation {
    fn write(&self) -> Value {
        Object::new()
            .put("topic", &self.topic)
            .put("partition", &self.partition)
            .put_leader("leader", &self.leader)
            .put_some("leader_epoch", &self.leader_epoch)
            .put_some("partition_epoch", &self.partition_epoch)
            .put_some("leader_recovery_state", &self.leader_recovery_state)
            .put_some("isr", &self.isr)
            .put_some("assignment", &self.assignment)
            .put_some("adding", &self.adding)
            .put_some("removing", &self.removing)
            .put_expected_elr(self)
            .put("replicas", &self.replicas)
            .done()
    }
}

impl ToJson for ReplicaExpectation {
    fn write(&self) -> Value {
        Object::new()
            .put_some("log", &self.log)
            .put_some("leo", &self.leo)
            .put_some("hw", &self.hw)
            .put_some("epoch_cache", &self.epoch_cache)
            .put_some("state", &self.state)
            .put_some("log_start_offset", &self.log_start_offset)
            .put_some("segments", &self.segments)
            .put_some("cleaner_checkpoint", &self.cleaner_checkpoint)
            .put_nullable("leso", &self.leso)
            .put_nullable("fetch_state", &self.fetch_state)
            .done()
    }
}

/// Here rather than in `command.rs`, so that commands do not depend on the scenario format.
impl Step {
    /// The step as one line of scenario JSON.
    pub fn to_json(&self) -> String {
        ToJson::write(self).to_string()
    }
}

impl ToJson for Step {
    fn write(&self) -> Value {
        let o = |name: &str| Object::new().put("do", &name.to_string());
        match &self.0 {
            Command::Produce { topic, partition, key, value, acks, to } => o("produce")
                .put("topic", topic)
                .put_some("partition", partition)
                .put_some("key", key)
                .put("value", value)
                .put("acks", acks)
                .put_some("to", to),
            Command::Fetch { broker, topic, partition } => {
                o("fetch").put("broker", broker).put("topic", topic).put("partition", partition)
            }
            Command::Consume { topic, partition, offset, broker } => {
                o("consume").put("topic", topic).put("partition", partition).put("offset", offset).put_some("broker", broker)
            }
            Command::ListOffsets { topic, partition, broker } => {
                o("list_offsets").put("topic", topic).put("partition", partition).put_some("broker", broker)
            }
            Command::Crash { broker, kind, keep } => o("crash").put("broker", broker).put("kind", kind).put_some("keep", keep),
            Command::Restart { broker } => o("restart").put("broker", broker),
            Command::Pause { broker } => o("pause").put("broker", broker),
            Command::Resume { broker } => o("resume").put("broker", broker),
            Command::Fence { broker } => o("fence").put("broker", broker),
            Command::Heartbeat { broker } => o("heartbeat").put("broker", broker),
            Command::Isolate { broker } => o("isolate").put("broker", broker),
            Command::Heal { broker } => o("heal").put("broker", broker),
            Command::Flush { broker } => o("flush").put("broker", broker),
            Command::IsrCheck { broker } => o("isr_check").put("broker", broker),
            Command::Cut { from, to } => o("cut").put("from", from).put("to", to),
            Command::Hold { from, to } => o("hold").put("from", from).put("to", to),
            Command::Release { from, to } => o("release").put("from", from).put("to", to),
            Command::Slow { broker, slow } => o("slow").put("broker", broker).put("slow", slow),
            Command::Link { from, to, extra_delay_ms, drop_permille } => o("link")
                .put("from", from)
                .put("to", to)
                .put("extra_delay_ms", extra_delay_ms)
                .put("drop_permille", drop_permille),
            Command::Deliver { message } => o("deliver").put("message", message),
            Command::Drop { message } => o("drop").put("message", message),
            Command::Step { count } => o("step").put("count", count),
            Command::Advance { ms } => o("advance").put("ms", ms),
            Command::AdvanceTo { time_ms } => o("advance_to").put("time_ms", time_ms),
            Command::ElectController { broker } => o("elect_controller").put_some("broker", broker),
            Command::ZombieElect { broker, topic, partition, leader } => o("zombie_elect")
                .put("broker", broker)
                .put("topic", topic)
                .put("partition", partition)
                .put("leader", leader),
            Command::Elect { topic, partition, kind } => {
                o("elect").put("topic", topic).put("partition", partition).put("kind", kind)
            }
            Command::Reassign { topic, partition, replicas } => o("reassign").put("topic", topic).put("partition", partition).put("replicas", replicas),
            Command::CancelReassignment { topic, partition } => o("cancel_reassignment").put("topic", topic).put("partition", partition),
            Command::AddBroker {} => o("add_broker"),
            Command::RetentionPass { broker } => o("retention_pass").put_some("broker", broker),
            #[cfg(feature = "compaction")]
            Command::CleanerPass { broker } => o("cleaner_pass").put_some("broker", broker),
            Command::CommitOffsets { group, client, offsets } => o("commit_offsets").put("group", group).put("client", client).put("offsets", offsets),
            Command::FetchOffsets { group, client, topic, partitions } => {
                o("fetch_offsets").put("group", group).put("client", client).put("topic", topic).put_some("partitions", partitions)
            }
            #[cfg(feature = "groups")]
            Command::StartConsumer { group, member, topics, settings } => settings.put_into(o("start_consumer").put("group", group).put("member", member).put("topics", topics)),
            #[cfg(feature = "groups")]
            Command::CloseConsumer { member } => o("close_consumer").put("member", member),
            #[cfg(feature = "groups")]
            Command::CrashConsumer { member } => o("crash_consumer").put("member", member),
            #[cfg(feature = "groups")]
            Command::RestartConsumer { member } => o("restart_consumer").put("member", member),
            #[cfg(feature = "groups")]
            Command::SlowConsumer { member, slow } => o("slow_consumer").put("member", member).put("slow", slow),
        }
        .done()
    }
}
