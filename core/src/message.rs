//! What travels on the simulated network: Kafka's requests and responses, reduced to the
//! fields the replication protocol reads. Kafka error codes are values here, never Rust errors.

use crate::ids::{BrokerEpoch, BrokerId, ControllerEpoch, LeaderEpoch, Offset, PartitionEpoch, ProduceId, TopicPartition};
use crate::group::GroupError;
use crate::log::Record;
use serde::Serialize;
use std::fmt;

/// A place on the network: a broker (which may also host the controller) or the clients.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum Node {
    /// A broker.
    Broker(BrokerId),
    /// The producer and consumer clients.
    Client,
}

impl fmt::Display for Node {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Node::Broker(b) => write!(f, "broker {b}"),
            Node::Client => write!(f, "client"),
        }
    }
}

/// Kafka error codes the protocol uses, printed with Kafka's names.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[allow(missing_docs)]
pub enum KafkaError {
    NotLeaderOrFollower,
    FencedLeaderEpoch,
    UnknownLeaderEpoch,
    OffsetOutOfRange,
    OffsetNotAvailable,
    NotEnoughReplicas,
    NotEnoughReplicasAfterAppend,
    RequestTimedOut,
    InvalidRequest,
    InvalidUpdateVersion,
    IneligibleReplica,
    StaleControllerEpoch,
    StaleBrokerEpoch,
    NotController,
    /// RA1, RA7: empty, duplicate or unregistered targets, or a revert that needs an unclean
    /// election the topic does not allow.
    InvalidReplicaAssignment,
    /// RA7: a cancellation with no move in progress.
    NoReassignmentInProgress,
    /// RA5: the AlterPartition was written, but it completed a move that elected another leader.
    NewLeaderElected,
    /// PL2: the preferred replica already leads.
    ElectionNotNeeded,
    /// PL2: a preferred election that could write nothing (`replicas[0]` is not a valid leader).
    PreferredLeaderNotAvailable,
    /// CC18: a record without a key produced to a compacted topic (LogValidator).
    InvalidRecord,
}

impl KafkaError {
    /// Kafka's name for the code, e.g. `NOT_ENOUGH_REPLICAS`.
    pub fn name(self) -> &'static str {
        match self {
            KafkaError::NotLeaderOrFollower => "NOT_LEADER_OR_FOLLOWER",
            KafkaError::FencedLeaderEpoch => "FENCED_LEADER_EPOCH",
            KafkaError::UnknownLeaderEpoch => "UNKNOWN_LEADER_EPOCH",
            KafkaError::OffsetOutOfRange => "OFFSET_OUT_OF_RANGE",
            KafkaError::OffsetNotAvailable => "OFFSET_NOT_AVAILABLE",
            KafkaError::NotEnoughReplicas => "NOT_ENOUGH_REPLICAS",
            KafkaError::NotEnoughReplicasAfterAppend => "NOT_ENOUGH_REPLICAS_AFTER_APPEND",
            KafkaError::RequestTimedOut => "REQUEST_TIMED_OUT",
            KafkaError::InvalidRequest => "INVALID_REQUEST",
            KafkaError::InvalidUpdateVersion => "INVALID_UPDATE_VERSION",
            KafkaError::IneligibleReplica => "INELIGIBLE_REPLICA",
            KafkaError::StaleControllerEpoch => "STALE_CONTROLLER_EPOCH",
            KafkaError::StaleBrokerEpoch => "STALE_BROKER_EPOCH",
            KafkaError::NotController => "NOT_CONTROLLER",
            KafkaError::InvalidReplicaAssignment => "INVALID_REPLICA_ASSIGNMENT",
            KafkaError::NoReassignmentInProgress => "NO_REASSIGNMENT_IN_PROGRESS",
            KafkaError::NewLeaderElected => "NEW_LEADER_ELECTED",
            KafkaError::InvalidRecord => "INVALID_RECORD",
            KafkaError::ElectionNotNeeded => "ELECTION_NOT_NEEDED",
            KafkaError::PreferredLeaderNotAvailable => "PREFERRED_LEADER_NOT_AVAILABLE",
        }
    }
}

impl fmt::Display for KafkaError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// `acks` of a produce request (P5).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub enum Acks {
    /// `acks=0`: fire and forget.
    #[serde(rename = "0")]
    None,
    /// `acks=1`: the leader's local append.
    #[serde(rename = "1")]
    Leader,
    /// `acks=all` (-1): the whole ISR.
    #[serde(rename = "all")]
    All,
}

impl fmt::Display for Acks {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Acks::None => "0",
            Acks::Leader => "1",
            Acks::All => "all",
        })
    }
}

/// Whether a partition's leader was elected uncleanly and has not yet recovered (KIP-704).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum LeaderRecoveryState {
    /// Normal.
    Recovered,
    /// After an unclean election, until the leader reports it recovered (I27).
    Recovering,
}

/// Everything a broker learns about a partition from the controller (LeaderAndIsr).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PartitionState {
    /// The partition.
    pub tp: TopicPartition,
    /// Ordered assignment; `replicas[0]` is the preferred leader.
    pub replicas: Vec<BrokerId>,
    /// The leader, or `None` (NONE).
    pub leader: Option<BrokerId>,
    /// The leader epoch.
    pub leader_epoch: LeaderEpoch,
    /// The partition epoch.
    pub partition_epoch: PartitionEpoch,
    /// The committed ISR.
    pub isr: Vec<BrokerId>,
    /// RECOVERED or RECOVERING.
    pub leader_recovery_state: LeaderRecoveryState,
    /// RA2: replicas a reassignment in progress adds (sorted; empty when none is).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub adding_replicas: Vec<BrokerId>,
    /// RA2: replicas it removes once done (sorted; the tail of `replicas`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub removing_replicas: Vec<BrokerId>,
    /// EL3, EL5 (KIP-966): the Eligible Leader Replicas and the last known leader.
    #[serde(skip_serializing_if = "Elr::is_empty")]
    pub elr: Elr,
}

/// A partition's Eligible Leader Replicas (KIP-966; PROTOCOL-KRAFT.md EL3, EL5). Empty without
/// ELR; in a build without the `kraft` feature (the first page) it has no fields at all. One
/// word: the members as a set of broker ids (bits 0–23; a cluster has at most 12 brokers), which
/// keeps them ascending as Kafka's HashSet does (§0), and the last known leader (bits 24–31, 0
/// for none: ids start at 1), so that a registration, which travels in every LeaderAndIsr, is no
/// larger than before.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Elr {
    #[cfg(feature = "kraft")]
    bits: u32,
}

#[cfg(feature = "kraft")]
const MEMBER_BITS: u32 = 24;

impl Elr {
    /// An ELR of `members` with `last_known` as the last known leader.
    #[cfg(feature = "kraft")]
    pub fn new(members: &[BrokerId], last_known: Option<BrokerId>) -> Elr {
        let members = members.iter().fold(0u32, |m, b| {
            assert!(b.0 < MEMBER_BITS, "broker ids are below 24");
            m | (1 << b.0)
        });
        Elr { bits: members }.with_last_known(last_known)
    }
    /// The members, ascending (none without the feature).
    pub fn members(&self) -> Vec<BrokerId> {
        #[cfg(feature = "kraft")]
        return (0..MEMBER_BITS).filter(|b| self.bits & (1 << b) != 0).map(BrokerId).collect();
        #[cfg(not(feature = "kraft"))]
        Vec::new()
    }
    /// Whether `b` is a member.
    pub fn contains(&self, b: BrokerId) -> bool {
        #[cfg(feature = "kraft")]
        return b.0 < MEMBER_BITS && self.bits & (1 << b.0) != 0;
        #[cfg(not(feature = "kraft"))]
        {
            let _ = b;
            false
        }
    }
    /// The last known leader, if one is recorded.
    pub fn last_known(&self) -> Option<BrokerId> {
        #[cfg(feature = "kraft")]
        return Some(self.bits >> MEMBER_BITS).filter(|b| *b != 0).map(BrokerId);
        #[cfg(not(feature = "kraft"))]
        None
    }
    /// Whether it has members.
    pub fn has_members(&self) -> bool {
        #[cfg(feature = "kraft")]
        return self.bits & ((1 << MEMBER_BITS) - 1) != 0;
        #[cfg(not(feature = "kraft"))]
        false
    }
    /// Neither members nor a last known leader.
    pub fn is_empty(&self) -> bool {
        !self.has_members() && self.last_known().is_none()
    }
    /// The same without `b` among the members (EL4: a member elected leader leaves).
    #[must_use]
    pub fn without(self, b: BrokerId) -> Elr {
        #[cfg(feature = "kraft")]
        return Elr { bits: self.bits & !(if b.0 < MEMBER_BITS { 1 << b.0 } else { 0 }) };
        #[cfg(not(feature = "kraft"))]
        {
            let _ = b;
            self
        }
    }
    /// The same with `last_known` as the last known leader (EL5).
    #[cfg(feature = "kraft")]
    #[must_use]
    pub fn with_last_known(self, last_known: Option<BrokerId>) -> Elr {
        let l = last_known.map_or(0, |b| {
            assert!(b.0 > 0 && b.0 < 256, "broker ids are 1–255");
            b.0
        });
        Elr { bits: (self.bits & ((1 << MEMBER_BITS) - 1)) | (l << MEMBER_BITS) }
    }
}

/// As `{"members": [..], "last_known": b}`, each only when set.
impl Serialize for Elr {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut st = s.serialize_struct("Elr", 2)?;
        if self.has_members() {
            st.serialize_field("members", &self.members())?;
        }
        if let Some(b) = self.last_known() {
            st.serialize_field("last_known", &b)?;
        }
        st.end()
    }
}

/// The trace hash (`trace.rs`) feeds the move's sets only while a move is in progress, and the
/// ELR fields only when not empty, so a run without reassignments or ELR hashes as it did
/// before they existed.
impl std::hash::Hash for PartitionState {
    fn hash<H: std::hash::Hasher>(&self, h: &mut H) {
        self.tp.hash(h);
        self.replicas.hash(h);
        self.leader.hash(h);
        self.leader_epoch.hash(h);
        self.partition_epoch.hash(h);
        self.isr.hash(h);
        self.leader_recovery_state.hash(h);
        if self.reassigning() {
            self.adding_replicas.hash(h);
            self.removing_replicas.hash(h);
        }
        if !self.elr.is_empty() {
            self.elr.hash(h);
        }
    }
}

impl PartitionState {
    /// RA2: a reassignment is in progress.
    pub fn reassigning(&self) -> bool {
        !self.adding_replicas.is_empty() || !self.removing_replicas.is_empty()
    }
}

/// A request or response on the wire.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
#[allow(missing_docs)]
pub enum Message {
    /// A follower's fetch (F1).
    FetchRequest {
        /// Matches the response to the request (Kafka's request-header correlation id).
        correlation_id: u64,
        tp: TopicPartition,
        replica_id: BrokerId,
        replica_epoch: BrokerEpoch,
        fetch_offset: Offset,
        last_fetched_epoch: LeaderEpoch,
        current_leader_epoch: LeaderEpoch,
        /// 0 for a pinned round trip; otherwise the leader may park an empty fetch.
        max_wait_ms: u64,
    },
    /// The leader's answer (L1–L8).
    FetchResponse {
        correlation_id: u64,
        tp: TopicPartition,
        fetch_offset: Offset,
        current_leader_epoch: LeaderEpoch,
        error: Option<KafkaError>,
        /// `(epoch, end offset)` when L4 found divergence.
        diverging_epoch: Option<(LeaderEpoch, Offset)>,
        records: Vec<Record>,
        high_watermark: Offset,
        log_end_offset: Offset,
        log_start_offset: Offset,
    },
    /// Legacy KIP-101/KIP-279 truncation round trip (F3).
    OffsetsForLeaderEpochRequest {
        correlation_id: u64,
        tp: TopicPartition,
        replica_id: BrokerId,
        leader_epoch: LeaderEpoch,
        current_leader_epoch: LeaderEpoch,
    },
    /// Its answer: end offset only (KIP-101) or with the epoch (KIP-279).
    OffsetsForLeaderEpochResponse {
        correlation_id: u64,
        tp: TopicPartition,
        requested_epoch: LeaderEpoch,
        current_leader_epoch: LeaderEpoch,
        error: Option<KafkaError>,
        leader_epoch: LeaderEpoch,
        end_offset: Offset,
    },
    /// A producer's request (P1–P5).
    ProduceRequest { id: ProduceId, tp: TopicPartition, key: Option<String>, value: crate::log::Value, acks: Acks },
    /// Its answer.
    ProduceResponse { id: ProduceId, tp: TopicPartition, error: Option<KafkaError>, offset: Offset },
    /// Leader → controller: a new ISR (S3).
    AlterPartition {
        /// Identifies the proposal; the response echoes it (S5: a response to an older
        /// proposal is out of date and ignored).
        proposal_id: u64,
        tp: TopicPartition,
        leader_id: BrokerId,
        leader_epoch: LeaderEpoch,
        partition_epoch: PartitionEpoch,
        new_isr: Vec<(BrokerId, BrokerEpoch)>,
    },
    /// Controller → leader (S4, S5).
    AlterPartitionResponse { proposal_id: u64, tp: TopicPartition, error: Option<KafkaError>, state: Option<PartitionState> },
    /// Controller → brokers: the partition's new state, fenced by controller epoch (K1, E4).
    LeaderAndIsr { controller_epoch: ControllerEpoch, controller_id: BrokerId, state: PartitionState },
    /// Broker → controller (E1), with the partition epochs it has applied (its metadata offset).
    Heartbeat { broker_epoch: BrokerEpoch, known: Vec<(TopicPartition, PartitionEpoch)> },
    /// Broker → controller after a restart (E1, B2).
    BrokerRegistration { previous_epoch: Option<BrokerEpoch> },
    /// Controller → broker: its new epoch and the current state of its partitions (the
    /// metadata it catches up with before it acts on any partition, B2-B3).
    BrokerRegistrationResponse { broker_epoch: BrokerEpoch, controller_epoch: ControllerEpoch, states: Vec<PartitionState> },
    /// Broker → controller before a clean shutdown.
    ControlledShutdown { broker_epoch: BrokerEpoch },
    /// Client → any broker: where is `group`'s coordinator? (CP2). `attempt` is the client's.
    FindCoordinator { client: String, group: String, attempt: u32 },
    /// Its answer: the leader of `__consumer_offsets-partitionFor(group)`, or an error.
    FindCoordinatorResponse { client: String, group: String, attempt: u32, coordinator: Result<BrokerId, GroupError> },
    /// Client → coordinator: commit these next-offsets-to-read, from outside the group
    /// (generation -1, no member id: OC2).
    OffsetCommit { client: String, group: String, attempt: u32, offsets: Vec<(TopicPartition, i64)> },
    /// Its answer, sent once the commit is committed on the offsets partition (CP6).
    OffsetCommitResponse { client: String, group: String, attempt: u32, error: Option<GroupError> },
    /// Client → coordinator: the committed offsets of these partitions (OC5).
    OffsetFetch { client: String, group: String, attempt: u32, partitions: Vec<TopicPartition> },
    /// Its answer: -1 where nothing is committed.
    OffsetFetchResponse { client: String, group: String, attempt: u32, offsets: Result<Vec<(TopicPartition, i64)>, GroupError> },
    #[cfg(feature = "groups")]
    /// A group member → its coordinator: JoinGroup, SyncGroup, Heartbeat, LeaveGroup, and its
    /// OffsetCommit / OffsetFetch (CL2–CL9, OC2, OC5). `client` names the member and its line
    /// (`c1`, `c1/hb`, `c1/ac`: [`crate::group::member::Channel`]).
    GroupRequest { client: String, group: String, request: crate::group::coordinator::Request },
    #[cfg(feature = "groups")]
    /// The coordinator's answer to a member (a parked JoinGroup or SyncGroup is answered when
    /// the rebalance step completes, CL5, CL6).
    GroupResponse { client: String, group: String, response: crate::group::coordinator::Response },
}

impl Message {
    /// A short name for the kind, for the trace and the page's labels.
    pub fn kind(&self) -> &'static str {
        match self {
            Message::FetchRequest { .. } => "Fetch",
            Message::FetchResponse { .. } => "FetchResponse",
            Message::OffsetsForLeaderEpochRequest { .. } => "OffsetsForLeaderEpoch",
            Message::OffsetsForLeaderEpochResponse { .. } => "OffsetsForLeaderEpochResponse",
            Message::ProduceRequest { .. } => "Produce",
            Message::ProduceResponse { .. } => "ProduceResponse",
            Message::AlterPartition { .. } => "AlterPartition",
            Message::AlterPartitionResponse { .. } => "AlterPartitionResponse",
            Message::LeaderAndIsr { .. } => "LeaderAndIsr",
            Message::Heartbeat { .. } => "Heartbeat",
            Message::BrokerRegistration { .. } => "BrokerRegistration",
            Message::BrokerRegistrationResponse { .. } => "BrokerRegistrationResponse",
            Message::ControlledShutdown { .. } => "ControlledShutdown",
            Message::FindCoordinator { .. } => "FindCoordinator",
            Message::FindCoordinatorResponse { .. } => "FindCoordinatorResponse",
            Message::OffsetCommit { .. } => "OffsetCommit",
            Message::OffsetCommitResponse { .. } => "OffsetCommitResponse",
            Message::OffsetFetch { .. } => "OffsetFetch",
            Message::OffsetFetchResponse { .. } => "OffsetFetchResponse",
            #[cfg(feature = "groups")]
            Message::GroupRequest { request, .. } => request.kind(),
            #[cfg(feature = "groups")]
            Message::GroupResponse { response, .. } => response.kind(),
        }
    }

    /// True for the background chatter the page may hide (heartbeats).
    pub fn is_heartbeat(&self) -> bool {
        #[cfg(feature = "groups")]
        {
            use crate::group::{classic, coordinator};
            if matches!(
                self,
                Message::GroupRequest { request: coordinator::Request::Heartbeat { .. }, .. }
                    | Message::GroupResponse { response: coordinator::Response::Classic(classic::Response::Heartbeat(None)), .. }
            ) {
                return true;
            }
        }
        matches!(self, Message::Heartbeat { .. })
    }
}

fn epoch_str(e: LeaderEpoch) -> String {
    if e == LeaderEpoch::UNDEFINED {
        "-1".into()
    } else {
        e.to_string()
    }
}

impl fmt::Display for Message {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Message::FetchRequest { tp, fetch_offset, last_fetched_epoch, current_leader_epoch, .. } => write!(
                f,
                "Fetch({tp} off {fetch_offset}, lastEp {}, cur {current_leader_epoch})",
                epoch_str(*last_fetched_epoch)
            ),
            Message::FetchResponse { tp, error: Some(e), .. } => write!(f, "FetchResponse({tp} {e})"),
            Message::FetchResponse { tp, diverging_epoch: Some((e, o)), high_watermark, .. } => {
                write!(f, "FetchResponse({tp} Diverging({}, {o}), HW {high_watermark})", epoch_str(*e))
            }
            Message::FetchResponse { tp, records, high_watermark, .. } => match (records.first(), records.last()) {
                (Some(a), Some(b)) => {
                    write!(f, "FetchResponse({tp} records {}..{}, HW {high_watermark})", a.offset, b.offset)
                }
                _ => write!(f, "FetchResponse({tp} no records, HW {high_watermark})"),
            },
            Message::OffsetsForLeaderEpochRequest { tp, leader_epoch, .. } => {
                write!(f, "OffsetsForLeaderEpoch({tp} epoch {})", epoch_str(*leader_epoch))
            }
            Message::OffsetsForLeaderEpochResponse { tp, error: Some(e), .. } => {
                write!(f, "OffsetsForLeaderEpochResponse({tp} {e})")
            }
            Message::OffsetsForLeaderEpochResponse { tp, leader_epoch, end_offset, .. } => {
                write!(f, "OffsetsForLeaderEpochResponse({tp} epoch {}, end {end_offset})", epoch_str(*leader_epoch))
            }
            Message::ProduceRequest { id, tp, value, acks, .. } => {
                write!(f, "Produce(#{id} {tp} {value:?} acks={acks})")
            }
            Message::ProduceResponse { id, tp, error: None, offset } => {
                write!(f, "ProduceResponse(#{id} {tp} ok at {offset})")
            }
            Message::ProduceResponse { id, tp, error: Some(e), .. } => write!(f, "ProduceResponse(#{id} {tp} {e})"),
            Message::AlterPartition { tp, leader_epoch, partition_epoch, new_isr, .. } => write!(
                f,
                "AlterPartition({tp} isr {}, leaderEpoch {leader_epoch}, partitionEpoch {partition_epoch})",
                ids(new_isr.iter().map(|(b, _)| *b))
            ),
            Message::AlterPartitionResponse { tp, error: Some(e), .. } => {
                write!(f, "AlterPartitionResponse({tp} {e})")
            }
            Message::AlterPartitionResponse { tp, state, .. } => write!(
                f,
                "AlterPartitionResponse({tp} isr {})",
                state.as_ref().map_or_else(String::new, |s| ids(s.isr.iter().copied()))
            ),
            Message::LeaderAndIsr { controller_epoch, state, .. } => write!(
                f,
                "LeaderAndIsr({} leader {}, epoch {}, isr {}, controllerEpoch {controller_epoch})",
                state.tp,
                state.leader.map_or("none".into(), |b| b.to_string()),
                state.leader_epoch,
                ids(state.isr.iter().copied())
            ),
            Message::Heartbeat { broker_epoch, .. } => write!(f, "Heartbeat(brokerEpoch {broker_epoch})"),
            Message::BrokerRegistration { .. } => write!(f, "BrokerRegistration"),
            Message::BrokerRegistrationResponse { broker_epoch, .. } => {
                write!(f, "BrokerRegistrationResponse(brokerEpoch {broker_epoch})")
            }
            Message::ControlledShutdown { .. } => write!(f, "ControlledShutdown"),
            Message::FindCoordinator { group, .. } => write!(f, "FindCoordinator({group})"),
            Message::FindCoordinatorResponse { group, coordinator: Ok(b), .. } => write!(f, "FindCoordinatorResponse({group} broker {b})"),
            Message::FindCoordinatorResponse { group, coordinator: Err(e), .. } => write!(f, "FindCoordinatorResponse({group} {})", e.name()),
            Message::OffsetCommit { group, offsets, .. } => write!(f, "OffsetCommit({group} {})", offsets_str(offsets)),
            Message::OffsetCommitResponse { group, error: None, .. } => write!(f, "OffsetCommitResponse({group} ok)"),
            Message::OffsetCommitResponse { group, error: Some(e), .. } => write!(f, "OffsetCommitResponse({group} {})", e.name()),
            Message::OffsetFetch { group, partitions, .. } => {
                write!(f, "OffsetFetch({group} {})", partitions.iter().map(|tp| tp.to_string()).collect::<Vec<_>>().join(","))
            }
            Message::OffsetFetchResponse { group, offsets: Ok(o), .. } => write!(f, "OffsetFetchResponse({group} {})", offsets_str(o)),
            Message::OffsetFetchResponse { group, offsets: Err(e), .. } => write!(f, "OffsetFetchResponse({group} {})", e.name()),
            #[cfg(feature = "groups")]
            Message::GroupRequest { group, request, .. } => write!(f, "{}({group} {})", request.kind(), request.describe()),
            #[cfg(feature = "groups")]
            Message::GroupResponse { group, response, .. } => write!(f, "{}({group} {})", response.kind(), response.describe()),
        }
    }
}

/// `t-0@5,t-1@-1`: partitions with their committed (next-to-read) offsets.
pub fn offsets_str(offsets: &[(TopicPartition, i64)]) -> String {
    offsets.iter().map(|(tp, o)| format!("{tp}@{o}")).collect::<Vec<_>>().join(",")
}

/// `{1,2,3}`.
pub fn ids(it: impl IntoIterator<Item = BrokerId>) -> String {
    let v: Vec<String> = it.into_iter().map(|b| b.to_string()).collect();
    format!("{{{}}}", v.join(","))
}
