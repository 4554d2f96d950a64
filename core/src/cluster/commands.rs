//! Commands: validating one against the cluster as it is (a clear error, nothing changed) and
//! carrying it out.

use super::{Cluster, Scheduled};
use crate::broker::BrokerStatus;
use crate::command::Command;
use crate::event::{Event, ReadKind};
use crate::fetcher;
use crate::ids::{BrokerId, MessageId, Offset, TopicPartition};
use crate::message::{Message, Node};
use crate::outbox::{Outbox, Timer};
use crate::broker::Broker;
use crate::group::client::Operation;

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

/// A group id and a client name: non-empty, as Kafka requires of both (INVALID_GROUP_ID).
/// What [`Cluster::consumer_command`] does to a consumer.
#[cfg(feature = "groups")]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum ConsumerCommand {
    /// `close()`.
    Close,
    /// The process dies.
    Crash,
    /// A new process.
    Restart,
    /// Processing slows (or recovers).
    Slow(bool),
}

fn check_group(group: &str, client: &str) -> Result<(), CommandError> {
    if cfg!(not(feature = "groups")) {
        return Err(CommandError::Invalid("consumer groups run on the Consumer groups page (full/) and in kplay, not in this build".into()));
    }
    if group.is_empty() {
        return Err(CommandError::Invalid("the group id must not be empty (INVALID_GROUP_ID)".into()));
    }
    if client.is_empty() {
        return Err(CommandError::Invalid("the client name must not be empty".into()));
    }
    Ok(())
}

impl Cluster {
    // ---- commands --------------------------------------------------------------------

    pub(super) fn check_broker(&self, b: BrokerId) -> Result<&Broker, CommandError> {
        self.brokers.get(&b).ok_or(CommandError::NoSuchBroker(b))
    }

    pub(super) fn check_tp(&self, topic: &str, partition: u32) -> Result<TopicPartition, CommandError> {
        let tp = TopicPartition::new(topic, partition);
        if self.controller.partitions.contains_key(&tp) {
            Ok(tp)
        } else {
            Err(CommandError::NoSuchPartition(tp))
        }
    }

    pub(super) fn validate(&self, cmd: &Command) -> Result<(), CommandError> {
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
            C::Elect { topic, partition, .. } | C::Reassign { topic, partition, .. } | C::CancelReassignment { topic, partition } => {
                self.check_tp(topic, *partition)?;
            }
            C::RetentionPass { broker: Some(b) } => {
                if !self.check_broker(*b)?.is_running() {
                    return Err(CommandError::BrokerState { broker: *b, problem: "is not running" });
                }
            }
            C::RetentionPass { broker: None } => {}
            #[cfg(feature = "compaction")]
            C::CleanerPass { broker: Some(b) } => {
                if !self.check_broker(*b)?.is_running() {
                    return Err(CommandError::BrokerState { broker: *b, problem: "is not running" });
                }
            }
            #[cfg(feature = "compaction")]
            C::CleanerPass { broker: None } => {}
            C::AddBroker {} => {
                if self.brokers.len() >= crate::config::MAX_BROKERS as usize {
                    return Err(CommandError::Invalid(format!("the cluster already has {} brokers, the most this simulator shows", crate::config::MAX_BROKERS)));
                }
            }
            C::CommitOffsets { group, client, offsets } => {
                check_group(group, client)?;
                if offsets.is_empty() {
                    return Err(CommandError::Invalid("commit_offsets needs at least one offset".into()));
                }
                for o in offsets {
                    self.check_tp(&o.topic, o.partition)?;
                }
            }
            #[cfg(feature = "groups")]
            C::StartConsumer { group, member, topics, settings } => {
                check_group(group, member)?;
                if member.contains(['/', ':']) {
                    return Err(CommandError::Invalid(format!("the consumer name `{member}` must not contain `/` or `:`")));
                }
                if self.consumer_running(member) == Some(true) {
                    return Err(CommandError::Invalid(format!("consumer {member} is already running: close or crash it first")));
                }
                if self.is_offsets_client(member) {
                    return Err(CommandError::Invalid(format!("`{member}` already names a client that commits offsets from outside a group")));
                }
                if topics.is_empty() {
                    return Err(CommandError::Invalid("a consumer subscribes to at least one topic".into()));
                }
                for t in topics {
                    if !self.config.topics.iter().any(|x| &x.name == t) {
                        return Err(CommandError::Invalid(format!("consumer {member} subscribes to `{t}`, which is not a topic of this cluster")));
                    }
                }
                if let Some(list) = &settings.assignors {
                    if list.is_empty() {
                        return Err(CommandError::Invalid("partition.assignment.strategy needs at least one assignor".into()));
                    }
                    for n in list {
                        if crate::group::assignor::Assignor::from_name(n).is_none() {
                            return Err(CommandError::Invalid(format!("unknown assignor `{n}`: expected range, roundrobin, sticky or cooperative-sticky")));
                        }
                    }
                }
                for (name, v) in [("heartbeat_interval_ms", settings.heartbeat_interval_ms), ("poll_interval_ms", settings.poll_interval_ms), ("max_poll_records", settings.max_poll_records.map(u64::from)), ("auto_commit_interval_ms", settings.auto_commit_interval_ms)] {
                    if v == Some(0) {
                        return Err(CommandError::Invalid(format!("{name} must be at least 1")));
                    }
                }
            }
            #[cfg(feature = "groups")]
            C::CloseConsumer { member } | C::CrashConsumer { member } | C::SlowConsumer { member, .. } | C::RestartConsumer { member } => {
                check_group("-", member)?;
                let running = self.consumer_running(member).ok_or_else(|| CommandError::Invalid(format!("there is no consumer {member}")))?;
                let restart = matches!(cmd, C::RestartConsumer { .. });
                if running == restart {
                    return Err(CommandError::Invalid(format!("consumer {member} is {}", if running { "running" } else { "not running" })));
                }
            }
            C::FetchOffsets { group, client, topic, partitions } => {
                check_group(group, client)?;
                let count = self.config.topics.iter().find(|t| &t.name == topic).map(|t| t.partitions).ok_or_else(|| CommandError::NoSuchPartition(TopicPartition::new(topic.clone(), 0)))?;
                for p in partitions.iter().flatten() {
                    if *p >= count {
                        return Err(CommandError::NoSuchPartition(TopicPartition::new(topic.clone(), *p)));
                    }
                }
            }
        }
        Ok(())
    }

    pub(super) fn execute(&mut self, cmd: &Command, events: &mut Vec<Event>) -> Result<(), CommandError> {
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
                x.clean_shutdown_epoch = (*kind == crate::event::CrashKind::Clean).then_some(x.broker_epoch);
                x.crash(&mut out, *kind, keep.map(Offset));
                self.coordinator_crashed(*broker);
                if was_controller && self.config.auto.controller_failover {
                    out.timer(self.now_ms + self.config.controller_failover_ms, Timer::ControllerFailover);
                }
            }
            C::Restart { broker } => {
                let x = self.brokers.get_mut(broker).expect("validated");
                x.restart(&mut out);
                let previous_epoch = x.clean_shutdown_epoch.take();
                if let Some(c) = self.controller.active {
                    out.send(Node::Broker(*broker), Node::Broker(c), Message::BrokerRegistration { previous_epoch });
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
            C::Reassign { topic, partition, replicas } => {
                let tp = TopicPartition::new(topic.clone(), *partition);
                self.controller.reassign(&self.config, &mut out, &tp, Some(replicas));
            }
            C::CancelReassignment { topic, partition } => {
                let tp = TopicPartition::new(topic.clone(), *partition);
                self.controller.reassign(&self.config, &mut out, &tp, None);
            }
            C::RetentionPass { broker } => {
                for b in self.running(*broker) {
                    self.retention_pass(b, &mut out);
                }
            }
            #[cfg(feature = "compaction")]
            C::CleanerPass { broker } => {
                for b in self.running(*broker) {
                    self.cleaner_pass(b, &mut out);
                }
            }
            C::AddBroker {} => {
                let id = BrokerId(self.brokers.keys().map(|b| b.0).max().unwrap_or(0) + 1);
                self.brokers.insert(id, Broker::new(id, crate::ids::BrokerEpoch(-1)));
                out.event(Event::BrokerAdded { broker: id });
                if let Some(c) = self.controller.active {
                    out.send(Node::Broker(id), Node::Broker(c), Message::BrokerRegistration { previous_epoch: None });
                }
                self.drain(out, events);
                self.arm_periodic_timers(Some(id));
                return Ok(());
            }
            C::Elect { topic, partition, kind } => {
                let tp = TopicPartition::new(topic.clone(), *partition);
                let before = self.controller.partitions[&tp].clone();
                self.controller.elect_leader(&self.config, &mut out, &tp, *kind);
                // PL2: a preferred election answers for the partition (the other kinds are
                // the simulator's own "elect now", E2, and answer nothing).
                if *kind == crate::controller::ElectionType::Preferred {
                    let error = if before.leader.is_some() && before.leader == before.replicas.first().copied() {
                        Some(crate::message::KafkaError::ElectionNotNeeded)
                    } else if self.controller.partitions[&tp] == before {
                        Some(crate::message::KafkaError::PreferredLeaderNotAvailable)
                    } else {
                        None
                    };
                    out.event(Event::PreferredElectionResult { tp, error });
                }
            }
            C::CommitOffsets { group, client, offsets } => {
                let offsets = offsets.iter().map(|o| (TopicPartition::new(o.topic.clone(), o.partition), o.offset)).collect();
                self.group_client_start(client, group, Operation::Commit(offsets), events);
            }
            #[cfg(feature = "groups")]
            C::StartConsumer { group, member, topics, settings } => {
                let cfg = settings.config(topics, self.config.groups.retry_backoff_ms, self.config.request_timeout_ms);
                self.consumer_start(member, group, cfg, events);
            }
            #[cfg(feature = "groups")]
            C::CloseConsumer { member } => self.consumer_command(member, ConsumerCommand::Close, events),
            #[cfg(feature = "groups")]
            C::CrashConsumer { member } => self.consumer_command(member, ConsumerCommand::Crash, events),
            #[cfg(feature = "groups")]
            C::RestartConsumer { member } => self.consumer_command(member, ConsumerCommand::Restart, events),
            #[cfg(feature = "groups")]
            C::SlowConsumer { member, slow } => self.consumer_command(member, ConsumerCommand::Slow(*slow), events),
            C::FetchOffsets { group, client, topic, partitions } => {
                let count = self.config.topics.iter().find(|t| &t.name == topic).map_or(0, |t| t.partitions);
                let list = partitions.clone().unwrap_or_else(|| (0..count).collect());
                let tps = list.into_iter().map(|p| TopicPartition::new(topic.clone(), p)).collect();
                self.group_client_start(client, group, Operation::Fetch(tps), events);
            }
        }
        self.drain(out, events);
        Ok(())
    }
}

impl Cluster {
    /// `broker` if it runs, or every running broker when none is named (the passes' commands).
    fn running(&self, broker: Option<BrokerId>) -> Vec<BrokerId> {
        self.brokers.iter().filter(|(b, x)| broker.is_none_or(|o| o == **b) && x.is_running()).map(|(b, _)| *b).collect()
    }
}
