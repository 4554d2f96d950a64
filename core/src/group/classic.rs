//! The classic group protocol, coordinator side (PROTOCOL-GROUPS.md §2.2 CL1–CL9, §2.3 ST1–ST3):
//! JoinGroup, SyncGroup, Heartbeat and LeaveGroup against one group's state machine, with its
//! generations, its leader and its timers.
//!
//! Sans-IO like the rest of the core: every handler takes the simulated time and returns
//! [`Effect`]s — answers to clients (a parked JoinGroup or SyncGroup is answered later, by
//! whichever step completes it), timers to arm, and the GroupMetadata record to append to the
//! group's `__consumer_offsets` partition. The coordinator that owns this value (its runtime,
//! CP3–CP6) appends the record and calls [`ClassicGroup::sync_persisted`] once the partition's
//! HW has passed it (CP6), so a SyncGroup is only ever answered with a committed assignment.
//!
//! Simplifications (docs/fidelity.md): member ids are `clientId-n` with a per-group counter
//! instead of `clientId-UUID` (CL2); where Kafka iterates a `HashMap` (a new leader, a tie in
//! the protocol vote) the smallest id or name wins (§0 "Canonical order"). A timer is a value
//! that carries the deadline it was armed for: a deadline moved since is a stale timer and
//! does nothing, as in Kafka's timer map keyed by member.

use super::GroupError;
use crate::ids::{TimeMs, TopicPartition};
use litemap::LiteMap;

/// §2.7 defaults a classic group needs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ClassicConfig {
    /// `group.initial.rebalance.delay.ms` (3000).
    pub initial_rebalance_delay_ms: u64,
    /// `group.min.session.timeout.ms` (6000).
    pub min_session_timeout_ms: u64,
    /// `group.max.session.timeout.ms` (1800000).
    pub max_session_timeout_ms: u64,
    /// The join deadline of a member that is new to the group (300000, internal).
    pub new_member_join_timeout_ms: u64,
}

impl Default for ClassicConfig {
    fn default() -> Self {
        ClassicConfig { initial_rebalance_delay_ms: 3000, min_session_timeout_ms: 6000, max_session_timeout_ms: 1_800_000, new_member_join_timeout_ms: 300_000 }
    }
}

/// CL1: a classic group's states.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
pub enum GroupState {
    /// No members.
    Empty,
    /// Waiting for every member to (re)join.
    PreparingRebalance,
    /// Joined; waiting for the leader's assignment.
    CompletingRebalance,
    /// Every member has its assignment.
    Stable,
    /// Unloaded or deleted.
    Dead,
}

impl GroupState {
    /// Kafka's name.
    pub fn name(self) -> &'static str {
        match self {
            GroupState::Empty => "Empty",
            GroupState::PreparingRebalance => "PreparingRebalance",
            GroupState::CompletingRebalance => "CompletingRebalance",
            GroupState::Stable => "Stable",
            GroupState::Dead => "Dead",
        }
    }

    /// CL1: may a group go from `self` to `to`?
    pub fn may_become(self, to: GroupState) -> bool {
        use GroupState::*;
        match to {
            PreparingRebalance => matches!(self, Stable | CompletingRebalance | Empty),
            CompletingRebalance => self == PreparingRebalance,
            Stable => self == CompletingRebalance,
            Empty => self == PreparingRebalance,
            Dead => true,
        }
    }
}

/// What a Java consumer puts in its JoinGroup for one protocol (assignor): its subscription,
/// and — part of the same bytes — what it owns and the generation it owns it from (CL3).
#[derive(Clone, Debug, PartialEq, Eq, Hash, serde::Serialize, Default)]
pub struct Subscription {
    /// Subscribed topics.
    pub topics: Vec<String>,
    /// `ownedPartitions`.
    pub owned: Vec<TopicPartition>,
    /// The generation of `owned` (-1 when it has none).
    pub generation: i32,
}

/// A JoinGroup request.
#[derive(Clone, Debug, PartialEq, Eq, Hash, serde::Serialize)]
pub struct JoinGroup {
    /// The client sending it (answers go to it).
    pub client: String,
    /// Empty on a first join (CL2).
    pub member_id: String,
    /// `group.instance.id` (static membership, ST1).
    pub instance_id: Option<String>,
    /// `session.timeout.ms`.
    pub session_timeout_ms: u64,
    /// `RebalanceTimeoutMs` (the Java client sends `max.poll.interval.ms`).
    pub rebalance_timeout_ms: u64,
    /// The assignors it supports, preferred first, each with its subscription bytes.
    pub protocols: Vec<(String, Subscription)>,
}

/// A member as the coordinator keeps it (CGMEM).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Member {
    /// Its id.
    pub id: String,
    /// The client it belongs to.
    pub client: String,
    /// `group.instance.id`.
    pub instance_id: Option<String>,
    /// `session.timeout.ms`.
    pub session_timeout_ms: u64,
    /// `RebalanceTimeoutMs`.
    pub rebalance_timeout_ms: u64,
    /// Supported protocols, preferred first.
    pub protocols: Vec<(String, Subscription)>,
    /// Its assignment in the current generation.
    pub assignment: Vec<TopicPartition>,
    /// A JoinGroup of it is parked.
    pub awaiting_join: bool,
    /// A SyncGroup of it is parked.
    pub awaiting_sync: bool,
    /// Joined in this rebalance (CL8: expires even while parked).
    pub is_new: bool,
    /// When its session ends unless it is heard from (CL8).
    pub deadline: TimeMs,
}

impl Member {
    /// CL5 step 3: this member's vote, its first protocol among the candidates.
    fn vote(&self, candidates: &[String]) -> Option<&str> {
        self.protocols.iter().map(|(n, _)| n.as_str()).find(|n| candidates.iter().any(|c| c == n))
    }
}

/// A JoinGroup answer (CL5 step 5): generation, protocol and leader; the member list only for
/// the leader.
#[derive(Clone, Debug, PartialEq, Eq, Hash, serde::Serialize)]
pub struct JoinResponse {
    /// `None` is success.
    pub error: Option<GroupError>,
    /// The generation (-1 with an error).
    pub generation: i32,
    /// The selected protocol.
    pub protocol: Option<String>,
    /// The leader's member id.
    pub leader: Option<String>,
    /// The member's id (a new one with MEMBER_ID_REQUIRED).
    pub member_id: String,
    /// For the leader: every member with its subscription for the selected protocol.
    pub members: Vec<(String, Option<String>, Subscription)>,
}

/// What the coordinator sends back.
#[derive(Clone, Debug, PartialEq, Eq, Hash, serde::Serialize)]
pub enum Response {
    /// To a JoinGroup.
    Join(JoinResponse),
    /// To a SyncGroup: the member's assignment, or an error.
    Sync(Result<Vec<TopicPartition>, GroupError>),
    /// To a Heartbeat.
    Heartbeat(Option<GroupError>),
    /// To a LeaveGroup.
    Leave(Option<GroupError>),
}

/// The group's timers (`Effect::Timer`), each carrying what makes it current.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
pub enum Timer {
    /// CL4: the initial rebalance delay of an Empty group, for generation `generation`.
    InitialDelay {
        /// The generation being prepared.
        generation: i32,
    },
    /// CL4: the join phase's rebalance timeout.
    Join {
        /// The generation being prepared.
        generation: i32,
    },
    /// CL5 step 5: the sync phase's rebalance timeout.
    Sync {
        /// The generation whose SyncGroups are awaited.
        generation: i32,
    },
    /// CL8: a member's session (or a new member's join deadline).
    Session {
        /// The member.
        member: String,
        /// The deadline it was armed for.
        deadline: TimeMs,
    },
}

/// The GroupMetadata record (the only classic state persisted, §1.2).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GroupMetadata {
    /// The generation.
    pub generation: i32,
    /// The selected protocol.
    pub protocol: Option<String>,
    /// The leader.
    pub leader: Option<String>,
    /// `(member id, client, instance id, assignment)`.
    pub members: Vec<(String, String, Option<String>, Vec<TopicPartition>)>,
}

/// What a handler asks of its caller.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Effect {
    /// Answer `client`.
    Respond {
        /// The client.
        client: String,
        /// The answer.
        response: Response,
    },
    /// Arm a timer.
    Timer {
        /// When it fires.
        at: TimeMs,
        /// Which.
        timer: Timer,
    },
    /// Append this record to the group's offsets partition (CP6); for a leader's SyncGroup
    /// the caller then calls [`ClassicGroup::sync_persisted`].
    Persist(GroupMetadata),
    /// The group changed state (for the narration and the checker, G-I5).
    StateChanged {
        /// Before.
        from: GroupState,
        /// After.
        to: GroupState,
        /// Why, in Kafka's words.
        reason: &'static str,
    },
    /// A member left the group (expired, left, or not rejoined in time).
    MemberRemoved {
        /// The member.
        member: String,
        /// Why.
        reason: &'static str,
    },
}

/// One classic group on its coordinator.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClassicGroup {
    /// The group id.
    pub group_id: String,
    /// CL1 state.
    pub state: GroupState,
    /// `generationId` (0 at creation).
    pub generation: i32,
    /// The selected protocol (assignor).
    pub protocol: Option<String>,
    /// The leader's member id.
    pub leader: Option<String>,
    /// Members by id.
    pub members: LiteMap<String, Member>,
    /// ST1: instance id → member id.
    pub static_members: LiteMap<String, String>,
    /// CL2: ids handed out with MEMBER_ID_REQUIRED, not yet rejoined (id → client).
    pub pending_join: LiteMap<String, String>,
    /// CL4: an initial rebalance delay is running; `new_in_delay` notes arrivals during it.
    initial_delay: Option<InitialDelay>,
    next_member: u64,
    config: ClassicConfig,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct InitialDelay {
    /// What is left of the rebalance timeout's cap.
    remaining_ms: u64,
    new_in_delay: bool,
}

type Effects = Vec<Effect>;

fn respond(out: &mut Effects, client: &str, response: Response) {
    out.push(Effect::Respond { client: client.to_string(), response });
}

fn join_error(member_id: &str, e: GroupError) -> Response {
    Response::Join(JoinResponse { error: Some(e), generation: -1, protocol: None, leader: None, member_id: member_id.to_string(), members: Vec::new() })
}

impl ClassicGroup {
    /// A new, Empty group at generation 0.
    pub fn new(group_id: impl Into<String>, config: ClassicConfig) -> ClassicGroup {
        ClassicGroup {
            group_id: group_id.into(),
            state: GroupState::Empty,
            generation: 0,
            protocol: None,
            leader: None,
            members: LiteMap::new(),
            static_members: LiteMap::new(),
            pending_join: LiteMap::new(),
            initial_delay: None,
            next_member: 0,
            config,
        }
    }

    /// CP7: a group loaded from its last GroupMetadata record: Stable at that generation with
    /// the stored assignment (sessions restarting at `now`, CP3), or Empty without members.
    pub fn replay(group_id: impl Into<String>, config: ClassicConfig, record: &GroupMetadata, session_timeout_ms: u64, now: TimeMs, out: &mut Effects) -> ClassicGroup {
        let mut g = ClassicGroup::new(group_id, config);
        g.generation = record.generation;
        g.protocol = record.protocol.clone();
        g.leader = record.leader.clone();
        for (id, client, instance, assignment) in &record.members {
            let deadline = now + session_timeout_ms;
            g.members.insert(
                id.clone(),
                Member {
                    id: id.clone(),
                    client: client.clone(),
                    instance_id: instance.clone(),
                    session_timeout_ms,
                    rebalance_timeout_ms: session_timeout_ms,
                    protocols: Vec::new(),
                    assignment: assignment.clone(),
                    awaiting_join: false,
                    awaiting_sync: false,
                    is_new: false,
                    deadline,
                },
            );
            if let Some(i) = instance {
                g.static_members.insert(i.clone(), id.clone());
            }
            out.push(Effect::Timer { at: deadline, timer: Timer::Session { member: id.clone(), deadline } });
        }
        g.state = if g.members.is_empty() { GroupState::Empty } else { GroupState::Stable };
        g.next_member = record.members.len() as u64;
        g
    }

    fn set_state(&mut self, to: GroupState, reason: &'static str, out: &mut Effects) {
        debug_assert!(self.state.may_become(to), "CL1: {:?} -> {to:?}", self.state);
        out.push(Effect::StateChanged { from: self.state, to, reason });
        self.state = to;
    }

    /// CL4: the group rebalance timeout, the largest of the members'.
    fn rebalance_timeout_ms(&self) -> u64 {
        self.members.values().map(|m| m.rebalance_timeout_ms).max().unwrap_or(0)
    }

    fn arm_session(&mut self, member: &str, ms: u64, now: TimeMs, out: &mut Effects) {
        if let Some(m) = self.members.get_mut(member) {
            m.deadline = now + ms;
            out.push(Effect::Timer { at: m.deadline, timer: Timer::Session { member: member.to_string(), deadline: m.deadline } });
        }
    }

    fn heard_from(&mut self, member: &str, now: TimeMs, out: &mut Effects) {
        let ms = self.members.get(member).map_or(0, |m| m.session_timeout_ms);
        self.arm_session(member, ms, now, out);
    }

    /// Candidates of CL5 step 3: the protocols every member supports.
    fn candidates(&self) -> Vec<String> {
        let mut it = self.members.values();
        let Some(first) = it.next() else { return Vec::new() };
        let mut set: Vec<String> = first.protocols.iter().map(|(n, _)| n.clone()).collect();
        for m in it {
            set.retain(|n| m.protocols.iter().any(|(p, _)| p == n));
        }
        set
    }

    /// CL5 step 3: each member votes for its first candidate; the most votes win (a tie goes
    /// to the smallest name: canonical order, where Kafka takes its HashMap's first).
    fn select_protocol(&self) -> Option<String> {
        let candidates = self.candidates();
        let mut votes: LiteMap<&str, usize> = LiteMap::new();
        for m in self.members.values() {
            if let Some(v) = m.vote(&candidates) {
                *votes.entry(v).or_default() += 1;
            }
        }
        let best = votes.values().copied().max()?;
        votes.into_iter().find(|(_, n)| *n == best).map(|(p, _)| p.to_string())
    }

    // ---- JoinGroup -----------------------------------------------------------------------

    /// A JoinGroup arrives (CL2–CL5, ST2).
    pub fn join(&mut self, now: TimeMs, req: JoinGroup) -> Effects {
        let mut out = Vec::new();
        let c = self.config;
        if self.state == GroupState::Dead {
            respond(&mut out, &req.client, join_error(&req.member_id, GroupError::CoordinatorNotAvailable));
            return out;
        }
        // CL8: the session timeout must lie within the broker's bounds.
        if req.session_timeout_ms < c.min_session_timeout_ms || req.session_timeout_ms > c.max_session_timeout_ms {
            respond(&mut out, &req.client, join_error(&req.member_id, GroupError::InvalidSessionTimeout));
            return out;
        }
        // INCONSISTENT_GROUP_PROTOCOL: a member must share a protocol with the group.
        if self.state != GroupState::Empty && !self.members.is_empty() {
            let candidates = self.candidates();
            if !req.protocols.iter().any(|(n, _)| candidates.contains(n)) {
                respond(&mut out, &req.client, join_error(&req.member_id, GroupError::InconsistentGroupProtocol));
                return out;
            }
        }
        match (&req.instance_id, req.member_id.is_empty()) {
            (Some(instance), true) => self.join_new_static(now, instance.clone(), req, &mut out),
            (None, true) => {
                // CL2: a dynamic member's first JoinGroup gets an id and comes back with it.
                self.next_member += 1;
                let id = format!("{}-{}", req.client, self.next_member);
                self.pending_join.insert(id.clone(), req.client.clone());
                respond(&mut out, &req.client, join_error(&id, GroupError::MemberIdRequired));
            }
            (_, false) => self.join_existing(now, req, &mut out),
        }
        out
    }

    /// ST2: a static member joins without a member id: a new member, or the replacement of
    /// the one that had its instance id.
    fn join_new_static(&mut self, now: TimeMs, instance: String, req: JoinGroup, out: &mut Effects) {
        self.next_member += 1;
        let id = format!("{instance}-{}", self.next_member);
        let Some(old_id) = self.static_members.get(&instance).cloned() else {
            self.add_member(now, id, req, out);
            return;
        };
        // The replacement copies the old member; the old id is fenced.
        let Some(mut m) = self.members.remove(&old_id) else { return };
        if m.awaiting_join {
            respond(out, &m.client, join_error(&old_id, GroupError::FencedInstanceId));
        }
        if m.awaiting_sync {
            respond(out, &m.client, Response::Sync(Err(GroupError::FencedInstanceId)));
        }
        let old_protocols = std::mem::replace(&mut m.protocols, req.protocols.clone());
        m.id = id.clone();
        m.client = req.client.clone();
        m.session_timeout_ms = req.session_timeout_ms;
        m.rebalance_timeout_ms = req.rebalance_timeout_ms;
        m.awaiting_join = false;
        m.awaiting_sync = false;
        if self.leader.as_deref() == Some(old_id.as_str()) {
            self.leader = Some(id.clone());
        }
        self.members.insert(id.clone(), m);
        self.static_members.insert(instance, id.clone());
        match self.state {
            GroupState::Stable if self.protocol_unchanged(&old_protocols, &req.protocols) => {
                // ST2: no rebalance; the replacement is persisted and gets the generation.
                out.push(Effect::Persist(self.record()));
                self.heard_from(&id, now, out);
                let members = if self.leader.as_deref() == Some(id.as_str()) { self.member_list() } else { Vec::new() };
                respond(out, &req.client, Response::Join(JoinResponse { error: None, generation: self.generation, protocol: self.protocol.clone(), leader: self.leader.clone(), member_id: id, members }));
            }
            GroupState::PreparingRebalance => {
                self.members.get_mut(&id).expect("inserted").awaiting_join = true;
                self.maybe_complete_join(now, out);
            }
            _ => {
                self.members.get_mut(&id).expect("inserted").awaiting_join = true;
                self.prepare_rebalance(now, "a static member was replaced", out);
            }
        }
    }

    /// ST2 "unchanged selected protocol": the selected protocol is still supported, and with
    /// the same subscription.
    fn protocol_unchanged(&self, old: &[(String, Subscription)], new: &[(String, Subscription)]) -> bool {
        let Some(p) = &self.protocol else { return false };
        let find = |l: &[(String, Subscription)]| l.iter().find(|(n, _)| n == p).map(|(_, s)| s.topics.clone());
        find(old).is_some() && find(old) == find(new)
    }

    fn add_member(&mut self, now: TimeMs, id: String, req: JoinGroup, out: &mut Effects) {
        let deadline = now + self.config.new_member_join_timeout_ms;
        if let Some(i) = &req.instance_id {
            self.static_members.insert(i.clone(), id.clone());
        }
        self.members.insert(
            id.clone(),
            Member {
                id: id.clone(),
                client: req.client,
                instance_id: req.instance_id,
                session_timeout_ms: req.session_timeout_ms,
                rebalance_timeout_ms: req.rebalance_timeout_ms,
                protocols: req.protocols,
                assignment: Vec::new(),
                awaiting_join: true,
                awaiting_sync: false,
                is_new: true,
                deadline,
            },
        );
        // CL8: a new member's join deadline instead of its session.
        out.push(Effect::Timer { at: deadline, timer: Timer::Session { member: id, deadline } });
        if let Some(d) = &mut self.initial_delay {
            d.new_in_delay = true;
        }
        if self.state == GroupState::PreparingRebalance {
            self.maybe_complete_join(now, out);
        } else {
            self.prepare_rebalance(now, "a new member joined", out);
        }
    }

    fn join_existing(&mut self, now: TimeMs, req: JoinGroup, out: &mut Effects) {
        let id = req.member_id.clone();
        if self.pending_join.remove(&id).is_some() {
            // CL2: the rejoin with the id handed out: the member is added (CL3: a rebalance).
            self.add_member(now, id, req, out);
            return;
        }
        if let Some(e) = self.validate_member(&id, req.instance_id.as_deref()) {
            respond(out, &req.client, join_error(&id, e));
            return;
        }
        let m = self.members.get(&id).expect("validated");
        let changed = m.protocols != req.protocols;
        let is_leader = self.leader.as_deref() == Some(id.as_str());
        match self.state {
            GroupState::PreparingRebalance => {
                self.update_member(&id, req);
                self.maybe_complete_join(now, out);
            }
            // CL3: a follower re-sending identical metadata gets the current generation back.
            GroupState::CompletingRebalance | GroupState::Stable if !(changed || is_leader && self.state == GroupState::Stable) => {
                self.heard_from(&id, now, out);
                let members = if is_leader { self.member_list() } else { Vec::new() };
                respond(out, &req.client, Response::Join(JoinResponse { error: None, generation: self.generation, protocol: self.protocol.clone(), leader: self.leader.clone(), member_id: id, members }));
            }
            _ => {
                // CL3: changed metadata, or any JoinGroup of the leader while Stable.
                self.update_member(&id, req);
                self.prepare_rebalance(now, if changed { "a member's metadata changed" } else { "the leader rejoined" }, out);
            }
        }
    }

    fn update_member(&mut self, id: &str, req: JoinGroup) {
        let m = self.members.get_mut(id).expect("validated");
        m.client = req.client;
        m.protocols = req.protocols;
        m.session_timeout_ms = req.session_timeout_ms;
        m.rebalance_timeout_ms = req.rebalance_timeout_ms;
        m.awaiting_join = true;
    }

    /// CL6/CL7 order: unknown member, then an instance id mapped to another member.
    fn validate_member(&self, id: &str, instance: Option<&str>) -> Option<GroupError> {
        if let Some(i) = instance {
            if let Some(current) = self.static_members.get(i) {
                if current != id {
                    return Some(GroupError::FencedInstanceId);
                }
            }
        }
        if !self.members.contains_key(id) {
            return Some(GroupError::UnknownMemberId);
        }
        None
    }

    // ---- rebalancing ---------------------------------------------------------------------

    /// CL4: enter PreparingRebalance (generation unchanged).
    fn prepare_rebalance(&mut self, now: TimeMs, reason: &'static str, out: &mut Effects) {
        if self.state == GroupState::CompletingRebalance {
            // Parked SyncGroups learn of the new rebalance; assignments are cleared.
            for m in self.members.iter_mut().map(|(_, v)| v) {
                if m.awaiting_sync {
                    m.awaiting_sync = false;
                    out.push(Effect::Respond { client: m.client.clone(), response: Response::Sync(Err(GroupError::RebalanceInProgress)) });
                }
                m.assignment.clear();
            }
        }
        let from_empty = self.state == GroupState::Empty;
        self.set_state(GroupState::PreparingRebalance, reason, out);
        let generation = self.generation;
        if from_empty {
            // The initial rebalance waits for more members (no early completion).
            let delay = self.config.initial_rebalance_delay_ms.min(self.rebalance_timeout_ms());
            let remaining_ms = self.rebalance_timeout_ms().saturating_sub(delay);
            self.initial_delay = Some(InitialDelay { remaining_ms, new_in_delay: false });
            out.push(Effect::Timer { at: now + delay, timer: Timer::InitialDelay { generation } });
        } else if !self.maybe_complete_join(now, out) {
            out.push(Effect::Timer { at: now + self.rebalance_timeout_ms(), timer: Timer::Join { generation } });
        }
    }

    /// CL5: complete the join phase once everyone has joined and no id is pending (never
    /// during the initial delay). Returns whether it completed.
    fn maybe_complete_join(&mut self, now: TimeMs, out: &mut Effects) -> bool {
        let all_joined = self.members.values().all(|m| m.awaiting_join) && self.pending_join.is_empty();
        if self.state != GroupState::PreparingRebalance || self.initial_delay.is_some() || !all_joined {
            return false;
        }
        self.complete_join(now, out);
        true
    }

    /// CL5 steps 1–5.
    fn complete_join(&mut self, now: TimeMs, out: &mut Effects) {
        // 1. Dynamic members that did not rejoin are removed; static ones stay.
        let gone: Vec<String> = self.members.values().filter(|m| !m.awaiting_join && m.instance_id.is_none()).map(|m| m.id.clone()).collect();
        for id in gone {
            self.members.remove(&id);
            out.push(Effect::MemberRemoved { member: id, reason: "did not rejoin in time" });
        }
        self.pending_join.clear();
        if self.members.is_empty() {
            // 4. Nobody is left: Empty, with an empty GroupMetadata record.
            self.generation += 1;
            self.protocol = None;
            self.leader = None;
            self.set_state(GroupState::Empty, "no members left", out);
            out.push(Effect::Persist(self.record()));
            return;
        }
        // 2. A leader that did not rejoin is replaced by the smallest rejoined id.
        let leader_joined = self.leader.as_ref().is_some_and(|l| self.members.get(l).is_some_and(|m| m.awaiting_join));
        if !leader_joined {
            match self.members.values().find(|m| m.awaiting_join) {
                Some(m) => self.leader = Some(m.id.clone()),
                None => {
                    // Only static members, none rejoined: wait another rebalance timeout.
                    out.push(Effect::Timer { at: now + self.rebalance_timeout_ms(), timer: Timer::Join { generation: self.generation } });
                    return;
                }
            }
        }
        // 3. The next generation and its protocol.
        self.generation += 1;
        self.protocol = self.select_protocol();
        self.set_state(GroupState::CompletingRebalance, "every member joined", out);
        // 5. Answer every parked JoinGroup; only the leader gets the members.
        let list = self.member_list();
        let ids: Vec<String> = self.members.keys().cloned().collect();
        for id in ids {
            let leader = self.leader.clone();
            let is_leader = leader.as_deref() == Some(id.as_str());
            let m = self.members.get_mut(&id).expect("listed");
            if m.awaiting_join {
                m.awaiting_join = false;
                m.is_new = false;
                let response = JoinResponse { error: None, generation: self.generation, protocol: self.protocol.clone(), leader, member_id: id.clone(), members: if is_leader { list.clone() } else { Vec::new() } };
                out.push(Effect::Respond { client: m.client.clone(), response: Response::Join(response) });
            }
            self.heard_from(&id, now, out);
        }
        out.push(Effect::Timer { at: now + self.rebalance_timeout_ms(), timer: Timer::Sync { generation: self.generation } });
    }

    /// The leader's view: every member with its subscription for the selected protocol.
    fn member_list(&self) -> Vec<(String, Option<String>, Subscription)> {
        let p = self.protocol.as_deref();
        self.members
            .values()
            .map(|m| (m.id.clone(), m.instance_id.clone(), m.protocols.iter().find(|(n, _)| Some(n.as_str()) == p).map(|(_, s)| s.clone()).unwrap_or_default()))
            .collect()
    }

    /// The GroupMetadata record of the group as it is.
    pub fn record(&self) -> GroupMetadata {
        GroupMetadata {
            generation: self.generation,
            protocol: self.protocol.clone(),
            leader: self.leader.clone(),
            members: self.members.values().map(|m| (m.id.clone(), m.client.clone(), m.instance_id.clone(), m.assignment.clone())).collect(),
        }
    }

    // ---- SyncGroup -----------------------------------------------------------------------

    /// A SyncGroup arrives (CL6). `assignments` is the leader's (others send none).
    pub fn sync(&mut self, now: TimeMs, client: &str, member_id: &str, instance_id: Option<&str>, generation: i32, assignments: Option<LiteMap<String, Vec<TopicPartition>>>) -> Effects {
        let mut out = Vec::new();
        let error = if self.state == GroupState::Dead {
            Some(GroupError::CoordinatorNotAvailable)
        } else if let Some(e) = self.validate_member(member_id, instance_id) {
            Some(e)
        } else if generation != self.generation {
            Some(GroupError::IllegalGeneration)
        } else if self.state == GroupState::PreparingRebalance {
            Some(GroupError::RebalanceInProgress)
        } else {
            None
        };
        if let Some(e) = error {
            respond(&mut out, client, Response::Sync(Err(e)));
            return out;
        }
        self.heard_from(member_id, now, &mut out);
        match self.state {
            GroupState::CompletingRebalance => {
                self.members.get_mut(member_id).expect("validated").awaiting_sync = true;
                if self.leader.as_deref() == Some(member_id) {
                    let given = assignments.unwrap_or_default();
                    for m in self.members.iter_mut().map(|(_, v)| v) {
                        m.assignment = given.get(&m.id).cloned().unwrap_or_default();
                    }
                    out.push(Effect::Persist(self.record()));
                }
            }
            _ => {
                let a = self.members.get(member_id).expect("present").assignment.clone();
                respond(&mut out, client, Response::Sync(Ok(a)));
            }
        }
        out
    }

    /// CL6 + CP6: the leader's GroupMetadata of `generation` is committed. If the group is
    /// still completing that generation, every parked SyncGroup is answered and it is Stable.
    pub fn sync_persisted(&mut self, generation: i32) -> Effects {
        let mut out = Vec::new();
        if self.state != GroupState::CompletingRebalance || self.generation != generation {
            return out;
        }
        for m in self.members.iter_mut().map(|(_, v)| v) {
            if m.awaiting_sync {
                m.awaiting_sync = false;
                out.push(Effect::Respond { client: m.client.clone(), response: Response::Sync(Ok(m.assignment.clone())) });
            }
        }
        self.set_state(GroupState::Stable, "the leader's assignment is committed", &mut out);
        out
    }

    /// CP6: storing the leader's assignment failed: parked SyncGroups get the error and the
    /// group rebalances again.
    pub fn sync_persist_failed(&mut self, now: TimeMs, generation: i32, error: GroupError) -> Effects {
        let mut out = Vec::new();
        if self.state != GroupState::CompletingRebalance || self.generation != generation {
            return out;
        }
        for m in self.members.iter_mut().map(|(_, v)| v) {
            m.assignment.clear();
            if m.awaiting_sync {
                m.awaiting_sync = false;
                out.push(Effect::Respond { client: m.client.clone(), response: Response::Sync(Err(error)) });
            }
        }
        self.prepare_rebalance(now, "storing the assignment failed", &mut out);
        out
    }

    // ---- Heartbeat and LeaveGroup --------------------------------------------------------

    /// A Heartbeat arrives (CL7, in its validation order).
    pub fn heartbeat(&mut self, now: TimeMs, client: &str, member_id: &str, instance_id: Option<&str>, generation: i32) -> Effects {
        let mut out = Vec::new();
        let error = if self.state == GroupState::Dead {
            Some(GroupError::CoordinatorNotAvailable)
        } else if let Some(e) = self.validate_member(member_id, instance_id) {
            Some(e)
        } else if generation != self.generation {
            Some(GroupError::IllegalGeneration)
        } else {
            match self.state {
                GroupState::Empty => Some(GroupError::UnknownMemberId),
                GroupState::PreparingRebalance => {
                    self.heard_from(member_id, now, &mut out);
                    Some(GroupError::RebalanceInProgress)
                }
                _ => {
                    self.heard_from(member_id, now, &mut out);
                    None
                }
            }
        };
        respond(&mut out, client, Response::Heartbeat(error));
        out
    }

    /// A LeaveGroup arrives (CL9).
    pub fn leave(&mut self, now: TimeMs, client: &str, member_id: &str) -> Effects {
        let mut out = Vec::new();
        if self.pending_join.remove(member_id).is_some() {
            respond(&mut out, client, Response::Leave(None));
            self.maybe_complete_join(now, &mut out);
            return out;
        }
        if !self.members.contains_key(member_id) {
            respond(&mut out, client, Response::Leave(Some(GroupError::UnknownMemberId)));
            return out;
        }
        respond(&mut out, client, Response::Leave(None));
        self.remove_member(now, member_id, "left the group", &mut out);
        out
    }

    /// Removes a member (CL8, CL9): its parked JoinGroup gets UNKNOWN_MEMBER_ID, then CL3.
    fn remove_member(&mut self, now: TimeMs, id: &str, reason: &'static str, out: &mut Effects) {
        let Some(m) = self.members.remove(id) else { return };
        if m.awaiting_join {
            respond(out, &m.client, join_error(id, GroupError::UnknownMemberId));
        }
        if let Some(i) = &m.instance_id {
            self.static_members.remove(i);
        }
        out.push(Effect::MemberRemoved { member: id.to_string(), reason });
        match self.state {
            GroupState::Stable | GroupState::CompletingRebalance => self.prepare_rebalance(now, reason, out),
            GroupState::PreparingRebalance => {
                self.maybe_complete_join(now, out);
            }
            _ => {}
        }
    }

    // ---- offsets and unloading -----------------------------------------------------------

    /// OC2: may this OffsetCommit be applied? `member_id` empty and `generation < 0` is a
    /// commit from outside the group (admin, manual assignment).
    pub fn validate_commit(&self, member_id: &str, instance_id: Option<&str>, generation: i32) -> Result<(), GroupError> {
        if self.state == GroupState::Dead {
            return Err(GroupError::CoordinatorNotAvailable);
        }
        if generation < 0 && member_id.is_empty() {
            return if self.state == GroupState::Empty { Ok(()) } else { Err(GroupError::UnknownMemberId) };
        }
        if let Some(e) = self.validate_member(member_id, instance_id) {
            return Err(e);
        }
        if generation != self.generation {
            return Err(GroupError::IllegalGeneration);
        }
        // Accepted in PreparingRebalance (the generation bumps only at join completion: what
        // makes committing in onPartitionsRevoked work under EAGER), refused while completing.
        if self.state == GroupState::CompletingRebalance {
            return Err(GroupError::RebalanceInProgress);
        }
        Ok(())
    }

    /// CL8: an OffsetCommit counts as a sign of life, in Stable or PreparingRebalance only.
    pub fn commit_heard(&mut self, now: TimeMs, member_id: &str) -> Effects {
        let mut out = Vec::new();
        if matches!(self.state, GroupState::Stable | GroupState::PreparingRebalance) && self.members.contains_key(member_id) {
            self.heard_from(member_id, now, &mut out);
        }
        out
    }

    /// CP5: the coordinator lost the group's partition. The group is Dead; parked JoinGroups
    /// and SyncGroups are answered NOT_COORDINATOR.
    pub fn unload(&mut self) -> Effects {
        let mut out = Vec::new();
        for m in self.members.iter_mut().map(|(_, v)| v) {
            if std::mem::take(&mut m.awaiting_join) {
                out.push(Effect::Respond { client: m.client.clone(), response: join_error(&m.id, GroupError::NotCoordinator) });
            }
            if std::mem::take(&mut m.awaiting_sync) {
                out.push(Effect::Respond { client: m.client.clone(), response: Response::Sync(Err(GroupError::NotCoordinator)) });
            }
        }
        if self.state != GroupState::Dead {
            self.set_state(GroupState::Dead, "the coordinator unloaded the group", &mut out);
        }
        out
    }

    // ---- timers --------------------------------------------------------------------------

    /// A timer fires. A stale one (its generation or deadline has moved on) does nothing.
    pub fn fire(&mut self, now: TimeMs, timer: Timer) -> Effects {
        let mut out = Vec::new();
        match timer {
            Timer::InitialDelay { generation } if generation == self.generation && self.state == GroupState::PreparingRebalance => {
                let Some(d) = self.initial_delay else { return out };
                if d.new_in_delay && d.remaining_ms > 0 {
                    // CL4: an arrival during the delay extends it, within the cap.
                    let delay = self.config.initial_rebalance_delay_ms.min(d.remaining_ms);
                    self.initial_delay = Some(InitialDelay { remaining_ms: d.remaining_ms - delay, new_in_delay: false });
                    out.push(Effect::Timer { at: now + delay, timer: Timer::InitialDelay { generation } });
                } else {
                    self.initial_delay = None;
                    if !self.maybe_complete_join(now, &mut out) {
                        self.complete_join(now, &mut out);
                    }
                }
            }
            Timer::Join { generation } if generation == self.generation && self.state == GroupState::PreparingRebalance && self.initial_delay.is_none() => {
                self.complete_join(now, &mut out);
            }
            Timer::Sync { generation } if generation == self.generation && self.state == GroupState::CompletingRebalance => {
                // CL5 step 5: members that sent no SyncGroup in time are removed; rebalance.
                let late: Vec<String> = self.members.values().filter(|m| !m.awaiting_sync).map(|m| m.id.clone()).collect();
                if late.is_empty() {
                    return out;
                }
                for id in &late {
                    if let Some(m) = self.members.remove(id) {
                        if let Some(i) = &m.instance_id {
                            self.static_members.remove(i);
                        }
                    }
                    out.push(Effect::MemberRemoved { member: id.clone(), reason: "sent no SyncGroup in time" });
                }
                self.prepare_rebalance(now, "members sent no SyncGroup in time", &mut out);
            }
            Timer::Session { member, deadline } => {
                let Some(m) = self.members.get(&member) else { return out };
                // CL8: a parked member does not expire, unless it is new.
                if m.deadline != deadline || (!m.is_new && (m.awaiting_join || m.awaiting_sync)) {
                    return out;
                }
                self.remove_member(now, &member, "its session expired", &mut out);
            }
            _ => {}
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SESSION: u64 = 45_000;
    const MAX_POLL: u64 = 300_000;

    fn req(client: &str, member_id: &str, topics: &[&str]) -> JoinGroup {
        let sub = Subscription { topics: topics.iter().map(|t| t.to_string()).collect(), owned: Vec::new(), generation: -1 };
        JoinGroup { client: client.into(), member_id: member_id.into(), instance_id: None, session_timeout_ms: SESSION, rebalance_timeout_ms: MAX_POLL, protocols: vec![("range".into(), sub)] }
    }

    fn responses(out: &Effects) -> Vec<(&str, &Response)> {
        out.iter().filter_map(|e| if let Effect::Respond { client, response } = e { Some((client.as_str(), response)) } else { None }).collect()
    }

    fn joined(out: &Effects, client: &str) -> JoinResponse {
        responses(out).into_iter().find_map(|(c, r)| match r {
            Response::Join(j) if c == client => Some(j.clone()),
            _ => None,
        }).unwrap_or_else(|| panic!("no JoinGroup answer for {client} in {out:?}"))
    }

    fn timers(out: &Effects) -> Vec<(TimeMs, Timer)> {
        out.iter().filter_map(|e| if let Effect::Timer { at, timer } = e { Some((*at, timer.clone())) } else { None }).collect()
    }

    fn tps(p: &[u32]) -> Vec<TopicPartition> {
        p.iter().map(|p| TopicPartition::new("t", *p)).collect()
    }

    /// A group with C1 (member c1-1) Stable at generation 1, leader, owning t-0..t-3.
    fn stable_one() -> ClassicGroup {
        let mut g = ClassicGroup::new("g", ClassicConfig::default());
        let id = joined(&g.join(0, req("c1", "", &["t"])), "c1").member_id;
        g.join(0, req("c1", &id, &["t"]));
        let out = g.fire(3000, Timer::InitialDelay { generation: 0 });
        assert_eq!(joined(&out, "c1").generation, 1);
        g.sync(3000, "c1", &id, None, 1, Some(LiteMap::from_iter([(id.clone(), tps(&[0, 1, 2, 3]))])));
        g.sync_persisted(1);
        assert_eq!(g.state, GroupState::Stable);
        g
    }

    /// CL2: a first JoinGroup without an id gets MEMBER_ID_REQUIRED and an id, and no rebalance.
    #[test]
    fn cl2_first_join_gets_member_id_required() {
        let mut g = stable_one();
        let out = g.join(10, req("c2", "", &["t"]));
        let j = joined(&out, "c2");
        assert_eq!(j.error, Some(GroupError::MemberIdRequired));
        assert_eq!(j.member_id, "c2-2");
        assert_eq!(g.state, GroupState::Stable, "a pending id starts no rebalance");
        assert!(g.pending_join.contains_key("c2-2"));
    }

    /// GS1 steps 2–6 (CL3–CL6): the new member starts a rebalance; the old member's heartbeat
    /// gets REBALANCE_IN_PROGRESS; once both have joined, generation 2, only the leader gets the
    /// member list; the leader's assignment is persisted and, committed, answers both.
    #[test]
    fn gs1_a_second_member_joins_eagerly() {
        let mut g = stable_one();
        g.join(0, req("c2", "", &["t"]));
        let out = g.join(0, req("c2", "c2-2", &["t"]));
        assert_eq!(g.state, GroupState::PreparingRebalance);
        assert_eq!(g.generation, 1, "CL3: the generation does not change on entering PreparingRebalance");
        assert!(responses(&out).is_empty(), "the JoinGroup is parked");
        assert!(timers(&out).contains(&(MAX_POLL, Timer::Join { generation: 1 })), "{out:?}");
        let out = g.heartbeat(1000, "c1", "c1-1", None, 1);
        assert_eq!(responses(&out), vec![("c1", &Response::Heartbeat(Some(GroupError::RebalanceInProgress)))]);
        let out = g.join(1500, req("c1", "c1-1", &["t"]));
        assert_eq!(g.state, GroupState::CompletingRebalance);
        let (j1, j2) = (joined(&out, "c1"), joined(&out, "c2"));
        assert_eq!((j1.generation, j2.generation), (2, 2));
        assert_eq!(j1.leader.as_deref(), Some("c1-1"));
        assert_eq!(j1.members.len(), 2, "the leader gets the member list");
        assert!(j2.members.is_empty(), "a follower does not");
        assert_eq!(j1.protocol.as_deref(), Some("range"));
        let out = g.sync(1600, "c2", "c2-2", None, 2, None);
        assert!(responses(&out).is_empty(), "a follower's SyncGroup is parked");
        let assignment = LiteMap::from_iter([("c1-1".to_string(), tps(&[0, 1])), ("c2-2".to_string(), tps(&[2, 3]))]);
        let out = g.sync(1700, "c1", "c1-1", None, 2, Some(assignment));
        assert!(matches!(out.last(), Some(Effect::Persist(r)) if r.generation == 2));
        assert!(responses(&out).is_empty(), "CP6: answered only once the record is committed");
        assert_eq!(g.state, GroupState::CompletingRebalance);
        let out = g.sync_persisted(2);
        assert_eq!(g.state, GroupState::Stable);
        let mut got = responses(&out);
        got.sort_by_key(|(c, _)| *c);
        assert_eq!(got, vec![("c1", &Response::Sync(Ok(tps(&[0, 1])))), ("c2", &Response::Sync(Ok(tps(&[2, 3]))))]);
    }

    /// CL4: the initial rebalance of an Empty group waits the initial delay; an arrival during
    /// it extends the wait once more (capped by the rebalance timeout).
    #[test]
    fn cl4_initial_delay_extends_on_arrival() {
        let mut g = ClassicGroup::new("g", ClassicConfig::default());
        g.join(0, req("c1", "", &["t"]));
        let out = g.join(0, req("c1", "c1-1", &["t"]));
        assert_eq!(timers(&out).last(), Some(&(3000, Timer::InitialDelay { generation: 0 })));
        g.join(1000, req("c2", "", &["t"]));
        g.join(1000, req("c2", "c2-2", &["t"]));
        assert_eq!(g.state, GroupState::PreparingRebalance, "no early completion during the delay");
        let out = g.fire(3000, Timer::InitialDelay { generation: 0 });
        assert_eq!(timers(&out), vec![(6000, Timer::InitialDelay { generation: 0 })], "extended by the delay");
        let out = g.fire(6000, Timer::InitialDelay { generation: 0 });
        assert_eq!(g.state, GroupState::CompletingRebalance);
        assert_eq!(joined(&out, "c2").generation, 1);
    }

    /// GS3 (CL8, CL5): a member that stops heartbeating expires at its session deadline; the
    /// group rebalances without it and the survivor gets the next generation.
    #[test]
    fn gs3_session_expiry_rebalances() {
        let mut g = stable_one();
        g.join(0, req("c2", "", &["t"]));
        g.join(0, req("c2", "c2-2", &["t"]));
        g.join(0, req("c1", "c1-1", &["t"]));
        g.sync(0, "c2", "c2-2", None, 2, None);
        g.sync(0, "c1", "c1-1", None, 2, Some(LiteMap::from_iter([("c1-1".to_string(), tps(&[0, 1])), ("c2-2".to_string(), tps(&[2, 3]))])));
        g.sync_persisted(2);
        // Both heartbeat at t=0; only c1 goes on.
        let out = g.heartbeat(0, "c2", "c2-2", None, 2);
        let deadline = g.members.get("c2-2").expect("present").deadline;
        assert_eq!(deadline, SESSION);
        assert!(timers(&out).contains(&(SESSION, Timer::Session { member: "c2-2".into(), deadline })));
        g.heartbeat(40_000, "c1", "c1-1", None, 2);
        let out = g.fire(SESSION, Timer::Session { member: "c2-2".into(), deadline });
        assert!(out.contains(&Effect::MemberRemoved { member: "c2-2".into(), reason: "its session expired" }));
        assert_eq!((g.state, g.generation), (GroupState::PreparingRebalance, 2));
        let out = g.heartbeat(46_000, "c1", "c1-1", None, 2);
        assert_eq!(responses(&out), vec![("c1", &Response::Heartbeat(Some(GroupError::RebalanceInProgress)))]);
        let out = g.join(47_000, req("c1", "c1-1", &["t"]));
        assert_eq!(joined(&out, "c1").generation, 3);
        assert_eq!(g.members.len(), 1);
    }

    /// A stale session timer (the member was heard from since) does nothing.
    #[test]
    fn cl8_a_moved_deadline_makes_the_timer_stale() {
        let mut g = stable_one();
        let first = g.members.get("c1-1").expect("present").deadline;
        g.heartbeat(10_000, "c1", "c1-1", None, 1);
        assert!(g.fire(first, Timer::Session { member: "c1-1".into(), deadline: first }).is_empty());
        assert_eq!(g.state, GroupState::Stable);
    }

    /// GS4 (CL7, CL14): a zombie's stale requests are refused by member id and generation.
    #[test]
    fn gs4_zombie_gets_unknown_member_then_illegal_generation() {
        let mut g = stable_one();
        let d = g.members.get("c1-1").expect("present").deadline;
        g.fire(d, Timer::Session { member: "c1-1".into(), deadline: d });
        assert!(g.members.is_empty());
        let out = g.heartbeat(d + 1, "c1", "c1-1", None, 1);
        assert_eq!(responses(&out), vec![("c1", &Response::Heartbeat(Some(GroupError::UnknownMemberId)))]);
        let mut g = stable_one();
        let out = g.heartbeat(10, "c1", "c1-1", None, 0);
        assert_eq!(responses(&out), vec![("c1", &Response::Heartbeat(Some(GroupError::IllegalGeneration)))]);
    }

    /// CL9: LeaveGroup removes the member and rebalances; the last one leaving empties the group
    /// with an empty GroupMetadata record (CL5 step 4).
    #[test]
    fn cl9_leave_and_the_group_becomes_empty() {
        let mut g = stable_one();
        let out = g.leave(5, "c1", "c1-1");
        assert_eq!(responses(&out), vec![("c1", &Response::Leave(None))]);
        assert_eq!(g.state, GroupState::Empty);
        assert_eq!(g.generation, 2);
        assert!(out.iter().any(|e| matches!(e, Effect::Persist(r) if r.members.is_empty() && r.generation == 2)));
        let states: Vec<(GroupState, GroupState)> = out.iter().filter_map(|e| if let Effect::StateChanged { from, to, .. } = e { Some((*from, *to)) } else { None }).collect();
        assert_eq!(states, vec![(GroupState::Stable, GroupState::PreparingRebalance), (GroupState::PreparingRebalance, GroupState::Empty)]);
    }

    /// CL3: a follower re-sending identical metadata while Stable gets the generation back; the
    /// leader's JoinGroup while Stable always rebalances.
    #[test]
    fn cl3_identical_follower_join_does_not_rebalance_but_the_leaders_does() {
        let mut g = stable_one();
        g.join(0, req("c2", "", &["t"]));
        g.join(0, req("c2", "c2-2", &["t"]));
        g.join(0, req("c1", "c1-1", &["t"]));
        g.sync(0, "c2", "c2-2", None, 2, None);
        g.sync(0, "c1", "c1-1", None, 2, Some(LiteMap::new()));
        g.sync_persisted(2);
        let out = g.join(10, req("c2", "c2-2", &["t"]));
        assert_eq!((joined(&out, "c2").generation, g.state), (2, GroupState::Stable));
        g.join(20, req("c1", "c1-1", &["t"]));
        assert_eq!(g.state, GroupState::PreparingRebalance);
    }

    /// CL4: a new rebalance while completing one answers parked SyncGroups with
    /// REBALANCE_IN_PROGRESS.
    #[test]
    fn cl4_parked_syncs_learn_of_a_new_rebalance() {
        let mut g = stable_one();
        g.join(0, req("c2", "", &["t"]));
        g.join(0, req("c2", "c2-2", &["t"]));
        g.join(0, req("c1", "c1-1", &["t"]));
        g.sync(0, "c2", "c2-2", None, 2, None);
        let out = g.leave(1, "c1", "c1-1");
        assert!(responses(&out).contains(&("c2", &Response::Sync(Err(GroupError::RebalanceInProgress)))));
        assert_eq!(g.state, GroupState::PreparingRebalance);
    }

    /// CL5 step 5: a member that sends no SyncGroup before the sync timeout is removed.
    #[test]
    fn cl5_sync_timeout_removes_the_silent() {
        let mut g = stable_one();
        g.join(0, req("c2", "", &["t"]));
        g.join(0, req("c2", "c2-2", &["t"]));
        g.join(0, req("c1", "c1-1", &["t"]));
        g.sync(0, "c1", "c1-1", None, 2, Some(LiteMap::new()));
        let out = g.fire(MAX_POLL, Timer::Sync { generation: 2 });
        assert!(out.contains(&Effect::MemberRemoved { member: "c2-2".into(), reason: "sent no SyncGroup in time" }));
        assert_eq!(g.state, GroupState::PreparingRebalance);
    }

    /// CL5 step 3: the protocol vote among the protocols every member supports.
    #[test]
    fn cl5_protocol_vote() {
        let mut g = ClassicGroup::new("g", ClassicConfig::default());
        let sub = Subscription::default();
        for (client, protocols) in [("a", ["range", "cooperative-sticky"]), ("b", ["cooperative-sticky", "range"]), ("c", ["cooperative-sticky", "range"])] {
            g.join(0, req(client, "", &["t"]));
            let mut r = req(client, &format!("{client}-{}", g.next_member), &["t"]);
            r.protocols = protocols.iter().map(|p| (p.to_string(), sub.clone())).collect();
            g.join(0, r);
        }
        g.fire(3000, Timer::InitialDelay { generation: 0 }); // CL4: arrivals extended the delay
        let out = g.fire(6000, Timer::InitialDelay { generation: 0 });
        assert_eq!(joined(&out, "a").protocol.as_deref(), Some("cooperative-sticky"));
        let mut r = req("d", "", &["t"]);
        r.protocols = vec![("roundrobin".into(), sub)];
        assert_eq!(joined(&g.join(10, r), "d").error, Some(GroupError::InconsistentGroupProtocol));
    }

    /// ST2: a static member rejoining without a member id while Stable replaces its old id
    /// with no rebalance; the old id is then fenced.
    #[test]
    fn st2_static_replacement_without_rebalance() {
        let mut g = ClassicGroup::new("g", ClassicConfig::default());
        let mut r = req("c1", "", &["t"]);
        r.instance_id = Some("i1".into());
        let out = g.join(0, r.clone());
        assert!(responses(&out).is_empty(), "ST2: a static member skips MEMBER_ID_REQUIRED");
        g.fire(3000, Timer::InitialDelay { generation: 0 });
        g.sync(3000, "c1", "i1-1", Some("i1"), 1, Some(LiteMap::from_iter([("i1-1".to_string(), tps(&[0, 1]))])));
        g.sync_persisted(1);
        let out = g.join(5000, r);
        let j = joined(&out, "c1");
        assert_eq!((j.error, j.generation, j.member_id.as_str()), (None, 1, "i1-2"));
        assert_eq!(g.state, GroupState::Stable);
        assert_eq!(g.members.get("i1-2").expect("present").assignment, tps(&[0, 1]), "the assignment is copied");
        assert!(out.iter().any(|e| matches!(e, Effect::Persist(_))));
        let out = g.heartbeat(5001, "c1", "i1-1", Some("i1"), 1);
        assert_eq!(responses(&out), vec![("c1", &Response::Heartbeat(Some(GroupError::FencedInstanceId)))]);
    }

    /// CP7: a reloaded group is Stable at its persisted generation, sessions restarting at the
    /// load.
    #[test]
    fn cp7_replay_is_stable_at_the_persisted_generation() {
        let g = stable_one();
        let record = g.record();
        let mut out = Vec::new();
        let h = ClassicGroup::replay("g", ClassicConfig::default(), &record, SESSION, 90_000, &mut out);
        assert_eq!((h.state, h.generation), (GroupState::Stable, 1));
        assert_eq!(h.members.get("c1-1").expect("present").assignment, tps(&[0, 1, 2, 3]));
        assert_eq!(timers(&out), vec![(90_000 + SESSION, Timer::Session { member: "c1-1".into(), deadline: 90_000 + SESSION })]);
    }

    /// CL1: the allowed transitions, and no others.
    #[test]
    fn cl1_transitions() {
        use GroupState::*;
        let all = [Empty, PreparingRebalance, CompletingRebalance, Stable, Dead];
        let allowed: Vec<(GroupState, GroupState)> = all.iter().flat_map(|a| all.iter().map(move |b| (*a, *b))).filter(|(a, b)| a.may_become(*b) && *b != Dead).collect();
        assert_eq!(allowed, vec![(Empty, PreparingRebalance), (PreparingRebalance, Empty), (PreparingRebalance, CompletingRebalance), (CompletingRebalance, PreparingRebalance), (CompletingRebalance, Stable), (Stable, PreparingRebalance)]);
    }
}
