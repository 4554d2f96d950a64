//! Reading scenario files: the format of `scenarios/schema.json`, read from a parsed
//! `serde_json::Value`, by hand.
//!
//! Why by hand: serde's derived readers, instantiated for the page's JSON reader, were 46 KB
//! of its gzipped bundle (a fifth); this reader does the same work in a few. It is also the
//! better reader: every error names the JSON path of the problem (`steps[3].broker: expected
//! a broker id …`), in the page and in the CLI alike, without `serde_path_to_error`.
//!
//! The types' serde attributes stay the single description of the format: they derive the
//! writer (`Serialize`) and the published schema (`kplay schema`), and `cli/tests/format.rs`
//! holds this reader to that schema (every field, every default, every command, every
//! required field and unknown field). The defaults below call the same functions the
//! attributes name.

use super::{
    ControllerSpec, Expectations, InitialState, PartitionExpectation, PartitionSpec, ReplicaExpectation, ReplicaSpec,
    Scenario, ScenarioError,
};
use crate::command::{default_acks, default_crash, one, yes, Command, Step};
use crate::config::{AutoConfig, ClusterConfig, NetworkConfig, TopicConfig, TruncationMode};
use crate::controller::ElectionType;
use crate::epoch_cache::EpochEntry;
use crate::event::CrashKind;
use crate::ids::{BrokerId, ControllerEpoch, LeaderEpoch, MessageId, Offset, PartitionEpoch};
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

impl FromJson for bool {
    fn read(v: &Value, path: Path<'_>) -> Read<Self> {
        v.as_bool().map_or_else(|| expected(path, "true or false", v), Ok)
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
        map.iter()
            .map(|(k, item)| {
                let key = k.parse().map_err(|_| problem(path, format!("`{k}` is not a broker id (an integer ≥ 0)")))?;
                Ok((BrokerId(key), T::read(item, Path::Field(&path, k))?))
            })
            .collect()
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

    /// `leader`: left out means "not given", `null` means "no leader".
    fn leader(&self, key: &str) -> Read<Option<Option<BrokerId>>> {
        match self.map.get(key) {
            None => Ok(None),
            Some(Value::Null) => Ok(Some(None)),
            Some(v) => BrokerId::read(v, Path::Field(&self.path, key)).map(|b| Some(Some(b))),
        }
    }
}

impl FromJson for Scenario {
    fn read(v: &Value, path: Path<'_>) -> Read<Self> {
        let f = Fields::open(v, path, &["version", "name", "description", "seed", "config", "initial", "steps", "expect"])?;
        Ok(Scenario {
            version: f.req("version")?,
            name: f.or("name", String::new())?,
            description: f.or("description", String::new())?,
            seed: f.or("seed", 0)?,
            config: f.or("config", ClusterConfig::default())?,
            initial: f.opt("initial")?,
            steps: f.or("steps", Vec::new())?,
            expect: f.opt("expect")?,
        })
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
                "unclean_leader_election",
                "truncation_mode",
                "hw_requires_min_isr",
                "leader_epoch_bump_on_isr_shrink",
                "controller_detects_fast_restart",
                "leader_assigns_epoch_on_election",
                "log",
                "auto",
                "network",
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
            unclean_leader_election: f.or("unclean_leader_election", d.unclean_leader_election)?,
            truncation_mode: f.or("truncation_mode", d.truncation_mode)?,
            hw_requires_min_isr: f.or("hw_requires_min_isr", d.hw_requires_min_isr)?,
            leader_epoch_bump_on_isr_shrink: f.or("leader_epoch_bump_on_isr_shrink", d.leader_epoch_bump_on_isr_shrink)?,
            controller_detects_fast_restart: f.or("controller_detects_fast_restart", d.controller_detects_fast_restart)?,
            leader_assigns_epoch_on_election: f.or("leader_assigns_epoch_on_election", d.leader_assigns_epoch_on_election)?,
            log: f.or("log", d.log)?,
            auto: f.or("auto", d.auto)?,
            network: f.or("network", d.network)?,
        })
    }
}

impl FromJson for TopicConfig {
    fn read(v: &Value, path: Path<'_>) -> Read<Self> {
        let f = Fields::open(v, path, &["name", "partitions", "replication_factor"])?;
        Ok(TopicConfig { name: f.req("name")?, partitions: f.req("partitions")?, replication_factor: f.req("replication_factor")? })
    }
}

impl FromJson for LogConfig {
    fn read(v: &Value, path: Path<'_>) -> Read<Self> {
        let f = Fields::open(v, path, &["segment_bytes", "segment_records", "index_interval_bytes"])?;
        let d = LogConfig::default();
        Ok(LogConfig {
            segment_bytes: f.or("segment_bytes", d.segment_bytes)?,
            segment_records: f.or("segment_records", d.segment_records)?,
            index_interval_bytes: f.or("index_interval_bytes", d.index_interval_bytes)?,
        })
    }
}

impl FromJson for AutoConfig {
    fn read(v: &Value, path: Path<'_>) -> Read<Self> {
        let f = Fields::open(v, path, &["fetch", "isr_check", "heartbeats", "flush", "controller_failover"])?;
        let d = AutoConfig::default();
        Ok(AutoConfig {
            fetch: f.or("fetch", d.fetch)?,
            isr_check: f.or("isr_check", d.isr_check)?,
            heartbeats: f.or("heartbeats", d.heartbeats)?,
            flush: f.or("flush", d.flush)?,
            controller_failover: f.or("controller_failover", d.controller_failover)?,
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
        let f = Fields::open(v, path, &["log", "hw", "recovery_point", "epoch_cache"])?;
        Ok(ReplicaSpec {
            log: f.or("log", Vec::new())?,
            hw: f.opt("hw")?,
            recovery_point: f.opt("recovery_point")?,
            epoch_cache: f.opt("epoch_cache")?,
        })
    }
}

impl FromJson for LogEntry {
    fn read(v: &Value, path: Path<'_>) -> Read<Self> {
        let f = Fields::open(v, path, &["offset", "epoch", "value"])?;
        Ok(LogEntry { offset: f.req("offset")?, epoch: f.req("epoch")?, value: f.req("value")? })
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
        let f = Fields::open(v, path, &["controller", "partitions", "produced", "reads", "violations"])?;
        Ok(Expectations {
            controller: f.opt("controller")?,
            partitions: f.or("partitions", Vec::new())?,
            produced: f.opt("produced")?,
            reads: f.opt("reads")?,
            violations: f.opt("violations")?,
        })
    }
}

impl FromJson for PartitionExpectation {
    fn read(v: &Value, path: Path<'_>) -> Read<Self> {
        let f = Fields::open(v, path, &["topic", "partition", "leader", "leader_epoch", "isr", "replicas"])?;
        Ok(PartitionExpectation {
            topic: f.req("topic")?,
            partition: f.req("partition")?,
            leader: f.leader("leader")?,
            leader_epoch: f.opt("leader_epoch")?,
            isr: f.opt("isr")?,
            replicas: f.or("replicas", BTreeMap::new())?,
        })
    }
}

impl FromJson for ReplicaExpectation {
    fn read(v: &Value, path: Path<'_>) -> Read<Self> {
        let f = Fields::open(v, path, &["log", "leo", "hw", "epoch_cache", "state"])?;
        Ok(ReplicaExpectation {
            log: f.opt("log")?,
            leo: f.opt("leo")?,
            hw: f.opt("hw")?,
            epoch_cache: f.opt("epoch_cache")?,
            state: f.opt("state")?,
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
];

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
            other => {
                let list = COMMANDS.iter().map(|n| format!("`{n}`")).collect::<Vec<_>>().join(", ");
                return Err(problem(Path::Field(&path, "do"), format!("unknown command `{other}`, expected one of {list}")));
            }
        };
        Ok(Step(command))
    }
}

/// A value of the format, written back: what [`FromJson`] reads, in the order a person
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
        self.0.insert(key.into(), v.write());
        self
    }

    fn put_some<T: ToJson>(self, key: &str, v: &Option<T>) -> Object {
        match v {
            Some(v) => self.put(key, v),
            None => self,
        }
    }

    fn put_leader(mut self, key: &str, v: &Option<Option<BrokerId>>) -> Object {
        if let Some(l) = v {
            self.0.insert(key.into(), l.map_or(Value::Null, |b| b.write()));
        }
        self
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
            .put("unclean_leader_election", &self.unclean_leader_election)
            .put("truncation_mode", &self.truncation_mode)
            .put("hw_requires_min_isr", &self.hw_requires_min_isr)
            .put("leader_epoch_bump_on_isr_shrink", &self.leader_epoch_bump_on_isr_shrink)
            .put("controller_detects_fast_restart", &self.controller_detects_fast_restart)
            .put("leader_assigns_epoch_on_election", &self.leader_assigns_epoch_on_election)
            .put("log", &self.log)
            .put("auto", &self.auto)
            .put("network", &self.network)
            .done()
    }
}

impl ToJson for TopicConfig {
    fn write(&self) -> Value {
        Object::new()
            .put("name", &self.name)
            .put("partitions", &self.partitions)
            .put("replication_factor", &self.replication_factor)
            .done()
    }
}

impl ToJson for LogConfig {
    fn write(&self) -> Value {
        Object::new()
            .put("segment_bytes", &self.segment_bytes)
            .put("segment_records", &self.segment_records)
            .put("index_interval_bytes", &self.index_interval_bytes)
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
            .put_some("recovery_point", &self.recovery_point)
            .put_some("epoch_cache", &self.epoch_cache)
            .done()
    }
}

impl ToJson for LogEntry {
    fn write(&self) -> Value {
        Object::new().put("offset", &self.offset).put("epoch", &self.epoch).put("value", &self.value).done()
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
            .put_some("isr", &self.isr)
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
            .done()
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
        }
        .done()
    }
}
