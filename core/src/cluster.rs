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

use crate::broker::{Broker, BrokerStatus};
use crate::command::Command;
use crate::config::{ClusterConfig, ConfigError};
use crate::controller::Controller;
use crate::event::{Event, ReadKind, ReadResult, TimedEvent};
use crate::fetcher::{self, FetchResponseFields};
use crate::ids::{BrokerEpoch, BrokerId, LeaderEpoch, MessageId, Offset, ProduceId, TimeMs, TopicPartition};
use crate::invariants::Checker;
use crate::message::{Acks, KafkaError, LeaderRecoveryState, Message, Node, PartitionState};
use crate::network::{Network, SendOutcome};
use crate::outbox::{Ctx, Outbox, Timer};
use crate::partition::{self, FetchAnswer, FetchFields};
use crate::replica::Replica;
use crate::trace::TraceHasher;
use rand_core::{RngCore, SeedableRng};
use rand_xoshiro::Xoshiro256PlusPlus;
use serde::Serialize;
use litemap::LiteMap;
use std::collections::BTreeMap;

/// A command the cluster cannot carry out, with a message a course author understands.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CommandError {
    /// No such broker.
    #[error("there is no broker {0}")]
    NoSuchBroker(BrokerId),
    /// No such topic or partition.
    #[error("there is no partition {0}")]
    NoSuchPartition(TopicPartition),
    /// No such in-flight message.
    #[error("no message #{0} is in flight")]
    NoSuchMessage(MessageId),
    /// The broker is in the wrong state for this command.
    #[error("broker {broker} {problem}")]
    BrokerState {
        /// The broker.
        broker: BrokerId,
        /// What is wrong.
        problem: &'static str,
    },
    /// The command makes no sense now.
    #[error("{0}")]
    Invalid(String),
}

/// What the queue holds.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
enum Scheduled {
    Deliver(MessageId),
    Timer(Timer),
}

/// What became of a produce, as the client sees it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Produced {
    /// The request id.
    pub id: ProduceId,
    /// Where it went.
    pub tp: TopicPartition,
    /// The value.
    pub value: String,
    /// Its acks.
    pub acks: Acks,
    /// `None` while pending.
    pub result: Option<Result<Option<Offset>, KafkaError>>,
}

/// A consumer read, as the client saw it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Read {
    /// Which broker answered.
    pub broker: BrokerId,
    /// The partition.
    pub tp: TopicPartition,
    /// Fetch or ListOffsets.
    pub kind: ReadKind,
    /// The offset asked for (fetch) or answered (ListOffsets, -1 on error).
    pub offset: Offset,
    /// The answer.
    pub result: ReadResult,
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
    /// Events of the step in progress (always empty between steps).
    #[serde(skip)]
    emitted: Vec<TimedEvent>,
}

/// Kafka's rack-unaware replica assignment: start index and shift drawn from the seed.
fn assign_replicas(brokers: &[BrokerId], partitions: u32, rf: u32, rng: &mut Xoshiro256PlusPlus) -> Vec<Vec<BrokerId>> {
    let n = brokers.len();
    let start = (rng.next_u64() % n as u64) as usize;
    let mut shift = (rng.next_u64() % n as u64) as usize;
    (0..partitions as usize)
        .map(|p| {
            if p > 0 && p % n == 0 {
                shift += 1;
            }
            let first = (p + start) % n;
            let mut replicas = vec![brokers[first]];
            for j in 0..(rf as usize).saturating_sub(1) {
                let idx = (first + 1 + (shift + j) % (n - 1).max(1)) % n;
                replicas.push(brokers[idx]);
            }
            replicas
        })
        .collect()
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
        for t in &config.topics {
            for (p, replicas) in assign_replicas(&ids, t.partitions, t.replication_factor, &mut rng).into_iter().enumerate() {
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
            emitted: Vec::new(),
        };
        for (tp, replicas) in assignment {
            let state = PartitionState {
                tp: tp.clone(),
                replicas: replicas.clone(),
                leader: replicas.first().copied(),
                leader_epoch: LeaderEpoch(0),
                partition_epoch: crate::ids::PartitionEpoch(0),
                isr: replicas.clone(),
                leader_recovery_state: LeaderRecoveryState::Recovered,
            };
            c.controller.partitions.insert(tp.clone(), state);
            for b in &replicas {
                let log_config = c.config.log;
                let broker = c.brokers.get_mut(b).ok_or(ConfigError::Brokers(b.0))?;
                broker.replicas.insert(tp.clone(), Replica::new(tp.clone(), *b, log_config));
            }
        }
        c.install_controller_state();
        c.arm_periodic_timers(None);
        Ok(c)
    }

    /// Applies the controller's partition states to every replica directly (start-up: the
    /// brokers read the metadata before serving). Produces no events.
    pub fn install_controller_state(&mut self) {
        let states: Vec<PartitionState> = self.controller.partitions.values().cloned().collect();
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
        for (at, t) in out.timers {
            self.schedule(at, Scheduled::Timer(t));
        }
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

    // ---- delivery --------------------------------------------------------------------

    fn deliver(&mut self, id: MessageId, events: &mut Vec<Event>) -> bool {
        let Some(m) = self.network.in_flight.get(&id) else { return false };
        let (from, to) = (m.from, m.to);
        if let Node::Broker(b) = to {
            match self.brokers[&b].status {
                BrokerStatus::Crashed => {
                    let m = self.network.in_flight.remove(&id).expect("present");
                    events.push(Event::Dropped { id, reason: format!("broker {b} is down") });
                    self.request_lost(m.from, &m.message);
                    return true;
                }
                BrokerStatus::Paused => {
                    self.network.in_flight.get_mut(&id).expect("present").deliver_at = None;
                    self.brokers.get_mut(&b).expect("exists").backlog.push(id);
                    return true;
                }
                BrokerStatus::Running => {}
            }
        }
        let m = self.network.in_flight.remove(&id).expect("present");
        events.push(Event::Delivered { id, from, to, kind: m.message.kind().to_string() });
        match to {
            Node::Client => self.client_receive(m.message, events),
            Node::Broker(b) => self.broker_receive(b, from, m.message, events),
        }
        true
    }

    fn client_receive(&mut self, message: Message, events: &mut Vec<Event>) {
        if let Message::ProduceResponse { id, tp, error, offset } = message {
            self.complete_produce(id, tp, error.map_or(Ok(Some(offset)), Err), events);
        }
    }

    fn complete_produce(&mut self, id: ProduceId, tp: TopicPartition, result: Result<Option<Offset>, KafkaError>, events: &mut Vec<Event>) {
        let Some(p) = self.produced.get_mut((id.0 - 1) as usize) else { return };
        if p.result.is_some() {
            return;
        }
        events.push(Event::ProduceCompleted { id, tp, error: result.err(), offset: result.ok().flatten() });
        p.result = Some(result);
    }

    fn is_controller_message(m: &Message) -> bool {
        matches!(
            m,
            Message::AlterPartition { .. } | Message::Heartbeat { .. } | Message::BrokerRegistration { .. } | Message::ControlledShutdown { .. }
        )
    }

    fn broker_receive(&mut self, b: BrokerId, from: Node, message: Message, events: &mut Vec<Event>) {
        if Self::is_controller_message(&message) {
            return self.controller_receive(b, from, message, events);
        }
        let mut out = Outbox::default();
        let incarnation = self.incarnation(b);
        let ctx = Ctx {
            cfg: &self.config,
            now: self.now_ms,
            incarnation,
            controller: self.controller.active,
            registrations: &self.controller.registrations,
        };
        let broker = self.brokers.get_mut(&b).expect("exists");
        let me = Node::Broker(b);
        let mut produce_results: Vec<(ProduceId, Result<Offset, KafkaError>)> = Vec::new();
        match message {
            Message::FetchRequest { correlation_id, tp, replica_id, replica_epoch, fetch_offset, last_fetched_epoch, current_leader_epoch, max_wait_ms } => {
                match broker.replicas.get_mut(&tp) {
                    None => out.send(me, from, not_leader_fetch(correlation_id, tp, fetch_offset, current_leader_epoch)),
                    Some(r) => {
                        let req = FetchFields { correlation_id, replica_id, replica_epoch, fetch_offset, last_fetched_epoch, current_leader_epoch, max_wait_ms };
                        if let FetchAnswer::Respond(resp) = partition::handle_follower_fetch(r, &ctx, &mut out, req) {
                            out.send(me, from, resp);
                        }
                        produce_results = partition::check_pending_produces(r, &ctx);
                    }
                }
            }
            Message::FetchResponse { correlation_id, tp, fetch_offset, current_leader_epoch, error, diverging_epoch, records, high_watermark, log_end_offset, log_start_offset } => {
                if let Some(r) = broker.replicas.get_mut(&tp) {
                    let resp = FetchResponseFields { correlation_id, fetch_offset, current_leader_epoch, error, diverging_epoch, records, high_watermark, log_end_offset, log_start_offset };
                    fetcher::handle_fetch_response(r, &ctx, &mut out, resp);
                }
            }
            Message::OffsetsForLeaderEpochRequest { correlation_id, tp, leader_epoch, current_leader_epoch, .. } => {
                let answer = match broker.replicas.get(&tp) {
                    Some(r) => partition::handle_offsets_for_leader_epoch(r, self.config.truncation_mode, leader_epoch, current_leader_epoch),
                    None => Err(KafkaError::NotLeaderOrFollower),
                };
                let (error, (le, end)) = match answer {
                    Ok(v) => (None, v),
                    Err(e) => (Some(e), (LeaderEpoch::UNDEFINED, Offset::UNKNOWN)),
                };
                out.send(me, from, Message::OffsetsForLeaderEpochResponse { correlation_id, tp, requested_epoch: leader_epoch, current_leader_epoch, error, leader_epoch: le, end_offset: end });
            }
            Message::OffsetsForLeaderEpochResponse { correlation_id, tp, current_leader_epoch, error, leader_epoch, end_offset, .. } => {
                if let Some(r) = broker.replicas.get_mut(&tp) {
                    let answer = error.map_or(Ok((leader_epoch, end_offset)), Err);
                    fetcher::handle_offsets_for_leader_epoch_response(r, &ctx, &mut out, correlation_id, current_leader_epoch, answer);
                }
            }
            Message::ProduceRequest { id, tp, key, value, acks } => {
                let outcome = match broker.replicas.get_mut(&tp) {
                    None => Some(Err(KafkaError::NotLeaderOrFollower)),
                    Some(r) => {
                        let o = partition::handle_produce(r, &ctx, &mut out, id, key, value, acks);
                        produce_results = partition::check_pending_produces(r, &ctx);
                        o
                    }
                };
                if let Some(result) = outcome {
                    produce_results.push((id, result));
                }
            }
            Message::AlterPartitionResponse { proposal_id, tp, state, .. } => {
                if let Some(r) = broker.replicas.get_mut(&tp) {
                    produce_results = partition::handle_alter_partition_response(r, &ctx, &mut out, proposal_id, state);
                }
            }
            Message::LeaderAndIsr { .. } if broker.broker_epoch.0 < 0 => {
                // B2-B3: a restarted broker acts on no partition state before its registration
                // is answered (with the current state); anything earlier is stale.
            }
            Message::LeaderAndIsr { controller_epoch, controller_id, state } => {
                if controller_epoch < broker.known_controller_epoch {
                    out.event(Event::StaleControllerRejected { broker: b, from: controller_id, request_epoch: controller_epoch, known_epoch: broker.known_controller_epoch });
                } else {
                    broker.known_controller_epoch = controller_epoch;
                    if let Some(r) = broker.replicas.get_mut(&state.tp) {
                        produce_results = partition::apply_partition_state(r, &ctx, &mut out, &state);
                    }
                }
            }
            Message::BrokerRegistrationResponse { broker_epoch, controller_epoch, states } => {
                broker.broker_epoch = broker_epoch;
                broker.known_controller_epoch = broker.known_controller_epoch.max(controller_epoch);
                for state in &states {
                    if let Some(r) = broker.replicas.get_mut(&state.tp) {
                        produce_results.extend(partition::apply_partition_state(r, &ctx, &mut out, state));
                    }
                }
            }
            Message::ProduceResponse { .. } => {}
            other => unreachable!("controller message {} routed to a broker", other.kind()),
        }
        // One answer per produce, the last one winning.
        let mut dedup: LiteMap<ProduceId, Result<Offset, KafkaError>> = LiteMap::new_vec();
        for (id, result) in produce_results {
            dedup.insert(id, result);
        }
        for (id, result) in dedup {
            let tp = self.produced(id).map(|p| p.tp.clone());
            if let Some(tp) = tp {
                out.send(me, Node::Client, Message::ProduceResponse { id, tp, error: result.err(), offset: result.unwrap_or(Offset::UNKNOWN) });
            }
        }
        self.drain(out, events);
    }

    fn controller_receive(&mut self, b: BrokerId, from: Node, message: Message, events: &mut Vec<Event>) {
        if self.controller.active != Some(b) {
            events.push(Event::Dropped { id: MessageId(0), reason: format!("broker {b} is not the controller (NOT_CONTROLLER)") });
            return;
        }
        let Node::Broker(sender) = from else { return };
        let mut out = Outbox::default();
        let now = self.now_ms;
        match message {
            Message::AlterPartition { proposal_id, tp, leader_id, leader_epoch, partition_epoch, new_isr } => {
                let resp = self.controller.handle_alter_partition(&self.config, &mut out, leader_id, proposal_id, &tp, leader_epoch, partition_epoch, &new_isr);
                out.send(Node::Broker(b), from, resp);
            }
            Message::Heartbeat { broker_epoch, known } => self.controller.handle_heartbeat(&self.config, &mut out, now, sender, broker_epoch, &known),
            Message::BrokerRegistration { .. } => self.controller.handle_registration(&self.config, &mut out, now, sender),
            Message::ControlledShutdown { broker_epoch } => {
                self.controller.handle_controlled_shutdown(&self.config, &mut out, sender, broker_epoch)
            }
            _ => {}
        }
        self.drain(out, events);
    }

    // ---- timers ----------------------------------------------------------------------

    fn live(&self, b: BrokerId, incarnation: u64) -> bool {
        self.brokers.get(&b).is_some_and(|x| x.is_running() && x.incarnation == incarnation)
    }

    fn fire(&mut self, t: Timer, events: &mut Vec<Event>) -> bool {
        let mut out = Outbox::default();
        match t {
            Timer::FollowerFetch { broker, incarnation, tp } => {
                if !self.live(broker, incarnation) {
                    return false;
                }
                let wait = self.config.replica_fetch_wait_max_ms;
                let x = self.brokers.get_mut(&broker).expect("live");
                let epoch = x.broker_epoch;
                let Some((leader, msg)) = x.replicas.get_mut(&tp).and_then(|r| fetcher::next_request(r, epoch, wait)) else {
                    return false;
                };
                out.send(Node::Broker(broker), Node::Broker(leader), msg);
            }
            Timer::FetchExpire { broker, incarnation, tp, seq } => {
                if !self.live(broker, incarnation) {
                    return false;
                }
                let x = self.brokers.get_mut(&broker).expect("live");
                let Some(r) = x.replicas.get_mut(&tp) else { return false };
                partition::expire_parked_fetch(r, &mut out, seq);
                if out.sends.is_empty() {
                    return false;
                }
            }
            Timer::IsrExpiration { broker, incarnation } => {
                if !self.live(broker, incarnation) {
                    return false;
                }
                self.isr_check(broker, &mut out);
                let at = self.now_ms + self.config.replica_lag_time_max_ms / 2;
                out.timer(at, Timer::IsrExpiration { broker, incarnation });
            }
            Timer::Heartbeat { broker, incarnation } => {
                if !self.live(broker, incarnation) {
                    return false;
                }
                let epoch = self.brokers[&broker].broker_epoch;
                if let (Some(c), true) = (self.controller.active, epoch.0 >= 0) {
                    out.send(Node::Broker(broker), Node::Broker(c), self.heartbeat(broker));
                }
                out.timer(self.now_ms + self.config.broker_heartbeat_interval_ms, Timer::Heartbeat { broker, incarnation });
            }
            Timer::SessionCheck => {
                if self.controller_alive() {
                    self.controller.check_sessions(&self.config, &mut out, self.now_ms);
                }
                out.timer(self.now_ms + self.config.broker_heartbeat_interval_ms, Timer::SessionCheck);
            }
            Timer::Flush { broker, incarnation } => {
                if !self.live(broker, incarnation) {
                    return false;
                }
                let x = self.brokers.get_mut(&broker).expect("live");
                let dirty = x.replicas.values().any(|r| r.log.recovery_point() < r.log.log_end_offset());
                for (_, r) in x.replicas.iter_mut() {
                    r.log.flush();
                }
                if dirty {
                    out.event(Event::Flushed { broker });
                }
                out.timer(self.now_ms + self.config.log_flush_interval_ms, Timer::Flush { broker, incarnation });
            }
            Timer::ProduceTimeout { id } => {
                let Some(p) = self.produced(id).filter(|p| p.result.is_none()) else { return false };
                let tp = p.tp.clone();
                for (_, x) in self.brokers.iter_mut() {
                    if let Some(l) = x.replicas.get_mut(&tp).and_then(|r| r.leader_state_mut()) {
                        l.pending_produces.retain(|p| p.id != id);
                    }
                }
                self.complete_produce(id, tp, Err(KafkaError::RequestTimedOut), events);
            }
            Timer::AlterPartitionTimeout { broker, incarnation, tp } => {
                if !self.live(broker, incarnation) {
                    return false;
                }
                let ctx = Ctx { cfg: &self.config, now: self.now_ms, incarnation, controller: self.controller.active, registrations: &self.controller.registrations };
                let x = self.brokers.get_mut(&broker).expect("live");
                let Some(r) = x.replicas.get_mut(&tp) else { return false };
                if !partition::retry_alter_partition(r, &ctx, &mut out) {
                    return false;
                }
            }
            Timer::ControllerFailover => {
                if self.controller_alive() {
                    return false;
                }
                let Some(next) = self.failover_candidate() else { return false };
                self.take_over_controller(next, &mut out);
            }
        }
        self.drain(out, events);
        true
    }

    fn heartbeat(&self, broker: BrokerId) -> Message {
        let b = &self.brokers[&broker];
        let known = b.replicas.values().filter(|r| !r.awaiting_state).map(|r| (r.tp.clone(), r.partition_epoch)).collect();
        Message::Heartbeat { broker_epoch: b.broker_epoch, known }
    }

    fn isr_check(&mut self, broker: BrokerId, out: &mut Outbox) {
        let incarnation = self.incarnation(broker);
        let ctx = Ctx { cfg: &self.config, now: self.now_ms, incarnation, controller: self.controller.active, registrations: &self.controller.registrations };
        let x = self.brokers.get_mut(&broker).expect("exists");
        for (_, r) in x.replicas.iter_mut() {
            partition::maybe_shrink_isr(r, &ctx, out);
        }
    }

    fn controller_alive(&self) -> bool {
        self.controller.active.is_some_and(|c| self.brokers[&c].is_running() && !self.network.isolated.contains_key(&c))
    }

    fn failover_candidate(&self) -> Option<BrokerId> {
        self.brokers.values().find(|b| b.is_running() && !self.network.isolated.contains_key(&b.id) && Some(b.id) != self.controller.active).map(|b| b.id)
    }

    fn take_over_controller(&mut self, next: BrokerId, out: &mut Outbox) {
        if let Some(old) = self.controller.active {
            let old_epoch = self.controller.epoch;
            if let Some(x) = self.brokers.get_mut(&old) {
                if x.status != BrokerStatus::Crashed {
                    x.zombie_controller_epoch = Some(old_epoch);
                }
            }
        }
        self.controller.take_over(out, next);
        if let Some(x) = self.brokers.get_mut(&next) {
            x.known_controller_epoch = self.controller.epoch;
        }
    }

    // ---- commands --------------------------------------------------------------------

    fn check_broker(&self, b: BrokerId) -> Result<&Broker, CommandError> {
        self.brokers.get(&b).ok_or(CommandError::NoSuchBroker(b))
    }

    fn check_tp(&self, topic: &str, partition: u32) -> Result<TopicPartition, CommandError> {
        let tp = TopicPartition::new(topic, partition);
        if self.controller.partitions.contains_key(&tp) {
            Ok(tp)
        } else {
            Err(CommandError::NoSuchPartition(tp))
        }
    }

    fn validate(&self, cmd: &Command) -> Result<(), CommandError> {
        use Command as C;
        match cmd {
            C::Produce { topic, partition, to, .. } => {
                if !self.config.topics.iter().any(|t| &t.name == topic) {
                    return Err(CommandError::NoSuchPartition(TopicPartition::new(topic.clone(), partition.unwrap_or(0))));
                }
                if let Some(p) = partition {
                    self.check_tp(topic, *p)?;
                }
                if let Some(b) = to {
                    self.check_broker(*b)?;
                }
            }
            C::Fetch { broker, topic, partition } => {
                let tp = self.check_tp(topic, *partition)?;
                let x = self.check_broker(*broker)?;
                if !x.is_running() {
                    return Err(CommandError::BrokerState { broker: *broker, problem: "is not running" });
                }
                let r = x.replicas.get(&tp).ok_or(CommandError::Invalid(format!("broker {broker} holds no replica of {tp}")))?;
                match r.follower_state() {
                    None => return Err(CommandError::Invalid(format!("broker {broker} is not a follower of {tp}"))),
                    Some(f) if f.in_flight.is_some() => return Err(CommandError::Invalid(format!("broker {broker} already has a request for {tp} in flight"))),
                    Some(_) => {}
                }
            }
            C::Consume { topic, partition, broker, .. } | C::ListOffsets { topic, partition, broker } => {
                self.check_tp(topic, *partition)?;
                if let Some(b) = broker {
                    self.check_broker(*b)?;
                }
            }
            C::Crash { broker, .. } => {
                if self.check_broker(*broker)?.status == BrokerStatus::Crashed {
                    return Err(CommandError::BrokerState { broker: *broker, problem: "is already down" });
                }
            }
            C::Restart { broker } => {
                if self.check_broker(*broker)?.status != BrokerStatus::Crashed {
                    return Err(CommandError::BrokerState { broker: *broker, problem: "is not down" });
                }
            }
            C::Pause { broker } => {
                if !self.check_broker(*broker)?.is_running() {
                    return Err(CommandError::BrokerState { broker: *broker, problem: "is not running" });
                }
            }
            C::Resume { broker } => {
                if self.check_broker(*broker)?.status != BrokerStatus::Paused {
                    return Err(CommandError::BrokerState { broker: *broker, problem: "is not paused" });
                }
            }
            C::Heartbeat { broker } => {
                if !self.check_broker(*broker)?.is_running() {
                    return Err(CommandError::BrokerState { broker: *broker, problem: "is not running" });
                }
            }
            C::Fence { broker } | C::Isolate { broker } | C::Heal { broker } | C::Slow { broker, .. } | C::Flush { broker } | C::IsrCheck { broker } => {
                self.check_broker(*broker)?;
            }
            C::Cut { from, to } | C::Hold { from, to } | C::Release { from, to } | C::Link { from, to, .. } => {
                self.check_broker(*from)?;
                self.check_broker(*to)?;
            }
            C::Deliver { message } | C::Drop { message } => {
                if !self.network.in_flight.contains_key(message) {
                    return Err(CommandError::NoSuchMessage(*message));
                }
            }
            C::Advance { .. } | C::Step { .. } => {}
            C::AdvanceTo { time_ms } => {
                if *time_ms < self.now_ms {
                    return Err(CommandError::Invalid(format!("advance_to {time_ms} is in the past (now is {})", self.now_ms)));
                }
            }
            C::ElectController { broker } => {
                if let Some(b) = broker {
                    if !self.check_broker(*b)?.is_running() {
                        return Err(CommandError::BrokerState { broker: *b, problem: "is not running" });
                    }
                }
            }
            C::ZombieElect { broker, topic, partition, leader } => {
                self.check_tp(topic, *partition)?;
                self.check_broker(*leader)?;
                if self.check_broker(*broker)?.zombie_controller_epoch.is_none() {
                    return Err(CommandError::BrokerState { broker: *broker, problem: "does not believe it is the controller" });
                }
            }
            C::Elect { topic, partition, .. } => {
                self.check_tp(topic, *partition)?;
            }
        }
        Ok(())
    }

    fn execute(&mut self, cmd: &Command, events: &mut Vec<Event>) -> Result<(), CommandError> {
        use Command as C;
        let mut out = Outbox::default();
        match cmd {
            C::Produce { topic, partition, key, value, acks, to } => self.produce(topic, *partition, key.clone(), value.clone(), *acks, *to, events),
            C::Fetch { broker, topic, partition } => {
                let tp = TopicPartition::new(topic.clone(), *partition);
                let x = self.brokers.get_mut(broker).expect("validated");
                let epoch = x.broker_epoch;
                let r = x.replicas.get_mut(&tp).expect("validated");
                if let Some((leader, msg)) = fetcher::next_request(r, epoch, 0) {
                    out.send(Node::Broker(*broker), Node::Broker(leader), msg);
                }
            }
            C::Consume { topic, partition, offset, broker } => self.consume(TopicPartition::new(topic.clone(), *partition), Offset(*offset), *broker, ReadKind::Fetch, events),
            C::ListOffsets { topic, partition, broker } => self.consume(TopicPartition::new(topic.clone(), *partition), Offset::UNKNOWN, *broker, ReadKind::ListOffsets, events),
            C::Crash { broker, kind, keep } => {
                let was_controller = self.controller.active == Some(*broker);
                let x = self.brokers.get_mut(broker).expect("validated");
                if *kind == crate::event::CrashKind::Clean {
                    if let Some(c) = self.controller.active {
                        out.send(Node::Broker(*broker), Node::Broker(c), Message::ControlledShutdown { broker_epoch: x.broker_epoch });
                    }
                }
                x.crash(&mut out, *kind, keep.map(Offset));
                if was_controller && self.config.auto.controller_failover {
                    out.timer(self.now_ms + self.config.controller_failover_ms, Timer::ControllerFailover);
                }
            }
            C::Restart { broker } => {
                let x = self.brokers.get_mut(broker).expect("validated");
                x.restart(&mut out);
                if let Some(c) = self.controller.active {
                    out.send(Node::Broker(*broker), Node::Broker(c), Message::BrokerRegistration { previous_epoch: None });
                }
                self.drain(out, events);
                self.arm_periodic_timers(Some(*broker));
                return Ok(());
            }
            C::Pause { broker } => {
                self.brokers.get_mut(broker).expect("validated").status = BrokerStatus::Paused;
                out.event(Event::BrokerPaused { broker: *broker, paused: true });
                if self.controller.active == Some(*broker) && self.config.auto.controller_failover {
                    out.timer(self.now_ms + self.config.controller_failover_ms, Timer::ControllerFailover);
                }
            }
            C::Resume { broker } => {
                let x = self.brokers.get_mut(broker).expect("validated");
                x.status = BrokerStatus::Running;
                x.incarnation += 1; // timers set before the pause were dropped; re-arm below
                let backlog = std::mem::take(&mut x.backlog);
                events.push(Event::BrokerPaused { broker: *broker, paused: false });
                for id in backlog {
                    self.deliver(id, events);
                }
                self.arm_periodic_timers(Some(*broker));
            }
            C::Heartbeat { broker } => {
                if let Some(c) = self.controller.active {
                    out.send(Node::Broker(*broker), Node::Broker(c), self.heartbeat(*broker));
                }
            }
            C::Fence { broker } => self.controller.fence(&self.config, &mut out, *broker, "session expired (pinned)"),
            C::Isolate { broker } => {
                self.network.isolated.insert(*broker, ());
                out.event(Event::NetworkChanged { description: format!("broker {broker} isolated") });
                if self.controller.active == Some(*broker) && self.config.auto.controller_failover {
                    out.timer(self.now_ms + self.config.controller_failover_ms, Timer::ControllerFailover);
                }
            }
            C::Heal { broker } => {
                self.network.isolated.remove(broker);
                self.network.slow.remove(broker);
                let n = Node::Broker(*broker);
                let links: Vec<(Node, Node)> = self.network.links.keys().filter(|(a, b)| *a == n || *b == n).copied().collect();
                for (a, b) in links {
                    for (id, at) in self.network.release(self.now_ms, a, b) {
                        self.schedule(at, Scheduled::Deliver(id));
                    }
                    self.network.links.remove(&(a, b));
                }
                out.event(Event::NetworkChanged { description: format!("broker {broker} healed") });
            }
            C::Cut { from, to } => {
                self.network.link_mut(Node::Broker(*from), Node::Broker(*to)).cut = true;
                out.event(Event::NetworkChanged { description: format!("link {from} -> {to} cut") });
            }
            C::Hold { from, to } => {
                self.network.link_mut(Node::Broker(*from), Node::Broker(*to)).held = true;
                out.event(Event::NetworkChanged { description: format!("link {from} -> {to} held") });
            }
            C::Release { from, to } => {
                for (id, at) in self.network.release(self.now_ms, Node::Broker(*from), Node::Broker(*to)) {
                    self.schedule(at, Scheduled::Deliver(id));
                }
                out.event(Event::NetworkChanged { description: format!("link {from} -> {to} released") });
            }
            C::Slow { broker, slow } => {
                if *slow {
                    self.network.slow.insert(*broker, ());
                } else {
                    self.network.slow.remove(broker);
                }
                out.event(Event::NetworkChanged { description: format!("broker {broker} {}", if *slow { "slowed" } else { "at full speed" }) });
            }
            C::Link { from, to, extra_delay_ms, drop_permille } => {
                let l = self.network.link_mut(Node::Broker(*from), Node::Broker(*to));
                l.extra_delay_ms = *extra_delay_ms;
                l.drop_permille = *drop_permille;
                out.event(Event::NetworkChanged { description: format!("link {from} -> {to}: +{extra_delay_ms} ms, {drop_permille}‰ loss") });
            }
            C::Deliver { message } => {
                self.queue.retain(|_, s| *s != Scheduled::Deliver(*message));
                self.deliver(*message, events);
            }
            C::Drop { message } => {
                self.queue.retain(|_, s| *s != Scheduled::Deliver(*message));
                let m = self.network.in_flight.remove(message).expect("validated");
                events.push(Event::Dropped { id: *message, reason: "dropped (pinned)".into() });
                self.request_lost(m.from, &m.message);
            }
            C::Step { .. } => unreachable!("handled by apply"),
            C::Advance { ms } => self.run_until(self.now_ms + ms, events),
            C::AdvanceTo { time_ms } => self.run_until(*time_ms, events),
            C::Flush { broker } => {
                for (_, r) in self.brokers.get_mut(broker).expect("validated").replicas.iter_mut() {
                    r.log.flush();
                }
                out.event(Event::Flushed { broker: *broker });
            }
            C::IsrCheck { broker } => self.isr_check(*broker, &mut out),
            C::ElectController { broker } => {
                let next = broker.or_else(|| self.failover_candidate()).ok_or(CommandError::Invalid("no broker can become controller".into()))?;
                self.take_over_controller(next, &mut out);
            }
            C::ZombieElect { broker, topic, partition, leader } => {
                let tp = TopicPartition::new(topic.clone(), *partition);
                let x = self.brokers.get_mut(broker).expect("validated");
                let stale = x.zombie_controller_epoch.take().expect("validated");
                let mut st = self.controller.partitions[&tp].clone();
                st.leader = Some(*leader);
                st.leader_epoch = st.leader_epoch.next();
                for r in &st.replicas {
                    out.send(Node::Broker(*broker), Node::Broker(*r), Message::LeaderAndIsr { controller_epoch: stale, controller_id: *broker, state: st.clone() });
                }
                out.event(Event::ZombieControllerFenced { broker: *broker, controller_epoch: stale });
            }
            C::Elect { topic, partition, kind } => {
                let tp = TopicPartition::new(topic.clone(), *partition);
                self.controller.elect_leader(&self.config, &mut out, &tp, *kind);
            }
        }
        self.drain(out, events);
        Ok(())
    }

    #[allow(clippy::too_many_arguments)] // the fields of `Command::Produce`
    fn produce(&mut self, topic: &str, partition: Option<u32>, key: Option<String>, value: String, acks: Acks, to: Option<BrokerId>, events: &mut Vec<Event>) {
        let count = self.config.topics.iter().find(|t| t.name == topic).map_or(1, |t| t.partitions);
        let p = partition.unwrap_or_else(|| match &key {
            Some(k) => crate::partitioner::partition_for_key(k, count),
            None => {
                let rr = self.round_robin.entry(topic.to_string()).or_insert(0);
                let p = *rr % count;
                *rr += 1;
                p
            }
        });
        let tp = TopicPartition::new(topic, p);
        self.next_produce_id += 1;
        let id = ProduceId(self.next_produce_id);
        let target = to.or(self.controller.partitions[&tp].leader);
        let result = match (target, acks) {
            (None, _) => Some(Err(KafkaError::NotLeaderOrFollower)),
            (Some(_), Acks::None) => Some(Ok(None)),
            _ => None,
        };
        self.produced.push(Produced { id, tp: tp.clone(), value: value.clone(), acks, result });
        let Some(target) = target else {
            events.push(Event::ProduceCompleted { id, tp, error: Some(KafkaError::NotLeaderOrFollower), offset: None });
            return;
        };
        events.push(Event::ProduceSent { id, tp: tp.clone(), to: target, acks, value: value.clone() });
        self.send(Node::Client, Node::Broker(target), Message::ProduceRequest { id, tp, key, value, acks }, events);
        if acks != Acks::None {
            self.schedule(self.now_ms + self.config.request_timeout_ms, Scheduled::Timer(Timer::ProduceTimeout { id }));
        }
    }

    /// Q1/Q2: a consumer read, answered at once by the broker (clients are not on the network).
    fn consume(&mut self, tp: TopicPartition, offset: Offset, broker: Option<BrokerId>, kind: ReadKind, events: &mut Vec<Event>) {
        let st = &self.controller.partitions[&tp];
        let target = broker.or(st.leader);
        let current_epoch = st.leader_epoch;
        let Some(b) = target else {
            let read = Read { broker: BrokerId(0), tp, kind, offset, result: ReadResult::Error(KafkaError::NotLeaderOrFollower) };
            self.record_read(read, events);
            return;
        };
        let x = &self.brokers[&b];
        let result = match (x.is_running(), x.replicas.get(&tp)) {
            (false, _) | (_, None) => ReadResult::Error(KafkaError::NotLeaderOrFollower),
            (true, Some(r)) => match partition::check_current_leader_epoch(r, current_epoch) {
                Err(e) => ReadResult::Error(e),
                Ok(()) => read_from(r, kind, offset),
            },
        };
        let offset = match (&kind, &result) {
            (ReadKind::ListOffsets, ReadResult::Offset(o)) => *o,
            _ => offset,
        };
        self.record_read(Read { broker: b, tp, kind, offset, result }, events);
    }

    fn record_read(&mut self, read: Read, events: &mut Vec<Event>) {
        events.push(Event::ConsumerRead { broker: read.broker, tp: read.tp.clone(), kind: read.kind, offset: read.offset, result: read.result.clone() });
        self.reads.push(read);
    }

    /// The broker epoch a broker currently registers with.
    pub fn broker_epoch(&self, b: BrokerId) -> BrokerEpoch {
        self.brokers.get(&b).map_or(BrokerEpoch(-1), |x| x.broker_epoch)
    }
}

/// Q1 / Q2 on the leader: reads are bounded by the HW; `HW <= offset <= LEO` is an empty
/// answer; past the LEO is OFFSET_OUT_OF_RANGE. ListOffsets(LATEST) answers the HW, or
/// OFFSET_NOT_AVAILABLE while `HW < LESO`.
fn read_from(r: &Replica, kind: ReadKind, offset: Offset) -> ReadResult {
    let (hw, leo, lso) = (r.log.high_watermark(), r.log.log_end_offset(), r.log.log_start_offset());
    match kind {
        ReadKind::ListOffsets => {
            let leso = r.leader_state().map_or(Offset(0), |l| l.leso);
            if hw < leso {
                ReadResult::Error(KafkaError::OffsetNotAvailable)
            } else {
                ReadResult::Offset(hw)
            }
        }
        ReadKind::Fetch => {
            if offset > leo || offset < lso {
                ReadResult::Error(KafkaError::OffsetOutOfRange)
            } else {
                ReadResult::Records(r.log.read(offset, hw, usize::MAX).into_iter().map(|rec| (rec.offset, rec.epoch, rec.value)).collect())
            }
        }
    }
}

fn not_leader_fetch(correlation_id: u64, tp: TopicPartition, fetch_offset: Offset, current_leader_epoch: LeaderEpoch) -> Message {
    Message::FetchResponse {
        correlation_id,
        tp,
        fetch_offset,
        current_leader_epoch,
        error: Some(KafkaError::NotLeaderOrFollower),
        diverging_epoch: None,
        records: Vec::new(),
        high_watermark: Offset(0),
        log_end_offset: Offset(0),
        log_start_offset: Offset(0),
    }
}
