//! Cluster configuration: sizes, Kafka's configs, the version knobs of PROTOCOL §2.14,
//! and which timers run by themselves ("auto") versus only through pinned commands.

#[cfg(feature = "kraft")]
use crate::ids::BrokerId;
use crate::log::LogConfig;
use serde::Serialize;

/// The most brokers a cluster may have (the page lays out at most this many).
pub const MAX_BROKERS: u32 = 12;

/// How a follower finds and removes a divergent tail (F3).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum TruncationMode {
    /// Pre-0.11 (legacy): truncate to the local HW on becoming follower and on restart.
    Hw,
    /// KIP-101 (legacy): ask OffsetsForLeaderEpoch, truncate to `min(reply, LEO)` once.
    Kip101,
    /// KIP-279: OffsetsForLeaderEpoch with the epoch in the reply, iterative truncation.
    Kip279,
    /// Current Kafka (IBP >= 2.7): divergence detected inside Fetch (L4, R3).
    Fetch,
}

/// A topic to create at start.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct TopicConfig {
    /// Its name.
    pub name: String,
    /// How many partitions (1–50).
    pub partitions: u32,
    /// How many replicas each partition has (1–brokers).
    pub replication_factor: u32,
    /// Its own log settings (`kafka-topics --config`), over the cluster's `log`.
    #[cfg_attr(feature = "schema", schemars(default))]
    #[serde(skip_serializing_if = "TopicLogConfig::is_empty")]
    pub configs: TopicLogConfig,
}

/// A topic's overrides of the cluster's log settings (PROTOCOL-LOG §2.6: these are per-topic
/// configs in Kafka); each left out takes `config.log`'s.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(default, deny_unknown_fields)]
pub struct TopicLogConfig {
    /// `segment.bytes`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub segment_bytes: Option<u64>,
    /// The playground's record-count roll.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub segment_records: Option<u32>,
    /// `segment.ms`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub segment_ms: Option<u64>,
    /// `retention.ms` (−1: keep everything).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retention_ms: Option<i64>,
    /// `retention.bytes` (−1: no limit).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retention_bytes: Option<i64>,
    /// `cleanup.policy`: "delete", "compact" or "compact,delete".
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cleanup_policy: Option<crate::log::CleanupPolicy>,
    /// `min.cleanable.dirty.ratio`, from 0 to 1.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub min_cleanable_dirty_ratio: Option<crate::log::DirtyRatio>,
    /// `min.compaction.lag.ms`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub min_compaction_lag_ms: Option<u64>,
    /// `max.compaction.lag.ms`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_compaction_lag_ms: Option<u64>,
    /// `delete.retention.ms`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub delete_retention_ms: Option<u64>,
}

impl TopicLogConfig {
    /// Nothing overridden.
    pub fn is_empty(&self) -> bool {
        *self == TopicLogConfig::default()
    }
}

/// Which timers fire by themselves. With all off, only pinned commands move the cluster,
/// so each row of a PROTOCOL.md scenario table is one step.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(default, deny_unknown_fields)]
pub struct AutoConfig {
    /// Followers fetch continuously from their leader.
    pub fetch: bool,
    /// Leaders run the ISR-expiration check every `replica_lag_time_max_ms / 2` (S1).
    pub isr_check: bool,
    /// Brokers heartbeat; the controller fences those that miss `broker_session_timeout_ms` (E1).
    pub heartbeats: bool,
    /// Brokers flush their logs every `log_flush_interval_ms` (the recovery point, B1).
    pub flush: bool,
    /// A new controller takes over `controller_failover_ms` after the active one is lost (K1).
    pub controller_failover: bool,
    /// `auto.leader.rebalance.enable` (PL4): the controller moves leadership back to each
    /// partition's preferred replica every `leader_imbalance_check_interval_ms`. Kafka's default
    /// is on; here it is off unless a scenario or the page turns it on, so that a replication
    /// scenario keeps the leaders its elections gave (docs/fidelity.md).
    pub leader_rebalance: bool,
    /// The retention pass (RT1): every broker checks its replicas' logs every
    /// `log.retention_check_interval_ms`, first after `log.initial_task_delay_ms`. Kafka always
    /// runs it; here it is off unless a scenario or the page turns it on (with Kafka's 7-day
    /// `retention.ms` it deletes nothing in a run of minutes; off, a run's queue is the one
    /// PROTOCOL.md's tables count).
    pub retention: bool,
    /// The log cleaner (CC2): every broker's cleaner thread runs a pass, and sleeps
    /// `log.cleaner_backoff_ms` after one that cleaned nothing. Kafka's `log.cleaner.enable` is
    /// on; here it is off unless a scenario or the page turns it on (a scenario's `cleaner_pass`
    /// runs one at a stated time, as PROTOCOL-LOG's tables do).
    pub cleaner: bool,
}

impl AutoConfig {
    /// Everything of PROTOCOL.md runs by itself: the playground's default (the leader
    /// rebalance of PROTOCOL-KRAFT.md PL4 is opt-in).
    pub const ALL: AutoConfig =
        AutoConfig { fetch: true, isr_check: true, heartbeats: true, flush: true, controller_failover: true, leader_rebalance: false, retention: false, cleaner: false };
    /// Nothing runs by itself: scenario tables.
    pub const NONE: AutoConfig =
        AutoConfig { fetch: false, isr_check: false, heartbeats: false, flush: false, controller_failover: false, leader_rebalance: false, retention: false, cleaner: false };
}

impl Default for AutoConfig {
    fn default() -> Self {
        AutoConfig::ALL
    }
}

/// Delays of the simulated network, in ms.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(default, deny_unknown_fields)]
pub struct NetworkConfig {
    /// The smallest one-way delay.
    pub min_delay_ms: u64,
    /// The largest one-way delay (drawn uniformly from the seed's network stream).
    pub max_delay_ms: u64,
    /// Extra delay on every message to or from a slowed broker.
    pub slow_extra_ms: u64,
}

impl Default for NetworkConfig {
    fn default() -> Self {
        NetworkConfig { min_delay_ms: 2, max_delay_ms: 8, slow_extra_ms: 400 }
    }
}

/// `__consumer_offsets` and its coordinators (PROTOCOL-GROUPS.md §2.1, §2.7). The topic is
/// created on the first FindCoordinator (CP2), so a cluster without groups has none.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(default, deny_unknown_fields)]
pub struct GroupsConfig {
    /// `offsets.topic.num.partitions` (Kafka: 50; here 3, so that the stage can draw every
    /// partition: docs/fidelity.md). CP1 places a group with this count; it must not change.
    pub offsets_topic_num_partitions: u32,
    /// `offsets.topic.replication.factor` (3), capped at the broker count (Kafka would refuse
    /// to create the topic with fewer brokers: docs/fidelity.md).
    pub offsets_topic_replication_factor: u32,
    /// How long a coordinator's load (CP3) takes: Kafka reads the partition's log as fast
    /// as the disk allows; here a fixed time, so that COORDINATOR_LOAD_IN_PROGRESS can be seen.
    pub coordinator_load_ms: u64,
    /// A client's `retry.backoff.ms` (100).
    pub retry_backoff_ms: u64,
}

impl Default for GroupsConfig {
    fn default() -> Self {
        GroupsConfig { offsets_topic_num_partitions: 3, offsets_topic_replication_factor: 3, coordinator_load_ms: 100, retry_backoff_ms: 100 }
    }
}

/// Everything a cluster is created from. Defaults are current Kafka's where Kafka has one,
/// shortened (timeouts) where a playground needs to show things within seconds.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(default, deny_unknown_fields)]
pub struct ClusterConfig {
    /// Number of brokers, 1–12, with ids 1..=n.
    pub brokers: u32,
    /// Topics created at start.
    pub topics: Vec<TopicConfig>,
    /// `min.insync.replicas` (P2, H2).
    pub min_insync_replicas: u32,
    /// `replica.lag.time.max.ms` (S1).
    pub replica_lag_time_max_ms: u64,
    /// `replica.fetch.wait.max.ms`: how long a leader parks an empty follower fetch.
    pub replica_fetch_wait_max_ms: u64,
    /// `replica.fetch.backoff.ms`: a follower's pause after a fetch error.
    pub replica_fetch_backoff_ms: u64,
    /// `broker.heartbeat.interval.ms`.
    pub broker_heartbeat_interval_ms: u64,
    /// `broker.session.timeout.ms` (E1).
    pub broker_session_timeout_ms: u64,
    /// `request.timeout.ms` for produce requests (P5).
    pub request_timeout_ms: u64,
    /// How often brokers flush (the recovery point).
    pub log_flush_interval_ms: u64,
    /// How long until another broker takes over a lost controller's role.
    pub controller_failover_ms: u64,
    /// `leader.imbalance.check.interval.seconds` × 1000 (300 s): the auto leader rebalance's
    /// period (PL4, with `auto.leader_rebalance`).
    pub leader_imbalance_check_interval_ms: u64,
    /// `unclean.leader.election.enable` (E2).
    pub unclean_leader_election: bool,
    /// How followers truncate (F3).
    pub truncation_mode: TruncationMode,
    /// HW frozen while `|isr| < minISR` (>= 3.7, H2, I26).
    pub hw_requires_min_isr: bool,
    /// Leader epoch bumped on an ISR shrink (MV < 3.6, E3).
    pub leader_epoch_bump_on_isr_shrink: bool,
    /// The controller sees a broker restart even within its session (KRaft broker epochs).
    /// `false` reproduces the ZK-era ABA of KIP-101 scenario 1.
    pub controller_detects_fast_restart: bool,
    /// A new leader assigns its epoch at its LEO even before writing (C2, KAFKA-7415).
    pub leader_assigns_epoch_on_election: bool,
    /// Eligible Leader Replicas (KIP-966; PROTOCOL-KRAFT.md EL1, the `elrEnabled` knob of
    /// §2.10): Kafka's `eligible.leader.replicas.version=1`, off by default in 4.0 and on for
    /// clusters newly formatted with 4.1+. Off here unless a scenario or the page turns it on:
    /// PROTOCOL.md's replication scenarios assume a controller without it (docs/fidelity.md).
    /// Needs the `kraft` feature (the extended page; the first page's reader does not know it).
    #[cfg(feature = "kraft")]
    pub eligible_leader_replicas: bool,
    /// EL6 (§2.10 `lastKnownLeaderRequiresActive`): the last known leader is elected only if
    /// it is unfenced (4.1+, KAFKA-19522; the default). `false` keeps 4.0's bug, which elects
    /// it fenced.
    #[cfg(feature = "kraft")]
    pub last_known_leader_requires_active: bool,
    /// Each broker's `broker.rack` (RK1–RK5): with any set, new topics are placed as KRaft's
    /// controller places them (`StripedReplicaPlacer`, one replica per rack while there are
    /// racks enough); without racks, by the rack-unaware assignment (docs/fidelity.md). The
    /// extended page only (the `kraft` feature).
    #[cfg(feature = "kraft")]
    #[cfg_attr(feature = "schema", schemars(default))]
    pub racks: std::collections::BTreeMap<BrokerId, String>,
    /// RK6 (§2.10 `placementOffsets`): the placer's offsets all zero and its shuffles the
    /// identity, for worked examples; otherwise drawn from the seed.
    #[cfg(feature = "kraft")]
    pub placement_zero_offsets: bool,
    /// Segment rolling and indexing.
    pub log: LogConfig,
    /// Which timers run by themselves.
    pub auto: AutoConfig,
    /// Network delays.
    pub network: NetworkConfig,
    /// `__consumer_offsets` and the group coordinators.
    pub groups: GroupsConfig,
}

impl Default for ClusterConfig {
    fn default() -> Self {
        ClusterConfig {
            brokers: 3,
            topics: vec![TopicConfig { name: "orders".into(), partitions: 3, replication_factor: 3, ..Default::default() }],
            min_insync_replicas: 2,
            replica_lag_time_max_ms: 30_000,
            replica_fetch_wait_max_ms: 500,
            replica_fetch_backoff_ms: 1_000,
            broker_heartbeat_interval_ms: 2_000,
            broker_session_timeout_ms: 9_000,
            request_timeout_ms: 30_000,
            log_flush_interval_ms: 1_000,
            controller_failover_ms: 6_000,
            leader_imbalance_check_interval_ms: 300_000,
            unclean_leader_election: false,
            truncation_mode: TruncationMode::Fetch,
            hw_requires_min_isr: true,
            leader_epoch_bump_on_isr_shrink: false,
            controller_detects_fast_restart: true,
            leader_assigns_epoch_on_election: true,
            #[cfg(feature = "kraft")]
            eligible_leader_replicas: false,
            #[cfg(feature = "kraft")]
            last_known_leader_requires_active: true,
            #[cfg(feature = "kraft")]
            racks: std::collections::BTreeMap::new(),
            #[cfg(feature = "kraft")]
            placement_zero_offsets: false,
            log: LogConfig::default(),
            auto: AutoConfig::ALL,
            network: NetworkConfig::default(),
            groups: GroupsConfig::default(),
        }
    }
}

/// A configuration the simulator cannot run, with a message a course author understands.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConfigError {
    /// Broker count out of range.
    #[error("brokers must be between 1 and 12, got {0}")]
    Brokers(u32),
    /// Partition count out of range.
    #[error("topic `{topic}`: partitions must be between 1 and 50, got {got}")]
    Partitions {
        /// The topic.
        topic: String,
        /// The count given.
        got: u32,
    },
    /// Replication factor out of range.
    #[error("topic `{topic}`: replication_factor must be between 1 and the broker count {brokers}, got {got}")]
    ReplicationFactor {
        /// The topic.
        topic: String,
        /// The factor given.
        got: u32,
        /// The broker count.
        brokers: u32,
    },
    /// Two topics with one name.
    #[error("topic `{0}` is defined twice")]
    DuplicateTopic(String),
    /// A topic name Kafka would refuse.
    #[error("topic name `{0}` must be 1–249 characters of letters, digits, '.', '_' or '-'")]
    TopicName(String),
    /// min.insync.replicas of zero.
    #[error("min_insync_replicas must be at least 1")]
    MinIsr,
    /// Network delays reversed.
    #[error("network.min_delay_ms ({min}) is larger than network.max_delay_ms ({max})")]
    Delays {
        /// The minimum.
        min: u64,
        /// The maximum.
        max: u64,
    },
    /// A zero period would make a timer fire forever at one instant.
    #[error("{0} must be at least 1 ms")]
    ZeroPeriod(&'static str),
    /// An offsets topic that cannot exist.
    #[error("groups.offsets_topic_num_partitions must be between 1 and 50 and groups.offsets_topic_replication_factor at least 1")]
    OffsetsTopic,
    /// Segment settings that cannot hold a record.
    #[error("log.segment_records and log.segment_bytes must be at least 1")]
    Segment,
    /// A retention limit below −1 (RT4: −1 means none).
    #[error("log.{0} must be −1 (no limit) or at least 0, got {1}")]
    Retention(&'static str, i64),
    /// A rack for a broker that does not exist, or an empty name.
    #[cfg(feature = "kraft")]
    #[error("racks.{broker}: {problem}")]
    Rack {
        /// The key.
        broker: u32,
        /// What is wrong.
        problem: String,
    },
    /// ELR without HW gating: an ELR member would not hold every committed offset (EL2).
    #[cfg(feature = "kraft")]
    #[error("eligible_leader_replicas needs hw_requires_min_isr (Kafka 4.x always gates the HW under min ISR: EL2)")]
    ElrNeedsHwGating,
    /// A cluster log setting out of range.
    #[error("log.{field} {problem}")]
    Log {
        /// The setting.
        field: &'static str,
        /// What is wrong with it.
        problem: String,
    },
    /// A topic's own log setting out of range.
    #[error("topic `{topic}`: configs.{field} {problem}")]
    TopicLog {
        /// The topic.
        topic: String,
        /// The setting.
        field: &'static str,
        /// What is wrong.
        problem: String,
    },
}

impl ClusterConfig {
    /// Checks every bound; the first problem found is returned.
    pub fn validate(&self) -> Result<(), ConfigError> {
        if !(1..=MAX_BROKERS).contains(&self.brokers) {
            return Err(ConfigError::Brokers(self.brokers));
        }
        let mut seen = std::collections::BTreeSet::new();
        for t in &self.topics {
            let valid_name = !t.name.is_empty()
                && t.name.len() <= 249
                && t.name.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'));
            if !valid_name {
                return Err(ConfigError::TopicName(t.name.clone()));
            }
            if !seen.insert(t.name.clone()) {
                return Err(ConfigError::DuplicateTopic(t.name.clone()));
            }
            if !(1..=50).contains(&t.partitions) {
                return Err(ConfigError::Partitions { topic: t.name.clone(), got: t.partitions });
            }
            let c = t.configs;
            let bad = |field: &'static str, problem: String| Err(ConfigError::TopicLog { topic: t.name.clone(), field, problem });
            if c.segment_bytes == Some(0) || c.segment_records == Some(0) || c.segment_ms == Some(0) {
                let field = if c.segment_bytes == Some(0) { "segment_bytes" } else if c.segment_records == Some(0) { "segment_records" } else { "segment_ms" };
                return bad(field, "must be at least 1".into());
            }
            for (field, v) in [("retention_ms", c.retention_ms), ("retention_bytes", c.retention_bytes)] {
                if let Some(v) = v.filter(|v| *v < -1) {
                    return bad(field, format!("must be −1 (no limit) or at least 0, got {v}"));
                }
            }
            if let Err((field, problem)) = check_compaction(&self.log_for(&t.name)) {
                return bad(field, problem);
            }
            if t.replication_factor < 1 || t.replication_factor > self.brokers {
                return Err(ConfigError::ReplicationFactor {
                    topic: t.name.clone(),
                    got: t.replication_factor,
                    brokers: self.brokers,
                });
            }
        }
        if self.min_insync_replicas < 1 {
            return Err(ConfigError::MinIsr);
        }
        if self.network.min_delay_ms > self.network.max_delay_ms {
            return Err(ConfigError::Delays { min: self.network.min_delay_ms, max: self.network.max_delay_ms });
        }
        for (name, v) in [
            ("replica_lag_time_max_ms", self.replica_lag_time_max_ms),
            ("broker_heartbeat_interval_ms", self.broker_heartbeat_interval_ms),
            ("log_flush_interval_ms", self.log_flush_interval_ms),
            ("replica_fetch_backoff_ms", self.replica_fetch_backoff_ms),
        ] {
            if v == 0 {
                return Err(ConfigError::ZeroPeriod(name));
            }
        }
        let g = self.groups;
        if !(1..=50).contains(&g.offsets_topic_num_partitions) || g.offsets_topic_replication_factor == 0 {
            return Err(ConfigError::OffsetsTopic);
        }
        if g.retry_backoff_ms == 0 {
            return Err(ConfigError::ZeroPeriod("groups.retry_backoff_ms"));
        }
        if self.log.segment_records == 0 || self.log.segment_bytes == 0 {
            return Err(ConfigError::Segment);
        }
        for (name, v) in [("segment_ms", self.log.segment_ms), ("retention_check_interval_ms", self.log.retention_check_interval_ms)] {
            if v == 0 {
                return Err(ConfigError::ZeroPeriod(if name == "segment_ms" { "log.segment_ms" } else { "log.retention_check_interval_ms" }));
            }
        }
        for (name, v) in [("retention_ms", self.log.retention_ms), ("retention_bytes", self.log.retention_bytes)] {
            if v < -1 {
                return Err(ConfigError::Retention(name, v));
            }
        }
        check_compaction(&self.log).map_err(|(field, problem)| ConfigError::Log { field, problem })?;
        #[cfg(feature = "kraft")]
        if self.eligible_leader_replicas && !self.hw_requires_min_isr {
            return Err(ConfigError::ElrNeedsHwGating);
        }
        #[cfg(feature = "kraft")]
        for (b, rack) in &self.racks {
            if b.0 < 1 || b.0 > self.brokers {
                return Err(ConfigError::Rack { broker: b.0, problem: format!("is not a broker (ids are 1–{})", self.brokers) });
            }
            if rack.is_empty() || rack.chars().count() > 40 {
                return Err(ConfigError::Rack { broker: b.0, problem: "must be 1–40 characters".into() });
            }
        }
        Ok(())
    }

    /// The log settings of `topic`'s partitions: the cluster's `log`, with the topic's own
    /// `configs` over it (a topic the configuration does not list, `__consumer_offsets`, takes
    /// the cluster's).
    pub fn log_for(&self, topic: &str) -> LogConfig {
        let base = self.log;
        let Some(t) = self.topics.iter().find(|t| t.name == topic) else { return base };
        let c = t.configs;
        LogConfig {
            segment_bytes: c.segment_bytes.unwrap_or(base.segment_bytes),
            segment_records: c.segment_records.unwrap_or(base.segment_records),
            segment_ms: c.segment_ms.unwrap_or(base.segment_ms),
            retention_ms: c.retention_ms.unwrap_or(base.retention_ms),
            retention_bytes: c.retention_bytes.unwrap_or(base.retention_bytes),
            cleanup_policy: c.cleanup_policy.unwrap_or(base.cleanup_policy),
            min_cleanable_dirty_ratio: c.min_cleanable_dirty_ratio.unwrap_or(base.min_cleanable_dirty_ratio),
            min_compaction_lag_ms: c.min_compaction_lag_ms.unwrap_or(base.min_compaction_lag_ms),
            max_compaction_lag_ms: c.max_compaction_lag_ms.unwrap_or(base.max_compaction_lag_ms),
            delete_retention_ms: c.delete_retention_ms.unwrap_or(base.delete_retention_ms),
            ..base
        }
    }

    /// `effectiveMinIsr = min(min.insync.replicas, replicationFactor)` (P2).
    pub fn effective_min_isr(&self, replication_factor: usize) -> usize {
        (self.min_insync_replicas as usize).min(replication_factor)
    }
}

/// PROTOCOL-LOG §2.6's validation of the cleaner's settings: a ratio in [0, 1], min lag ≤ max
/// lag, a cleaner backoff of at least 1 ms; and, in a build without the cleaner, no compaction.
#[cfg(feature = "compaction")]
fn check_compaction(log: &LogConfig) -> Result<(), (&'static str, String)> {
    // (No float in the message: formatting one would add kilobytes to the page's bundle.)
    if !(0.0..=1.0).contains(&log.min_cleanable_dirty_ratio.0) {
        return Err(("min_cleanable_dirty_ratio", "must be a number from 0 to 1".into()));
    }
    if log.min_compaction_lag_ms > log.max_compaction_lag_ms {
        return Err(("min_compaction_lag_ms", format!("must not exceed max_compaction_lag_ms ({} > {})", log.min_compaction_lag_ms, log.max_compaction_lag_ms)));
    }
    if log.cleaner_backoff_ms == 0 {
        return Err(("cleaner_backoff_ms", "must be at least 1 ms".into()));
    }
    Ok(())
}

/// A build without the cleaner refuses compacted topics (its other settings have no effect).
#[cfg(not(feature = "compaction"))]
fn check_compaction(log: &LogConfig) -> Result<(), (&'static str, String)> {
    if log.cleanup_policy.compacts() {
        return Err(("cleanup_policy", format!("\"{}\" needs the log cleaner, which this build leaves out (the extended page, full/, has it)", log.cleanup_policy.as_str())));
    }
    Ok(())
}
