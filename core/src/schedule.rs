//! Random fault schedules for seed sweeps and benchmarks: configurations and command
//! sequences drawn from one seed (produce, every kind of crash, restart, isolate, heal,
//! slow, time passing, queued steps). The same seed always gives the same schedule.

use crate::command::Command;
use crate::config::{ClusterConfig, TopicConfig, TruncationMode};
use crate::event::CrashKind;
use crate::ids::BrokerId;
use crate::message::Acks;
use crate::Cluster;
use rand_core::{RngCore, SeedableRng};
use rand_xoshiro::Xoshiro256PlusPlus;

/// Draws schedules from a seed.
pub struct ScheduleRng {
    rng: Xoshiro256PlusPlus,
    /// Also commit and fetch offsets of groups `g0`–`g2` (PROTOCOL-GROUPS.md CP2–CP7).
    pub groups: bool,
    /// Also reassign partitions, cancel moves and add brokers (PROTOCOL-KRAFT.md RA1–RA7).
    pub moves: bool,
    /// Configurations with short segments and retention by time or size, the retention pass
    /// on (PROTOCOL-LOG.md RT1–RT7), and explicit passes among the commands.
    pub retention: bool,
    /// Also start, close, crash, restart and slow consumers of classic groups `g0`, `g1`
    /// (PROTOCOL-GROUPS.md CL1–CL16, OC1–OC10), with short timeouts.
    pub consumers: bool,
    /// Compacted topics (cleanup.policy compact or compact,delete) with short segments, keyed
    /// records from ten keys and tombstones, the cleaner automatic and explicit
    /// (PROTOCOL-LOG.md CC1–CC18). Without it, the draws are those of the other sweeps.
    pub compaction: bool,
    /// Eligible Leader Replicas on (PROTOCOL-KRAFT.md EL1–EL9), unclean election drawn, and
    /// controller fences and elections among the faults: ISRs empty and ELRs grow. 4.1+'s EL6
    /// only (4.0's bug elects a fenced last known leader, what follows is 4.0's own trouble; a
    /// rule test shows the election, `core/tests/elr.rs`).
    pub elr: bool,
    /// Each group's assignor list (its members must share one, or INCONSISTENT_GROUP_PROTOCOL).
    #[cfg_attr(not(feature = "groups"), allow(dead_code))]
    group_assignors: Option<[usize; 2]>,
}

impl ScheduleRng {
    /// A generator for `seed`.
    pub fn new(seed: u64) -> Self {
        ScheduleRng { rng: Xoshiro256PlusPlus::seed_from_u64(seed ^ 0x5CED_0003), groups: false, moves: false, retention: false, consumers: false, compaction: false, elr: false, group_assignors: None }
    }

    fn below(&mut self, n: u64) -> u64 {
        self.rng.next_u64() % n.max(1)
    }

    /// A random but valid configuration: 1–5 brokers, 1–2 topics of 1–3 partitions (and with
    /// `retention`, short segments and a retention limit).
    pub fn config(&mut self) -> ClusterConfig {
        let brokers = 1 + self.below(5) as u32;
        let topics = (0..1 + self.below(2))
            .map(|i| TopicConfig {
                name: format!("t{i}"),
                partitions: 1 + self.below(3) as u32,
                replication_factor: 1 + self.below(u64::from(brokers)) as u32,
                ..Default::default()
            })
            .collect();
        let mut config = ClusterConfig {
            brokers,
            topics,
            min_insync_replicas: 1 + self.below(3) as u32,
            replica_lag_time_max_ms: [2_000, 10_000, 30_000][self.below(3) as usize],
            ..ClusterConfig::default()
        };
        if self.retention {
            config.log.segment_records = 2 + self.below(3) as u32;
            config.log.retention_ms = [-1, 500, 2_000, 5_000][self.below(4) as usize];
            config.log.retention_bytes = [-1, 100, 300][self.below(3) as usize];
            config.log.retention_check_interval_ms = 500 + self.below(2_000);
            config.log.initial_task_delay_ms = self.below(1_000);
            config.auto.retention = true;
        }
        if self.compaction {
            config.log.segment_records = 2 + self.below(3) as u32;
            config.log.min_cleanable_dirty_ratio = crate::log::DirtyRatio([0.0, 0.3, 0.5][self.below(3) as usize]);
            config.log.delete_retention_ms = [0, 500, 5_000][self.below(3) as usize];
            config.log.min_compaction_lag_ms = [0, 0, 300][self.below(3) as usize];
            config.log.max_compaction_lag_ms = [i64::MAX as u64, 2_000][self.below(2) as usize];
            config.log.cleaner_backoff_ms = 300 + self.below(2_000);
            config.log.retention_ms = [-1, 5_000][self.below(2) as usize];
            config.auto.cleaner = true;
            for t in &mut config.topics {
                let policy = [crate::log::CleanupPolicy::Compact, crate::log::CleanupPolicy::Compact, crate::log::CleanupPolicy::CompactDelete][self.below(3) as usize];
                t.configs.cleanup_policy = Some(policy);
            }
        }
        #[cfg(feature = "kraft")]
        if self.elr {
            config.eligible_leader_replicas = true;
            config.unclean_leader_election = self.below(4) == 0;
            config.broker_session_timeout_ms = [3_000, 9_000][self.below(2) as usize];
            // Half the clusters have racks (RK: the striped placer places their topics).
            if self.below(2) == 0 {
                for b in 1..=config.brokers {
                    if let Some(r) = [Some("a"), Some("b"), Some("c"), None][self.below(4) as usize] {
                        config.racks.insert(BrokerId(b), r.to_string());
                    }
                }
            }
        }
        config
    }

    /// The next command for `c`, valid in its current state. `None` means "step the queue".
    pub fn command(&mut self, c: &Cluster) -> Option<Command> {
        let ids: Vec<BrokerId> = c.brokers.keys().copied().collect();
        let b = ids[self.below(ids.len() as u64) as usize];
        let broker = &c.brokers[&b];
        let topic = &c.config().topics[self.below(c.config().topics.len() as u64) as usize];
        match self.below(100) {
            0..=29 => {
                let mut key = (self.below(2) == 0).then(|| format!("k{}", self.below(10)));
                let mut value: crate::log::Value = format!("v{}", c.produced.len()).into();
                let acks = [Acks::None, Acks::Leader, Acks::All, Acks::All][self.below(4) as usize];
                if self.compaction {
                    // Keyed, but one in ten keyless (CC18: INVALID_RECORD); one in five a tombstone.
                    if self.below(10) > 0 {
                        key = Some(format!("k{}", self.below(10)));
                    }
                    if self.below(5) == 0 {
                        value = crate::log::Value::TOMBSTONE;
                    }
                }
                Some(Command::Produce { topic: topic.name.clone(), partition: None, key, value, acks, to: None })
            }
            30..=33 if broker.status != crate::broker::BrokerStatus::Crashed => {
                let kind = [CrashKind::Clean, CrashKind::Unclean, CrashKind::Lossy][self.below(3) as usize];
                Some(Command::Crash { broker: b, kind, keep: None })
            }
            34..=39 if broker.status == crate::broker::BrokerStatus::Crashed => Some(Command::Restart { broker: b }),
            40..=41 => Some(Command::Isolate { broker: b }),
            42..=45 => Some(Command::Heal { broker: b }),
            46 => Some(Command::Slow { broker: b, slow: self.below(2) == 0 }),
            47..=52 => Some(Command::Advance { ms: self.below(3_000) }),
            53 => Some(Command::Consume { topic: topic.name.clone(), partition: 0, offset: self.below(5) as i64, broker: None }),
            54..=57 if self.groups => {
                let group = format!("g{}", self.below(3));
                let client = format!("admin-{group}");
                let (topic, partitions) = (topic.name.clone(), topic.partitions);
                if self.below(2) == 0 {
                    let offsets = vec![crate::command::OffsetSpec { topic, partition: self.below(u64::from(partitions)) as u32, offset: self.below(50) as i64 }];
                    Some(Command::CommitOffsets { group, client, offsets })
                } else {
                    Some(Command::FetchOffsets { group, client, topic, partitions: None })
                }
            }
            58..=62 if self.moves => {
                let tps: Vec<&crate::ids::TopicPartition> = c.controller.partitions.keys().collect();
                let tp = tps[self.below(tps.len() as u64) as usize].clone();
                // Sometimes a broker that does not exist: the controller refuses it (RA1).
                let pool = ids.len() as u64 + u64::from(self.below(8) == 0);
                let mut target: Vec<BrokerId> = Vec::new();
                for _ in 0..1 + self.below(pool.min(4)) {
                    let b = BrokerId(1 + self.below(pool) as u32);
                    if !target.contains(&b) {
                        target.push(b);
                    }
                }
                Some(Command::Reassign { topic: tp.topic, partition: tp.partition, replicas: target })
            }
            63 if self.moves => {
                let tps: Vec<&crate::ids::TopicPartition> = c.controller.partitions.keys().collect();
                let tp = tps[self.below(tps.len() as u64) as usize].clone();
                Some(Command::CancelReassignment { topic: tp.topic, partition: tp.partition })
            }
            64 if self.moves && ids.len() < 6 => Some(Command::AddBroker {}),
            65..=67 if self.retention => Some(Command::RetentionPass { broker: (self.below(2) == 0).then_some(b).filter(|_| broker.is_running()) }),
            #[cfg(feature = "groups")]
            68..=75 if self.consumers => self.consumer_command(c),
            #[cfg(feature = "compaction")]
            76..=78 if self.compaction => Some(Command::CleanerPass { broker: (self.below(2) == 0).then_some(b).filter(|_| broker.is_running()) }),
            79..=81 if self.elr => Some(Command::Fence { broker: b }),
            82 if self.elr => {
                let tps: Vec<&crate::ids::TopicPartition> = c.controller.partitions.keys().collect();
                let tp = tps[self.below(tps.len() as u64) as usize].clone();
                let kind = [crate::controller::ElectionType::Clean, crate::controller::ElectionType::Preferred, crate::controller::ElectionType::Unclean][self.below(3) as usize];
                Some(Command::Elect { topic: tp.topic, partition: tp.partition, kind })
            }
            _ => None,
        }
    }
}

#[cfg(feature = "groups")]
impl ScheduleRng {
    /// A consumer command valid for `c`: one of `c0`–`c3` starts (in `g0` or `g1`, with a
    /// random assignor list, commit discipline and reset policy), closes, crashes, restarts or
    /// slows down.
    fn consumer_command(&mut self, c: &Cluster) -> Option<Command> {
        let member = format!("c{}", self.below(4));
        let topics: Vec<String> = c.config().topics.iter().map(|t| t.name.clone()).collect();
        let lists = [vec!["range"], vec!["roundrobin"], vec!["range", "cooperative-sticky"], vec!["sticky"], vec!["cooperative-sticky"]];
        let per_group = match self.group_assignors {
            Some(x) => x,
            None => {
                let x = [self.below(5) as usize, self.below(5) as usize];
                self.group_assignors = Some(x);
                x
            }
        };
        // Time for joins and rebalances to play out: consumers need seconds, not steps.
        let wait = Command::Advance { ms: 500 + self.below(2_500) };
        match c.groups.members.get(&member).map(crate::group::member::ClassicMember::is_running) {
            None => {
                let g = self.below(2) as usize;
                let assignors = lists[per_group[g]].iter().map(ToString::to_string).collect();
                let commit = [crate::group::member::CommitMode::Auto, crate::group::member::CommitMode::AfterProcessing, crate::group::member::CommitMode::BeforeProcessing][self.below(3) as usize];
                let reset = [crate::group::member::OffsetReset::Earliest, crate::group::member::OffsetReset::Latest][self.below(2) as usize];
                let settings = crate::command::ConsumerSettings {
                    assignors: Some(assignors),
                    instance_id: (self.below(4) == 0).then(|| format!("i-{member}")),
                    session_timeout_ms: Some(6_000 + self.below(4_000)),
                    heartbeat_interval_ms: Some(500 + self.below(1_000)),
                    max_poll_interval_ms: Some(8_000 + self.below(8_000)),
                    commit: Some(commit),
                    auto_commit_interval_ms: Some(1_000 + self.below(4_000)),
                    auto_offset_reset: Some(reset),
                    max_poll_records: Some(1 + self.below(5) as u32),
                    poll_interval_ms: Some(200 + self.below(1_500)),
                };
                let group = format!("g{g}");
                let topics = if self.below(3) == 0 { topics[..1].to_vec() } else { topics };
                Some(Command::StartConsumer { group, member, topics, settings })
            }
            Some(true) => Some(match self.below(10) {
                0 => Command::CloseConsumer { member },
                1 => Command::CrashConsumer { member },
                2 => Command::SlowConsumer { member, slow: self.below(3) == 0 },
                _ => wait,
            }),
            Some(false) if self.below(2) == 0 => Some(Command::RestartConsumer { member }),
            Some(false) => Some(wait),
        }
    }
}

/// [`run`] with consumers of classic groups joining, leaving, crashing and stalling among the
/// faults.
#[cfg(feature = "groups")]
pub fn run_consumers(seed: u64, steps: usize) -> Cluster {
    let mut rng = ScheduleRng::new(seed);
    rng.consumers = true;
    run_rng(rng, seed, steps, None, |_| {})
}

/// Runs one schedule of `steps` steps for `seed` with `config` (or a random one); returns the
/// cluster. Every failed command is a bug in the generator, so it panics.
pub fn run(seed: u64, steps: usize, config: Option<ClusterConfig>) -> Cluster {
    run_with(seed, steps, config, |_| {})
}

/// [`run`], with a hook to adjust the cluster before the first step.
pub fn run_with(seed: u64, steps: usize, config: Option<ClusterConfig>, prepare: impl FnOnce(&mut Cluster)) -> Cluster {
    run_rng(ScheduleRng::new(seed), seed, steps, config, prepare)
}

/// [`run`] with group clients committing and fetching offsets among the faults.
pub fn run_groups(seed: u64, steps: usize) -> Cluster {
    let mut rng = ScheduleRng::new(seed);
    rng.groups = true;
    run_rng(rng, seed, steps, None, |_| {})
}

/// [`run`] with partition reassignments, cancellations and new brokers among the faults.
pub fn run_moves(seed: u64, steps: usize) -> Cluster {
    let mut rng = ScheduleRng::new(seed);
    rng.moves = true;
    run_rng(rng, seed, steps, None, |_| {})
}

/// [`run`] with compacted topics, keyed records and tombstones, the cleaner automatic and explicit.
pub fn run_compaction(seed: u64, steps: usize) -> Cluster {
    let mut rng = ScheduleRng::new(seed);
    rng.compaction = true;
    run_rng(rng, seed, steps, None, |_| {})
}

/// [`run`] with Eligible Leader Replicas on, controller fences and elections among the faults.
pub fn run_elr(seed: u64, steps: usize) -> Cluster {
    let mut rng = ScheduleRng::new(seed);
    rng.elr = true;
    run_rng(rng, seed, steps, None, |_| {})
}

/// [`run`] with retention by time and by size on short segments (the pass automatic and
/// explicit) among the faults.
pub fn run_retention(seed: u64, steps: usize) -> Cluster {
    let mut rng = ScheduleRng::new(seed);
    rng.retention = true;
    run_rng(rng, seed, steps, None, |_| {})
}

fn run_rng(mut rng: ScheduleRng, seed: u64, steps: usize, config: Option<ClusterConfig>, prepare: impl FnOnce(&mut Cluster)) -> Cluster {
    let config = config.unwrap_or_else(|| rng.config());
    let mut c = Cluster::new(config, seed).expect("generated configs are valid");
    prepare(&mut c);
    for _ in 0..steps {
        match rng.command(&c) {
            Some(cmd) => {
                c.apply(&cmd).unwrap_or_else(|e| panic!("seed {seed}: generated an invalid command {cmd:?}: {e}"));
            }
            None => {
                if c.step_next().is_none() {
                    c.apply(&Command::Advance { ms: 100 }).expect("advance is always valid");
                }
            }
        }
    }
    c
}

/// The legacy configuration in which KIP-101 scenario 1 loses committed data: HW truncation
/// and a controller that does not notice fast restarts.
pub fn legacy_hw_config(base: ClusterConfig) -> ClusterConfig {
    ClusterConfig { truncation_mode: TruncationMode::Hw, controller_detects_fast_restart: false, ..base }
}

/// The benchmark workload on `c`: one acks=all produce every 4th step, queued deliveries and
/// timers otherwise, for `steps` steps. Returns the events it produced.
pub fn steady_produce_on(c: &mut Cluster, steps: u64) -> u64 {
    let before = c.event_count();
    for i in 0..steps {
        if i % 4 == 0 {
            let cmd = Command::Produce { topic: "orders".into(), partition: None, key: None, value: format!("v{i}").into(), acks: Acks::All, to: None };
            c.apply(&cmd).expect("valid");
        } else if c.step_next().is_none() {
            c.apply(&Command::Advance { ms: 1 }).expect("valid");
        }
    }
    c.event_count() - before
}

/// [`steady_produce_on`] a default 3 brokers × 3 partitions RF 3 cluster, checker off.
pub fn steady_produce(steps: u64) -> u64 {
    let mut c = Cluster::new(ClusterConfig::default(), 1).expect("valid");
    c.set_checking(false);
    steady_produce_on(&mut c, steps)
}
