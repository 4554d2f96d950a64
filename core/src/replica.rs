//! A replica: one partition's log on one broker, its epoch cache, and its role state —
//! the leader's view of its followers (Kafka's `Partition` + `Replica.ReplicaState`) or the
//! follower's fetch state (`AbstractFetcherThread.PartitionFetchState`).
//!
//! The protocol handlers on a replica live in [`crate::partition`] (leader side) and
//! [`crate::fetcher`] (follower side).

use crate::epoch_cache::EpochCache;
use crate::ids::{BrokerEpoch, BrokerId, LeaderEpoch, Offset, PartitionEpoch, ProduceId, TimeMs, TopicPartition};
use crate::log::{Log, LogConfig};
use serde::Serialize;
use litemap::LiteMap;

/// The leader's record of one follower (Replica.scala `ReplicaState`, L6).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct FollowerRecord {
    /// The follower's LEO as last fetched; UNKNOWN (-1) after a leader change (H4).
    pub leo: Offset,
    /// When it last fetched.
    pub last_fetch_time_ms: Option<TimeMs>,
    /// The leader's LEO at its last fetch.
    pub last_fetch_leader_leo: Offset,
    /// The largest t such that its latest fetch offset >= the leader's LEO at t; `None` = never.
    pub last_caught_up_time_ms: Option<TimeMs>,
    /// The broker epoch its last fetch carried (KIP-903).
    pub broker_epoch: BrokerEpoch,
}

impl FollowerRecord {
    /// A record for a follower the leader has not heard from.
    pub fn unknown(last_caught_up_time_ms: Option<TimeMs>) -> Self {
        FollowerRecord {
            leo: Offset::UNKNOWN,
            last_fetch_time_ms: None,
            last_fetch_leader_leo: Offset::UNKNOWN,
            last_caught_up_time_ms,
            broker_epoch: BrokerEpoch(-1),
        }
    }

    /// `isCaughtUp(r) = r.LEO == leader.LEO || now - lastCaughtUpTimeMs <= lag` (H2, S1).
    pub fn is_caught_up(&self, leader_leo: Offset, now: TimeMs, lag_time_max_ms: u64) -> bool {
        self.leo == leader_leo || self.last_caught_up_time_ms.is_some_and(|t| now.saturating_sub(t) <= lag_time_max_ms)
    }
}

/// An acks=all produce waiting in purgatory (P5).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PendingProduce {
    /// The request.
    pub id: ProduceId,
    /// `lastAppendedOffset + 1`.
    pub required_offset: Offset,
}

/// A follower fetch the leader parked until data arrives or `max_wait_ms` passes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ParkedFetch {
    /// The request's correlation id, echoed in the response.
    pub correlation_id: u64,
    /// The follower.
    pub follower: BrokerId,
    /// Its fetch offset.
    pub fetch_offset: Offset,
    /// The epoch it fetched in.
    pub current_leader_epoch: LeaderEpoch,
    /// Identifies the parking, so that a stale expiry timer is ignored.
    pub seq: u64,
}

/// State a replica holds only while it is leader.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct LeaderState {
    /// The committed ISR as this leader knows it.
    pub isr: Vec<BrokerId>,
    /// `isr ∪ proposed` while an AlterPartition is in flight (S3).
    pub maximal_isr: Vec<BrokerId>,
    /// The ISR proposed in the AlterPartition in flight, if any.
    pub pending_isr: Option<Vec<BrokerId>>,
    /// Numbers proposals; only the response to the pending one is applied (S5).
    pub proposal_id: u64,
    /// Leader Epoch Start Offset: the LEO when it became leader in this epoch (C2).
    pub leso: Offset,
    /// One record per follower.
    pub followers: LiteMap<BrokerId, FollowerRecord>,
    /// acks=all produces waiting for the HW (P5).
    pub pending_produces: Vec<PendingProduce>,
    /// Empty follower fetches waiting for data.
    pub parked_fetches: Vec<ParkedFetch>,
    /// Numbers parked fetches.
    pub park_seq: u64,
}

/// Where a follower's fetcher is (AbstractFetcherThread).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum FetchPhase {
    /// Legacy modes: waiting for an OffsetsForLeaderEpoch answer before fetching (F3).
    Truncating,
    /// Fetching at the LEO.
    Fetching,
}

/// State a replica holds only while it is a follower.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct FollowerState {
    /// Whom it fetches from.
    pub leader: BrokerId,
    /// Truncating or Fetching.
    pub phase: FetchPhase,
    /// The correlation id of the request on the wire, if any: only its response is
    /// processed (so a late response from before a role change is ignored).
    pub in_flight: Option<u64>,
}

/// The replica's role (§2.9).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub enum Role {
    /// No leader known, or the broker just restarted.
    None,
    /// Leader.
    Leader(Box<LeaderState>),
    /// Follower.
    Follower(FollowerState),
}

impl Role {
    /// "leader", "follower" or "none".
    pub fn name(&self) -> &'static str {
        match self {
            Role::None => "none",
            Role::Leader(_) => "leader",
            Role::Follower(_) => "follower",
        }
    }
}

/// One partition's replica on one broker.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Replica {
    /// Which partition.
    pub tp: TopicPartition,
    /// On which broker.
    pub broker: BrokerId,
    /// The log.
    pub log: Log,
    /// The leader-epoch cache.
    /// Invariant (I3, I4): agrees with the records' epochs; strictly increasing.
    pub epoch_cache: EpochCache,
    /// The assignment as last learned.
    pub replicas: Vec<BrokerId>,
    /// The leader as last learned.
    pub leader: Option<BrokerId>,
    /// The leader epoch as last learned. Invariant (I2): never decreases.
    pub leader_epoch: LeaderEpoch,
    /// The partition epoch as last learned. Invariant (I2): never decreases.
    pub partition_epoch: PartitionEpoch,
    /// Leader, follower or none.
    pub role: Role,
    /// The HW written to the checkpoint file (read back on restart, B2).
    pub hw_checkpoint: Offset,
    /// The last correlation id this replica used (fetches and AlterPartition proposals).
    pub correlation: u64,
    /// Set on restart: the next partition state is applied even at an equal epoch (the
    /// broker replays metadata it already had).
    pub awaiting_state: bool,
}

impl Replica {
    /// An empty replica with no role.
    pub fn new(tp: TopicPartition, broker: BrokerId, log_config: LogConfig) -> Self {
        Replica {
            tp,
            broker,
            log: Log::new(log_config),
            epoch_cache: EpochCache::default(),
            replicas: Vec::new(),
            leader: None,
            leader_epoch: LeaderEpoch::UNDEFINED,
            partition_epoch: PartitionEpoch(-1),
            role: Role::None,
            hw_checkpoint: Offset(0),
            correlation: 0,
            awaiting_state: false,
        }
    }

    /// The leader state, when leader.
    pub fn leader_state(&self) -> Option<&LeaderState> {
        match &self.role {
            Role::Leader(l) => Some(l),
            _ => None,
        }
    }

    /// The leader state, mutably.
    pub fn leader_state_mut(&mut self) -> Option<&mut LeaderState> {
        match &mut self.role {
            Role::Leader(l) => Some(l),
            _ => None,
        }
    }

    /// The follower state, when follower.
    pub fn follower_state(&self) -> Option<&FollowerState> {
        match &self.role {
            Role::Follower(f) => Some(f),
            _ => None,
        }
    }

    /// `LastFetchedEpoch` = the latest epoch in the cache (F1, I22).
    pub fn last_fetched_epoch(&self) -> LeaderEpoch {
        self.epoch_cache.latest_epoch()
    }

    /// Truncates log and epoch cache to `offset` (R3): keep `< offset`, `truncateFromEnd(offset)`
    /// — always, even when `offset >= LEO` (C4) — and clamp the HW.
    pub fn truncate_to(&mut self, offset: Offset) {
        self.log.truncate_to(offset);
        self.epoch_cache.truncate_from_end(offset);
    }
}
