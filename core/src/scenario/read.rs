//! Reading scenario files: the format of `scenarios/schema.json`, read by hand from a parsed
//! `serde_json::Value` (its writer is `write.rs`).
//!
//! Why by hand: serde's derived readers and writers, instantiated for the page, were a fifth
//! of its gzipped bundle; this reader and `write.rs` took about 18 KB off it. It is also the
//! better reader: every error names the JSON path of the problem (`steps[3].broker: expected
//! a broker id …`), in the page and in the CLI alike.
//!
//! The published schema (`kplay schema`) is still derived from the types and their
//! attributes, and `cli/tests/format.rs` holds this reader and the writer to it: documents
//! generated from the schema (every property, every command) read and write back unchanged,
//! left-out fields take the schema's defaults, and missing, unknown and mistyped fields are
//! refused with their path. The defaults below call the functions the attributes name.

use super::{
    ControllerSpec, Expectations, InitialState, PartitionExpectation, PartitionSpec, ReplicaExpectation, ReplicaSpec,
    Scenario, ScenarioError,
};
use crate::command::{default_acks, default_client, default_crash, one, yes, Command, OffsetSpec, Step};
#[cfg(feature = "groups")]
use crate::command::ConsumerSettings;
#[cfg(feature = "groups")]
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
use std::fmt;

type Read<T> = Result<T, ScenarioError>;

/// Where a value is in the file (`steps[3].broker`); written out only for an error.
#[derive(Clone, Copy)]
pub(crate) enum Path<'a> {
    Root,
    Field(&'a Path<'a>, &'a str),
    Item(&'a Path<'a>, usize),
}

impl fmt::Display for Path<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Path::Root => f.write_str("$"),
            Path::Field(Path::Root, key) => f.write_str(key),
            Path::Field(parent, key) => write!(f, "{parent}.{key}"),
            Path::Item(parent, i) => write!(f, "{parent}[{i}]"),
        }
    }
}

#[cold]
fn problem(path: Path<'_>, message: String) -> ScenarioError {
    ScenarioError::Parse { path: path.to_string(), message }
}

/// What a value is, for "expected …, found …".
fn found(v: &Value) -> String {
    match v {
        Value::Null => "null".into(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::String(s) if s.chars().count() > 40 => format!("the string \"{}…\"", s.chars().take(40).collect::<String>()),
        Value::String(s) => format!("the string \"{s}\""),
        Value::Array(_) => "an array".into(),
        Value::Object(_) => "an object".into(),
    }
}

#[cold]
fn mismatch(path: Path<'_>, what: &str, v: &Value) -> ScenarioError {
    problem(path, format!("expected {what}, found {}", found(v)))
}

fn expected<T>(path: Path<'_>, what: &str, v: &Value) -> Read<T> {
    Err(mismatch(path, what, v))
}

/// A value of the format.
pub(crate) trait FromJson: Sized {
    fn read(v: &Value, path: Path<'_>) -> Read<Self>;
}

fn unsigned<T: TryFrom<u64>>(v: &Value, path: Path<'_>, what: &str) -> Read<T> {
    v.as_u64().and_then(|n| T::try_from(n).ok()).ok_or_else(|| mismatch(path, what, v))
}

fn signed<T: TryFrom<i64>>(v: &Value, path: Path<'_>, what: &str) -> Read<T> {
    v.as_i64().and_then(|n| T::try_from(n).ok()).ok_or_else(|| mismatch(path, what, v))
}

macro_rules! integers {
    ($($t:ty: $how:ident $(as $id:ident)? => $what:literal),* $(,)?) => {$(
        impl FromJson for $t {
            fn read(v: &Value, path: Path<'_>) -> Read<Self> {
                $how(v, path, $what)$(.map($id))?
            }
        }
    )*};
}
integers!(
    u32: unsigned => "an integer from 0 to 4294967295",
    u64: unsigned => "an integer ≥ 0",
    i64: signed => "an integer",
    BrokerId: unsigned as BrokerId => "a broker id (an integer ≥ 0)",
    LeaderEpoch: signed as LeaderEpoch => "a leader epoch (an integer)",
    PartitionEpoch: signed as PartitionEpoch => "a partition epoch (an integer)",
    ControllerEpoch: signed as ControllerEpoch => "a controller epoch (an integer)",
    MessageId: unsigned as MessageId => "a message id (an integer ≥ 0)",
    Offset: signed as Offset => "an offset (an integer)",
);
#[cfg(feature = "groups")]
integers!(i32: signed => "an integer from -2147483648 to 2147483647");

impl FromJson for bool {
    fn read(v: &Value, path: Path<'_>) -> Read<Self> {
        v.as_bool().map_or_else(|| expected(path, "true or false", v), Ok)
    }
}

impl FromJson for crate::log::CleanupPolicy {
    fn read(v: &Value, path: Path<'_>) -> Read<Self> {
        v.as_str().and_then(crate::log::CleanupPolicy::parse).map_or_else(|| expected(path, "\"delete\", \"compact\" or \"compact,delete\"", v), Ok)
    }
}

impl FromJson for crate::log::DirtyRatio {
    fn read(v: &Value, path: Path<'_>) -> Read<Self> {
        v.as_f64().filter(|r| (0.0..=1.0).contains(r)).map(crate::log::DirtyRatio).map_or_else(|| expected(path, "a number from 0 to 1", v), Ok)
    }
}

/// A record's value: a string, or null for a tombstone (PROTOCOL-LOG §0).
impl FromJson for crate::log::Value {
    fn read(v: &Value, path: Path<'_>) -> Read<Self> {
        match v {
            Value::Null => Ok(crate::log::Value::TOMBSTONE),
            Value::String(s) => Ok(s.as_str().into()),
            _ => expected(path, "a string, or null for a tombstone", v),
        }
    }
}

impl FromJson for String {
    fn read(v: &Value, path: Path<'_>) -> Read<Self> {
        v.as_str().map_or_else(|| expected(path, "a string", v), |s| Ok(s.into()))
    }
}

impl<T: FromJson> FromJson for Vec<T> {
    fn read(v: &Value, path: Path<'_>) -> Read<Self> {
        let Some(items) = v.as_array() else { return expected(path, "an array", v) };
        items.iter().enumerate().map(|(i, item)| T::read(item, Path::Item(&path, i))).collect()
    }
}

/// A map keyed by broker id, written `{"1": …, "2": …}`.
impl<T: FromJson> FromJson for BTreeMap<BrokerId, T> {
    fn read(v: &Value, path: Path<'_>) -> Read<Self> {
        let Some(map) = v.as_object() else { return expected(path, "an object keyed by broker id", v) };
        // Inserted one by one: collecting into a BTreeMap sorts first, a sort per value type
        // in the bundle.
        let mut out = BTreeMap::new();
        for (k, item) in map {
            let key = k.parse().map_err(|_| problem(path, format!("`{k}` is not a broker id (an integer ≥ 0)")))?;
            out.insert(BrokerId(key), T::read(item, Path::Field(&path, k))?);
        }
        Ok(out)
    }
}

/// A map keyed by name (a consumer, a group, a partition `t-0`).
#[cfg(feature = "groups")]
impl<T: FromJson> FromJson for BTreeMap<String, T> {
    fn read(v: &Value, path: Path<'_>) -> Read<Self> {
        let Some(map) = v.as_object() else { return expected(path, "an object", v) };
        let mut out = BTreeMap::new();
        for (k, item) in map {
            out.insert(k.clone(), T::read(item, Path::Field(&path, k))?);
        }
        Ok(out)
    }
}

#[cfg(feature = "groups")]
impl FromJson for crate::scenario::ConsumerExpectation {
    fn read(v: &Value, path: Path<'_>) -> Read<Self> {
        let f = Fields::open(v, path, &["state", "member_id", "generation", "owned", "positions"])?;
        Ok(crate::scenario::ConsumerExpectation { state: f.opt("state")?, member_id: f.opt("member_id")?, generation: f.opt("generation")?, owned: f.opt("owned")?, positions: f.opt("positions")? })
    }
}

#[cfg(feature = "groups")]
impl FromJson for crate::scenario::GroupExpectation {
    fn read(v: &Value, path: Path<'_>) -> Read<Self> {
        let f = Fields::open(v, path, &["state", "generation", "members", "committed", "delivered", "duplicates"])?;
        Ok(crate::scenario::GroupExpectation {
            state: f.opt("state")?,
            generation: f.opt("generation")?,
            members: f.opt("members")?,
            committed: f.opt("committed")?,
            delivered: f.opt("delivered")?,
            duplicates: f.opt("duplicates")?,
        })
    }
}

/// One of a fixed set of names.
fn name<T: Copy>(v: &Value, path: Path<'_>, names: &[(&str, T)]) -> Read<T> {
    if let Some(&(_, t)) = v.as_str().and_then(|s| names.iter().find(|(n, _)| *n == s)) {
        return Ok(t);
    }
    let list = names.iter().map(|(n, _)| format!("\"{n}\"")).collect::<Vec<_>>().join(", ");
    expected(path, &format!("one of {list}"), v)
}

impl FromJson for TruncationMode {
    fn read(v: &Value, path: Path<'_>) -> Read<Self> {
        use TruncationMode::*;
        name(v, path, &[("HW", Hw), ("KIP101", Kip101), ("KIP279", Kip279), ("FETCH", Fetch)])
    }
}

impl FromJson for Acks {
    fn read(v: &Value, path: Path<'_>) -> Read<Self> {
        name(v, path, &[("0", Acks::None), ("1", Acks::Leader), ("all", Acks::All)])
    }
}

#[cfg(feature = "groups")]
impl FromJson for CommitMode {
    fn read(v: &Value, path: Path<'_>) -> Read<Self> {
        name(v, path, &[("auto", CommitMode::Auto), ("after_processing", CommitMode::AfterProcessing), ("before_processing", CommitMode::BeforeProcessing)])
    }
}

#[cfg(feature = "groups")]
impl FromJson for OffsetReset {
    fn read(v: &Value, path: Path<'_>) -> Read<Self> {
        name(v, path, &[("earliest", OffsetReset::Earliest), ("latest", OffsetReset::Latest), ("none", OffsetReset::None)])
    }
}

impl FromJson for CrashKind {
    fn read(v: &Value, path: Path<'_>) -> Read<Self> {
        name(v, path, &[("clean", CrashKind::Clean), ("unclean", CrashKind::Unclean), ("lossy", CrashKind::Lossy)])
    }
}

impl FromJson for ElectionType {
    fn read(v: &Value, path: Path<'_>) -> Read<Self> {
        use ElectionType::*;
        name(v, path, &[("clean", Clean), ("preferred", Preferred), ("unclean", Unclean)])
    }
}

/// An object's fields. Unknown fields are refused when it is opened (serde's
/// `deny_unknown_fields`, which every object of the format has).
struct Fields<'v> {
    path: Path<'v>,
    map: &'v Map<String, Value>,
}

impl<'v> Fields<'v> {
    fn open(v: &'v Value, path: Path<'v>, known: &[&str]) -> Read<Fields<'v>> {
        let Some(map) = v.as_object() else { return expected(path, "an object", v) };
        if let Some(k) = map.keys().find(|k| !known.contains(&k.as_str())) {
            let list = known.iter().map(|n| format!("`{n}`")).collect::<Vec<_>>().join(", ");
            return Err(problem(path, format!("unknown field `{k}`, expected one of {list}")));
        }
        Ok(Fields { path, map })
    }

    /// A field that must be there.
    fn req<T: FromJson>(&self, key: &str) -> Read<T> {
        match self.map.get(key) {
            Some(v) => T::read(v, Path::Field(&self.path, key)),
            None => Err(problem(self.path, format!("missing field `{key}`"))),
        }
    }

    /// A field that may be left out or `null`.
    fn opt<T: FromJson>(&self, key: &str) -> Read<Option<T>> {
        match self.map.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(v) => T::read(v, Path::Field(&self.path, key)).map(Some),
        }
    }

    /// A field with a default for when it is left out.
    fn or<T: FromJson>(&self, key: &str, default: T) -> Read<T> {
        match self.map.get(key) {
            None => Ok(default),
            Some(v) => T::read(v, Path::Field(&self.path, key)),
        }
    }

    /// A field where left out means "not given" and `null` means "none" (`leader`, `leso`).
    fn nullable<T: FromJson>(&self, key: &str) -> Read<Option<Option<T>>> {
        match self.map.get(key) {
            None => Ok(None),
            Some(Value::Null) => Ok(Some(None)),
            Some(v) => T::read(v, Path::Field(&self.path, key)).map(|b| Some(Some(b))),
        }
    }

    /// `leader`: left out means "not given", `null` means "no leader".
    fn leader(&self, key: &str) -> Read<Option<Option<BrokerId>>> {
        self.nullable(key)
    }
}

impl FromJson for Scenario {
    fn read(v: &Value, path: Path<'_>) -> Read<Self> {
        let f = Fields::open(v, path, &["version", "name", "description", "seed", "config", "initial", "steps", "expect", "lesson"])?;
        Ok(Scenario {
            version: f.req("version")?,
            name: f.or("name", String::new())?,
            description: f.or("description", String::new())?,
            seed: f.or("seed", 0)?,
            config: f.or("config", ClusterConfig::default())?,
            initial: f.opt("initial")?,
            steps: f.or("steps", Vec::new())?,
            expect: f.opt("expect")?,
            lesson: f.opt("lesson")?,
        })
    }
}

impl FromJson for Text {
    fn read(v: &Value, path: Path<'_>) -> Read<Self> {
        let f = Fields::open(v, path, &["en", "ko"])?;
        Ok(Text { en: f.req("en")?, ko: f.req("ko")? })
    }
}

impl FromJson for Level {
    fn read(v: &Value, path: Path<'_>) -> Read<Self> {
        name(v, path, &[("intro", Level::Intro), ("intermediate", Level::Intermediate), ("advanced", Level::Advanced)])
    }
}

impl FromJson for Lesson {
    fn read(v: &Value, path: Path<'_>) -> Read<Self> {
        let f = Fields::open(v, path, &["id", "title", "summary", "level", "topics", "learn", "tour", "compare"])?;
        Ok(Lesson {
            id: f.req("id")?,
            title: f.req("title")?,
            summary: f.req("summary")?,
            level: f.req("level")?,
            topics: f.or("topics", Vec::new())?,
            learn: f.or("learn", Vec::new())?,
            tour: f.or("tour", Vec::new())?,
            compare: f.opt("compare")?,
        })
    }
}

impl FromJson for Compare {
    fn read(v: &Value, path: Path<'_>) -> Read<Self> {
        let f = Fields::open(v, path, &["a", "b"])?;
        Ok(Compare { a: f.req("a")?, b: f.req("b")? })
    }
}

impl FromJson for Side {
    fn read(v: &Value, path: Path<'_>) -> Read<Self> {
        let f = Fields::open(v, path, &["label", "truncation_mode", "unclean_leader_election", "min_insync_replicas", "acks", #[cfg(feature = "kraft")] "eligible_leader_replicas", #[cfg(feature = "kraft")] "racks"])?;
        Ok(Side {
            label: f.req("label")?,
            truncation_mode: f.opt("truncation_mode")?,
            unclean_leader_election: f.opt("unclean_leader_election")?,
            min_insync_replicas: f.opt("min_insync_replicas")?,
            acks: f.opt("acks")?,
            #[cfg(feature = "kraft")]
            eligible_leader_replicas: f.opt("eligible_leader_replicas")?,
            #[cfg(feature = "kraft")]
            racks: f.opt("racks")?,
        })
    }
}

impl FromJson for Stop {
    fn read(v: &Value, path: Path<'_>) -> Read<Self> {
        let f = Fields::open(v, path, &["at", "caption", "rules", "look", "question", "answer"])?;
        Ok(Stop {
            at: f.or("at", StopAt::default())?,
            caption: f.req("caption")?,
            rules: f.or("rules", Vec::new())?,
            look: f.or("look", Vec::new())?,
            question: f.opt("question")?,
            answer: f.opt("answer")?,
        })
    }
}

impl FromJson for StopAt {
    fn read(v: &Value, path: Path<'_>) -> Read<Self> {
        let f = Fields::open(v, path, &["event", "partition", "broker", "nth", "step"])?;
        Ok(StopAt { event: f.opt("event")?, partition: f.opt("partition")?, broker: f.opt("broker")?, nth: f.opt("nth")?, step: f.opt("step")? })
    }
}

impl FromJson for ClusterConfig {
    fn read(v: &Value, path: Path<'_>) -> Read<Self> {
        let f = Fields::open(
            v,
            path,
            &[
                "brokers",
                "topics",
                "min_insync_replicas",
                "replica_lag_time_max_ms",
                "replica_fetch_wait_max_ms",
                "replica_fetch_backoff_ms",
                "broker_heartbeat_interval_ms",
                "broker_session_timeout_ms",
                "request_timeout_ms",
                "log_flush_interval_ms",
                "controller_failover_ms",
                "leader_imbalance_check_interval_ms",
                "unclean_leader_election",
                "truncation_mode",
                "hw_requires_min_isr",
                "leader_epoch_bump_on_isr_shrink",
                "controller_detects_fast_restart",
                "leader_assigns_epoch_on_election",
                #[cfg(feature = "kraft")]
                "eligible_leader_replicas",
                #[cfg(feature = "kraft")]
                "last_known_leader_requires_active",
                #[cfg(feature = "kraft")]
                "racks",
                #[cfg(feature = "kraft")]
                "placement_zero_offsets",
                "log",
                "auto",
                "network",
                "groups",
            ],
        )?;
        let d = ClusterConfig::default();
        Ok(ClusterConfig {
            brokers: f.or("brokers", d.brokers)?,
            topics: f.or("topics", d.topics)?,
            min_insync_replicas: f.or("min_insync_replicas", d.min_insync_replicas)?,
            replica_lag_time_max_ms: f.or("replica_lag_time_max_ms", d.replica_lag_time_max_ms)?,
            replica_fetch_wait_max_ms: f.or("replica_fetch_wait_max_ms", d.replica_fetch_wait_max_ms)?,
            replica_fetch_backoff_ms: f.or("replica_fetch_backoff_ms", d.replica_fetch_backoff_ms)?,
            broker_heartbeat_interval_ms: f.or("broker_heartbeat_interval_ms", d.broker_heartbeat_interval_ms)?,
            broker_session_timeout_ms: f.or("broker_session_timeout_ms", d.broker_session_timeout_ms)?,
            request_timeout_ms: f.or("request_timeout_ms", d.request_timeout_ms)?,
            log_flush_interval_ms: f.or("log_flush_interval_ms", d.log_flush_interval_ms)?,
            controller_failover_ms: f.or("controller_failover_ms", d.controller_failover_ms)?,
            leader_imbalance_check_interval_ms: f.or("leader_imbalance_check_interval_ms", d.leader_imbalance_check_interval_ms)?,
            unclean_leader_election: f.or("unclean_leader_election", d.unclean_leader_election)?,
            truncation_mode: f.or("truncation_mode", d.truncation_mode)?,
            hw_requires_min_isr: f.or("hw_requires_min_isr", d.hw_requires_min_isr)?,
            leader_epoch_bump_on_isr_shrink: f.or("leader_epoch_bump_on_isr_shrink", d.leader_epoch_bump_on_isr_shrink)?,
            controller_detects_fast_restart: f.or("controller_detects_fast_restart", d.controller_detects_fast_restart)?,
            leader_assigns_epoch_on_election: f.or("leader_assigns_epoch_on_election", d.leader_assigns_epoch_on_election)?,
            #[cfg(feature = "kraft")]
            eligible_leader_replicas: f.or("eligible_leader_replicas", d.eligible_leader_replicas)?,
            #[cfg(feature = "kraft")]
            last_known_leader_requires_active: f.or("last_known_leader_requires_active", d.last_known_leader_requires_active)?,
            #[cfg(feature = "kraft")]
            racks: f.or("racks", d.racks)?,
            #[cfg(feature = "kraft")]
            placement_zero_offsets: f.or("placement_zero_offsets", d.placement_zero_offsets)?,
            log: f.or("log", d.log)?,
            auto: f.or("auto", d.auto)?,
            network: f.or("network", d.network)?,
            groups: f.or("groups", d.groups)?,
        })
    }
}

impl FromJson for TopicConfig {
    fn read(v: &Value, path: Path<'_>) -> Read<Self> {
        let f = Fields::open(v, path, &["name", "partitions", "replication_factor", "configs"])?;
        Ok(TopicConfig {
            name: f.req("name")?,
            partitions: f.req("partitions")?,
            replication_factor: f.req("replication_factor")?,
            configs: f.or("configs", TopicLogConfig::default())?,
        })
    }
}

impl FromJson for TopicLogConfig {
    fn read(v: &Value, path: Path<'_>) -> Read<Self> {
        let f = Fields::open(v, path, &["segment_bytes", "segment_records", "segment_ms", "retention_ms", "retention_bytes", "cleanup_policy", "min_cleanable_dirty_ratio", "min_compaction_lag_ms", "max_compaction_lag_ms", "delete_retention_ms"])?;
        Ok(TopicLogConfig {
            segment_bytes: f.opt("segment_bytes")?,
            segment_records: f.opt("segment_records")?,
            segment_ms: f.opt("segment_ms")?,
            retention_ms: f.opt("retention_ms")?,
            retention_bytes: f.opt("retention_bytes")?,
            cleanup_policy: f.opt("cleanup_policy")?,
            min_cleanable_dirty_ratio: f.opt("min_cleanable_dirty_ratio")?,
            min_compaction_lag_ms: f.opt("min_compaction_lag_ms")?,
            max_compaction_lag_ms: f.opt("max_compaction_lag_ms")?,
            delete_retention_ms: f.opt("delete_retention_ms")?,
        })
    }
}

impl FromJson for LogConfig {
    fn read(v: &Value, path: Path<'_>) -> Read<Self> {
        let f = Fields::open(
            v,
            path,
            &[
                "segment_bytes",
                "segment_records",
                "index_interval_bytes",
                "segment_ms",
                "retention_ms",
                "retention_bytes",
                "retention_check_interval_ms",
                "initial_task_delay_ms",
                "cleanup_policy",
                "min_cleanable_dirty_ratio",
                "min_compaction_lag_ms",
                "max_compaction_lag_ms",
                "delete_retention_ms",
                "cleaner_backoff_ms",
            ],
        )?;
        let d = LogConfig::default();
        Ok(LogConfig {
            segment_bytes: f.or("segment_bytes", d.segment_bytes)?,
            segment_records: f.or("segment_records", d.segment_records)?,
            index_interval_bytes: f.or("index_interval_bytes", d.index_interval_bytes)?,
            segment_ms: f.or("segment_ms", d.segment_ms)?,
            retention_ms: f.or("retention_ms", d.retention_ms)?,
            retention_bytes: f.or("retention_bytes", d.retention_bytes)?,
            retention_check_interval_ms: f.or("retention_check_interval_ms", d.retention_check_interval_ms)?,
            initial_task_delay_ms: f.or("initial_task_delay_ms", d.initial_task_delay_ms)?,
            cleanup_policy: f.or("cleanup_policy", d.cleanup_policy)?,
            min_cleanable_dirty_ratio: f.or("min_cleanable_dirty_ratio", d.min_cleanable_dirty_ratio)?,
            min_compaction_lag_ms: f.or("min_compaction_lag_ms", d.min_compaction_lag_ms)?,
            max_compaction_lag_ms: f.or("max_compaction_lag_ms", d.max_compaction_lag_ms)?,
            delete_retention_ms: f.or("delete_retention_ms", d.delete_retention_ms)?,
            cleaner_backoff_ms: f.or("cleaner_backoff_ms", d.cleaner_backoff_ms)?,
        })
    }
}

impl FromJson for AutoConfig {
    fn read(v: &Value, path: Path<'_>) -> Read<Self> {
        let f = Fields::open(v, path, &["fetch", "isr_check", "heartbeats", "flush", "controller_failover", "leader_rebalance", "retention", "cleaner"])?;
        let d = AutoConfig::default();
        Ok(AutoConfig {
            fetch: f.or("fetch", d.fetch)?,
            isr_check: f.or("isr_check", d.isr_check)?,
            heartbeats: f.or("heartbeats", d.heartbeats)?,
            flush: f.or("flush", d.flush)?,
            controller_failover: f.or("controller_failover", d.controller_failover)?,
            leader_rebalance: f.or("leader_rebalance", d.leader_rebalance)?,
            retention: f.or("retention", d.retention)?,
            cleaner: f.or("cleaner", d.cleaner)?,
        })
    }
}

impl FromJson for OffsetSpec {
    fn read(v: &Value, path: Path<'_>) -> Read<Self> {
        let f = Fields::open(v, path, &["topic", "partition", "offset"])?;
        Ok(OffsetSpec { topic: f.req("topic")?, partition: f.req("partition")?, offset: f.req("offset")? })
    }
}

impl FromJson for GroupsConfig {
    fn read(v: &Value, path: Path<'_>) -> Read<Self> {
        let f = Fields::open(v, path, &["offsets_topic_num_partitions", "offsets_topic_replication_factor", "coordinator_load_ms", "retry_backoff_ms"])?;
        let d = GroupsConfig::default();
        Ok(GroupsConfig {
            offsets_topic_num_partitions: f.or("offsets_topic_num_partitions", d.offsets_topic_num_partitions)?,
            offsets_topic_replication_factor: f.or("offsets_topic_replication_factor", d.offsets_topic_replication_factor)?,
            coordinator_load_ms: f.or("coordinator_load_ms", d.coordinator_load_ms)?,
            retry_backoff_ms: f.or("retry_backoff_ms", d.retry_backoff_ms)?,
        })
    }
}

impl FromJson for NetworkConfig {
    fn read(v: &Value, path: Path<'_>) -> Read<Self> {
        let f = Fields::open(v, path, &["min_delay_ms", "max_delay_ms", "slow_extra_ms"])?;
        let d = NetworkConfig::default();
        Ok(NetworkConfig {
            min_delay_ms: f.or("min_delay_ms", d.min_delay_ms)?,
            max_delay_ms: f.or("max_delay_ms", d.max_delay_ms)?,
            slow_extra_ms: f.or("slow_extra_ms", d.slow_extra_ms)?,
        })
    }
}

impl FromJson for InitialState {
    fn read(v: &Value, path: Path<'_>) -> Read<Self> {
        let f = Fields::open(v, path, &["controller", "partitions"])?;
        Ok(InitialState { controller: f.opt("controller")?, partitions: f.or("partitions", Vec::new())? })
    }
}

impl FromJson for ControllerSpec {
    fn read(v: &Value, path: Path<'_>) -> Read<Self> {
        let f = Fields::open(v, path, &["broker", "epoch"])?;
        Ok(ControllerSpec { broker: f.req("broker")?, epoch: f.req("epoch")? })
    }
}

impl FromJson for PartitionSpec {
    fn read(v: &Value, path: Path<'_>) -> Read<Self> {
        let f = Fields::open(
            v,
            path,
            &["topic", "partition", "replicas", "leader", "leader_epoch", "partition_epoch", "isr", "logs"],
        )?;
        Ok(PartitionSpec {
            topic: f.req("topic")?,
            partition: f.req("partition")?,
            replicas: f.opt("replicas")?,
            leader: f.leader("leader")?,
            leader_epoch: f.opt("leader_epoch")?,
            partition_epoch: f.opt("partition_epoch")?,
            isr: f.opt("isr")?,
            logs: f.or("logs", BTreeMap::new())?,
        })
    }
}

impl FromJson for ReplicaSpec {
    fn read(v: &Value, path: Path<'_>) -> Read<Self> {
        let f = Fields::open(v, path, &["log", "hw", "hw_checkpoint", "recovery_point", "log_start_offset", "epoch_cache"])?;
        Ok(ReplicaSpec {
            log: f.or("log", Vec::new())?,
            hw: f.opt("hw")?,
            hw_checkpoint: f.opt("hw_checkpoint")?,
            recovery_point: f.opt("recovery_point")?,
            log_start_offset: f.opt("log_start_offset")?,
            epoch_cache: f.opt("epoch_cache")?,
        })
    }
}

impl FromJson for LogEntry {
    fn read(v: &Value, path: Path<'_>) -> Read<Self> {
        let f = Fields::open(v, path, &["offset", "epoch", "key", "value"])?;
        Ok(LogEntry { offset: f.req("offset")?, epoch: f.req("epoch")?, key: f.opt("key")?, value: f.req("value")? })
    }
}

impl FromJson for EpochEntry {
    fn read(v: &Value, path: Path<'_>) -> Read<Self> {
        let f = Fields::open(v, path, &["epoch", "start_offset"])?;
        Ok(EpochEntry { epoch: f.req("epoch")?, start_offset: f.req("start_offset")? })
    }
}

impl FromJson for Expectations {
    fn read(v: &Value, path: Path<'_>) -> Read<Self> {
        #[cfg(feature = "groups")]
        let fields = &["controller", "partitions", "produced", "reads", "violations", "consumers", "groups"];
        #[cfg(not(feature = "groups"))]
        let fields = &["controller", "partitions", "produced", "reads", "violations"];
        let f = Fields::open(v, path, fields)?;
        Ok(Expectations {
            controller: f.opt("controller")?,
            partitions: f.or("partitions", Vec::new())?,
            produced: f.opt("produced")?,
            reads: f.opt("reads")?,
            violations: f.opt("violations")?,
            #[cfg(feature = "groups")]
            consumers: f.opt("consumers")?,
            #[cfg(feature = "groups")]
            groups: f.opt("groups")?,
        })
    }
}

impl FromJson for PartitionExpectation {
    fn read(v: &Value, path: Path<'_>) -> Read<Self> {
        let f = Fields::open(v, path, &["topic", "partition", "leader", "leader_epoch", "partition_epoch", "leader_recovery_state", "isr", "assignment", "adding", "removing", "replicas", #[cfg(feature = "kraft")] "elr", #[cfg(feature = "kraft")] "last_known_elr"])?;
        Ok(PartitionExpectation {
            topic: f.req("topic")?,
            partition: f.req("partition")?,
            leader: f.leader("leader")?,
            leader_epoch: f.opt("leader_epoch")?,
            partition_epoch: f.opt("partition_epoch")?,
            leader_recovery_state: f.opt("leader_recovery_state")?,
            isr: f.opt("isr")?,
            assignment: f.opt("assignment")?,
            adding: f.opt("adding")?,
            removing: f.opt("removing")?,
            #[cfg(feature = "kraft")]
            elr: f.opt("elr")?,
            #[cfg(feature = "kraft")]
            last_known_elr: f.opt("last_known_elr")?,
            replicas: f.or("replicas", BTreeMap::new())?,
        })
    }
}

impl FromJson for ReplicaExpectation {
    fn read(v: &Value, path: Path<'_>) -> Read<Self> {
        let f = Fields::open(v, path, &["log", "leo", "hw", "epoch_cache", "state", "log_start_offset", "segments", "leso", "fetch_state", "cleaner_checkpoint"])?;
        Ok(ReplicaExpectation {
            log: f.opt("log")?,
            leo: f.opt("leo")?,
            hw: f.opt("hw")?,
            epoch_cache: f.opt("epoch_cache")?,
            state: f.opt("state")?,
            log_start_offset: f.opt("log_start_offset")?,
            segments: f.opt("segments")?,
            cleaner_checkpoint: f.opt("cleaner_checkpoint")?,
            leso: f.nullable("leso")?,
            fetch_state: f.nullable("fetch_state")?,
        })
    }
}

/// The commands' names in files, as `#[serde(rename_all = "snake_case")]` spells them.
const COMMANDS: &[&str] = &[
    "produce",
    "fetch",
    "consume",
    "list_offsets",
    "crash",
    "restart",
    "pause",
    "resume",
    "fence",
    "heartbeat",
    "isolate",
    "heal",
    "cut",
    "hold",
    "release",
    "slow",
    "link",
    "deliver",
    "drop",
    "step",
    "advance",
    "advance_to",
    "flush",
    "isr_check",
    "elect_controller",
    "zombie_elect",
    "elect",
    "reassign",
    "cancel_reassignment",
    "add_broker",
    "retention_pass",
    "cleaner_pass",
    "commit_offsets",
    "fetch_offsets",
    "start_consumer",
    "close_consumer",
    "crash_consumer",
    "restart_consumer",
    "slow_consumer",
];

/// Here rather than in `command.rs`, so that commands do not depend on the scenario format.
impl Step {
    /// Reads one step as a scenario file's `steps` hold it (`{"do": "crash", "broker": 1}`),
    /// with the same checks; an error names the field under `at` (`command.broker: …`).
    pub fn from_value(v: &Value, at: &str) -> Result<Step, ScenarioError> {
        <Step as FromJson>::read(v, Path::Field(&Path::Root, at))
    }
}

/// A step: `{"do": "<command>", ...its fields}`.
impl FromJson for Step {
    fn read(v: &Value, path: Path<'_>) -> Read<Self> {
        let Some(map) = v.as_object() else { return expected(path, "a step like {\"do\": \"produce\", …}", v) };
        let name = match map.get("do") {
            Some(Value::String(s)) => s.as_str(),
            Some(other) => return expected(Path::Field(&path, "do"), "a command name (a string)", other),
            None => return Err(problem(path, "missing field `do` (the command's name)".into())),
        };
        let with = |known: &[&str]| Fields::open(v, path, known);
        let broker = |c: fn(BrokerId) -> Command| -> Read<Command> { Ok(c(with(&["do", "broker"])?.req("broker")?)) };
        let link = |c: fn(BrokerId, BrokerId) -> Command| -> Read<Command> {
            let f = with(&["do", "from", "to"])?;
            Ok(c(f.req("from")?, f.req("to")?))
        };
        let command = match name {
            "produce" => {
                let f = with(&["do", "topic", "partition", "key", "value", "acks", "to"])?;
                Command::Produce {
                    topic: f.req("topic")?,
                    partition: f.opt("partition")?,
                    key: f.opt("key")?,
                    value: f.req("value")?,
                    acks: f.or("acks", default_acks())?,
                    to: f.opt("to")?,
                }
            }
            "fetch" => {
                let f = with(&["do", "broker", "topic", "partition"])?;
                Command::Fetch { broker: f.req("broker")?, topic: f.req("topic")?, partition: f.req("partition")? }
            }
            "consume" => {
                let f = with(&["do", "topic", "partition", "offset", "broker"])?;
                Command::Consume {
                    topic: f.req("topic")?,
                    partition: f.req("partition")?,
                    offset: f.req("offset")?,
                    broker: f.opt("broker")?,
                }
            }
            "list_offsets" => {
                let f = with(&["do", "topic", "partition", "broker"])?;
                Command::ListOffsets { topic: f.req("topic")?, partition: f.req("partition")?, broker: f.opt("broker")? }
            }
            "crash" => {
                let f = with(&["do", "broker", "kind", "keep"])?;
                Command::Crash { broker: f.req("broker")?, kind: f.or("kind", default_crash())?, keep: f.opt("keep")? }
            }
            "restart" => broker(|broker| Command::Restart { broker })?,
            "pause" => broker(|broker| Command::Pause { broker })?,
            "resume" => broker(|broker| Command::Resume { broker })?,
            "fence" => broker(|broker| Command::Fence { broker })?,
            "heartbeat" => broker(|broker| Command::Heartbeat { broker })?,
            "isolate" => broker(|broker| Command::Isolate { broker })?,
            "heal" => broker(|broker| Command::Heal { broker })?,
            "flush" => broker(|broker| Command::Flush { broker })?,
            "isr_check" => broker(|broker| Command::IsrCheck { broker })?,
            "cut" => link(|from, to| Command::Cut { from, to })?,
            "hold" => link(|from, to| Command::Hold { from, to })?,
            "release" => link(|from, to| Command::Release { from, to })?,
            "slow" => {
                let f = with(&["do", "broker", "slow"])?;
                Command::Slow { broker: f.req("broker")?, slow: f.or("slow", yes())? }
            }
            "link" => {
                let f = with(&["do", "from", "to", "extra_delay_ms", "drop_permille"])?;
                Command::Link {
                    from: f.req("from")?,
                    to: f.req("to")?,
                    extra_delay_ms: f.or("extra_delay_ms", 0)?,
                    drop_permille: f.or("drop_permille", 0)?,
                }
            }
            "deliver" => Command::Deliver { message: with(&["do", "message"])?.req("message")? },
            "drop" => Command::Drop { message: with(&["do", "message"])?.req("message")? },
            "step" => Command::Step { count: with(&["do", "count"])?.or("count", one())? },
            "advance" => Command::Advance { ms: with(&["do", "ms"])?.req("ms")? },
            "advance_to" => Command::AdvanceTo { time_ms: with(&["do", "time_ms"])?.req("time_ms")? },
            "elect_controller" => Command::ElectController { broker: with(&["do", "broker"])?.opt("broker")? },
            "zombie_elect" => {
                let f = with(&["do", "broker", "topic", "partition", "leader"])?;
                Command::ZombieElect {
                    broker: f.req("broker")?,
                    topic: f.req("topic")?,
                    partition: f.req("partition")?,
                    leader: f.req("leader")?,
                }
            }
            "elect" => {
                let f = with(&["do", "topic", "partition", "kind"])?;
                Command::Elect { topic: f.req("topic")?, partition: f.req("partition")?, kind: f.req("kind")? }
            }
            "reassign" => {
                let f = with(&["do", "topic", "partition", "replicas"])?;
                Command::Reassign { topic: f.req("topic")?, partition: f.req("partition")?, replicas: f.req("replicas")? }
            }
            "cancel_reassignment" => {
                let f = with(&["do", "topic", "partition"])?;
                Command::CancelReassignment { topic: f.req("topic")?, partition: f.req("partition")? }
            }
            "add_broker" => {
                with(&["do"])?;
                Command::AddBroker {}
            }
            "retention_pass" => Command::RetentionPass { broker: with(&["do", "broker"])?.opt("broker")? },
            #[cfg(feature = "compaction")]
            "cleaner_pass" => Command::CleanerPass { broker: with(&["do", "broker"])?.opt("broker")? },
            #[cfg(not(feature = "compaction"))]
            "cleaner_pass" => return Err(problem(Path::Field(&path, "do"), "`cleaner_pass`: the log cleaner runs on the extended page (full/) and in kplay, not in this build".into())),
            "commit_offsets" => {
                let f = with(&["do", "group", "client", "offsets"])?;
                Command::CommitOffsets { group: f.req("group")?, client: f.or("client", default_client())?, offsets: f.req("offsets")? }
            }
            "fetch_offsets" => {
                let f = with(&["do", "group", "client", "topic", "partitions"])?;
                Command::FetchOffsets { group: f.req("group")?, client: f.or("client", default_client())?, topic: f.req("topic")?, partitions: f.opt("partitions")? }
            }
            #[cfg(feature = "groups")]
            "start_consumer" => {
                let f = with(&[
                    "do", "group", "member", "topics", "assignors", "instance_id", "session_timeout_ms", "heartbeat_interval_ms", "max_poll_interval_ms", "commit",
                    "auto_commit_interval_ms", "auto_offset_reset", "max_poll_records", "poll_interval_ms",
                ])?;
                let settings = ConsumerSettings {
                    assignors: f.opt("assignors")?,
                    instance_id: f.opt("instance_id")?,
                    session_timeout_ms: f.opt("session_timeout_ms")?,
                    heartbeat_interval_ms: f.opt("heartbeat_interval_ms")?,
                    max_poll_interval_ms: f.opt("max_poll_interval_ms")?,
                    commit: f.opt("commit")?,
                    auto_commit_interval_ms: f.opt("auto_commit_interval_ms")?,
                    auto_offset_reset: f.opt("auto_offset_reset")?,
                    max_poll_records: f.opt("max_poll_records")?,
                    poll_interval_ms: f.opt("poll_interval_ms")?,
                };
                Command::StartConsumer { group: f.req("group")?, member: f.req("member")?, topics: f.req("topics")?, settings }
            }
            #[cfg(feature = "groups")]
            "close_consumer" => Command::CloseConsumer { member: with(&["do", "member"])?.req("member")? },
            #[cfg(feature = "groups")]
            "crash_consumer" => Command::CrashConsumer { member: with(&["do", "member"])?.req("member")? },
            #[cfg(feature = "groups")]
            "restart_consumer" => Command::RestartConsumer { member: with(&["do", "member"])?.req("member")? },
            #[cfg(feature = "groups")]
            "slow_consumer" => {
                let f = with(&["do", "member", "slow"])?;
                Command::SlowConsumer { member: f.req("member")?, slow: f.or("slow", yes())? }
            }
            // Named, so that a file with consumers gets a clear answer where they cannot run.
            #[cfg(not(feature = "groups"))]
            "start_consumer" | "close_consumer" | "crash_consumer" | "restart_consumer" | "slow_consumer" => {
                return Err(problem(Path::Field(&path, "do"), format!("`{name}`: consumer groups run on the Consumer groups page (full/) and in kplay, not in this build")));
            }
            other => {
                let list = COMMANDS.iter().map(|n| format!("`{n}`")).collect::<Vec<_>>().join(", ");
                return Err(problem(Path::Field(&path, "do"), format!("unknown command `{other}`, expected one of {list}")));
            }
        };
        Ok(Step(command))
    }
}
