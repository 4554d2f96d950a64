//! The simulation loop: one `Cluster` value holds every broker, the controller, the network,
//! the clients and the checker. It advances one *step* at a time — a command, or the next
//! queued delivery or timer — and returns that step's events.
//!
//! ```text
//!  Command ──► apply ──► handlers (partition / fetcher / controller / broker)
//!                           │ push events, sends, timers into an Outbox
//!                           ▼
//!                 drain: network.send ─► queue (time, seq) ─► step_next ─► handlers …
//!                           │
//!                           ▼
//!                 checker (I1–I27) ─► events ─► trace hash
//! ```
//!
//! The hub is split by responsibility; each part is an `impl Cluster` block of its own:
//!
//! | file | what it does |
//! | --- | --- |
//! | `mod.rs` | the value, its construction, accessors and the stepping loop (queue, checker, trace) |
//! | `placement.rs` | where the replicas of a new topic go |
//! | `commands.rs` | validating and carrying out a [`Command`] |
//! | `delivery.rs` | routing a delivered message to the broker or controller handler |
//! | `timers.rs` | firing a timer (fetch, ISR expiry, heartbeats, sessions, flush, failover) |
//! | `clients.rs` | the producer and the consumer (Q1, Q2) |
//! | `groups.rs` | group requests to each broker's coordinator runtime (`group/`), `__consumer_offsets` (CP2–CP6) |
//!
//! A new Kafka concept (consumer groups, the cleaner, the quorum) gets its own module, which
//! these parts call; the hub routes to it rather than growing.

mod clients;
mod commands;
mod delivery;
#[cfg(feature = "groups")]
mod groups;
#[cfg(not(feature = "groups"))]
#[path = "groups_off.rs"]
mod groups;
mod placement;
mod timers;

pub use clients::{Produced, Read};
pub use commands::CommandError;
pub use groups::{offsets_tp, Groups};

use crate::broker::Broker;
use crate::command::Command;
use crate::config::{ClusterConfig, ConfigError};
use crate::controller::Controller;
use crate::event::{Event, TimedEvent};
use crate::ids::{BrokerEpoch, BrokerId, LeaderEpoch, MessageId, ProduceId, TimeMs, TopicPartition};
use crate::invariants::Checker;
use crate::message::{LeaderRecoveryState, Message, Node, PartitionState};
use crate::network::{Network, SendOutcome};
use crate::outbox::{Ctx, Outbox, Timer};
use crate::partition;
use crate::replica::Replica;
use crate::trace::TraceHasher;
use litemap::LiteMap;
use rand_core::SeedableRng;
use rand_xoshiro::Xoshiro256PlusPlus;
use serde::Serialize;
use std::collections::BTreeMap;

/// What the queue holds.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
enum Scheduled {
    Deliver(MessageId),
    Timer(Timer),
}

/// The whole simulated cluster: a plain value (`Clone`, comparable, serializable).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Cluster {
    config: ClusterConfig,
    now_ms: TimeMs,
    /// The brokers, by id.
    pub brokers: LiteMap<BrokerId, Broker>,
    /// The controller and its metadata.
    pub controller: Controller,
    /// The network.
    pub network: Network,
    queue: BTreeMap<(TimeMs, u64), Scheduled>,
    next_seq: u64,
    next_produce_id: u64,
    round_robin: LiteMap<String, u32>,
    /// Every produce, in order.
    pub produced: Vec<Produced>,
    /// Every consumer read, in order.
    pub reads: Vec<Read>,
    /// The invariant checker (I1–I27).
    pub checker: Checker,
    step: u64,
    event_count: u64,
    trace: TraceHasher,
    checking: bool,
    /// The seed, for what is placed later (`__consumer_offsets`, CP2).
    seed: u64,
    /// Consumer groups: coordinators and group clients (`groups.rs`).
    #[serde(skip)]
    pub groups: Groups,
    /// Events of the step in progress (always empty between steps).
    #[serde(skip)]
    emitted: Vec<TimedEvent>,
}

impl Cluster {
    /// A new cluster: brokers 1..=n, broker 1 the controller, every topic created with every
    /// partition led by its preferred replica in epoch 0 with a full ISR.
    pub fn new(config: ClusterConfig, seed: u64) -> Result<Cluster, ConfigError> {
        let placement = Self::default_placement(&config, seed)?;
        Self::with_assignment(config, seed, placement)
    }

    /// The default replica placement for `config` and `seed`.
    pub fn default_placement(config: &ClusterConfig, seed: u64) -> Result<LiteMap<TopicPartition, Vec<BrokerId>>, ConfigError> {
        config.validate()?;
        let ids: Vec<BrokerId> = (1..=config.brokers).map(BrokerId).collect();
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed ^ 0x5EED_0001);
        let mut out = LiteMap::new_vec();
        // RK1: with racks, as KRaft's controller places a new topic (one request per topic).
        #[cfg(feature = "kraft")]
        if !config.racks.is_empty() {
            let usable: Vec<placement::Usable> = ids.iter().map(|b| placement::Usable { id: *b, rack: config.racks.get(b).cloned(), fenced: false }).collect();
            for t in &config.topics {
                let draws = if config.placement_zero_offsets { placement::Draws::Zero } else { placement::Draws::Seeded(&mut rng) };
                let parts = placement::striped(&usable, t.partitions, t.replication_factor, draws).expect("validated: 1 <= rf <= brokers, every broker unfenced");
                for (p, replicas) in parts.into_iter().enumerate() {
                    out.insert(TopicPartition::new(t.name.clone(), p as u32), replicas);
                }
            }
            return Ok(out);
        }
        for t in &config.topics {
            for (p, replicas) in placement::assign_replicas(&ids, t.partitions, t.replication_factor, &mut rng).into_iter().enumerate() {
                out.insert(TopicPartition::new(t.name.clone(), p as u32), replicas);
            }
        }
        Ok(out)
    }

    /// A new cluster with an explicit assignment (each replica list ordered, preferred first).
    pub fn with_assignment(config: ClusterConfig, seed: u64, assignment: LiteMap<TopicPartition, Vec<BrokerId>>) -> Result<Cluster, ConfigError> {
        config.validate()?;
        let ids: Vec<BrokerId> = (1..=config.brokers).map(BrokerId).collect();
        let controller = Controller::new(ids[0], ids.iter().copied());
        let mut brokers = LiteMap::new_vec();
        for b in &ids {
            let mut broker = Broker::new(*b, controller.registrations[b].broker_epoch);
            broker.known_controller_epoch = controller.epoch;
            brokers.insert(*b, broker);
        }
        let net_rng = Xoshiro256PlusPlus::seed_from_u64(seed ^ 0x5EED_0002);
        let mut c = Cluster {
            network: Network::new(config.network, net_rng),
            config,
            now_ms: 0,
            brokers,
            controller,
            queue: BTreeMap::new(),
            next_seq: 0,
            next_produce_id: 0,
            round_robin: LiteMap::new_vec(),
            produced: Vec::new(),
            reads: Vec::new(),
            checker: Checker::default(),
            step: 0,
            event_count: 0,
            trace: TraceHasher::default(),
            checking: true,
            seed,
            groups: Groups::default(),
            emitted: Vec::new(),
        };
        for (tp, replicas) in assignment {
            if let Some(b) = replicas.iter().find(|b| !c.brokers.contains_key(b)) {
                return Err(ConfigError::Brokers(b.0));
            }
            c.create_partition(tp, replicas);
        }
        c.install_controller_state();
        c.arm_periodic_timers(None);
        Ok(c)
    }

    /// A new partition on `replicas` (existing brokers): led by its first replica in epoch 0
    /// with a full ISR in the controller, and an empty replica on each broker. Its state is
    /// applied by [`Cluster::install_partition_states`].
    pub(super) fn create_partition(&mut self, tp: TopicPartition, replicas: Vec<BrokerId>) {
        let state = PartitionState {
            tp: tp.clone(),
            leader: replicas.first().copied(),
            leader_epoch: LeaderEpoch(0),
            partition_epoch: crate::ids::PartitionEpoch(0),
            isr: replicas.clone(),
            leader_recovery_state: LeaderRecoveryState::Recovered,
            replicas,
            adding_replicas: Vec::new(),
            removing_replicas: Vec::new(),
            elr: crate::message::Elr::default(),
        };
        let log_config = self.config.log_for(&tp.topic);
        for b in &state.replicas {
            let broker = self.brokers.get_mut(b).expect("checked by the caller");
            broker.replicas.insert(tp.clone(), Replica::new(tp.clone(), *b, log_config));
        }
        self.controller.partitions.insert(tp, state);
    }

    /// Applies the controller's partition states to every replica directly (start-up: the
    /// brokers read the metadata before serving). Produces no events.
    pub fn install_controller_state(&mut self) {
        let tps: Vec<TopicPartition> = self.controller.partitions.keys().cloned().collect();
        let out = self.install_partition_states(&tps);
        for (at, t) in out.timers {
            self.schedule(at, Scheduled::Timer(t));
        }
    }

    /// Applies the controller's states of `tps` to their replicas; returns what that did (the
    /// start-up keeps only the timers; a topic created later, CP2, drains it all).
    pub(super) fn install_partition_states(&mut self, tps: &[TopicPartition]) -> Outbox {
        let states: Vec<PartitionState> = tps.iter().filter_map(|tp| self.controller.partitions.get(tp).cloned()).collect();
        let mut out = Outbox::default();
        for st in &states {
            for b in &st.replicas {
                let ctx = Ctx {
                    cfg: &self.config,
                    now: self.now_ms,
                    incarnation: self.brokers[b].incarnation,
                    controller: self.controller.active,
                    registrations: &self.controller.registrations,
                };
                let broker = self.brokers.get_mut(b).expect("assigned broker exists");
                let r = broker.replicas.get_mut(&st.tp).expect("replica created");
                r.awaiting_state = true;
                partition::apply_partition_state(r, &ctx, &mut out, st);
            }
        }
        out
    }

    fn arm_periodic_timers(&mut self, only: Option<BrokerId>) {
        let auto = self.config.auto;
        let ids: Vec<BrokerId> = self.brokers.keys().copied().filter(|b| only.is_none_or(|o| o == *b)).collect();
        for b in ids {
            let inc = self.brokers[&b].incarnation;
            if auto.isr_check {
                self.schedule(self.now_ms + self.config.replica_lag_time_max_ms / 2, Scheduled::Timer(Timer::IsrExpiration { broker: b, incarnation: inc }));
            }
            if auto.heartbeats {
                self.schedule(self.now_ms + self.config.broker_heartbeat_interval_ms, Scheduled::Timer(Timer::Heartbeat { broker: b, incarnation: inc }));
            }
            if auto.flush {
                self.schedule(self.now_ms + self.config.log_flush_interval_ms, Scheduled::Timer(Timer::Flush { broker: b, incarnation: inc }));
            }
            if auto.retention {
                self.schedule(self.now_ms + self.config.log.initial_task_delay_ms, Scheduled::Timer(Timer::RetentionCheck { broker: b, incarnation: inc }));
            }
            #[cfg(feature = "compaction")]
            if auto.cleaner {
                self.schedule(self.now_ms + self.config.log.cleaner_backoff_ms, Scheduled::Timer(Timer::CleanerPass { broker: b, incarnation: inc }));
            }
            if auto.fetch {
                let tps: Vec<TopicPartition> = self.brokers[&b].replicas.keys().cloned().collect();
                for tp in tps {
                    self.schedule(self.now_ms, Scheduled::Timer(Timer::FollowerFetch { broker: b, incarnation: inc, tp }));
                }
            }
        }
        if only.is_none() && auto.heartbeats {
            self.schedule(self.now_ms + self.config.broker_heartbeat_interval_ms, Scheduled::Timer(Timer::SessionCheck));
        }
    }

    // ---- accessors -------------------------------------------------------------------

    /// The configuration.
    pub fn config(&self) -> &ClusterConfig {
        &self.config
    }
    /// Simulated now, ms.
    pub fn now_ms(&self) -> TimeMs {
        self.now_ms
    }
    /// Steps taken so far.
    pub fn step_count(&self) -> u64 {
        self.step
    }
    /// Events emitted so far.
    pub fn event_count(&self) -> u64 {
        self.event_count
    }
    /// The hash of the whole trace so far (stable across platforms).
    pub fn trace_hash(&self) -> u64 {
        self.trace.value()
    }
    /// A produce by id (ids are its position in [`Cluster::produced`], from 1).
    pub fn produced(&self, id: ProduceId) -> Option<&Produced> {
        self.produced.get((id.0.checked_sub(1)?) as usize).filter(|p| p.id == id)
    }
    /// A replica, if `broker` hosts `tp`.
    pub fn replica(&self, broker: BrokerId, tp: &TopicPartition) -> Option<&Replica> {
        self.brokers.get(&broker)?.replicas.get(tp)
    }
    /// Mutable access for scenario set-up only.
    pub fn replica_mut(&mut self, broker: BrokerId, tp: &TopicPartition) -> Option<&mut Replica> {
        self.brokers.get_mut(&broker)?.replicas.get_mut(tp)
    }
    /// The time of the next queued delivery or timer, if any.
    pub fn next_event_time(&self) -> Option<TimeMs> {
        self.queue.keys().next().map(|(t, _)| *t)
    }
    /// The broker epoch a broker currently registers with.
    pub fn broker_epoch(&self, b: BrokerId) -> BrokerEpoch {
        self.brokers.get(&b).map_or(BrokerEpoch(-1), |x| x.broker_epoch)
    }

    // ---- stepping --------------------------------------------------------------------

    fn schedule(&mut self, at: TimeMs, item: Scheduled) {
        self.next_seq += 1;
        self.queue.insert((at, self.next_seq), item);
    }

    /// One step: a command, then everything due at the same instant. Returns its events.
    /// `Step { count }` is `count` steps of [`Cluster::step_next`].
    pub fn apply(&mut self, cmd: &Command) -> Result<Vec<TimedEvent>, CommandError> {
        if let Command::Step { count } = cmd {
            let mut all = Vec::new();
            for _ in 0..*count {
                match self.step_next() {
                    Some(events) => all.extend(events),
                    None => break,
                }
            }
            return Ok(all);
        }
        self.validate(cmd)?;
        self.step += 1;
        let mut events = Vec::new();
        self.execute(cmd, &mut events)?;
        self.commit_events(&mut events);
        self.settle(&mut events);
        Ok(self.take_step_events())
    }

    /// One step: the next queued delivery or timer. `None` when nothing is queued.
    pub fn step_next(&mut self) -> Option<Vec<TimedEvent>> {
        let mut events = Vec::new();
        self.step += 1;
        loop {
            let Some((&key, _)) = self.queue.iter().next() else {
                self.step -= 1; // only stale items were left: no step
                return None;
            };
            let item = self.queue.remove(&key).expect("peeked");
            self.now_ms = self.now_ms.max(key.0);
            if self.process(item, &mut events) {
                break;
            }
        }
        self.commit_events(&mut events);
        Some(self.take_step_events())
    }

    /// Handles everything due at or before now (zero-delay chains of a pinned command).
    fn settle(&mut self, events: &mut Vec<Event>) {
        for _ in 0..100_000 {
            let Some((&key, _)) = self.queue.iter().next() else { return };
            if key.0 > self.now_ms {
                return;
            }
            let item = self.queue.remove(&key).expect("peeked");
            self.process(item, events);
            self.commit_events(events);
        }
    }

    fn run_until(&mut self, until: TimeMs, events: &mut Vec<Event>) {
        self.commit_events(events);
        while let Some((&key, _)) = self.queue.iter().next() {
            if key.0 > until {
                break;
            }
            let item = self.queue.remove(&key).expect("peeked");
            self.now_ms = self.now_ms.max(key.0);
            self.process(item, events);
            self.commit_events(events);
        }
        self.now_ms = self.now_ms.max(until);
    }

    /// Stamps `events` with the current time and step, runs the checker on them (so an
    /// `advance` over many deliveries is checked after each one), and hashes them.
    fn commit_events(&mut self, events: &mut Vec<Event>) {
        if events.is_empty() {
            return;
        }
        let mut batch = std::mem::take(events);
        if self.checking {
            let mut checker = std::mem::take(&mut self.checker);
            let violations = checker.check(self, self.step, &batch);
            self.checker = checker;
            batch.extend(violations);
        }
        for event in batch {
            let e = TimedEvent { time_ms: self.now_ms, step: self.step, event };
            self.trace.add(&e);
            self.emitted.push(e);
        }
    }

    fn take_step_events(&mut self) -> Vec<TimedEvent> {
        let out = std::mem::take(&mut self.emitted);
        self.event_count += out.len() as u64;
        out
    }

    /// Turns the per-step invariant checker on or off (on by default; benchmarks measure both).
    pub fn set_checking(&mut self, on: bool) {
        self.checking = on;
    }

    /// Sends, schedules and records what a handler produced.
    fn drain(&mut self, out: Outbox, events: &mut Vec<Event>) {
        events.extend(out.events);
        for (at, t) in out.timers {
            self.schedule(at, Scheduled::Timer(t));
        }
        for (from, to, message) in out.sends {
            self.send(from, to, message, events);
        }
        self.maybe_schedule_leader_rebalance();
        self.reconcile_coordinators(events);
    }

    fn send(&mut self, from: Node, to: Node, message: Message, events: &mut Vec<Event>) {
        let (id, outcome) = self.network.send(self.now_ms, from, to, message.clone());
        match outcome {
            SendOutcome::Scheduled(at) => {
                events.push(Event::Sent { id, from, to, deliver_at: Some(at), message });
                self.schedule(at, Scheduled::Deliver(id));
            }
            SendOutcome::Held => events.push(Event::Sent { id, from, to, deliver_at: None, message }),
            SendOutcome::Lost(reason) => {
                events.push(Event::Sent { id, from, to, deliver_at: Some(self.now_ms), message: message.clone() });
                events.push(Event::Dropped { id, reason });
                self.request_lost(from, &message);
                self.response_lost(to, &message);
                if from == Node::Client {
                    self.group_request_lost(&message, events);
                }
            }
        }
    }

    /// A follower's request was lost (no route, or the receiver is down): its connection
    /// fails, so the fetcher forgets the request and retries after the back-off.
    fn request_lost(&mut self, from: Node, message: &Message) {
        if let (Node::Broker(b), Message::FetchRequest { tp, correlation_id, .. } | Message::OffsetsForLeaderEpochRequest { tp, correlation_id, .. }) = (from, message) {
            self.fetch_connection_failed(b, tp, *correlation_id);
        }
    }

    /// A leader's answer to a follower's request was lost (no route): the follower's
    /// connection fails just as when its request is lost, so it retries after the back-off
    /// instead of waiting for an answer that will never come (Kafka's fetcher sees the
    /// disconnection and backs off).
    fn response_lost(&mut self, to: Node, message: &Message) {
        if let (Node::Broker(b), Message::FetchResponse { tp, correlation_id, .. } | Message::OffsetsForLeaderEpochResponse { tp, correlation_id, .. }) = (to, message) {
            self.fetch_connection_failed(b, tp, *correlation_id);
        }
    }

    fn fetch_connection_failed(&mut self, b: BrokerId, tp: &TopicPartition, correlation_id: u64) {
        let backoff = self.config.replica_fetch_backoff_ms;
        let auto = self.config.auto.fetch;
        let Some(x) = self.brokers.get_mut(&b) else { return };
        let incarnation = x.incarnation;
        if let Some(crate::replica::Role::Follower(f)) = x.replicas.get_mut(tp).map(|r| &mut r.role) {
            if f.in_flight != Some(correlation_id) {
                return;
            }
            f.in_flight = None;
            if auto {
                let at = self.now_ms + backoff;
                self.schedule(at, Scheduled::Timer(Timer::FollowerFetch { broker: b, incarnation, tp: tp.clone() }));
            }
        }
    }

    /// Returns false when the item was stale and did nothing (so a step skips it).
    fn process(&mut self, item: Scheduled, events: &mut Vec<Event>) -> bool {
        match item {
            Scheduled::Deliver(id) => self.deliver(id, events),
            Scheduled::Timer(t) => self.fire(t, events),
        }
    }

    fn incarnation(&self, b: BrokerId) -> u64 {
        self.brokers.get(&b).map_or(0, |x| x.incarnation)
    }
}
