//! The hub's part for consumer groups (PROTOCOL-GROUPS.md §2.1): it routes group requests to
//! each broker's coordinator runtime ([`crate::group::coordinator`]) and their answers to the
//! clients ([`crate::group::client`]), and carries out what the runtime asks — appending to
//! `__consumer_offsets`, arming timers — and tells it what replication did: a broker became or
//! stopped being leader of an offsets partition (CP3, CP5), an offsets partition's HW moved
//! (CP6). Everything about groups is decided in `group/`; this file only connects it.
//!
//! * CP2: the first FindCoordinator creates `__consumer_offsets` (its partitions placed like
//!   any topic's, on the unfenced brokers) and is answered COORDINATOR_NOT_AVAILABLE.
//! * CP3: a broker leading an offsets partition in a newer epoch starts a load, which
//!   completes `groups.coordinator_load_ms` later with the replay of its local log.
//! * A crashed broker's coordinator is gone with its memory; it reloads when it leads again.

use super::commands::ConsumerCommand;
use super::{placement, Cluster, Scheduled};
use crate::event::Event;
use crate::group::classic::{self, ClassicConfig};
use crate::group::client::{Action, ClientConfig, OffsetsClient, Operation, Outcome};
use crate::group::coordinator::{ContextState, Coordinator, Effect, Request, Response};
use crate::group::member::{self, Channel, ClassicMember, MemberConfig, MemberTimer, Note};
use crate::group::{partition_for, GroupError, OFFSETS_TOPIC};
use crate::ids::{BrokerId, LeaderEpoch, TopicPartition};
use crate::message::{Message, Node};
use crate::outbox::{Ctx, Outbox, Timer};
use crate::partition;
use litemap::LiteMap;
use rand_core::SeedableRng;
use rand_xoshiro::Xoshiro256PlusPlus;

/// `session.timeout.ms` (45000): what a replayed classic member's session restarts with (CP3).
const REPLAY_SESSION_TIMEOUT_MS: u64 = 45_000;

/// The groups' part of the cluster's state.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Groups {
    /// Whether `__consumer_offsets` exists (CP2 creates it).
    pub offsets_topic: bool,
    /// Each running broker's coordinator runtime.
    pub coordinators: LiteMap<BrokerId, Coordinator>,
    /// The group clients, by name.
    pub clients: LiteMap<String, OffsetsClient>,
    /// The consumers (classic group members), by name.
    pub members: LiteMap<String, ClassicMember>,
    /// How often each offset of a partition was delivered to each group (OC9, OC10: a count
    /// above 1 is a duplicate).
    pub delivered: LiteMap<(String, TopicPartition), std::collections::BTreeMap<i64, u32>>,
    /// The last correlation id given to a consumer's commit.
    pub correlation: u64,
    /// Set while the runtimes are being told about replication (no re-entry).
    reconciling: bool,
}

/// `__consumer_offsets-p`.
pub fn offsets_tp(p: u32) -> TopicPartition {
    TopicPartition::new(OFFSETS_TOPIC, p)
}

/// A request's tag at the coordinator: which client, which attempt, which kind — so that an
/// answer the runtime gives later (CP6) goes back as the right response.
fn tag(kind: char, attempt: u32, client: &str) -> String {
    format!("{kind}:{attempt}:{client}")
}

fn untag(tag: &str) -> Option<(char, u32, &str)> {
    let mut it = tag.splitn(3, ':');
    let kind = it.next()?.chars().next()?;
    let attempt = it.next()?.parse().ok()?;
    Some((kind, attempt, it.next()?))
}

impl Cluster {
    /// The partition counts of the topics a leader assigns over (its metadata).
    fn topic_counts(&self) -> std::collections::BTreeMap<String, u32> {
        self.config.topics.iter().map(|t| (t.name.clone(), t.partitions)).collect()
    }

    /// A command: consumer `name` starts in `group` (a new process if it ran before).
    pub(super) fn consumer_start(&mut self, name: &str, group: &str, cfg: MemberConfig, events: &mut Vec<Event>) {
        let (incarnation, restarted) = self.groups.members.get(name).map_or((0, false), |m| (m.incarnation + 1, true));
        let (m, actions) = ClassicMember::new(name, group, cfg, self.config.brokers, incarnation, self.now_ms);
        self.groups.members.insert(name.to_string(), m);
        events.push(Event::ConsumerMember { member: name.to_string(), group: group.to_string(), note: Note::Started { restarted } });
        self.member_actions(name, actions, events);
    }

    /// A command: a consumer closes, crashes, restarts, or slows down.
    pub(super) fn consumer_command(&mut self, name: &str, what: ConsumerCommand, events: &mut Vec<Event>) {
        let now = self.now_ms;
        let Some(m) = self.groups.members.get_mut(name) else { return };
        let group = m.group.clone();
        let actions = match what {
            ConsumerCommand::Close => m.close(now),
            ConsumerCommand::Crash => {
                m.crash();
                vec![member::Action::Note(Note::Crashed)]
            }
            ConsumerCommand::Slow(slow) => {
                m.slow = slow;
                vec![member::Action::Note(Note::Slowed { slow })]
            }
            ConsumerCommand::Restart => {
                let cfg = m.cfg.clone();
                return self.consumer_start(name, &group, cfg, events);
            }
        };
        self.member_actions(name, actions, events);
    }

    /// Carries out what a consumer asked: requests, timers, reads (answered at once, Q1),
    /// and its notes as events.
    fn member_actions(&mut self, name: &str, actions: Vec<member::Action>, events: &mut Vec<Event>) {
        let Some(group) = self.groups.members.get(name).map(|m| m.group.clone()) else { return };
        let mut queue: std::collections::VecDeque<member::Action> = actions.into();
        while let Some(a) = queue.pop_front() {
            match a {
                member::Action::FindCoordinator { to, channel, seq } => {
                    let m = Message::FindCoordinator { client: format!("{name}{}", channel.suffix()), group: group.clone(), attempt: seq };
                    self.send(Node::Client, Node::Broker(to), m, events);
                }
                member::Action::Send { to, mut request } => {
                    if let Request::Commit { client, .. } = &mut request {
                        // A commit's answer may come long after (CP6): its correlation id
                        // travels in the client name, as a request header's would.
                        self.groups.correlation += 1;
                        *client = format!("{client}#{}", self.groups.correlation);
                    }
                    let client = request.client().to_string();
                    self.send(Node::Client, Node::Broker(to), Message::GroupRequest { client, group: group.clone(), request }, events);
                }
                member::Action::Timer { at, timer } => self.schedule(at, Scheduled::Timer(Timer::Member { member: name.to_string(), timer })),
                member::Action::Fetch { tp, offset } => {
                    let max = self.groups.members.get(name).map_or(0, |m| m.budget) as usize;
                    if max == 0 {
                        continue;
                    }
                    let (broker, result) = self.read_at(&tp, crate::ids::Offset(offset), None, crate::event::ReadKind::Fetch, max);
                    let answer = match result {
                        crate::event::ReadResult::Records(records) => {
                            let offsets: Vec<i64> = records.iter().map(|(o, _, _)| o.0).collect();
                            if let (Some(&first), Some(&last)) = (offsets.first(), offsets.last()) {
                                let counts = self.groups.delivered.entry((group.clone(), tp.clone())).or_default();
                                let mut duplicates = 0;
                                for o in &offsets {
                                    let c = counts.entry(*o).or_insert(0);
                                    if *c > 0 {
                                        duplicates += 1;
                                    }
                                    *c += 1;
                                }
                                events.push(Event::RecordsConsumed { member: name.to_string(), group: group.clone(), tp: tp.clone(), broker, first: crate::ids::Offset(first), last: crate::ids::Offset(last), duplicates });
                            }
                            Ok(offsets)
                        }
                        crate::event::ReadResult::Error(e) => Err(e),
                        crate::event::ReadResult::Offset(_) => Ok(Vec::new()),
                    };
                    if let Some(m) = self.groups.members.get_mut(name) {
                        queue.extend(m.fetched(&tp, answer));
                    }
                }
                member::Action::ListOffsets { tp, earliest } => {
                    // OC6: earliest is the log start offset, latest the HW (Q2).
                    let offset = if earliest {
                        self.controller.partitions[&tp].leader.and_then(|l| self.replica(l, &tp)).filter(|_| self.controller.partitions[&tp].leader.is_some_and(|l| self.brokers[&l].is_running())).map(|r| r.log.log_start_offset().0)
                    } else {
                        match self.read_at(&tp, crate::ids::Offset(0), None, crate::event::ReadKind::ListOffsets, 0).1 {
                            crate::event::ReadResult::Offset(o) => Some(o.0),
                            _ => None,
                        }
                    };
                    if let Some(m) = self.groups.members.get_mut(name) {
                        queue.extend(m.reset_to(&tp, offset));
                    }
                }
                member::Action::Note(note) => events.push(Event::ConsumerMember { member: name.to_string(), group: group.clone(), note }),
            }
        }
    }

    /// A consumer's timer.
    pub(super) fn fire_member(&mut self, name: &str, timer: &MemberTimer, events: &mut Vec<Event>) -> bool {
        let now = self.now_ms;
        let Some(m) = self.groups.members.get_mut(name) else { return false };
        let actions = m.fire(now, timer);
        if actions.is_empty() {
            return false;
        }
        self.member_actions(name, actions, events);
        if matches!(timer, MemberTimer::Poll { .. }) {
            // The poll's fetches are done: the before-processing discipline commits now.
            let after = self.groups.members.get_mut(name).map(|m| m.polled(now)).unwrap_or_default();
            self.member_actions(name, after, events);
        }
        true
    }

    /// Whether consumer `name` runs (`None`: there is none).
    pub(super) fn consumer_running(&self, name: &str) -> Option<bool> {
        self.groups.members.get(name).map(ClassicMember::is_running)
    }

    /// Whether `name` is a client committing from outside a group.
    pub(super) fn is_offsets_client(&self, name: &str) -> bool {
        self.groups.clients.contains_key(name)
    }

    /// The report's consumers.
    pub fn consumer_reports(&self) -> Vec<crate::report::ConsumerReport> {
        self.groups
            .members
            .values()
            .map(|m| crate::report::ConsumerReport {
                name: m.name.clone(),
                group: m.group.clone(),
                state: m.state.name().to_string(),
                member_id: m.member_id.clone(),
                generation: m.generation,
                owned: m.owned.iter().map(ToString::to_string).collect(),
                positions: m.positions.iter().map(|(tp, o)| (tp.to_string(), *o)).collect(),
            })
            .collect()
    }

    /// The report's groups: each as the active context of its offsets partition's current
    /// leader keeps it (CP1–CP4), with what its consumers were delivered.
    pub fn group_reports(&self) -> Vec<crate::report::GroupReport> {
        let n = self.config.groups.offsets_topic_num_partitions;
        let mut ids: std::collections::BTreeSet<String> = self.groups.members.values().map(|m| m.group.clone()).collect();
        for c in self.groups.coordinators.values() {
            for ctx in c.contexts.values().filter(|x| x.state == ContextState::Active) {
                ids.extend(ctx.groups.keys().cloned());
                ids.extend(ctx.offsets.keys().cloned());
            }
        }
        ids.into_iter()
            .map(|group| {
                let p = partition_for(&group, n);
                let leader = self.controller.partitions.get(&offsets_tp(p)).and_then(|st| st.leader).filter(|l| self.brokers[l].is_running());
                let ctx = leader.and_then(|l| self.groups.coordinators.get(&l)).and_then(|c| c.contexts.get(&p)).filter(|x| x.state == ContextState::Active);
                let g = ctx.and_then(|x| x.groups.get(&group));
                let mut delivered = 0;
                let mut duplicates = 0;
                for ((gid, _), counts) in self.groups.delivered.iter() {
                    if *gid == group {
                        for c in counts.values() {
                            delivered += u64::from(*c);
                            duplicates += u64::from(c.saturating_sub(1));
                        }
                    }
                }
                crate::report::GroupReport {
                    coordinator: ctx.and(leader),
                    state: g.map_or_else(|| if ctx.is_some() { "Empty".to_string() } else { "unknown".to_string() }, |g| g.state.name().to_string()),
                    generation: g.map_or(0, |g| g.generation),
                    members: g.map(|g| g.members.values().map(|m| (m.id.clone(), m.assignment.iter().map(ToString::to_string).collect())).collect()).unwrap_or_default(),
                    committed: ctx.and_then(|x| x.offsets.get(&group)).map(|o| o.iter().map(|(tp, off)| (tp.to_string(), *off)).collect()).unwrap_or_default(),
                    delivered,
                    duplicates,
                    group,
                }
            })
            .collect()
    }

    fn client_config(&self) -> ClientConfig {
        ClientConfig { retry_backoff_ms: self.config.groups.retry_backoff_ms, request_timeout_ms: self.config.request_timeout_ms, brokers: self.config.brokers }
    }

    /// A command: `client` commits or fetches `group`'s offsets.
    pub(super) fn group_client_start(&mut self, client: &str, group: &str, op: Operation, events: &mut Vec<Event>) {
        let cfg = self.client_config();
        let now = self.now_ms;
        let c = self.groups.clients.entry(client.to_string()).or_insert_with(|| OffsetsClient::new(client, group));
        if c.group != group {
            *c = OffsetsClient::new(client, group);
        }
        let actions = c.start(now, &cfg, op);
        self.client_actions(client, actions, events);
    }

    fn client_actions(&mut self, client: &str, actions: Vec<Action>, events: &mut Vec<Event>) {
        let Some(group) = self.groups.clients.get(client).map(|c| c.group.clone()) else { return };
        for a in actions {
            match a {
                Action::FindCoordinator { to, attempt } => {
                    let m = Message::FindCoordinator { client: client.to_string(), group: group.clone(), attempt };
                    self.send(Node::Client, Node::Broker(to), m, events);
                }
                Action::Send { to, attempt, op } => {
                    let (client, group) = (client.to_string(), group.clone());
                    let m = match op {
                        Operation::Commit(offsets) => Message::OffsetCommit { client, group, attempt, offsets },
                        Operation::Fetch(partitions) => Message::OffsetFetch { client, group, attempt, partitions },
                    };
                    self.send(Node::Client, Node::Broker(to), m, events);
                }
                Action::RetryAt { at, attempt, error } => {
                    events.push(Event::GroupClientRetry { client: client.to_string(), group: group.clone(), error });
                    self.schedule(at, Scheduled::Timer(Timer::GroupClientRetry { client: client.to_string(), attempt }));
                }
                Action::TimeoutAt { at, attempt } => self.schedule(at, Scheduled::Timer(Timer::GroupClientTimeout { client: client.to_string(), attempt })),
                Action::Done(outcome) => events.push(Event::GroupClientDone { client: client.to_string(), group: group.clone(), outcome }),
            }
        }
    }

    /// A group client's timer.
    pub(super) fn fire_group_client(&mut self, client: &str, attempt: u32, timeout: bool, events: &mut Vec<Event>) -> bool {
        let cfg = self.client_config();
        let now = self.now_ms;
        let Some(c) = self.groups.clients.get_mut(client) else { return false };
        let actions = if timeout { c.timed_out(now, &cfg, attempt) } else { c.retry(now, &cfg, attempt) };
        if actions.is_empty() {
            return false;
        }
        self.client_actions(client, actions, events);
        true
    }

    /// A group request from a client was lost (the broker is down, or no route): the client's
    /// connection fails at once, as its request timeout would later.
    pub(super) fn group_request_lost(&mut self, message: &Message, events: &mut Vec<Event>) {
        if let Message::FindCoordinator { client, .. } | Message::GroupRequest { client, .. } = message {
            let (name, channel) = Channel::untag(client);
            if let Some(m) = self.groups.members.get_mut(name) {
                let actions = m.lost(self.now_ms, channel);
                let name = name.to_string();
                return self.member_actions(&name, actions, events);
            }
        }
        if let Message::FindCoordinator { client, attempt, .. } | Message::OffsetCommit { client, attempt, .. } | Message::OffsetFetch { client, attempt, .. } = message {
            self.fire_group_client(client, *attempt, true, events);
        }
    }

    /// A group answer reached the client.
    pub(super) fn group_client_receive(&mut self, message: Message, events: &mut Vec<Event>) {
        let cfg = self.client_config();
        let now = self.now_ms;
        match &message {
            Message::FindCoordinatorResponse { client, .. } | Message::GroupResponse { client, .. } if self.groups.members.contains_key(Channel::untag(client).0) => {
                return self.member_receive(message, events);
            }
            _ => {}
        }
        let (client, actions) = match message {
            Message::FindCoordinatorResponse { client, group, attempt, coordinator } => {
                let Some(c) = self.groups.clients.get_mut(&client) else { return };
                if attempt == c.attempt && c.op.is_some() {
                    if let Ok(broker) = coordinator {
                        events.push(Event::CoordinatorFound { client: client.clone(), group, broker });
                    }
                }
                let a = c.found(now, &cfg, attempt, coordinator);
                (client, a)
            }
            Message::OffsetCommitResponse { client, attempt, error, .. } => {
                let Some(c) = self.groups.clients.get_mut(&client) else { return };
                let a = c.answered(now, &cfg, attempt, error.map_or(Ok(Outcome::Committed), Err));
                (client, a)
            }
            Message::OffsetFetchResponse { client, attempt, offsets, .. } => {
                let Some(c) = self.groups.clients.get_mut(&client) else { return };
                let a = c.answered(now, &cfg, attempt, offsets.map(Outcome::Fetched));
                (client, a)
            }
            _ => return,
        };
        self.client_actions(&client, actions, events);
    }

    fn member_receive(&mut self, message: Message, events: &mut Vec<Event>) {
        let now = self.now_ms;
        let topics = self.topic_counts();
        let (name, actions) = match message {
            Message::FindCoordinatorResponse { client, group, attempt, coordinator } => {
                let (name, channel) = Channel::untag(&client);
                let Some(m) = self.groups.members.get_mut(name) else { return };
                if let Ok(broker) = coordinator {
                    if m.coordinator != Some(broker) && m.is_running() {
                        events.push(Event::CoordinatorFound { client: name.to_string(), group, broker });
                    }
                }
                (name.to_string(), m.found(now, channel, attempt, coordinator))
            }
            Message::GroupResponse { client, response, .. } => {
                let (name, channel) = Channel::untag(&client);
                let Some(m) = self.groups.members.get_mut(name) else { return };
                (name.to_string(), m.answered(now, channel, response, &topics))
            }
            _ => return,
        };
        self.member_actions(&name, actions, events);
    }

    /// A group request reached broker `b`.
    pub(super) fn broker_group_receive(&mut self, b: BrokerId, message: Message, events: &mut Vec<Event>) {
        let now = self.now_ms;
        let (group, request) = match message {
            Message::FindCoordinator { client, group, attempt } => {
                let coordinator = self.find_coordinator(b, &group, events);
                let m = Message::FindCoordinatorResponse { client, group, attempt, coordinator };
                self.send(Node::Broker(b), Node::Client, m, events);
                return;
            }
            Message::OffsetCommit { client, group, attempt, offsets } => {
                let request = Request::Commit { client: tag('c', attempt, &client), member_id: String::new(), instance_id: None, generation: -1, offsets };
                (group, request)
            }
            Message::OffsetFetch { client, group, attempt, partitions } => (group, Request::Fetch { client: tag('f', attempt, &client), partitions }),
            Message::GroupRequest { group, request, .. } => (group, request),
            _ => return,
        };
        let effects = self.coordinator_of(b).handle(now, &group, request);
        self.coordinator_effects(b, effects, events);
    }

    fn coordinator_of(&mut self, b: BrokerId) -> &mut Coordinator {
        let n = self.config.groups.offsets_topic_num_partitions;
        self.groups.coordinators.entry(b).or_insert_with(|| Coordinator::new(n, ClassicConfig::default(), REPLAY_SESSION_TIMEOUT_MS))
    }

    /// CP2: the leader of the group's offsets partition, creating the topic on first use.
    fn find_coordinator(&mut self, b: BrokerId, group: &str, events: &mut Vec<Event>) -> Result<BrokerId, GroupError> {
        if !self.groups.offsets_topic {
            self.create_offsets_topic(b, events);
            return Err(GroupError::CoordinatorNotAvailable);
        }
        let tp = offsets_tp(partition_for(group, self.config.groups.offsets_topic_num_partitions));
        match self.controller.partitions.get(&tp).and_then(|st| st.leader) {
            Some(l) if self.brokers[&l].is_running() => Ok(l),
            _ => Err(GroupError::CoordinatorNotAvailable),
        }
    }

    /// CP2: `__consumer_offsets` with `offsets.topic.num.partitions` partitions, placed by the
    /// rack-unaware assignment over the unfenced brokers, each led by its first replica in
    /// epoch 0 with a full ISR (the controller's CreateTopics, done at once). With fewer
    /// unfenced brokers than its replication factor nothing is created (Kafka's
    /// INVALID_REPLICATION_FACTOR): the next FindCoordinator tries again.
    fn create_offsets_topic(&mut self, asked: BrokerId, events: &mut Vec<Event>) {
        let g = self.config.groups;
        let unfenced: Vec<BrokerId> = self.controller.registrations.iter().filter(|(_, r)| !r.fenced).map(|(b, _)| *b).collect();
        let rf = g.offsets_topic_replication_factor.min(self.config.brokers);
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(self.seed ^ 0x5EED_0003);
        #[cfg(feature = "kraft")]
        let placement = if self.config.racks.is_empty() {
            if (unfenced.len() as u32) < rf {
                return;
            }
            placement::assign_replicas(&unfenced, g.offsets_topic_num_partitions, rf, &mut rng)
        } else {
            // RK2: every registered broker not shutting down, fenced ones marked.
            let usable: Vec<placement::Usable> = self
                .controller
                .registrations
                .iter()
                .filter(|(_, r)| !r.in_controlled_shutdown)
                .map(|(b, r)| placement::Usable { id: *b, rack: self.config.racks.get(b).cloned(), fenced: r.fenced })
                .collect();
            let draws = if self.config.placement_zero_offsets { placement::Draws::Zero } else { placement::Draws::Seeded(&mut rng) };
            match placement::striped(&usable, g.offsets_topic_num_partitions, rf, draws) {
                Ok(p) => p,
                Err(_) => return, // INVALID_REPLICATION_FACTOR: the next FindCoordinator tries again
            }
        };
        #[cfg(not(feature = "kraft"))]
        let placement = if (unfenced.len() as u32) < rf {
            return;
        } else {
            placement::assign_replicas(&unfenced, g.offsets_topic_num_partitions, rf, &mut rng)
        };
        let mut tps = Vec::new();
        for (p, replicas) in placement.into_iter().enumerate() {
            tps.push(offsets_tp(p as u32));
            self.create_partition(offsets_tp(p as u32), replicas);
            // KM5, RK7: the ISR is the placed replicas that are active (the placer may use a
            // fenced broker where a rack has no other).
            let acceptable: Vec<BrokerId> = self.controller.registrations.keys().copied().filter(|b| self.controller.acceptable(*b)).collect();
            if let Some(st) = self.controller.partitions.get_mut(&offsets_tp(p as u32)) {
                st.isr.retain(|b| acceptable.contains(b));
            }
        }
        let mut out = self.install_partition_states(&tps);
        if self.config.auto.fetch {
            for tp in &tps {
                for r in self.controller.partitions[tp].replicas.clone() {
                    out.timer(self.now_ms, Timer::FollowerFetch { broker: r, incarnation: self.brokers[&r].incarnation, tp: tp.clone() });
                }
            }
        }
        self.groups.offsets_topic = true;
        events.push(Event::OffsetsTopicCreated { broker: asked, partitions: g.offsets_topic_num_partitions, replication_factor: rf });
        self.drain(out, events);
    }

    /// What a coordinator runtime asked of broker `b`.
    fn coordinator_effects(&mut self, b: BrokerId, effects: Vec<Effect>, events: &mut Vec<Event>) {
        let mut queue: std::collections::VecDeque<Effect> = effects.into();
        while let Some(e) = queue.pop_front() {
            match e {
                Effect::Respond { client, response } => {
                    if let Some(group) = self.groups.members.get(Channel::untag(&client).0).map(|m| m.group.clone()) {
                        // A consumer's answer goes back to it (a crashed one's is dropped
                        // when it arrives: its connections are gone).
                        self.send(Node::Broker(b), Node::Client, Message::GroupResponse { client, group, response }, events);
                        continue;
                    }
                    let Some((kind, attempt, client)) = untag(&client) else { continue };
                    let (client, group) = (client.to_string(), self.groups.clients.get(client).map_or_else(String::new, |c| c.group.clone()));
                    let m = match (kind, response) {
                        (_, Response::Commit(r)) => Message::OffsetCommitResponse { client, group, attempt, error: r.err() },
                        (_, Response::Fetch(r)) => Message::OffsetFetchResponse { client, group, attempt, offsets: r },
                        ('c', Response::Refused(e)) => Message::OffsetCommitResponse { client, group, attempt, error: Some(e) },
                        ('f', Response::Refused(e)) => Message::OffsetFetchResponse { client, group, attempt, offsets: Err(e) },
                        // Members (JoinGroup, SyncGroup…) are not clients of the cluster yet.
                        _ => continue,
                    };
                    self.send(Node::Broker(b), Node::Client, m, events);
                }
                Effect::Append { partition, write, records } => {
                    let tp = offsets_tp(partition);
                    let mut out = Outbox::default();
                    let ctx = Ctx { cfg: &self.config, now: self.now_ms, incarnation: self.brokers[&b].incarnation, controller: self.controller.active, registrations: &self.controller.registrations };
                    let result = match self.brokers.get_mut(&b).and_then(|x| x.replicas.get_mut(&tp)) {
                        Some(r) => partition::append_coordinator_records(r, &ctx, &mut out, records),
                        None => Err(crate::message::KafkaError::NotLeaderOrFollower),
                    };
                    let now = self.now_ms;
                    let coordinator = self.coordinator_of(b);
                    match result {
                        Ok(end) => coordinator.appended(partition, write, end),
                        // CP6: NOT_LEADER_OR_FOLLOWER maps to NOT_COORDINATOR.
                        Err(_) => queue.extend(coordinator.append_failed(now, partition, write, GroupError::NotCoordinator)),
                    }
                    self.drain(out, events);
                }
                Effect::Timer { at, timer } => {
                    let incarnation = self.brokers[&b].incarnation;
                    self.schedule(at, Scheduled::Timer(Timer::Coordinator { broker: b, incarnation, timer }));
                }
                Effect::Group { group, effect, .. } => match effect {
                    classic::Effect::StateChanged { from, to, reason } => events.push(Event::GroupStateChanged { broker: b, group, from, to, reason }),
                    classic::Effect::MemberRemoved { member, reason } => events.push(Event::GroupMemberRemoved { broker: b, group, member, reason }),
                    _ => {}
                },
                Effect::Context { partition, state } => {
                    let leader_epoch = self.groups.coordinators.get(&b).and_then(|c| c.contexts.get(&partition)).map_or(LeaderEpoch(0), |c| c.epoch);
                    let records = if state == ContextState::Active {
                        self.replica(b, &offsets_tp(partition)).map_or(0, |r| (r.log.log_end_offset().0 - r.log.log_start_offset().0) as u32)
                    } else {
                        0
                    };
                    events.push(Event::CoordinatorContext { broker: b, partition, leader_epoch, state, records });
                }
            }
        }
    }

    /// A coordinator's timer.
    pub(super) fn fire_coordinator(&mut self, b: BrokerId, incarnation: u64, timer: crate::group::coordinator::Timer, events: &mut Vec<Event>) -> bool {
        if !self.live(b, incarnation) {
            return false;
        }
        let now = self.now_ms;
        let Some(c) = self.groups.coordinators.get_mut(&b) else { return false };
        let effects = c.fire(now, timer);
        if effects.is_empty() {
            return false;
        }
        self.coordinator_effects(b, effects, events);
        true
    }

    /// CP3: the load of `partition` in `epoch` completes: the replay of the local log.
    pub(super) fn fire_coordinator_load(&mut self, b: BrokerId, incarnation: u64, partition: u32, epoch: LeaderEpoch, events: &mut Vec<Event>) -> bool {
        if !self.live(b, incarnation) {
            return false;
        }
        let Some(r) = self.replica(b, &offsets_tp(partition)) else { return false };
        // The coordinator's records all have values (it writes no tombstones yet).
        let (records, hw): (Vec<String>, _) = (r.log.read(r.log.log_start_offset(), r.log.log_end_offset(), usize::MAX).into_iter().filter_map(|rec| rec.value.as_str().map(str::to_owned)).collect(), r.log.high_watermark());
        let now = self.now_ms;
        let effects = self.coordinator_of(b).loaded(now, partition, epoch, &records, hw);
        if effects.is_empty() {
            return false;
        }
        self.coordinator_effects(b, effects, events);
        self.reconcile_coordinators(events);
        true
    }

    /// A crashed broker's coordinator runtime is gone (its memory); the log stays.
    pub(super) fn coordinator_crashed(&mut self, b: BrokerId) {
        self.groups.coordinators.remove(&b);
    }

    /// Tells each running broker's runtime what replication did since: CP3 (it leads an
    /// offsets partition in a newer epoch: load), CP5 (it no longer leads: unload), CP6 (the
    /// HW moved: complete the writes below it). Runs after every handler once the topic exists.
    pub(super) fn reconcile_coordinators(&mut self, events: &mut Vec<Event>) {
        if !self.groups.offsets_topic || self.groups.reconciling {
            return;
        }
        self.groups.reconciling = true;
        let n = self.config.groups.offsets_topic_num_partitions;
        let load_ms = self.config.groups.coordinator_load_ms;
        let brokers: Vec<BrokerId> = self.brokers.iter().filter(|(_, x)| x.is_running()).map(|(b, _)| *b).collect();
        // An append can move the HW at once (a single-replica ISR): pass again until nothing moves.
        for _ in 0..8 {
            if !self.reconcile_pass(&brokers, n, load_ms, events) {
                break;
            }
        }
        self.groups.reconciling = false;
    }

    fn reconcile_pass(&mut self, brokers: &[BrokerId], n: u32, load_ms: u64, events: &mut Vec<Event>) -> bool {
        let mut moved = false;
        for &b in brokers {
            for p in 0..n {
                let leading = self.replica(b, &offsets_tp(p)).filter(|r| r.leader_state().is_some()).map(|r| (r.leader_epoch, r.log.high_watermark()));
                let now = self.now_ms;
                let incarnation = self.brokers[&b].incarnation;
                let c = self.coordinator_of(b);
                let ctx = c.contexts.get(&p).map(|x| (x.state, x.epoch, x.last_committed));
                let effects = match (leading, ctx) {
                    (Some((e, _)), ctx) if ctx.is_none_or(|(s, ce, _)| s == ContextState::Closed || ce < e) => {
                        let effects = c.became_leader(p, e);
                        if !effects.is_empty() {
                            self.schedule(now + load_ms, Scheduled::Timer(Timer::CoordinatorLoad { broker: b, incarnation, partition: p, epoch: e }));
                        }
                        effects
                    }
                    (Some((e, hw)), Some((ContextState::Active, ce, last))) if ce == e && hw > last => c.hw_advanced(p, hw),
                    (None, Some((s, ce, _))) if s != ContextState::Closed => c.resigned(p, ce),
                    _ => Vec::new(),
                };
                if !effects.is_empty() {
                    moved = true;
                    self.coordinator_effects(b, effects, events);
                }
            }
        }
        moved
    }
}


#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_round_trip_with_any_client_name() {
        assert_eq!(untag(&tag('c', 7, "admin")), Some(('c', 7, "admin")));
        assert_eq!(untag(&tag('f', 1, "a:b:c")), Some(('f', 1, "a:b:c")));
        assert_eq!(untag("x"), None);
    }
}
