//! Scenario files (format version 1): a cluster configuration, a seed, an optional initial
//! state (so a PROTOCOL.md table starts from its exact numbers), steps (commands), and
//! optional expectations about the end state.
//!
//! Brokers are numbered; PROTOCOL.md's letters map to ids A = 1, B = 2, C = 3.

use crate::cluster::{Cluster, CommandError};
use crate::command::Step;
use crate::config::{ClusterConfig, ConfigError};
use crate::epoch_cache::{EpochCache, EpochEntry};
use crate::event::TimedEvent;
use crate::ids::{BrokerId, ControllerEpoch, LeaderEpoch, Offset, PartitionEpoch, TopicPartition};
use crate::lesson::Lesson;
use crate::log::Record;
use crate::timeline::Timeline;
use crate::replica::FollowerRecord;
use crate::report::{LogEntry, Report};
use std::collections::BTreeMap;

mod read;
pub(crate) mod write;

/// The only format version so far.
pub const FORMAT_VERSION: u32 = 1;

/// A scenario file.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schema", schemars(deny_unknown_fields))]
pub struct Scenario {
    /// Must be 1.
    pub version: u32,
    /// A short name, e.g. `S8-fetch`.
    #[cfg_attr(feature = "schema", schemars(default))]
    pub name: String,
    /// What it shows.
    #[cfg_attr(feature = "schema", schemars(default))]
    pub description: String,
    /// The seed of every random choice (network delays, placement).
    #[cfg_attr(feature = "schema", schemars(default))]
    pub seed: u64,
    /// The cluster; every field has a default.
    #[cfg_attr(feature = "schema", schemars(default))]
    pub config: ClusterConfig,
    /// The state the run starts from; omitted parts keep the defaults.
    #[cfg_attr(feature = "schema", schemars(default))]
    pub initial: Option<InitialState>,
    /// The commands, one step each.
    #[cfg_attr(feature = "schema", schemars(default))]
    pub steps: Vec<Step>,
    /// What `kplay check` compares with the end state.
    #[cfg_attr(feature = "schema", schemars(default))]
    pub expect: Option<Expectations>,
    /// A guided tour of the run (`scenarios/library/`): see `lesson.rs`.
    #[cfg_attr(feature = "schema", schemars(default))]
    pub lesson: Option<Lesson>,
}

/// The initial state of a scenario table.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schema", schemars(deny_unknown_fields))]
pub struct InitialState {
    /// The active controller and its epoch.
    #[cfg_attr(feature = "schema", schemars(default))]
    pub controller: Option<ControllerSpec>,
    /// Partitions whose state is given.
    #[cfg_attr(feature = "schema", schemars(default))]
    pub partitions: Vec<PartitionSpec>,
}

/// `controller {broker, epoch}`.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schema", schemars(deny_unknown_fields))]
pub struct ControllerSpec {
    /// The controller's broker.
    pub broker: BrokerId,
    /// Its controller epoch.
    pub epoch: ControllerEpoch,
}

/// One partition's initial state.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schema", schemars(deny_unknown_fields))]
pub struct PartitionSpec {
    /// The topic (must be in `config.topics`).
    pub topic: String,
    /// The partition.
    pub partition: u32,
    /// The ordered assignment (preferred leader first); default: the seeded placement.
    #[cfg_attr(feature = "schema", schemars(default))]
    pub replicas: Option<Vec<BrokerId>>,
    /// The leader (null for none); default: the first replica.
    #[cfg_attr(feature = "schema", schemars(default))]
    pub leader: Option<Option<BrokerId>>,
    /// The leader epoch; default 0.
    #[cfg_attr(feature = "schema", schemars(default))]
    pub leader_epoch: Option<LeaderEpoch>,
    /// The partition epoch; default 0.
    #[cfg_attr(feature = "schema", schemars(default))]
    pub partition_epoch: Option<PartitionEpoch>,
    /// The ISR; default: all replicas.
    #[cfg_attr(feature = "schema", schemars(default))]
    pub isr: Option<Vec<BrokerId>>,
    /// Each replica's log, by broker id.
    #[cfg_attr(feature = "schema", schemars(default))]
    pub logs: BTreeMap<BrokerId, ReplicaSpec>,
}

/// One replica's initial log.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schema", schemars(deny_unknown_fields))]
pub struct ReplicaSpec {
    /// The records, from offset 0, contiguous.
    #[cfg_attr(feature = "schema", schemars(default))]
    pub log: Vec<LogEntry>,
    /// Its HW; default: the LEO.
    #[cfg_attr(feature = "schema", schemars(default))]
    pub hw: Option<i64>,
    /// Its `replication-offset-checkpoint`, which may lag the HW (Kafka writes it periodically;
    /// B2 recovers the HW from it), within [0, HW]; default: the HW.
    #[cfg_attr(feature = "schema", schemars(default))]
    pub hw_checkpoint: Option<i64>,
    /// Its flushed prefix; default: the LEO.
    #[cfg_attr(feature = "schema", schemars(default))]
    pub recovery_point: Option<i64>,
    /// Its log start offset, within [0, HW]: the records below it are gone (R4, I24);
    /// default 0.
    #[cfg_attr(feature = "schema", schemars(default))]
    pub log_start_offset: Option<i64>,
    /// Its epoch cache; default: derived from the records (C2).
    #[cfg_attr(feature = "schema", schemars(default))]
    pub epoch_cache: Option<Vec<EpochEntry>>,
}

/// What the end state must show. Every part is optional.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schema", schemars(deny_unknown_fields))]
pub struct Expectations {
    /// The controller.
    #[cfg_attr(feature = "schema", schemars(default))]
    pub controller: Option<ControllerSpec>,
    /// Partitions.
    #[cfg_attr(feature = "schema", schemars(default))]
    pub partitions: Vec<PartitionExpectation>,
    /// Produce results in order, as `ok`, `pending` or a Kafka error name.
    #[cfg_attr(feature = "schema", schemars(default))]
    pub produced: Option<Vec<String>>,
    /// Read results in order, as their text form.
    #[cfg_attr(feature = "schema", schemars(default))]
    pub reads: Option<Vec<String>>,
    /// The violations that must be found, and no others: an invariant id, followed by
    /// ` explained` when an unclean election or lossy crash explains it (`["I9 explained"]`).
    /// `[]` means none.
    #[cfg_attr(feature = "schema", schemars(default))]
    pub violations: Option<Vec<String>>,
    /// Consumers by name (PROTOCOL-GROUPS.md §1.3).
    #[cfg(feature = "groups")]
    #[cfg_attr(feature = "schema", schemars(default))]
    pub consumers: Option<BTreeMap<String, ConsumerExpectation>>,
    /// Groups by id, as their coordinator keeps them (§1.2, §1.6), with their deliveries.
    #[cfg(feature = "groups")]
    #[cfg_attr(feature = "schema", schemars(default))]
    pub groups: Option<BTreeMap<String, GroupExpectation>>,
}

/// Expected state of one consumer; each field left out is not compared.
#[cfg(feature = "groups")]
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schema", schemars(deny_unknown_fields))]
pub struct ConsumerExpectation {
    /// `UNJOINED`, `PREPARING_REBALANCE`, `COMPLETING_REBALANCE`, `STABLE`, `STOPPED` or `FATAL`.
    #[cfg_attr(feature = "schema", schemars(default))]
    pub state: Option<String>,
    /// Its member id.
    #[cfg_attr(feature = "schema", schemars(default))]
    pub member_id: Option<String>,
    /// Its generation.
    #[cfg_attr(feature = "schema", schemars(default))]
    pub generation: Option<i32>,
    /// What it owns, `t-0` style, in order.
    #[cfg_attr(feature = "schema", schemars(default))]
    pub owned: Option<Vec<String>>,
    /// Its positions by partition (`{"t-0": 5}`).
    #[cfg_attr(feature = "schema", schemars(default))]
    pub positions: Option<BTreeMap<String, i64>>,
}

/// Expected state of one group; each field left out is not compared.
#[cfg(feature = "groups")]
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schema", schemars(deny_unknown_fields))]
pub struct GroupExpectation {
    /// CL1 state.
    #[cfg_attr(feature = "schema", schemars(default))]
    pub state: Option<String>,
    /// The generation.
    #[cfg_attr(feature = "schema", schemars(default))]
    pub generation: Option<i32>,
    /// Member id → assignment (`t-0` style).
    #[cfg_attr(feature = "schema", schemars(default))]
    pub members: Option<BTreeMap<String, Vec<String>>>,
    /// Committed offsets by partition.
    #[cfg_attr(feature = "schema", schemars(default))]
    pub committed: Option<BTreeMap<String, i64>>,
    /// Records delivered, counting repeats.
    #[cfg_attr(feature = "schema", schemars(default))]
    pub delivered: Option<u64>,
    /// Repeated deliveries (duplicates).
    #[cfg_attr(feature = "schema", schemars(default))]
    pub duplicates: Option<u64>,
}

/// Expected state of one partition.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schema", schemars(deny_unknown_fields))]
pub struct PartitionExpectation {
    /// The topic.
    pub topic: String,
    /// The partition.
    pub partition: u32,
    /// The leader (null for none).
    #[cfg_attr(feature = "schema", schemars(default))]
    pub leader: Option<Option<BrokerId>>,
    /// The leader epoch.
    #[cfg_attr(feature = "schema", schemars(default))]
    pub leader_epoch: Option<LeaderEpoch>,
    /// The partition epoch.
    #[cfg_attr(feature = "schema", schemars(default))]
    pub partition_epoch: Option<PartitionEpoch>,
    /// `RECOVERED` or `RECOVERING` (KIP-704, I27).
    #[cfg_attr(feature = "schema", schemars(default))]
    pub leader_recovery_state: Option<String>,
    /// The ISR, as a set.
    #[cfg_attr(feature = "schema", schemars(default))]
    pub isr: Option<Vec<BrokerId>>,
    /// The assignment in order, preferred first (RA2, RA7: the order is part of the answer).
    #[cfg_attr(feature = "schema", schemars(default))]
    pub assignment: Option<Vec<BrokerId>>,
    /// A move's adding replicas (`[]`: no move in progress).
    #[cfg_attr(feature = "schema", schemars(default))]
    pub adding: Option<Vec<BrokerId>>,
    /// A move's removing replicas.
    #[cfg_attr(feature = "schema", schemars(default))]
    pub removing: Option<Vec<BrokerId>>,
    /// The Eligible Leader Replicas, ascending (EL3; `[]`: none). A build without ELR (the
    /// first page) does not read it.
    #[cfg(feature = "kraft")]
    #[cfg_attr(feature = "schema", schemars(default))]
    pub elr: Option<Vec<BrokerId>>,
    /// `lastKnownElr`: the last known leader while the ISR is empty (EL5; `[]`: none).
    #[cfg(feature = "kraft")]
    #[cfg_attr(feature = "schema", schemars(default))]
    pub last_known_elr: Option<Vec<BrokerId>>,
    /// Replicas, by broker id.
    #[cfg_attr(feature = "schema", schemars(default))]
    pub replicas: BTreeMap<BrokerId, ReplicaExpectation>,
}

/// Expected state of one replica.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schema", schemars(deny_unknown_fields))]
pub struct ReplicaExpectation {
    /// The whole log.
    #[cfg_attr(feature = "schema", schemars(default))]
    pub log: Option<Vec<LogEntry>>,
    /// LEO.
    #[cfg_attr(feature = "schema", schemars(default))]
    pub leo: Option<i64>,
    /// HW.
    #[cfg_attr(feature = "schema", schemars(default))]
    pub hw: Option<i64>,
    /// The epoch cache.
    #[cfg_attr(feature = "schema", schemars(default))]
    pub epoch_cache: Option<Vec<EpochEntry>>,
    /// `leader`, `follower`, `none` or `offline`.
    #[cfg_attr(feature = "schema", schemars(default))]
    pub state: Option<String>,
    /// Log start offset.
    #[cfg_attr(feature = "schema", schemars(default))]
    pub log_start_offset: Option<i64>,
    /// The segments' base offsets, oldest first (SG1: each replica rolls on its own appends).
    #[cfg_attr(feature = "schema", schemars(default))]
    pub segments: Option<Vec<i64>>,
    /// The cleaner checkpoint (CC13: where the last round ended).
    #[cfg_attr(feature = "schema", schemars(default))]
    pub cleaner_checkpoint: Option<i64>,
    /// A leader's LESO, the start offset of its epoch (L3); null for a replica that does not lead.
    #[cfg_attr(feature = "schema", schemars(default))]
    pub leso: Option<Option<i64>>,
    /// A follower's fetch state: `fetching` or `truncating` (F3); null for one that does not follow.
    #[cfg_attr(feature = "schema", schemars(default))]
    pub fetch_state: Option<Option<String>>,
}

/// Why a scenario cannot run.
#[derive(Debug, thiserror::Error)]
pub enum ScenarioError {
    /// Not JSON of the right shape: the path says where.
    #[error("{path}: {message}")]
    Parse {
        /// Where, e.g. `steps[3].broker`.
        path: String,
        /// What is wrong.
        message: String,
    },
    /// A bad value at a path.
    #[error("{path}: {message}")]
    Invalid {
        /// Where.
        path: String,
        /// What is wrong.
        message: String,
    },
    /// The configuration is impossible.
    #[error("config: {0}")]
    Config(#[from] ConfigError),
    /// A step cannot be carried out.
    #[error("steps[{index}]: {error}")]
    Step {
        /// Which step.
        index: usize,
        /// Why.
        error: CommandError,
    },
}

fn invalid(path: impl Into<String>, message: impl Into<String>) -> ScenarioError {
    ScenarioError::Invalid { path: path.into(), message: message.into() }
}

impl Scenario {
    /// The scenario as JSON text, pretty-printed, fields in the order the format lists them.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(&write::ToJson::write(self)).expect("a JSON value prints")
    }

    /// Parses a scenario, naming the JSON path of the first problem (see `scenario/read.rs`).
    pub fn from_json(text: &str) -> Result<Scenario, ScenarioError> {
        let value: serde_json::Value = serde_json::from_str(text).map_err(|e| {
            // serde_json ends its message with the position, which the path already gives.
            let message = e.to_string();
            let position = format!(" at line {} column {}", e.line(), e.column());
            let message = message.strip_suffix(&position).unwrap_or(&message).to_string();
            ScenarioError::Parse { path: format!("line {}, column {}", e.line(), e.column()), message }
        })?;
        let s = <Scenario as read::FromJson>::read(&value, read::Path::Root)?;
        if s.version != FORMAT_VERSION {
            return Err(invalid("version", format!("unsupported version {}, expected {FORMAT_VERSION}", s.version)));
        }
        Ok(s)
    }

    /// The cluster at step 0: configuration, placement and initial state applied.
    pub fn build(&self) -> Result<Cluster, ScenarioError> {
        self.config.validate()?;
        if let Some(l) = &self.lesson {
            l.validate().map_err(|(path, message)| ScenarioError::Invalid { path, message })?;
        }
        let mut assignment = Cluster::default_placement(&self.config, self.seed)?;
        let initial = self.initial.clone().unwrap_or_default();
        let n = self.config.brokers;
        let broker_ok = |b: BrokerId| (1..=n).contains(&b.0);
        for (i, p) in initial.partitions.iter().enumerate() {
            let path = format!("initial.partitions[{i}]");
            let tp = TopicPartition::new(p.topic.clone(), p.partition);
            if !assignment.contains_key(&tp) {
                return Err(invalid(path, format!("{tp} is not a partition of config.topics")));
            }
            if let Some(rs) = &p.replicas {
                let rf = self.config.topics.iter().find(|t| t.name == p.topic).map_or(0, |t| t.replication_factor as usize);
                if rs.len() != rf {
                    return Err(invalid(format!("{path}.replicas"), format!("{} replicas given, replication_factor is {rf}", rs.len())));
                }
                if let Some(b) = rs.iter().find(|b| !broker_ok(**b)) {
                    return Err(invalid(format!("{path}.replicas"), format!("broker {b} does not exist (brokers are 1..={n})")));
                }
                if rs.iter().enumerate().any(|(i, b)| rs[..i].contains(b)) {
                    return Err(invalid(format!("{path}.replicas"), "a broker appears twice"));
                }
                assignment.insert(tp, rs.clone());
            }
        }
        let mut c = Cluster::with_assignment(self.config.clone(), self.seed, assignment)?;
        if let Some(ctl) = &initial.controller {
            if !broker_ok(ctl.broker) {
                return Err(invalid("initial.controller.broker", format!("broker {} does not exist", ctl.broker)));
            }
            c.controller.active = Some(ctl.broker);
            c.controller.epoch = ctl.epoch;
            for (_, b) in c.brokers.iter_mut() {
                b.known_controller_epoch = ctl.epoch;
            }
        }
        for (i, p) in initial.partitions.iter().enumerate() {
            apply_partition_spec(&mut c, p, &format!("initial.partitions[{i}]"))?;
        }
        // Brokers re-read the metadata and become leader/follower from the given state.
        for (_, b) in c.brokers.iter_mut() {
            for (_, r) in b.replicas.iter_mut() {
                r.role = crate::replica::Role::None;
                r.leader_epoch = LeaderEpoch::UNDEFINED;
                r.partition_epoch = PartitionEpoch(-1);
            }
        }
        c.install_controller_state();
        settle_initial_followers(&mut c);
        let mut checker = std::mem::take(&mut c.checker);
        checker.advance_true_hw(&c);
        c.checker = checker;
        Ok(c)
    }

    /// Runs every step. Returns the cluster and every event.
    pub fn run(&self) -> Result<(Cluster, Vec<TimedEvent>), ScenarioError> {
        let mut c = self.build()?;
        let mut events = Vec::new();
        for (index, step) in self.steps.iter().enumerate() {
            events.extend(c.apply(&step.0).map_err(|error| ScenarioError::Step { index, error })?);
        }
        Ok((c, events))
    }

    /// The whole run recorded in a [`Timeline`] (one recorded step per command, and one per
    /// queued item of a `step` command), left at its last step.
    pub fn timeline(&self) -> Result<Timeline, ScenarioError> {
        self.timeline_with_starts().map(|(t, _)| t)
    }

    /// [`Scenario::timeline`], and the recorded step each command started from, then the
    /// last step (one more entry than `steps`).
    pub fn timeline_with_starts(&self) -> Result<(Timeline, Vec<u64>), ScenarioError> {
        let mut t = Timeline::new(self.build()?);
        let mut starts = Vec::with_capacity(self.steps.len() + 1);
        for (index, step) in self.steps.iter().enumerate() {
            starts.push(t.step());
            t.apply(step.0.clone()).map_err(|error| ScenarioError::Step { index, error })?;
        }
        starts.push(t.step());
        Ok((t, starts))
    }

    /// A lesson's recorded run and its lesson block; an error if the file has none.
    pub fn lesson_timeline(&self) -> Result<(Timeline, Lesson), ScenarioError> {
        let lesson = self.lesson.clone().ok_or_else(|| invalid("lesson", "this scenario has no `lesson` block"))?;
        Ok((self.timeline()?, lesson))
    }
}

fn apply_partition_spec(c: &mut Cluster, p: &PartitionSpec, path: &str) -> Result<(), ScenarioError> {
    let tp = TopicPartition::new(p.topic.clone(), p.partition);
    let mut st = c.controller.partitions[&tp].clone();
    if let Some(l) = p.leader {
        if let Some(b) = l.filter(|b| !st.replicas.contains(b)) {
            return Err(invalid(format!("{path}.leader"), format!("broker {b} is not a replica of {tp} ({:?})", st.replicas)));
        }
        st.leader = l;
    }
    if let Some(e) = p.leader_epoch {
        st.leader_epoch = e;
    }
    if let Some(e) = p.partition_epoch {
        st.partition_epoch = e;
    }
    if let Some(isr) = &p.isr {
        if let Some(b) = isr.iter().find(|b| !st.replicas.contains(b)) {
            return Err(invalid(format!("{path}.isr"), format!("broker {b} is not a replica of {tp}")));
        }
        if isr.is_empty() {
            return Err(invalid(format!("{path}.isr"), "the ISR cannot be empty"));
        }
        st.isr = isr.clone();
    }
    if let Some(l) = st.leader {
        if !st.isr.contains(&l) {
            return Err(invalid(format!("{path}.isr"), format!("the leader {l} must be in the ISR (I17)")));
        }
    }
    for (b, spec) in &p.logs {
        let rpath = format!("{path}.logs.{b}");
        let r = c.replica_mut(*b, &tp).ok_or_else(|| invalid(rpath.clone(), format!("broker {b} holds no replica of {tp}")))?;
        for (j, e) in spec.log.iter().enumerate() {
            if e.offset != j as i64 {
                return Err(invalid(format!("{rpath}.log[{j}].offset"), format!("expected offset {j}: logs start at 0 and are contiguous")));
            }
            if j > 0 && e.epoch < spec.log[j - 1].epoch {
                return Err(invalid(format!("{rpath}.log[{j}].epoch"), "record epochs must not decrease (I4)"));
            }
            if e.epoch > st.leader_epoch {
                return Err(invalid(format!("{rpath}.log[{j}].epoch"), format!("epoch {} is above the leader epoch {} (I5)", e.epoch, st.leader_epoch)));
            }
            r.epoch_cache.assign(e.epoch, Offset(e.offset));
            r.log.append(Record { offset: Offset(e.offset), epoch: e.epoch, key: e.key.clone(), value: e.value.clone(), timestamp_ms: 0 });
        }
        let leo = r.log.log_end_offset();
        let hw = spec.hw.map_or(leo, Offset);
        if hw > leo || hw.0 < 0 {
            return Err(invalid(format!("{rpath}.hw"), format!("HW {hw} must be within [0, LEO {leo}] (I6)")));
        }
        r.log.set_high_watermark(hw);
        r.hw_checkpoint = match spec.hw_checkpoint {
            Some(cp) if cp < 0 || cp > hw.0 => return Err(invalid(format!("{rpath}.hw_checkpoint"), format!("must be within [0, HW {hw}]"))),
            Some(cp) => Offset(cp),
            None => hw,
        };
        if let Some(lso) = spec.log_start_offset {
            if lso < 0 || lso > hw.0 {
                return Err(invalid(format!("{rpath}.log_start_offset"), format!("must be within [0, HW {hw}] (I24)")));
            }
            r.log.advance_log_start_offset(Offset(lso));
        }
        match spec.recovery_point {
            Some(rp) if rp < 0 || rp > leo.0 => return Err(invalid(format!("{rpath}.recovery_point"), format!("must be within [0, LEO {leo}]"))),
            Some(rp) => {
                r.log.flush();
                r.log.set_recovery_point(Offset(rp));
            }
            None => r.log.flush(),
        }
        if let Some(cache) = &spec.epoch_cache {
            r.epoch_cache = EpochCache::from_entries(cache.clone());
        }
    }
    c.controller.partitions.insert(tp, st);
    Ok(())
}

/// After installing a given state, the leader treats ISR followers as caught up at t=0 with
/// their given LEOs (a steady state, as the tables assume) and LESO as the start of its epoch.
fn settle_initial_followers(c: &mut Cluster) {
    let states: Vec<_> = c.controller.partitions.values().cloned().collect();
    for st in states {
        let Some(l) = st.leader else { continue };
        let leos: Vec<(BrokerId, Offset)> =
            st.replicas.iter().filter_map(|b| c.replica(*b, &st.tp).map(|r| (*b, r.log.log_end_offset()))).collect();
        let Some(r) = c.replica_mut(l, &st.tp) else { continue };
        let leader_leo = r.log.log_end_offset();
        let leso = r.epoch_cache.entries().iter().find(|e| e.epoch == st.leader_epoch).map_or(leader_leo, |e| e.start_offset);
        let Some(ls) = r.leader_state_mut() else { continue };
        ls.leso = leso;
        for (b, f) in ls.followers.iter_mut() {
            if st.isr.contains(b) {
                *f = FollowerRecord {
                    leo: leos.iter().find(|(x, _)| x == b).map_or(Offset(0), |(_, leo)| *leo),
                    last_fetch_time_ms: Some(0),
                    last_fetch_leader_leo: leader_leo,
                    last_caught_up_time_ms: Some(0),
                    broker_epoch: crate::ids::BrokerEpoch(-1),
                };
            }
        }
    }
}

/// The consumers' and groups' part of [`check_expectations`].
#[cfg(feature = "groups")]
fn check_groups(report: &Report, expect: &Expectations, cmp: &mut impl FnMut(String, String, String)) {
    for (name, ce) in expect.consumers.iter().flatten() {
        let path = format!("consumers.{name}");
        let Some(c) = report.consumers.iter().find(|c| &c.name == name) else {
            cmp(path, "a consumer".into(), "none".into());
            continue;
        };
        if let Some(s) = &ce.state {
            cmp(format!("{path}.state"), s.clone(), c.state.clone());
        }
        if let Some(m) = &ce.member_id {
            cmp(format!("{path}.member_id"), m.clone(), c.member_id.clone());
        }
        if let Some(g) = ce.generation {
            cmp(format!("{path}.generation"), g.to_string(), c.generation.to_string());
        }
        if let Some(o) = &ce.owned {
            cmp(format!("{path}.owned"), format!("{o:?}"), format!("{:?}", c.owned));
        }
        if let Some(p) = &ce.positions {
            cmp(format!("{path}.positions"), format!("{p:?}"), format!("{:?}", c.positions));
        }
    }
    for (id, ge) in expect.groups.iter().flatten() {
        let path = format!("groups.{id}");
        let Some(g) = report.groups.iter().find(|g| &g.group == id) else {
            cmp(path, "a group".into(), "none".into());
            continue;
        };
        if let Some(s) = &ge.state {
            cmp(format!("{path}.state"), s.clone(), g.state.clone());
        }
        if let Some(n) = ge.generation {
            cmp(format!("{path}.generation"), n.to_string(), g.generation.to_string());
        }
        if let Some(m) = &ge.members {
            cmp(format!("{path}.members"), format!("{m:?}"), format!("{:?}", g.members));
        }
        if let Some(c) = &ge.committed {
            cmp(format!("{path}.committed"), format!("{c:?}"), format!("{:?}", g.committed));
        }
        if let Some(n) = ge.delivered {
            cmp(format!("{path}.delivered"), n.to_string(), g.delivered.to_string());
        }
        if let Some(n) = ge.duplicates {
            cmp(format!("{path}.duplicates"), n.to_string(), g.duplicates.to_string());
        }
    }
}

/// Compares a report with the expectations; returns one line per mismatch, with its path.
pub fn check_expectations(report: &Report, expect: &Expectations) -> Vec<String> {
    let mut bad = Vec::new();
    let mut cmp = |path: String, want: String, got: String| {
        if want != got {
            bad.push(format!("expect.{path}: expected {want}, got {got}"));
        }
    };
    if let Some(c) = &expect.controller {
        cmp("controller".into(), format!("broker {} epoch {}", c.broker, c.epoch), format!("broker {} epoch {}", report.controller.broker.map_or(0, |b| b.0), report.controller.epoch));
    }
    for (i, pe) in expect.partitions.iter().enumerate() {
        let Some(p) = report.partitions.iter().find(|p| p.topic == pe.topic && p.partition == pe.partition) else {
            cmp(format!("partitions[{i}]"), format!("{}-{}", pe.topic, pe.partition), "no such partition".into());
            continue;
        };
        if let Some(l) = pe.leader {
            cmp(format!("partitions[{i}].leader"), format!("{l:?}"), format!("{:?}", p.leader));
        }
        if let Some(e) = pe.leader_epoch {
            cmp(format!("partitions[{i}].leader_epoch"), e.to_string(), p.leader_epoch.to_string());
        }
        if let Some(e) = pe.partition_epoch {
            cmp(format!("partitions[{i}].partition_epoch"), e.to_string(), p.partition_epoch.to_string());
        }
        if let Some(s) = &pe.leader_recovery_state {
            cmp(format!("partitions[{i}].leader_recovery_state"), s.clone(), p.leader_recovery_state.clone());
        }
        if let Some(isr) = &pe.isr {
            let mut want = isr.clone();
            want.sort();
            cmp(format!("partitions[{i}].isr"), format!("{want:?}"), format!("{:?}", p.isr));
        }
        let lists = [("assignment", &pe.assignment, &p.assignment), ("adding", &pe.adding, &p.adding_replicas), ("removing", &pe.removing, &p.removing_replicas)];
        #[cfg(feature = "kraft")]
        let lists = [lists[0], lists[1], lists[2], ("elr", &pe.elr, &p.elr), ("last_known_elr", &pe.last_known_elr, &p.last_known_elr)];
        for (field, want, got) in lists {
            if let Some(want) = want {
                cmp(format!("partitions[{i}].{field}"), format!("{want:?}"), format!("{got:?}"));
            }
        }
        for (b, re) in &pe.replicas {
            let path = format!("partitions[{i}].replicas.{b}");
            let Some(r) = p.replicas.iter().find(|r| r.broker == *b) else {
                cmp(path, "a replica".into(), "none".into());
                continue;
            };
            if let Some(log) = &re.log {
                // Keys are compared when the expectation gives them.
                let keys = log.iter().any(|e| e.key.is_some());
                cmp(format!("{path}.log"), crate::report::log_text(log, keys), crate::report::log_text(&r.log, keys));
            }
            if let Some(leo) = re.leo {
                cmp(format!("{path}.leo"), leo.to_string(), r.leo.to_string());
            }
            if let Some(hw) = re.hw {
                cmp(format!("{path}.hw"), hw.to_string(), r.hw.to_string());
            }
            if let Some(cache) = &re.epoch_cache {
                cmp(format!("{path}.epoch_cache"), crate::report::cache_text(cache), crate::report::cache_text(&r.epoch_cache));
            }
            if let Some(s) = &re.state {
                cmp(format!("{path}.state"), s.clone(), r.state.clone());
            }
            if let Some(o) = re.log_start_offset {
                cmp(format!("{path}.log_start_offset"), o.to_string(), r.log_start_offset.to_string());
            }
            if let Some(o) = re.cleaner_checkpoint {
                cmp(format!("{path}.cleaner_checkpoint"), o.to_string(), r.cleaner_checkpoint.map_or("none".into(), |c| c.to_string()));
            }
            if let Some(bases) = &re.segments {
                cmp(format!("{path}.segments"), format!("{bases:?}"), format!("{:?}", r.segments));
            }
            if let Some(l) = &re.leso {
                cmp(format!("{path}.leso"), format!("{l:?}"), format!("{:?}", r.leso));
            }
            if let Some(s) = &re.fetch_state {
                cmp(format!("{path}.fetch_state"), format!("{s:?}"), format!("{:?}", r.fetch_state));
            }
        }
    }
    if let Some(want) = &expect.produced {
        let got: Vec<String> = report.produced.iter().map(|p| p.result.clone()).collect();
        cmp("produced".into(), format!("{want:?}"), format!("{got:?}"));
    }
    if let Some(want) = &expect.reads {
        let got: Vec<String> = report.reads.iter().map(|r| r.result.clone()).collect();
        cmp("reads".into(), format!("{want:?}"), format!("{got:?}"));
    }
    #[cfg(feature = "groups")]
    check_groups(report, expect, &mut cmp);
    if let Some(want) = &expect.violations {
        let mut want = want.clone();
        want.sort();
        want.dedup();
        let mut got: Vec<String> = report
            .violations
            .iter()
            .map(|v| if v.explained { format!("{} explained", v.invariant) } else { v.invariant.clone() })
            .collect();
        got.sort();
        got.dedup();
        cmp("violations".into(), format!("{want:?}"), format!("{got:?}"));
    }
    bad
}
