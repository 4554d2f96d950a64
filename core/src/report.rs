//! The end state of a run as plain data: what `kplay run` prints as JSON and what scenario
//! expectations are compared with.

use crate::cluster::Cluster;
use crate::epoch_cache::EpochEntry;
use crate::event::ReadKind;
use crate::ids::{BrokerId, ControllerEpoch, LeaderEpoch, PartitionEpoch};
use crate::invariants::Violation;
use serde::Serialize;

/// One record as `{offset, epoch, key, value}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct LogEntry {
    /// Offset.
    pub offset: i64,
    /// Leader epoch.
    pub epoch: LeaderEpoch,
    /// Key, if any (an expectation that gives no key does not check keys).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "schema", schemars(default))]
    pub key: Option<String>,
    /// Value; null for a tombstone.
    #[cfg_attr(feature = "schema", schemars(with = "Option<String>", required))]
    pub value: crate::log::Value,
}

/// `controller {broker, epoch}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ControllerReport {
    /// The active controller.
    pub broker: Option<BrokerId>,
    /// Its epoch.
    pub epoch: ControllerEpoch,
}

/// One replica's end state.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ReplicaReport {
    /// Its broker.
    pub broker: BrokerId,
    /// `leader`, `follower`, `none`, or `offline` when its broker is down.
    pub state: String,
    /// LEO.
    pub leo: i64,
    /// HW.
    pub hw: i64,
    /// Log start offset.
    pub log_start_offset: i64,
    /// The segments' base offsets, oldest first.
    pub segments: Vec<i64>,
    /// The records.
    pub log: Vec<LogEntry>,
    /// The epoch cache.
    pub epoch_cache: Vec<EpochEntry>,
    /// A leader's LESO (L3), null otherwise.
    pub leso: Option<i64>,
    /// A follower's fetch state, `fetching` or `truncating` (F3), null otherwise.
    pub fetch_state: Option<String>,
    /// The cleaner checkpoint (PROTOCOL-LOG CC13), once its broker's cleaner has cleaned it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cleaner_checkpoint: Option<i64>,
}

/// One partition's end state (the controller's view plus every replica).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PartitionReport {
    /// Topic.
    pub topic: String,
    /// Partition.
    pub partition: u32,
    /// Leader or null.
    pub leader: Option<BrokerId>,
    /// Leader epoch.
    pub leader_epoch: LeaderEpoch,
    /// Partition epoch.
    pub partition_epoch: PartitionEpoch,
    /// ISR, ascending.
    pub isr: Vec<BrokerId>,
    /// `RECOVERED`, or `RECOVERING` after an unclean election (KIP-704).
    pub leader_recovery_state: String,
    /// The assignment as the controller has it, preferred first (during a move: target ++
    /// removing, RA2).
    pub assignment: Vec<BrokerId>,
    /// RA2: the replicas a move in progress adds (empty when none is).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub adding_replicas: Vec<BrokerId>,
    /// RA2: the replicas it removes.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub removing_replicas: Vec<BrokerId>,
    /// EL3: the Eligible Leader Replicas, ascending (empty without ELR).
    #[cfg(feature = "kraft")]
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub elr: Vec<BrokerId>,
    /// EL5: the last known leader while the ISR is empty.
    #[cfg(feature = "kraft")]
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub last_known_elr: Vec<BrokerId>,
    /// Replicas in assignment order.
    pub replicas: Vec<ReplicaReport>,
}

/// One produce: `{value, acks, result}` with result `ok`, `pending` or the error name.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ProducedReport {
    /// Value.
    pub value: String,
    /// `0`, `1` or `all`.
    pub acks: String,
    /// Outcome.
    pub result: String,
}

/// One consumer read.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ReadReport {
    /// Which broker answered.
    pub broker: BrokerId,
    /// `fetch` or `list_offsets`.
    pub kind: ReadKind,
    /// Offset asked (fetch) or answered (list_offsets).
    pub offset: i64,
    /// The records as `(o,e,v)…`, `empty`, `offset N`, or the error name.
    pub result: String,
}

/// The whole report.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Report {
    /// The controller.
    pub controller: ControllerReport,
    /// Every partition.
    pub partitions: Vec<PartitionReport>,
    /// Every produce.
    pub produced: Vec<ProducedReport>,
    /// Every read.
    pub reads: Vec<ReadReport>,
    /// Every invariant violation.
    pub violations: Vec<Violation>,
    /// Every consumer of a classic group, by name.
    #[cfg(feature = "groups")]
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub consumers: Vec<ConsumerReport>,
    /// Every group a coordinator serves, with what its consumers were delivered.
    #[cfg(feature = "groups")]
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub groups: Vec<GroupReport>,
    /// Number of events.
    pub events: u64,
    /// The trace hash, 16 hex digits.
    pub trace_hash: String,
}

impl Report {
    /// The report of a cluster's current state.
    pub fn of(c: &Cluster) -> Report {
        let partitions = c
            .controller
            .partitions
            .values()
            .map(|st| {
                let mut isr = st.isr.clone();
                isr.sort();
                PartitionReport {
                    topic: st.tp.topic.clone(),
                    partition: st.tp.partition,
                    leader: st.leader,
                    leader_epoch: st.leader_epoch,
                    partition_epoch: st.partition_epoch,
                    isr,
                    leader_recovery_state: match st.leader_recovery_state {
                        crate::message::LeaderRecoveryState::Recovered => "RECOVERED".into(),
                        crate::message::LeaderRecoveryState::Recovering => "RECOVERING".into(),
                    },
                    assignment: st.replicas.clone(),
                    adding_replicas: st.adding_replicas.clone(),
                    removing_replicas: st.removing_replicas.clone(),
                    #[cfg(feature = "kraft")]
                    elr: st.elr.members(),
                    #[cfg(feature = "kraft")]
                    last_known_elr: st.elr.last_known().into_iter().collect(),
                    replicas: st
                        .replicas
                        .iter()
                        .filter_map(|b| {
                            let r = c.replica(*b, &st.tp)?;
                            let up = c.brokers[b].is_running();
                            Some(ReplicaReport {
                                broker: *b,
                                state: if up { r.role.name().to_string() } else { "offline".into() },
                                leo: r.log.log_end_offset().0,
                                hw: r.log.high_watermark().0,
                                log_start_offset: r.log.log_start_offset().0,
                                segments: r.log.segments().iter().map(|s| s.base_offset.0).collect(),
                                log: r.log.records().map(|x| LogEntry { offset: x.offset.0, epoch: x.epoch, key: x.key.clone(), value: x.value.clone() }).collect(),
                                epoch_cache: r.epoch_cache.entries().to_vec(),
                                leso: r.leader_state().filter(|_| up).map(|l| l.leso.0),
                                fetch_state: r.follower_state().filter(|_| up).map(|f| match f.phase {
                                    crate::replica::FetchPhase::Fetching => "fetching".into(),
                                    crate::replica::FetchPhase::Truncating => "truncating".into(),
                                }),
                                cleaner_checkpoint: r.log.cleaner_checkpoint().map(|o| o.0),
                            })
                        })
                        .collect(),
                }
            })
            .collect();
        Report {
            controller: ControllerReport { broker: c.controller.active, epoch: c.controller.epoch },
            partitions,
            produced: c
                .produced
                .iter()
                .map(|p| ProducedReport {
                    value: p.value.to_string(),
                    acks: p.acks.to_string(),
                    result: match &p.result {
                        None => "pending".into(),
                        Some(Ok(_)) => "ok".into(),
                        Some(Err(e)) => e.name().into(),
                    },
                })
                .collect(),
            reads: c
                .reads
                .iter()
                .map(|r| ReadReport { broker: r.broker, kind: r.kind, offset: r.offset.0, result: r.result.to_string() })
                .collect(),
            violations: c.checker.violations.clone(),
            #[cfg(feature = "groups")]
            consumers: c.consumer_reports(),
            #[cfg(feature = "groups")]
            groups: c.group_reports(),
            events: c.event_count(),
            trace_hash: format!("{:016x}", c.trace_hash()),
        }
    }
}

/// A consumer as its client sees itself (PROTOCOL-GROUPS.md §1.3).
#[cfg(feature = "groups")]
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ConsumerReport {
    /// Its name (`client.id`).
    pub name: String,
    /// Its group.
    pub group: String,
    /// `UNJOINED`, `PREPARING_REBALANCE`, `COMPLETING_REBALANCE`, `STABLE`, `STOPPED` or `FATAL`.
    pub state: String,
    /// Its member id ("" before a join).
    pub member_id: String,
    /// Its generation (-1: none).
    pub generation: i32,
    /// What it owns, `t-0` style.
    pub owned: Vec<String>,
    /// Its positions (the next offset it processes), by partition.
    pub positions: std::collections::BTreeMap<String, i64>,
}

/// A group as its coordinator keeps it, and what its consumers were delivered.
#[cfg(feature = "groups")]
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct GroupReport {
    /// The group id.
    pub group: String,
    /// The broker whose active coordinator serves it (none while it loads or moves).
    pub coordinator: Option<BrokerId>,
    /// CL1 state (`Empty`, `PreparingRebalance`, `CompletingRebalance`, `Stable`, `Dead`).
    pub state: String,
    /// The generation.
    pub generation: i32,
    /// The members' ids with their assignment, `t-0` style.
    pub members: std::collections::BTreeMap<String, Vec<String>>,
    /// Committed offsets (OC1: the next offset to read), by partition.
    pub committed: std::collections::BTreeMap<String, i64>,
    /// Records delivered to its consumers, counting repeats.
    pub delivered: u64,
    /// Deliveries of an offset the group had been delivered before (OC9, OC10).
    pub duplicates: u64,
}

/// `[(0,1,A),(1,2,C)]`, or with keys `[(0,1,k1=A),(1,2,k2=∅)]`.
pub fn log_text(log: &[LogEntry], keys: bool) -> String {
    let v: Vec<String> = log
        .iter()
        .map(|e| match (&e.key, keys) {
            (Some(k), true) => format!("({},{},{k}={})", e.offset, e.epoch, e.value),
            _ => format!("({},{},{})", e.offset, e.epoch, e.value),
        })
        .collect();
    format!("[{}]", v.join(","))
}

/// `{1:0,2:1}`.
pub fn cache_text(cache: &[EpochEntry]) -> String {
    let v: Vec<String> = cache.iter().map(|e| format!("{}:{}", e.epoch, e.start_offset)).collect();
    format!("{{{}}}", v.join(","))
}
