//! Events: every state change the simulation makes, as data. The page animates and narrates
//! them (in its own words and language); the CLI prints their one-line English text form;
//! the trace hash is computed over their fields (`Hash`, see `trace.rs`).

use crate::ids::{BrokerEpoch, BrokerId, ControllerEpoch, LeaderEpoch, MessageId, Offset, PartitionEpoch, ProduceId, TimeMs, TopicPartition};
use crate::group::classic::GroupState;
use crate::group::client::Outcome;
use crate::group::coordinator::ContextState;
use crate::group::GroupError;
use crate::log::RetentionReason;
use crate::message::{ids, Acks, KafkaError, Message, Node};
use serde::Serialize;
use std::fmt;

/// Why a follower truncated, by rule.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub enum TruncationRule {
    /// T1: the leader's end offset is undefined; fall back to the HW.
    T1,
    /// T2: the leader's epoch is undefined.
    T2,
    /// T3: the follower tracks no epoch <= the leader's.
    T3,
    /// T4: a different epoch locally: truncate and ask again.
    T4,
    /// T5: same epoch: truncate to the smaller end offset.
    T5,
    /// R2: OFFSET_OUT_OF_RANGE: the leader's log ends before ours.
    R2,
    /// B4 / F3 HW mode: truncate to the local high watermark (legacy).
    HwTruncation,
    /// F3 KIP-101: truncate to the OffsetsForLeaderEpoch answer (legacy).
    Kip101,
    /// B1: a lossy crash lost the unflushed tail.
    LossyCrash,
}

impl TruncationRule {
    /// The rule's id in PROTOCOL.md.
    pub fn id(self) -> &'static str {
        match self {
            TruncationRule::T1 => "T1",
            TruncationRule::T2 => "T2",
            TruncationRule::T3 => "T3",
            TruncationRule::T4 => "T4",
            TruncationRule::T5 => "T5",
            TruncationRule::R2 => "R2",
            TruncationRule::HwTruncation => "B4",
            TruncationRule::Kip101 => "F3",
            TruncationRule::LossyCrash => "B1",
        }
    }
}

/// How a broker went down (B1).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum CrashKind {
    /// Controlled shutdown: flushed, leadership moved away first.
    Clean,
    /// Abrupt, but the page cache survives: nothing written is lost.
    Unclean,
    /// Abrupt and the page cache is lost: the log reverts to its recovery point (or `keep`).
    Lossy,
}

/// What kind of election (E2).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub enum ElectionKind {
    /// From the ISR.
    Clean,
    /// `replicas[0]`.
    Preferred,
    /// From outside the ISR: may lose committed data.
    Unclean,
    /// No candidate: leader NONE.
    NoLeader,
    /// The leader is unchanged; only the epoch moved (MV < 3.6 ISR shrink).
    EpochBump,
    /// EL4: from the ELR, the ISR being empty: clean (every ELR member holds the committed
    /// prefix, EL2); its ISR becomes `[it]`.
    #[cfg(feature = "kraft")]
    FromElr,
    /// EL6: the last known leader, ISR and ELR being empty: unclean (RECOVERING), even with
    /// unclean election off.
    #[cfg(feature = "kraft")]
    LastKnownLeader,
}

impl ElectionKind {
    /// An unclean election (E2; EL6's last known leader too): it may lose committed data.
    pub fn is_unclean(self) -> bool {
        #[cfg(feature = "kraft")]
        if self == ElectionKind::LastKnownLeader {
            return true;
        }
        self == ElectionKind::Unclean
    }
}

/// Why the ISR changed.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub enum IsrChangeReason {
    /// S1: a follower lagged longer than replica.lag.time.max.ms.
    OutOfSync,
    /// S2: a follower caught up.
    CaughtUp,
    /// S6: the controller fenced a broker.
    Fenced,
    /// E2: an election forced the ISR.
    Election,
    /// RA5 / RA7: a reassignment completed (removed replicas leave) or was cancelled (adding
    /// replicas leave).
    Reassignment,
    /// EL7: the broker registered after an unclean shutdown.
    #[cfg(feature = "kraft")]
    UncleanShutdown,
}

/// One event. Times are in the enclosing [`TimedEvent`].
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
#[allow(missing_docs)]
pub enum Event {
    /// A message left `from`; it arrives at `deliver_at` unless dropped or held.
    Sent { id: MessageId, from: Node, to: Node, deliver_at: Option<TimeMs>, message: Message },
    /// It arrived and was handled.
    Delivered { id: MessageId, from: Node, to: Node, kind: String },
    /// It was lost (isolation, a cut link, a crashed receiver, or a pinned drop).
    Dropped { id: MessageId, reason: String },
    /// A client produce was sent.
    ProduceSent { id: ProduceId, tp: TopicPartition, to: BrokerId, acks: Acks, value: crate::log::Value },
    /// P3: the leader appended a record (with the produce's acks and the ISR at that moment).
    Appended { broker: BrokerId, tp: TopicPartition, offset: Offset, epoch: LeaderEpoch, value: crate::log::Value, acks: Acks, isr: Vec<BrokerId> },
    /// P5: the produce finished (for the client).
    ProduceCompleted { id: ProduceId, tp: TopicPartition, error: Option<KafkaError>, offset: Option<Offset> },
    /// G1: a new active segment.
    SegmentRolled { broker: BrokerId, tp: TopicPartition, base_offset: Offset },
    /// R4: a follower appended fetched records.
    Replicated { broker: BrokerId, tp: TopicPartition, from: Offset, to: Offset },
    /// L4: the leader found a diverging follower.
    DivergenceDetected { leader: BrokerId, follower: BrokerId, tp: TopicPartition, epoch: LeaderEpoch, end_offset: Offset },
    /// R3 / B4 / R2: a log lost its tail.
    Truncated { broker: BrokerId, tp: TopicPartition, from: Offset, to: Offset, rule: TruncationRule, leader_epoch: LeaderEpoch, leader_end_offset: Offset },
    /// H2 (leader) or R4 (follower): the high watermark moved.
    HighWatermark { broker: BrokerId, tp: TopicPartition, from: Offset, to: Offset, leader: bool },
    /// S3: a leader proposed an ISR change (maximal ISR applies at once).
    IsrProposed { broker: BrokerId, tp: TopicPartition, from: Vec<BrokerId>, to: Vec<BrokerId>, reason: IsrChangeReason },
    /// S4: the controller committed an ISR change.
    IsrChanged { tp: TopicPartition, from: Vec<BrokerId>, to: Vec<BrokerId>, partition_epoch: PartitionEpoch, reason: IsrChangeReason },
    /// S4: the controller rejected an AlterPartition.
    AlterPartitionRejected { tp: TopicPartition, error: KafkaError },
    /// E2: the controller elected a leader (or none).
    LeaderElected { tp: TopicPartition, leader: Option<BrokerId>, leader_epoch: LeaderEpoch, partition_epoch: PartitionEpoch, kind: ElectionKind, isr: Vec<BrokerId> },
    /// §2.9 T-lead: a replica became leader in a new epoch.
    BecameLeader { broker: BrokerId, tp: TopicPartition, leader_epoch: LeaderEpoch, leso: Offset },
    /// §2.9 T-follow.
    BecameFollower { broker: BrokerId, tp: TopicPartition, leader: BrokerId, leader_epoch: LeaderEpoch },
    /// A broker ignored partition state older than what it has (E4, K1).
    StaleStateIgnored { broker: BrokerId, tp: TopicPartition, error: KafkaError },
    /// B1.
    BrokerCrashed { broker: BrokerId, kind: CrashKind },
    /// B2: back up, with what its logs recovered.
    BrokerRestarted { broker: BrokerId },
    /// B2 step 1: a replica's log after recovery.
    LogRecovered { broker: BrokerId, tp: TopicPartition, log_end_offset: Offset, high_watermark: Offset },
    /// E1: a (re)registration with a new broker epoch.
    BrokerRegistered { broker: BrokerId, broker_epoch: BrokerEpoch },
    /// E1: fenced by the controller.
    BrokerFenced { broker: BrokerId, reason: String },
    /// E1: unfenced.
    BrokerUnfenced { broker: BrokerId },
    /// A GC pause began (the broker freezes) or ended.
    BrokerPaused { broker: BrokerId, paused: bool },
    /// K1: a new controller with a new epoch.
    ControllerElected { broker: BrokerId, controller_epoch: ControllerEpoch },
    /// K1: a zombie controller's write failed (BADVERSION → ControllerMovedException).
    ZombieControllerFenced { broker: BrokerId, controller_epoch: ControllerEpoch },
    /// K1: a broker rejected a request from an old controller.
    StaleControllerRejected { broker: BrokerId, from: BrokerId, request_epoch: ControllerEpoch, known_epoch: ControllerEpoch },
    /// Q1/Q2: a consumer read.
    ConsumerRead { broker: BrokerId, tp: TopicPartition, kind: ReadKind, offset: Offset, result: ReadResult },
    /// A link or broker's network changed.
    NetworkChanged { description: String },
    /// B1: the recovery point moved.
    Flushed { broker: BrokerId },
    /// §3: the checker found an invariant broken.
    InvariantViolated { invariant: String, tp: Option<TopicPartition>, explained: bool, detail: String },
    /// PL4: the controller's auto leader rebalance runs a preferred election (PL3) on each
    /// partition not led by its preferred replica (`replicas[0]`).
    LeaderRebalance { controller: BrokerId, imbalanced: Vec<TopicPartition> },
    /// CP2: the first FindCoordinator created `__consumer_offsets`.
    OffsetsTopicCreated { broker: BrokerId, partitions: u32, replication_factor: u32 },
    /// CP3/CP5: a broker's coordinator context for an offsets partition changed state
    /// (Loading when it became leader, Active once the log is replayed, Closed when it lost
    /// leadership). `records` is how many records the load replayed.
    CoordinatorContext { broker: BrokerId, partition: u32, leader_epoch: LeaderEpoch, state: ContextState, records: u32 },
    /// CP2: a client learned its group's coordinator.
    CoordinatorFound { client: String, group: String, broker: BrokerId },
    /// CP4: a client backs off after a retriable error and tries again.
    GroupClientRetry { client: String, group: String, error: GroupError },
    /// A client's offset commit or fetch is over (OC2, OC5, CP6).
    GroupClientDone { client: String, group: String, outcome: Outcome },
    /// CL1: a classic group changed state on its coordinator.
    GroupStateChanged { broker: BrokerId, group: String, from: GroupState, to: GroupState, reason: &'static str },
    /// A classic group lost a member.
    GroupMemberRemoved { broker: BrokerId, group: String, member: String, reason: &'static str },
    /// RA2: the controller starts moving a partition to `target` (`replicas` = target ++
    /// removing).
    ReassignmentStarted { tp: TopicPartition, target: Vec<BrokerId>, adding: Vec<BrokerId>, removing: Vec<BrokerId>, replicas: Vec<BrokerId> },
    /// RA5: the ISR covers the target: the removed replicas leave.
    ReassignmentCompleted { tp: TopicPartition, replicas: Vec<BrokerId>, removed: Vec<BrokerId> },
    /// RA7: a move was cancelled: the adding replicas leave.
    ReassignmentCancelled { tp: TopicPartition, replicas: Vec<BrokerId>, removed: Vec<BrokerId> },
    /// RA1 / RA7: the controller refused a reassignment or its cancellation.
    ReassignmentRefused { tp: TopicPartition, cancel: bool, error: KafkaError },
    /// RA4: a broker named in a partition's replicas creates an empty replica of it.
    ReplicaCreated { broker: BrokerId, tp: TopicPartition },
    /// RA6: a broker no longer among a partition's replicas deletes its replica (its log).
    ReplicaDeleted { broker: BrokerId, tp: TopicPartition },
    /// A new broker joins the running cluster (it registers like a restarted one, E1).
    BrokerAdded { broker: BrokerId },
    #[cfg(feature = "groups")]
    /// A consumer of a classic group did something: started, joined, was assigned, revoked,
    /// lost, committed, timed out… (CL10–CL16, OC6–OC9: [`crate::group::member`]).
    ConsumerMember { member: String, group: String, note: crate::group::member::Note },
    #[cfg(feature = "groups")]
    /// A consumer's poll returned `first..=last` of `tp` from `broker` (Q1: below the HW);
    /// `duplicates` of them had already been delivered to its group (OC9, OC10).
    RecordsConsumed { member: String, group: String, tp: TopicPartition, broker: BrokerId, first: Offset, last: Offset, duplicates: u32 },
    /// RT2–RT6: a retention walk deleted these segments (their bases) from a replica; the log
    /// start is now `log_start`, and `high_watermark` was the bound (RT7).
    SegmentsDeleted { broker: BrokerId, tp: TopicPartition, reason: RetentionReason, bases: Vec<Offset>, log_start: Offset, high_watermark: Offset },
    /// LF1: a follower raised its log start offset to the leader's, from a fetch response (the
    /// records below it are no longer readable).
    LogStartRaised { broker: BrokerId, tp: TopicPartition, from: Offset, to: Offset },
    /// PL2: the answer to `ElectLeaders(PREFERRED)` for one partition: none (a new leader was
    /// written), ELECTION_NOT_NEEDED or PREFERRED_LEADER_NOT_AVAILABLE.
    PreferredElectionResult { tp: TopicPartition, error: Option<KafkaError> },
    #[cfg(feature = "compaction")]
    /// CC7–CC13: a broker's cleaner compacted its replica of `tp` (`high_watermark` was its HW,
    /// the bound of CC15).
    LogCleaned { broker: BrokerId, tp: TopicPartition, high_watermark: Offset, round: Box<crate::cleaner::Round> },
    #[cfg(feature = "compaction")]
    /// CC6: a cleaner pass left this compacted log alone although it has dirty segments: not
    /// eligible, or another was filthier.
    CleanerSkipped { broker: BrokerId, tp: TopicPartition, plan: crate::cleaner::Plan },
    #[cfg(feature = "kraft")]
    /// EL3, EL5: the controller wrote a new ELR (or last known leader) for `tp`, with `isr` the
    /// ISR of the same change.
    ElrChanged { tp: TopicPartition, from: Vec<BrokerId>, to: Vec<BrokerId>, last_known_leader: Option<BrokerId>, isr: Vec<BrokerId>, partition_epoch: PartitionEpoch },
    #[cfg(feature = "kraft")]
    /// KB1, EL7: a broker registered without the clean-shutdown epoch the controller holds: it
    /// leaves every ISR and ELR.
    UncleanShutdownDetected { broker: BrokerId },
}

/// A consumer request kind.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ReadKind {
    /// Q1: a consumer Fetch.
    Fetch,
    /// Q2: ListOffsets(LATEST).
    ListOffsets,
}

/// What a consumer got.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub enum ReadResult {
    /// Records (possibly none: an empty response is not an error, Q1).
    Records(Vec<(Offset, LeaderEpoch, crate::log::Value)>),
    /// ListOffsets' answer.
    Offset(Offset),
    /// A Kafka error.
    Error(KafkaError),
}

impl fmt::Display for ReadResult {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ReadResult::Records(r) if r.is_empty() => f.write_str("empty"),
            ReadResult::Records(r) => {
                let v: Vec<String> = r.iter().map(|(o, e, v)| format!("({o},{e},{v})")).collect();
                f.write_str(&v.join(""))
            }
            ReadResult::Offset(o) => write!(f, "offset {o}"),
            ReadResult::Error(e) => write!(f, "{e}"),
        }
    }
}

/// An event with the simulated time and the step that produced it.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct TimedEvent {
    /// Simulated time, ms.
    pub time_ms: TimeMs,
    /// The step (command or delivery) that produced it, from 1.
    pub step: u64,
    /// The event.
    pub event: Event,
}

impl fmt::Display for TimedEvent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "[{} t={}] {}", self.step, self.time_ms, self.event)
    }
}

fn opt_broker(b: Option<BrokerId>) -> String {
    b.map_or_else(|| "none".into(), |b| b.to_string())
}

impl fmt::Display for Event {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Event::Sent { id, from, to, deliver_at, message } => match deliver_at {
                Some(t) => write!(f, "send #{id} {from} -> {to}: {message} (arrives t={t})"),
                None => write!(f, "send #{id} {from} -> {to}: {message} (held)"),
            },
            Event::Delivered { id, from, to, kind } => write!(f, "deliver #{id} {kind} {from} -> {to}"),
            Event::Dropped { id, reason } => write!(f, "drop #{id}: {reason}"),
            Event::ProduceSent { id, tp, to, acks, value } => {
                write!(f, "produce #{id} {value:?} acks={acks} -> {tp} on broker {to}")
            }
            Event::Appended { broker, tp, offset, epoch, value, .. } => {
                write!(f, "P3 broker {broker} appends ({offset},{epoch},{value}) to {tp}")
            }
            Event::ProduceCompleted { id, tp, error: None, offset } => {
                write!(f, "P5 produce #{id} to {tp} ok at offset {}", opt_offset(*offset))
            }
            Event::ProduceCompleted { id, tp, error: Some(e), .. } => write!(f, "P5 produce #{id} to {tp} failed: {e}"),
            Event::SegmentRolled { broker, tp, base_offset } => {
                write!(f, "G1 broker {broker} rolls a new segment of {tp} at {base_offset}")
            }
            Event::Replicated { broker, tp, from, to } => {
                write!(f, "R4 broker {broker} appends {tp} offsets {from}..{} (LEO {to})", to.0 - 1)
            }
            Event::DivergenceDetected { leader, follower, tp, epoch, end_offset } => write!(
                f,
                "L4 leader {leader}: follower {follower} diverges on {tp}: epoch {epoch} ends at {end_offset}"
            ),
            Event::Truncated { broker, tp, from, to, rule, leader_epoch, leader_end_offset } => write!(
                f,
                "{} broker {broker} truncates {tp} from LEO {from} to {to} (leader says epoch {leader_epoch} ends at {leader_end_offset})",
                rule.id()
            ),
            Event::HighWatermark { broker, tp, from, to, leader } => write!(
                f,
                "{} broker {broker} {tp} HW {from} -> {to}",
                if *leader { "H2 leader" } else { "R4 follower" }
            ),
            Event::IsrProposed { broker, tp, from, to, reason } => write!(
                f,
                "S3 leader {broker} proposes ISR {} -> {} for {tp} ({reason:?})",
                ids(from.iter().copied()),
                ids(to.iter().copied())
            ),
            Event::IsrChanged { tp, from, to, partition_epoch, reason } => write!(
                f,
                "S4 controller commits ISR {} -> {} for {tp} (partitionEpoch {partition_epoch}, {reason:?})",
                ids(from.iter().copied()),
                ids(to.iter().copied())
            ),
            Event::AlterPartitionRejected { tp, error } => write!(f, "S4 controller rejects AlterPartition for {tp}: {error}"),
            Event::LeaderElected { tp, leader, leader_epoch, partition_epoch, kind, isr } => write!(
                f,
                "E2 {kind:?} election for {tp}: leader {}, leaderEpoch {leader_epoch}, partitionEpoch {partition_epoch}, isr {}",
                opt_broker(*leader),
                ids(isr.iter().copied())
            ),
            Event::BecameLeader { broker, tp, leader_epoch, leso } => {
                write!(f, "T-lead broker {broker} leads {tp} in epoch {leader_epoch}, LESO {leso}")
            }
            Event::BecameFollower { broker, tp, leader, leader_epoch } => {
                write!(f, "T-follow broker {broker} follows {leader} for {tp} in epoch {leader_epoch}")
            }
            Event::StaleStateIgnored { broker, tp, error } => {
                write!(f, "E4 broker {broker} ignores stale state for {tp} ({error})")
            }
            Event::BrokerCrashed { broker, kind } => write!(f, "B1 broker {broker} goes down ({kind:?})"),
            Event::BrokerRestarted { broker } => write!(f, "B2 broker {broker} restarts"),
            Event::LogRecovered { broker, tp, log_end_offset, high_watermark } => write!(
                f,
                "B2 broker {broker} recovers {tp}: LEO {log_end_offset}, HW {high_watermark}"
            ),
            Event::BrokerRegistered { broker, broker_epoch } => {
                write!(f, "E1 broker {broker} registers with brokerEpoch {broker_epoch}")
            }
            Event::BrokerFenced { broker, reason } => write!(f, "E1 controller fences broker {broker}: {reason}"),
            Event::BrokerUnfenced { broker } => write!(f, "E1 controller unfences broker {broker}"),
            Event::BrokerPaused { broker, paused: true } => write!(f, "broker {broker} freezes (GC pause)"),
            Event::BrokerPaused { broker, paused: false } => write!(f, "broker {broker} wakes up"),
            Event::ControllerElected { broker, controller_epoch } => {
                write!(f, "K1 broker {broker} becomes controller with controllerEpoch {controller_epoch}")
            }
            Event::ZombieControllerFenced { broker, controller_epoch } => write!(
                f,
                "K1 zombie controller {broker} (epoch {controller_epoch}) write fails: BADVERSION, it resigns"
            ),
            Event::StaleControllerRejected { broker, from, request_epoch, known_epoch } => write!(
                f,
                "K1 broker {broker} rejects controller {from}'s request: STALE_CONTROLLER_EPOCH ({request_epoch} < {known_epoch})"
            ),
            Event::ConsumerRead { broker, tp, kind, offset, result } => {
                write!(f, "Q1 consumer {kind:?} {tp} at {offset} from broker {broker}: {result}")
            }
            Event::NetworkChanged { description } => write!(f, "network: {description}"),
            Event::Flushed { broker } => write!(f, "B1 broker {broker} flushes its logs"),
            Event::InvariantViolated { invariant, tp, explained, detail } => write!(
                f,
                "VIOLATION {invariant}{} {}: {detail}",
                tp.as_ref().map_or_else(String::new, |tp| format!(" on {tp}")),
                if *explained { "(explained by an unclean election or lossy crash)" } else { "(protocol fault)" }
            ),
            Event::LeaderRebalance { controller, imbalanced } => write!(
                f,
                "PL4 controller {controller} rebalances leaders: preferred elections for {}",
                imbalanced.iter().map(ToString::to_string).collect::<Vec<_>>().join(", ")
            ),
            Event::OffsetsTopicCreated { broker, partitions, replication_factor } => {
                write!(f, "CP2 broker {broker} creates __consumer_offsets ({partitions} partitions, replication factor {replication_factor})")
            }
            Event::CoordinatorContext { broker, partition, leader_epoch, state, records } => match state {
                ContextState::Loading => write!(f, "CP3 broker {broker} loads __consumer_offsets-{partition} (leader epoch {leader_epoch})"),
                ContextState::Active => write!(f, "CP3 broker {broker} coordinates __consumer_offsets-{partition} ({records} records replayed)"),
                ContextState::Closed => write!(f, "CP5 broker {broker} unloads __consumer_offsets-{partition}"),
            },
            Event::CoordinatorFound { client, group, broker } => write!(f, "CP2 {client}: the coordinator of {group} is broker {broker}"),
            Event::GroupClientRetry { client, group, error } => write!(f, "CP4 {client} ({group}): {}, retrying", error.name()),
            Event::GroupClientDone { client, group, outcome } => match outcome {
                Outcome::Committed => write!(f, "CP6 {client}: offsets of {group} committed"),
                Outcome::Fetched(o) => write!(f, "OC5 {client}: committed offsets of {group}: {}", crate::message::offsets_str(o)),
                Outcome::Failed(e) => write!(f, "{client} ({group}) failed: {}", e.name()),
            },
            Event::GroupStateChanged { broker, group, from, to, reason } => {
                write!(f, "CL1 group {group} on broker {broker}: {} -> {} ({reason})", from.name(), to.name())
            }
            Event::GroupMemberRemoved { broker, group, member, reason } => write!(f, "group {group} on broker {broker} removes {member} ({reason})"),
            Event::ReassignmentStarted { tp, target, adding, removing, replicas } => write!(
                f,
                "RA2 controller moves {tp} to {}: adding {}, removing {}, replicas {}",
                ids(target.iter().copied()),
                ids(adding.iter().copied()),
                ids(removing.iter().copied()),
                ids(replicas.iter().copied())
            ),
            Event::ReassignmentCompleted { tp, replicas, removed } => {
                write!(f, "RA5 the move of {tp} completes: replicas {}, removed {}", ids(replicas.iter().copied()), ids(removed.iter().copied()))
            }
            Event::ReassignmentCancelled { tp, replicas, removed } => {
                write!(f, "RA7 the move of {tp} is cancelled: replicas {}, removed {}", ids(replicas.iter().copied()), ids(removed.iter().copied()))
            }
            Event::ReassignmentRefused { tp, cancel, error } => {
                write!(f, "{} controller refuses to {} {tp}: {error}", if *cancel { "RA7" } else { "RA1" }, if *cancel { "cancel the move of" } else { "reassign" })
            }
            Event::ReplicaCreated { broker, tp } => write!(f, "RA4 broker {broker} creates an empty replica of {tp}"),
            Event::ReplicaDeleted { broker, tp } => write!(f, "RA6 broker {broker} deletes its replica of {tp}"),
            Event::BrokerAdded { broker } => write!(f, "broker {broker} joins the cluster"),
            #[cfg(feature = "groups")]
            Event::ConsumerMember { member, group, note } => write!(f, "{member} ({group}): {note}"),
            #[cfg(feature = "groups")]
            Event::RecordsConsumed { member, tp, broker, first, last, duplicates, .. } => {
                write!(f, "Q1 {member} polls {tp} {first}..={last} from broker {broker}")?;
                if *duplicates > 0 {
                    write!(f, ", {duplicates} already delivered to its group (OC9)")?;
                }
                Ok(())
            }
            Event::SegmentsDeleted { broker, tp, reason, bases, log_start, .. } => write!(
                f,
                "RT4 broker {broker} deletes {} segment(s) of {tp} ({reason:?}): bases {}; log start {log_start}",
                bases.len(),
                bases.iter().map(ToString::to_string).collect::<Vec<_>>().join(",")
            ),
            Event::LogStartRaised { broker, tp, from, to } => write!(f, "LF1 follower {broker} raises the log start of {tp} from {from} to {to}"),
            Event::PreferredElectionResult { tp, error } => {
                write!(f, "PL2 ElectLeaders(PREFERRED) for {tp}: {}", error.map_or("NONE", |e| e.name()))
            }
            #[cfg(feature = "compaction")]
            Event::LogCleaned { broker, tp, round, .. } => write!(
                f,
                "CC7-CC13 broker {broker} cleans {tp} [{}, {}): {} key(s) mapped, {} record(s) removed ({}), checkpoint {}",
                round.plan.first_dirty,
                round.end_offset,
                round.map.len(),
                round.removed.len(),
                round.removed.iter().map(|r| r.offset.to_string()).collect::<Vec<_>>().join(","),
                round.end_offset
            ),
            #[cfg(feature = "compaction")]
            Event::CleanerSkipped { broker, tp, plan } => write!(
                f,
                "CC6 broker {broker} does not clean {tp}: dirty {} of {} (ratio {}){}",
                plan.cleanable,
                plan.cleanable + plan.clean,
                plan.ratio().map_or("none".into(), |r| format!("{r:.3}")),
                if plan.eligible { ", another log is filthier" } else { "" }
            ),
            #[cfg(feature = "kraft")]
            Event::ElrChanged { tp, from, to, last_known_leader, isr, partition_epoch } => write!(
                f,
                "EL3 controller writes ELR {} -> {} for {tp} (isr {}, partitionEpoch {partition_epoch}{})",
                ids(from.iter().copied()),
                ids(to.iter().copied()),
                ids(isr.iter().copied()),
                last_known_leader.map_or(String::new(), |l| format!(", last known leader {l}"))
            ),
            #[cfg(feature = "kraft")]
            Event::UncleanShutdownDetected { broker } => {
                write!(f, "EL7 broker {broker} registers after an unclean shutdown: it leaves every ISR and ELR")
            }
        }
    }
}

fn opt_offset(o: Option<Offset>) -> String {
    o.map_or_else(|| "-".into(), |o| o.to_string())
}

impl Event {
    /// The event's kind, as its variant is named (`LeaderElected`): what a lesson's tour stop
    /// waits for (see `lesson.rs`).
    pub fn kind(&self) -> &'static str {
        match self {
            Event::Sent { .. } => "Sent",
            Event::Delivered { .. } => "Delivered",
            Event::Dropped { .. } => "Dropped",
            Event::ProduceSent { .. } => "ProduceSent",
            Event::Appended { .. } => "Appended",
            Event::ProduceCompleted { .. } => "ProduceCompleted",
            Event::SegmentRolled { .. } => "SegmentRolled",
            Event::Replicated { .. } => "Replicated",
            Event::DivergenceDetected { .. } => "DivergenceDetected",
            Event::Truncated { .. } => "Truncated",
            Event::HighWatermark { .. } => "HighWatermark",
            Event::IsrProposed { .. } => "IsrProposed",
            Event::IsrChanged { .. } => "IsrChanged",
            Event::AlterPartitionRejected { .. } => "AlterPartitionRejected",
            Event::LeaderElected { .. } => "LeaderElected",
            Event::BecameLeader { .. } => "BecameLeader",
            Event::BecameFollower { .. } => "BecameFollower",
            Event::StaleStateIgnored { .. } => "StaleStateIgnored",
            Event::BrokerCrashed { .. } => "BrokerCrashed",
            Event::BrokerRestarted { .. } => "BrokerRestarted",
            Event::LogRecovered { .. } => "LogRecovered",
            Event::BrokerRegistered { .. } => "BrokerRegistered",
            Event::BrokerFenced { .. } => "BrokerFenced",
            Event::BrokerUnfenced { .. } => "BrokerUnfenced",
            Event::BrokerPaused { .. } => "BrokerPaused",
            Event::ControllerElected { .. } => "ControllerElected",
            Event::ZombieControllerFenced { .. } => "ZombieControllerFenced",
            Event::StaleControllerRejected { .. } => "StaleControllerRejected",
            Event::ConsumerRead { .. } => "ConsumerRead",
            Event::NetworkChanged { .. } => "NetworkChanged",
            Event::Flushed { .. } => "Flushed",
            Event::InvariantViolated { .. } => "InvariantViolated",
            Event::LeaderRebalance { .. } => "LeaderRebalance",
            Event::OffsetsTopicCreated { .. } => "OffsetsTopicCreated",
            Event::CoordinatorContext { .. } => "CoordinatorContext",
            Event::CoordinatorFound { .. } => "CoordinatorFound",
            Event::GroupClientRetry { .. } => "GroupClientRetry",
            Event::GroupClientDone { .. } => "GroupClientDone",
            Event::GroupStateChanged { .. } => "GroupStateChanged",
            Event::GroupMemberRemoved { .. } => "GroupMemberRemoved",
            Event::ReassignmentStarted { .. } => "ReassignmentStarted",
            Event::ReassignmentCompleted { .. } => "ReassignmentCompleted",
            Event::ReassignmentCancelled { .. } => "ReassignmentCancelled",
            Event::ReassignmentRefused { .. } => "ReassignmentRefused",
            Event::ReplicaCreated { .. } => "ReplicaCreated",
            Event::ReplicaDeleted { .. } => "ReplicaDeleted",
            Event::BrokerAdded { .. } => "BrokerAdded",
            Event::PreferredElectionResult { .. } => "PreferredElectionResult",
            Event::SegmentsDeleted { .. } => "SegmentsDeleted",
            Event::LogStartRaised { .. } => "LogStartRaised",
            #[cfg(feature = "groups")]
            Event::ConsumerMember { .. } => "ConsumerMember",
            #[cfg(feature = "groups")]
            Event::RecordsConsumed { .. } => "RecordsConsumed",
            #[cfg(feature = "compaction")]
            Event::LogCleaned { .. } => "LogCleaned",
            #[cfg(feature = "compaction")]
            Event::CleanerSkipped { .. } => "CleanerSkipped",
            #[cfg(feature = "kraft")]
            Event::ElrChanged { .. } => "ElrChanged",
            #[cfg(feature = "kraft")]
            Event::UncleanShutdownDetected { .. } => "UncleanShutdownDetected",
        }
    }

    /// Every kind [`Event::kind`] names, for validating a tour.
    pub const KINDS: &'static [&'static str] = &[
        "Sent", "Delivered", "Dropped", "ProduceSent", "Appended", "ProduceCompleted", "SegmentRolled", "Replicated",
        "DivergenceDetected", "Truncated", "HighWatermark", "IsrProposed", "IsrChanged", "AlterPartitionRejected",
        "LeaderElected", "BecameLeader", "BecameFollower", "StaleStateIgnored", "BrokerCrashed", "BrokerRestarted",
        "LogRecovered", "BrokerRegistered", "BrokerFenced", "BrokerUnfenced", "BrokerPaused", "ControllerElected",
        "ZombieControllerFenced", "StaleControllerRejected", "ConsumerRead", "NetworkChanged", "Flushed",
        "InvariantViolated", "LeaderRebalance", "OffsetsTopicCreated", "CoordinatorContext", "CoordinatorFound",
        "GroupClientRetry", "GroupClientDone", "GroupStateChanged", "GroupMemberRemoved", "ReassignmentStarted",
        "ReassignmentCompleted", "ReassignmentCancelled", "ReassignmentRefused", "ReplicaCreated", "ReplicaDeleted",
        "BrokerAdded", "PreferredElectionResult", "SegmentsDeleted", "LogStartRaised", "ConsumerMember", "RecordsConsumed",
        "LogCleaned", "CleanerSkipped", #[cfg(feature = "kraft")] "ElrChanged", #[cfg(feature = "kraft")] "UncleanShutdownDetected",
    ];

    /// The partition the event is about, if any.
    pub fn partition(&self) -> Option<&TopicPartition> {
        match self {
            Event::ProduceSent { tp, .. }
            | Event::Appended { tp, .. }
            | Event::ProduceCompleted { tp, .. }
            | Event::SegmentRolled { tp, .. }
            | Event::Replicated { tp, .. }
            | Event::DivergenceDetected { tp, .. }
            | Event::Truncated { tp, .. }
            | Event::HighWatermark { tp, .. }
            | Event::IsrProposed { tp, .. }
            | Event::IsrChanged { tp, .. }
            | Event::AlterPartitionRejected { tp, .. }
            | Event::LeaderElected { tp, .. }
            | Event::BecameLeader { tp, .. }
            | Event::BecameFollower { tp, .. }
            | Event::StaleStateIgnored { tp, .. }
            | Event::LogRecovered { tp, .. }
            | Event::ReassignmentStarted { tp, .. }
            | Event::ReassignmentCompleted { tp, .. }
            | Event::ReassignmentCancelled { tp, .. }
            | Event::ReassignmentRefused { tp, .. }
            | Event::ReplicaCreated { tp, .. }
            | Event::ReplicaDeleted { tp, .. }
            | Event::PreferredElectionResult { tp, .. }
            | Event::SegmentsDeleted { tp, .. }
            | Event::LogStartRaised { tp, .. }
            | Event::ConsumerRead { tp, .. } => Some(tp),
            #[cfg(feature = "groups")]
            Event::RecordsConsumed { tp, .. } => Some(tp),
            #[cfg(feature = "compaction")]
            Event::LogCleaned { tp, .. } | Event::CleanerSkipped { tp, .. } => Some(tp),
            #[cfg(feature = "kraft")]
            Event::ElrChanged { tp, .. } => Some(tp),
            Event::InvariantViolated { tp, .. } => tp.as_ref(),
            _ => None,
        }
    }

    /// The broker the event happens on (for a message, its sender; for an election, the new
    /// leader; for a divergence, the follower), if any.
    pub fn broker(&self) -> Option<BrokerId> {
        match self {
            Event::Sent { from: Node::Broker(b), .. } | Event::Delivered { to: Node::Broker(b), .. } => Some(*b),
            Event::ProduceSent { to, .. } => Some(*to),
            Event::LeaderElected { leader, .. } => *leader,
            Event::DivergenceDetected { follower, .. } => Some(*follower),
            Event::Appended { broker, .. }
            | Event::SegmentRolled { broker, .. }
            | Event::Replicated { broker, .. }
            | Event::Truncated { broker, .. }
            | Event::HighWatermark { broker, .. }
            | Event::IsrProposed { broker, .. }
            | Event::BecameLeader { broker, .. }
            | Event::BecameFollower { broker, .. }
            | Event::StaleStateIgnored { broker, .. }
            | Event::BrokerCrashed { broker, .. }
            | Event::BrokerRestarted { broker }
            | Event::LogRecovered { broker, .. }
            | Event::BrokerRegistered { broker, .. }
            | Event::BrokerFenced { broker, .. }
            | Event::BrokerUnfenced { broker }
            | Event::BrokerPaused { broker, .. }
            | Event::ControllerElected { broker, .. }
            | Event::ZombieControllerFenced { broker, .. }
            | Event::StaleControllerRejected { broker, .. }
            | Event::ConsumerRead { broker, .. }
            | Event::ReplicaCreated { broker, .. }
            | Event::ReplicaDeleted { broker, .. }
            | Event::BrokerAdded { broker }
            | Event::SegmentsDeleted { broker, .. }
            | Event::LogStartRaised { broker, .. }
            | Event::Flushed { broker } => Some(*broker),
            #[cfg(feature = "compaction")]
            Event::LogCleaned { broker, .. } | Event::CleanerSkipped { broker, .. } => Some(*broker),
            #[cfg(feature = "kraft")]
            Event::UncleanShutdownDetected { broker } => Some(*broker),
            _ => None,
        }
    }
}
