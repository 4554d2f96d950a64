//! Commands: everything a user, a scenario file or a test can make the cluster do. The
//! page, the CLI and the tests drive the core only through these.

use crate::controller::ElectionType;
use crate::event::CrashKind;
use crate::ids::{BrokerId, MessageId, TimeMs};
use crate::message::Acks;
use serde::Serialize;

pub(crate) fn default_acks() -> Acks {
    Acks::All
}

/// One command. In files it is written as a [`Step`]: an object tagged by `do`, e.g.
/// `{"do": "produce", "topic": "t", "value": "m1"}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema), schemars(tag = "do"))]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum Command {
    /// A producer sends one record. Without `partition`, a key picks the partition by hash
    /// and no key goes round-robin. Without `to`, it goes to the controller's leader.
    Produce {
        /// The topic.
        topic: String,
        /// The partition, if chosen.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        partition: Option<u32>,
        /// The key.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        key: Option<String>,
        /// The value; null for a tombstone (PROTOCOL-LOG CC9, CC10).
        #[cfg_attr(feature = "schema", schemars(with = "Option<String>", required))]
        value: crate::log::Value,
        /// `0`, `1` or `all` (the default).
        #[serde(default = "default_acks")]
        acks: Acks,
        /// Send to this broker instead of the leader (to produce to a zombie leader).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        to: Option<BrokerId>,
    },
    /// Pinned: `broker`'s fetcher sends its next request for the partition now (a Fetch at
    /// its LEO, or OffsetsForLeaderEpoch in legacy modes), answered at once if empty.
    Fetch {
        /// The follower.
        broker: BrokerId,
        /// The topic.
        topic: String,
        /// The partition.
        partition: u32,
    },
    /// A consumer Fetch at `offset` (Q1), from the leader unless `broker` is given.
    Consume {
        /// The topic.
        topic: String,
        /// The partition.
        partition: u32,
        /// The fetch offset.
        offset: i64,
        /// Read from this broker.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        broker: Option<BrokerId>,
    },
    /// ListOffsets(LATEST) (Q2), from the leader unless `broker` is given.
    ListOffsets {
        /// The topic.
        topic: String,
        /// The partition.
        partition: u32,
        /// Ask this broker.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        broker: Option<BrokerId>,
    },
    /// B1: the broker goes down.
    Crash {
        /// The broker.
        broker: BrokerId,
        /// `clean`, `unclean` (default) or `lossy`.
        #[serde(default = "default_crash")]
        kind: CrashKind,
        /// Lossy only: how many records each log keeps (clamped to [recovery point, LEO]).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        keep: Option<i64>,
    },
    /// B2: the broker restarts and registers again.
    Restart {
        /// The broker.
        broker: BrokerId,
    },
    /// A long GC pause: the broker freezes (S10).
    Pause {
        /// The broker.
        broker: BrokerId,
    },
    /// The paused broker wakes up.
    Resume {
        /// The broker.
        broker: BrokerId,
    },
    /// E1: the controller expires the broker's session now (fences it).
    Fence {
        /// The broker.
        broker: BrokerId,
    },
    /// Pinned: the broker sends one heartbeat to the controller now (E1: a fenced broker
    /// that heartbeats catches up with metadata and is unfenced).
    Heartbeat {
        /// The broker.
        broker: BrokerId,
    },
    /// Cut the broker off from everyone.
    Isolate {
        /// The broker.
        broker: BrokerId,
    },
    /// Undo isolation, cuts, holds and slowness on the broker's links.
    Heal {
        /// The broker.
        broker: BrokerId,
    },
    /// Lose every message from `from` to `to` (one direction).
    Cut {
        /// Sender.
        from: BrokerId,
        /// Receiver.
        to: BrokerId,
    },
    /// Hold messages from `from` to `to` until released.
    Hold {
        /// Sender.
        from: BrokerId,
        /// Receiver.
        to: BrokerId,
    },
    /// Release a held link.
    Release {
        /// Sender.
        from: BrokerId,
        /// Receiver.
        to: BrokerId,
    },
    /// Make every message to or from the broker slow (or fast again).
    Slow {
        /// The broker.
        broker: BrokerId,
        /// Slow or not.
        #[serde(default = "yes")]
        slow: bool,
    },
    /// Set a link's extra delay and loss rate.
    Link {
        /// Sender.
        from: BrokerId,
        /// Receiver.
        to: BrokerId,
        /// Extra delay, ms.
        #[serde(default)]
        extra_delay_ms: u64,
        /// Loss, in thousandths.
        #[serde(default)]
        drop_permille: u32,
    },
    /// Pinned: deliver this in-flight message now, whatever its delay or hold.
    Deliver {
        /// The message.
        message: MessageId,
    },
    /// Pinned: lose this in-flight message.
    Drop {
        /// The message.
        message: MessageId,
    },
    /// Handle the next `count` queued deliveries or timers, one step each (what the page's
    /// step button and play do).
    Step {
        /// How many.
        #[serde(default = "one")]
        count: u32,
    },
    /// Let simulated time pass, handling everything due.
    Advance {
        /// How long.
        ms: TimeMs,
    },
    /// Let time pass until `time_ms`.
    AdvanceTo {
        /// Until when.
        time_ms: TimeMs,
    },
    /// Flush the broker's logs: the recovery point becomes the LEO (B1).
    Flush {
        /// The broker.
        broker: BrokerId,
    },
    /// Run the ISR-expiration check on the broker now (S1).
    IsrCheck {
        /// The broker.
        broker: BrokerId,
    },
    /// K1: a broker takes over as controller (the lowest running one if not given).
    ElectController {
        /// The new controller.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        broker: Option<BrokerId>,
    },
    /// S10: a zombie controller acts on its stale view and tries to make `leader` lead.
    ZombieElect {
        /// The zombie.
        broker: BrokerId,
        /// The topic.
        topic: String,
        /// The partition.
        partition: u32,
        /// Whom it elects.
        leader: BrokerId,
    },
    /// E2: run an election for the partition now.
    Elect {
        /// The topic.
        topic: String,
        /// The partition.
        partition: u32,
        /// `clean`, `preferred` or `unclean`.
        kind: ElectionType,
    },
    /// RA1: `kafka-reassign-partitions.sh --execute` for one partition: move it to
    /// `replicas` (the target, preferred first). The controller answers at once; the data
    /// moves afterwards (RA2–RA5).
    Reassign {
        /// The topic.
        topic: String,
        /// The partition.
        partition: u32,
        /// The target replicas, in order.
        replicas: Vec<BrokerId>,
    },
    /// RA7: `--cancel`: the partition's move is cancelled (its adding replicas leave).
    CancelReassignment {
        /// The topic.
        topic: String,
        /// The partition.
        partition: u32,
    },
    /// A new broker with the next free id starts, empty, and registers with the controller
    /// (E1): somewhere to move replicas to.
    AddBroker {},
    /// RT1 now: the retention pass on `broker` (every running broker if not given), as the
    /// reference's scenario tables run it at a stated time.
    RetentionPass {
        /// The broker.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        broker: Option<BrokerId>,
    },
    #[cfg(feature = "compaction")]
    /// CC2 now: one iteration of the cleaner thread on `broker` (every running broker if not
    /// given): the filthiest eligible compacted log is cleaned, then retention runs on every
    /// compacted log; as PROTOCOL-LOG's tables run a cleaner pass at a stated time.
    CleanerPass {
        /// The broker.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        broker: Option<BrokerId>,
    },
    /// A client outside the group (generation -1: an admin or manual-assignment client,
    /// OC2) commits offsets for `group`: it finds the coordinator (CP2) and retries as CP4 says.
    CommitOffsets {
        /// The group.
        group: String,
        /// The client's name (`admin` unless given).
        #[serde(default = "default_client")]
        client: String,
        /// The next offset to read, per partition (OC1).
        offsets: Vec<OffsetSpec>,
    },
    /// Such a client fetches `group`'s committed offsets of `topic` (OC5): every partition of
    /// it unless `partitions` is given.
    FetchOffsets {
        /// The group.
        group: String,
        /// The client's name (`admin` unless given).
        #[serde(default = "default_client")]
        client: String,
        /// The topic.
        topic: String,
        /// Its partitions.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        partitions: Option<Vec<u32>>,
    },
    #[cfg(feature = "groups")]
    /// A consumer of a classic group starts (`KafkaConsumer`, `group.protocol=classic`, Kafka
    /// 4's default): it finds the coordinator, joins, polls its partitions and commits as
    /// `commit` says (PROTOCOL-GROUPS.md CL10–CL16, OC1–OC9). Unset settings take Kafka's
    /// defaults. A consumer that was closed or crashed starts again as a new process.
    StartConsumer {
        /// `group.id`.
        group: String,
        /// `client.id`: the consumer's name (its member ids are `name-n`).
        member: String,
        /// Subscribed topics.
        topics: Vec<String>,
        /// Its settings.
        #[serde(flatten)]
        settings: ConsumerSettings,
    },
    #[cfg(feature = "groups")]
    /// `close()`: commit (auto-commit), LeaveGroup (dynamic members), stop.
    CloseConsumer {
        /// The consumer.
        member: String,
    },
    #[cfg(feature = "groups")]
    /// The consumer's process dies: no LeaveGroup, no commit (GS3).
    CrashConsumer {
        /// The consumer.
        member: String,
    },
    #[cfg(feature = "groups")]
    /// A closed or crashed consumer starts again with its settings, as a new process (a static
    /// member keeps its `group.instance.id`).
    RestartConsumer {
        /// The consumer.
        member: String,
    },
    #[cfg(feature = "groups")]
    /// The consumer's processing slows past `max.poll.interval.ms` (GS6), or recovers.
    SlowConsumer {
        /// The consumer.
        member: String,
        /// Slow or not.
        #[serde(default = "yes")]
        slow: bool,
    },
}

/// A consumer's settings ([`Command::StartConsumer`]); each unset one is Kafka's default
/// (PROTOCOL-GROUPS.md §2.7).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct ConsumerSettings {
    /// `partition.assignment.strategy` (`["range", "cooperative-sticky"]`): names among
    /// `range`, `roundrobin`, `sticky`, `cooperative-sticky`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assignors: Option<Vec<String>>,
    /// `group.instance.id`: a static member (ST1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub instance_id: Option<String>,
    /// `session.timeout.ms` (45000).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub session_timeout_ms: Option<u64>,
    /// `heartbeat.interval.ms` (3000).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub heartbeat_interval_ms: Option<u64>,
    /// `max.poll.interval.ms` (300000).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_poll_interval_ms: Option<u64>,
    /// `auto` (`enable.auto.commit=true`, the default), `after_processing` or
    /// `before_processing` (OC9).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub commit: Option<crate::group::member::CommitMode>,
    /// `auto.commit.interval.ms` (5000).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auto_commit_interval_ms: Option<u64>,
    /// `auto.offset.reset`: `latest` (the default), `earliest` or `none` (OC6).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auto_offset_reset: Option<crate::group::member::OffsetReset>,
    /// `max.poll.records` (500).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_poll_records: Option<u32>,
    /// How long processing one batch takes: the time from one `poll()` to the next (1000).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub poll_interval_ms: Option<u64>,
}

impl ConsumerSettings {
    /// The member's configuration: these settings over Kafka's defaults. Unknown assignor
    /// names are refused by the command's validation before this is called.
    pub fn config(&self, topics: &[String], retry_backoff_ms: u64, request_timeout_ms: u64) -> crate::group::member::MemberConfig {
        let d = crate::group::member::MemberConfig::default();
        crate::group::member::MemberConfig {
            topics: topics.to_vec(),
            assignors: self.assignors.as_ref().map_or(d.assignors, |list| list.iter().filter_map(|n| crate::group::assignor::Assignor::from_name(n)).collect()),
            instance_id: self.instance_id.clone(),
            session_timeout_ms: self.session_timeout_ms.unwrap_or(d.session_timeout_ms),
            heartbeat_interval_ms: self.heartbeat_interval_ms.unwrap_or(d.heartbeat_interval_ms),
            max_poll_interval_ms: self.max_poll_interval_ms.unwrap_or(d.max_poll_interval_ms),
            commit: self.commit.unwrap_or(d.commit),
            auto_commit_interval_ms: self.auto_commit_interval_ms.unwrap_or(d.auto_commit_interval_ms),
            auto_offset_reset: self.auto_offset_reset.unwrap_or(d.auto_offset_reset),
            max_poll_records: self.max_poll_records.unwrap_or(d.max_poll_records),
            poll_interval_ms: self.poll_interval_ms.unwrap_or(d.poll_interval_ms),
            retry_backoff_ms,
            request_timeout_ms,
        }
    }
}

/// One committed offset of [`Command::CommitOffsets`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct OffsetSpec {
    /// The topic.
    pub topic: String,
    /// The partition.
    pub partition: u32,
    /// The next offset to read.
    pub offset: i64,
}

pub(crate) fn default_client() -> String {
    "admin".into()
}

pub(crate) fn default_crash() -> CrashKind {
    CrashKind::Unclean
}

pub(crate) fn one() -> u32 {
    1
}

pub(crate) fn yes() -> bool {
    true
}

/// A command as written in scenario and session files: `{"do": "<name>", ...fields}` (read by
/// `scenario/read.rs`, written by `scenario/write.rs`, which also gives it `to_json`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Step(pub Command);

#[cfg(feature = "schema")]
impl schemars::JsonSchema for Step {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Step".into()
    }
    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        Command::json_schema(generator)
    }
}
