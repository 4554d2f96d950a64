//! The consumer protocol of KIP-848, coordinator side (PROTOCOL-GROUPS.md §2.4 KC1–KC9): one
//! group's members, its group epoch, its target assignment computed by a server assignor, and
//! each member's reconciliation towards it, revoke before assign, with partition epochs as the
//! single-owner guarantee.
//!
//! Sans-IO like [`super::classic`]: [`ConsumerGroup::heartbeat`] and [`ConsumerGroup::fire`]
//! take the simulated time and return [`Effect`]s (the answer, timers to arm, a fenced member,
//! the group's new state). Not yet persisted: the records KC9 writes (member subscription,
//! target and current assignment) join the coordinator runtime when the cluster hosts groups.

use super::assignor::{assign_server, ServerAssignor, ServerMemberSpec};
use super::GroupError;
use crate::ids::{TimeMs, TopicPartition};
use std::collections::{BTreeMap, BTreeSet};

/// §2.7 defaults a KIP-848 group needs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConsumerConfig {
    /// `group.consumer.session.timeout.ms` (45000).
    pub session_timeout_ms: u64,
    /// `group.consumer.heartbeat.interval.ms` (5000), sent in every answer.
    pub heartbeat_interval_ms: u64,
    /// `group.consumer.max.size` (no limit by default).
    pub max_size: Option<usize>,
    /// `group.consumer.assignors`, the first being the default (`uniform`, `range`).
    pub assignors: Vec<ServerAssignor>,
}

impl Default for ConsumerConfig {
    fn default() -> Self {
        ConsumerConfig { session_timeout_ms: 45_000, heartbeat_interval_ms: 5_000, max_size: None, assignors: ServerAssignor::ALL.to_vec() }
    }
}

/// KC7: the group's state.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GroupState {
    /// No members.
    Empty,
    /// The group epoch is ahead of the target assignment's.
    Assigning,
    /// Some member is not STABLE at the target epoch.
    Reconciling,
    /// Every member is STABLE at the target epoch.
    Stable,
}

/// A member's reconciliation state (MemberState, KC5).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MemberState {
    /// At the target epoch with its whole target.
    Stable,
    /// Must give partitions up first: its epoch waits until it reports them revoked.
    UnrevokedPartitions,
    /// At the target epoch, waiting for partitions other members still hold.
    UnreleasedPartitions,
    /// Not known (a static member being replaced).
    Unknown,
}

/// One member, as the coordinator sees it (§1.5).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Member {
    /// Chosen by the client (KIP-1082).
    pub member_id: String,
    /// `group.instance.id` of a static member.
    pub instance_id: Option<String>,
    /// Its epoch.
    pub member_epoch: i32,
    /// The epoch before the last change (KC2: a lost answer).
    pub previous_member_epoch: i32,
    /// Its reconciliation state.
    pub state: MemberState,
    /// What it may consume now.
    pub assigned: BTreeSet<TopicPartition>,
    /// What it must revoke before its epoch moves on.
    pub pending_revocation: BTreeSet<TopicPartition>,
    /// Subscribed topics, sorted.
    pub topics: Vec<String>,
    /// The server assignor it asked for.
    pub server_assignor: Option<ServerAssignor>,
    /// `max.poll.interval.ms` as the client sends it (KC8).
    pub rebalance_timeout_ms: u64,
    /// The session deadline its last heartbeat set (KC9).
    pub session_deadline: TimeMs,
}

/// A ConsumerGroupHeartbeat (KC1): `None` fields are "unchanged".
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Heartbeat {
    /// The member id.
    pub member_id: String,
    /// 0 to join, -1 to leave, -2 for a static member's leave, else the member's epoch.
    pub member_epoch: i32,
    /// `group.instance.id`.
    pub instance_id: Option<String>,
    /// `max.poll.interval.ms`, or `None` (-1 on the wire) when unchanged.
    pub rebalance_timeout_ms: Option<u64>,
    /// Subscribed topics, when changed.
    pub topics: Option<Vec<String>>,
    /// A server assignor by name, when changed.
    pub server_assignor: Option<String>,
    /// The partitions it owns, when changed (a null list counts as owning everything, KC5).
    pub owned: Option<Vec<TopicPartition>>,
}

/// The answer (KC1).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HeartbeatResponse {
    /// The member id.
    pub member_id: String,
    /// Its epoch now.
    pub member_epoch: i32,
    /// When to heartbeat next.
    pub heartbeat_interval_ms: u64,
    /// Its assignment, only for a full request or when it changed.
    pub assignment: Option<Vec<TopicPartition>>,
}

/// A timer the group arms; a stale one (its deadline or epoch has moved) does nothing.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Timer {
    /// KC9: no heartbeat for the session timeout.
    Session {
        /// The member.
        member: String,
        /// The deadline it was armed for.
        deadline: TimeMs,
    },
    /// KC8: still UNREVOKED at this epoch after its rebalance timeout.
    Rebalance {
        /// The member.
        member: String,
        /// Its epoch when the timer was armed.
        epoch: i32,
        /// When it fires.
        deadline: TimeMs,
    },
}

/// What a step of the group asks of the world.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Effect {
    /// The heartbeat's answer.
    Respond(Result<HeartbeatResponse, GroupError>),
    /// Arm a timer.
    Timer(Timer),
    /// A member was removed (a leave, or fenced by a timer); its partitions are free.
    MemberFenced {
        /// The member.
        member: String,
        /// Why: `leave`, `session timeout` or `rebalance timeout`.
        reason: &'static str,
    },
    /// The group's state changed (KC7).
    StateChanged(GroupState),
}

/// One KIP-848 group.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConsumerGroup {
    /// Its id.
    pub group_id: String,
    config: ConsumerConfig,
    /// KC7.
    pub state: GroupState,
    /// KC3.
    pub group_epoch: i32,
    /// KC4.
    pub target_epoch: i32,
    /// KC4: each member's target.
    pub target: BTreeMap<String, BTreeSet<TopicPartition>>,
    /// KC6: the epoch of the one member holding each partition (absent: -1).
    pub partition_epochs: BTreeMap<TopicPartition, i32>,
    /// The members by id.
    pub members: BTreeMap<String, Member>,
    /// `group.instance.id → member id` of the static members (ST4, ST5).
    pub static_members: BTreeMap<String, String>,
    /// Partition counts of the topics the cluster has (the metadata image).
    topics: BTreeMap<String, u32>,
    /// KC3: the metadata changed; the next heartbeat bumps the group epoch.
    metadata_changed: bool,
}

impl ConsumerGroup {
    /// An empty group over the cluster's topics (`topic → partition count`).
    pub fn new(group_id: impl Into<String>, config: ConsumerConfig, topics: BTreeMap<String, u32>) -> ConsumerGroup {
        ConsumerGroup {
            group_id: group_id.into(),
            config,
            state: GroupState::Empty,
            group_epoch: 0,
            target_epoch: 0,
            target: BTreeMap::new(),
            partition_epochs: BTreeMap::new(),
            members: BTreeMap::new(),
            static_members: BTreeMap::new(),
            topics,
            metadata_changed: false,
        }
    }

    /// KC3: the cluster's topics changed (a partition added, a topic created or deleted); the
    /// group epoch moves on the next heartbeat if a subscribed topic is among them.
    pub fn metadata(&mut self, topics: BTreeMap<String, u32>) {
        let subscribed: BTreeSet<&String> = self.members.values().flat_map(|m| m.topics.iter()).collect();
        if subscribed.iter().any(|t| self.topics.get(*t) != topics.get(*t)) {
            self.metadata_changed = true;
        }
        self.topics = topics;
    }

    /// KC1–KC9: one ConsumerGroupHeartbeat.
    pub fn heartbeat(&mut self, now: TimeMs, req: Heartbeat) -> Vec<Effect> {
        let mut out = Vec::new();
        let before = self.state;
        let answer = self.handle(now, &req, &mut out);
        out.push(Effect::Respond(answer));
        self.update_state(before, &mut out);
        out
    }

    fn handle(&mut self, now: TimeMs, req: &Heartbeat, out: &mut Vec<Effect>) -> Result<HeartbeatResponse, GroupError> {
        let assignor = match &req.server_assignor {
            None => None,
            Some(name) => Some(self.config.assignors.iter().copied().find(|a| a.name() == name).ok_or(GroupError::UnsupportedAssignor)?),
        };
        if req.member_id.is_empty() {
            return Err(GroupError::InvalidRequest);
        }
        // Leaves: -1 fences the member and bumps the epoch (KC9); -2 is ST4's temporary leave.
        if req.member_epoch < 0 {
            let Some(m) = self.members.get_mut(&req.member_id) else { return Err(GroupError::UnknownMemberId) };
            if req.member_epoch == -1 {
                self.fence(&req.member_id, "leave", out);
            } else {
                // ST4: kept at epoch -2 with its assigned partitions (held at partition epoch
                // -2), its pending revocations freed, no bump, and its session timer left as
                // it was: it is fenced a session after its last regular heartbeat.
                if m.instance_id.is_none() {
                    return Err(GroupError::InvalidRequest);
                }
                m.previous_member_epoch = m.member_epoch;
                m.member_epoch = -2;
                let released = std::mem::take(&mut m.pending_revocation);
                let held = m.assigned.clone();
                self.partition_epochs.retain(|p, _| !released.contains(p));
                for p in held {
                    self.partition_epochs.insert(p, -2);
                }
            }
            return Ok(HeartbeatResponse { member_id: req.member_id.clone(), member_epoch: req.member_epoch, heartbeat_interval_ms: 0, assignment: None });
        }
        // ST5: an instance id held by another member id.
        if let Some(instance) = &req.instance_id {
            match self.static_members.get(instance) {
                Some(holder) if *holder != req.member_id => {
                    if req.member_epoch != 0 {
                        return Err(GroupError::FencedInstanceId);
                    }
                    if self.members.get(holder).is_some_and(|h| h.member_epoch != -2) {
                        return Err(GroupError::UnreleasedInstanceId);
                    }
                }
                None if req.member_epoch != 0 => return Err(GroupError::UnknownMemberId),
                _ => {}
            }
        }
        let joining = req.member_epoch == 0;
        if joining {
            // KC1: a join carries its rebalance timeout, a subscription, and owns nothing.
            if req.rebalance_timeout_ms.is_none() || req.topics.is_none() || req.owned.as_ref().is_some_and(|o| !o.is_empty()) {
                return Err(GroupError::InvalidRequest);
            }
            let known = self.members.contains_key(&req.member_id);
            if !known && self.config.max_size.is_some_and(|max| self.members.len() >= max) {
                return Err(GroupError::GroupMaxSizeReached);
            }
            if known {
                // An epoch-0 rejoin of a known id (KAFKA-19233): the old incarnation goes first.
                self.fence(&req.member_id, "rejoin", out);
            }
            let mut member = Member {
                member_id: req.member_id.clone(),
                instance_id: req.instance_id.clone(),
                member_epoch: 0,
                previous_member_epoch: 0,
                state: MemberState::Stable,
                assigned: BTreeSet::new(),
                pending_revocation: BTreeSet::new(),
                topics: Vec::new(),
                server_assignor: None,
                rebalance_timeout_ms: 0,
                session_deadline: 0,
            };
            if let Some(instance) = &req.instance_id {
                // ST5: replacing a temporarily left holder inherits its target, assignment and
                // subscription, with no bump.
                if let Some(old) = self.static_members.get(instance).cloned().and_then(|h| self.members.remove(&h)) {
                    member.assigned = old.assigned;
                    member.topics = old.topics;
                    member.server_assignor = old.server_assignor;
                    member.member_epoch = old.previous_member_epoch.max(0);
                    if let Some(t) = self.target.remove(&old.member_id) {
                        self.target.insert(req.member_id.clone(), t);
                    }
                    for p in &member.assigned {
                        self.partition_epochs.insert(p.clone(), member.member_epoch);
                    }
                    // Not STABLE at the target epoch yet, so reconciliation runs below.
                    member.state = MemberState::Unknown;
                }
                self.static_members.insert(instance.clone(), req.member_id.clone());
            }
            self.members.insert(req.member_id.clone(), member);
        } else {
            // KC2: the epoch check.
            let m = self.members.get(&req.member_id).ok_or(GroupError::UnknownMemberId)?;
            let r = req.member_epoch;
            if r > m.member_epoch {
                return Err(GroupError::FencedMemberEpoch);
            }
            if r < m.member_epoch {
                let owned_within = req.owned.as_ref().is_some_and(|o| o.iter().all(|p| m.assigned.contains(p)));
                if r != m.previous_member_epoch || !owned_within {
                    return Err(GroupError::FencedMemberEpoch);
                }
            }
        }
        let id = req.member_id.clone();
        let mut bump = self.metadata_changed;
        self.metadata_changed = false;
        {
            let m = self.members.get_mut(&id).expect("present");
            if let Some(t) = &req.topics {
                let mut t = t.clone();
                t.sort();
                t.dedup();
                bump |= t != m.topics;
                m.topics = t;
            }
            if let Some(a) = assignor {
                bump |= m.server_assignor != Some(a);
                m.server_assignor = Some(a);
            }
            if let Some(rt) = req.rebalance_timeout_ms {
                m.rebalance_timeout_ms = rt;
            }
            // KC9: every heartbeat pushes the session deadline.
            m.session_deadline = now + self.config.session_timeout_ms;
            out.push(Effect::Timer(Timer::Session { member: id.clone(), deadline: m.session_deadline }));
        }
        if bump {
            self.group_epoch += 1;
        }
        if self.group_epoch > self.target_epoch {
            self.compute_target();
        }
        let before = self.members[&id].assigned.clone();
        self.reconcile(now, &id, req.owned.as_deref(), out);
        let m = &self.members[&id];
        let changed = m.assigned != before;
        Ok(HeartbeatResponse {
            member_id: id,
            member_epoch: m.member_epoch,
            heartbeat_interval_ms: self.config.heartbeat_interval_ms,
            assignment: (joining || changed).then(|| m.assigned.iter().cloned().collect()),
        })
    }

    /// KC4: the assignor over every member, each one's current target as its previous
    /// assignment; the most requested server assignor, else the configured first.
    fn compute_target(&mut self) {
        let mut votes: BTreeMap<ServerAssignor, usize> = BTreeMap::new();
        for a in self.members.values().filter_map(|m| m.server_assignor) {
            *votes.entry(a).or_default() += 1;
        }
        // Ties: the configured order (canonical order, §0).
        let default = self.config.assignors.first().copied().unwrap_or(ServerAssignor::Uniform);
        let most = votes.values().copied().max().unwrap_or(0);
        let assignor = self.config.assignors.iter().copied().find(|a| most > 0 && votes.get(a) == Some(&most)).unwrap_or(default);
        let specs: Vec<ServerMemberSpec> = self
            .members
            .values()
            .map(|m| ServerMemberSpec {
                member_id: m.member_id.clone(),
                instance_id: m.instance_id.clone(),
                topics: m.topics.clone(),
                assigned: self.target.get(&m.member_id).map(|t| t.iter().cloned().collect()).unwrap_or_default(),
            })
            .collect();
        let subscribed: BTreeMap<String, u32> = self
            .topics
            .iter()
            .filter(|(t, _)| self.members.values().any(|m| m.topics.contains(t)))
            .map(|(t, n)| (t.clone(), *n))
            .collect();
        let result = assign_server(assignor, &specs, &subscribed);
        self.target = self.members.keys().map(|id| (id.clone(), result.get(id).map(|v| v.iter().cloned().collect()).unwrap_or_default())).collect();
        self.target_epoch = self.group_epoch;
    }

    /// KC5: moves a member towards its target, revoke before assign.
    fn reconcile(&mut self, now: TimeMs, id: &str, owned: Option<&[TopicPartition]>, out: &mut Vec<Effect>) {
        let target_epoch = self.target_epoch;
        let target = self.target.get(id).cloned().unwrap_or_default();
        let m = self.members[id].clone();
        if m.state == MemberState::Stable && m.member_epoch == target_epoch {
            return;
        }
        if m.state == MemberState::UnrevokedPartitions {
            // Waits until a heartbeat's owned list leaves out every partition to revoke; then
            // those are free (KC6) and the steps run again.
            let still = owned.is_none_or(|o| o.iter().any(|p| m.pending_revocation.contains(p)));
            if still {
                return;
            }
            let released = std::mem::take(&mut self.members.get_mut(id).expect("present").pending_revocation);
            self.partition_epochs.retain(|p, _| !released.contains(p));
        }
        let m = self.members[id].clone();
        let kept: BTreeSet<TopicPartition> = m.assigned.intersection(&target).cloned().collect();
        let revoke: BTreeSet<TopicPartition> = m.assigned.difference(&kept).cloned().collect();
        let held_elsewhere = |p: &TopicPartition| self.partition_epochs.contains_key(p) && !m.assigned.contains(p) && !m.pending_revocation.contains(p);
        let pending: BTreeSet<TopicPartition> = target.difference(&kept).filter(|p| !held_elsewhere(p)).cloned().collect();
        let unreleased = target.difference(&kept).any(held_elsewhere);
        let still_owns = |p: &TopicPartition| owned.is_none_or(|o| o.contains(p));
        let (state, epoch, assigned, pending_revocation) = if !revoke.is_empty() && revoke.iter().any(still_owns) {
            (MemberState::UnrevokedPartitions, m.member_epoch, kept, revoke)
        } else if !pending.is_empty() {
            let state = if unreleased { MemberState::UnreleasedPartitions } else { MemberState::Stable };
            (state, target_epoch, kept.union(&pending).cloned().collect(), BTreeSet::new())
        } else if unreleased {
            (MemberState::UnreleasedPartitions, target_epoch, kept, BTreeSet::new())
        } else {
            (MemberState::Stable, target_epoch, kept, BTreeSet::new())
        };
        if state == MemberState::UnrevokedPartitions && m.state != MemberState::UnrevokedPartitions {
            // KC8: entering UNREVOKED arms the rebalance timeout for this epoch.
            out.push(Effect::Timer(Timer::Rebalance { member: id.to_string(), epoch, deadline: now + m.rebalance_timeout_ms }));
        }
        // KC6: this member's partition epochs are replaced by its new holdings.
        self.partition_epochs.retain(|p, _| !(m.assigned.contains(p) || m.pending_revocation.contains(p)));
        for p in assigned.iter().chain(pending_revocation.iter()) {
            let previous = self.partition_epochs.insert(p.clone(), epoch);
            debug_assert!(previous.is_none(), "KC6: {p} added while another member holds it");
        }
        let mm = self.members.get_mut(id).expect("present");
        if epoch != mm.member_epoch {
            mm.previous_member_epoch = mm.member_epoch;
        }
        mm.member_epoch = epoch;
        mm.state = state;
        mm.assigned = assigned;
        mm.pending_revocation = pending_revocation;
    }

    /// Removes a member and frees its partitions at once (KC6).
    fn remove(&mut self, id: &str) -> bool {
        let Some(m) = self.members.remove(id) else { return false };
        if let Some(i) = &m.instance_id {
            if self.static_members.get(i).is_some_and(|h| h == id) {
                self.static_members.remove(i);
            }
        }
        self.partition_epochs.retain(|p, _| !(m.assigned.contains(p) || m.pending_revocation.contains(p)));
        self.target.remove(id);
        true
    }

    /// KC9: fencing removes the member and bumps the group epoch.
    fn fence(&mut self, id: &str, reason: &'static str, out: &mut Vec<Effect>) {
        if self.remove(id) {
            self.group_epoch += 1;
            out.push(Effect::MemberFenced { member: id.to_string(), reason });
        }
    }

    /// OC3: may this member commit offsets with this epoch?
    pub fn validate_commit(&self, member_id: &str, member_epoch: i32) -> Result<(), GroupError> {
        if member_epoch < 0 && self.members.is_empty() {
            return Ok(()); // an admin commit to an empty group
        }
        let m = self.members.get(member_id).ok_or(GroupError::UnknownMemberId)?;
        if m.member_epoch != member_epoch {
            return Err(GroupError::StaleMemberEpoch);
        }
        Ok(())
    }

    /// A timer fires; a stale one does nothing.
    pub fn fire(&mut self, _now: TimeMs, timer: &Timer) -> Vec<Effect> {
        let mut out = Vec::new();
        let before = self.state;
        match timer {
            Timer::Session { member, deadline } => {
                if self.members.get(member).is_some_and(|m| m.session_deadline == *deadline) {
                    self.fence(member, "session timeout", &mut out);
                }
            }
            Timer::Rebalance { member, epoch, .. } => {
                if self.members.get(member).is_some_and(|m| m.state == MemberState::UnrevokedPartitions && m.member_epoch == *epoch) {
                    self.fence(member, "rebalance timeout", &mut out);
                }
            }
        }
        self.update_state(before, &mut out);
        out
    }

    /// KC7.
    fn update_state(&mut self, before: GroupState, out: &mut Vec<Effect>) {
        self.state = if self.members.is_empty() {
            GroupState::Empty
        } else if self.group_epoch > self.target_epoch {
            GroupState::Assigning
        } else if self.members.values().any(|m| m.state != MemberState::Stable || m.member_epoch != self.target_epoch) {
            GroupState::Reconciling
        } else {
            GroupState::Stable
        };
        if self.state != before {
            out.push(Effect::StateChanged(self.state));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tp(p: u32) -> TopicPartition {
        TopicPartition::new("t", p)
    }

    fn tps(ps: &[u32]) -> BTreeSet<TopicPartition> {
        ps.iter().map(|p| tp(*p)).collect()
    }

    fn answer(out: &[Effect]) -> Result<HeartbeatResponse, GroupError> {
        out.iter().find_map(|e| if let Effect::Respond(r) = e { Some(r.clone()) } else { None }).expect("answered")
    }

    fn join(id: &str) -> Heartbeat {
        Heartbeat { member_id: id.into(), member_epoch: 0, rebalance_timeout_ms: Some(300_000), topics: Some(vec!["t".into()]), owned: Some(vec![]), ..Heartbeat::default() }
    }

    fn beat(id: &str, epoch: i32, owned: Option<&[u32]>) -> Heartbeat {
        Heartbeat { member_id: id.into(), member_epoch: epoch, owned: owned.map(|o| o.iter().map(|p| tp(*p)).collect()), ..Heartbeat::default() }
    }

    fn group() -> ConsumerGroup {
        ConsumerGroup::new("g", ConsumerConfig::default(), [("t".to_string(), 4)].into_iter().collect())
    }

    /// A alone: one join takes every partition at epoch 1 (KC3, KC4, KC5 case 2).
    fn with_a() -> ConsumerGroup {
        let mut g = group();
        let r = answer(&g.heartbeat(0, join("A"))).unwrap();
        assert_eq!((r.member_epoch, r.assignment), (1, Some(tps(&[0, 1, 2, 3]).into_iter().collect())));
        assert_eq!(g.state, GroupState::Stable);
        g
    }

    /// GS2: a second member joins; A revokes 2 and 3 before B gets them, and t-0, t-1 never pause.
    #[test]
    fn gs2_a_second_member_joins_revoke_before_assign() {
        let mut g = with_a();
        // 1. B joins: G=2, target A {0,1}, B {2,3}; 2 and 3 are still A's, so B waits UNRELEASED.
        let r = answer(&g.heartbeat(0, join("B"))).unwrap();
        assert_eq!((g.group_epoch, g.target_epoch), (2, 2));
        assert_eq!(g.target["A"], tps(&[0, 1]));
        assert_eq!(g.target["B"], tps(&[2, 3]));
        assert_eq!((r.member_epoch, r.assignment), (2, Some(vec![])));
        assert_eq!(g.members["B"].state, MemberState::UnreleasedPartitions);
        assert_eq!(g.state, GroupState::Reconciling);
        // 2. A heartbeats with owned null: UNREVOKED at epoch 1, rebalance timer armed.
        let out = g.heartbeat(2000, beat("A", 1, None));
        let r = answer(&out).unwrap();
        assert_eq!((r.member_epoch, r.assignment), (1, Some(vec![tp(0), tp(1)])));
        assert_eq!(g.members["A"].state, MemberState::UnrevokedPartitions);
        assert_eq!(g.members["A"].pending_revocation, tps(&[2, 3]));
        assert!(out.contains(&Effect::Timer(Timer::Rebalance { member: "A".into(), epoch: 1, deadline: 302_000 })));
        // B too early: still nothing (had step 5 come before step 4).
        assert_eq!(answer(&g.heartbeat(2100, beat("B", 2, Some(&[])))).unwrap().assignment, None);
        assert_eq!(g.members["B"].assigned, tps(&[]));
        // 4. A reports {0,1}: STABLE at epoch 2; 2 and 3 are free.
        let r = answer(&g.heartbeat(2200, beat("A", 1, Some(&[0, 1])))).unwrap();
        assert_eq!(r.member_epoch, 2);
        assert_eq!(g.members["A"].state, MemberState::Stable);
        assert_eq!(g.partition_epochs, [(tp(0), 2), (tp(1), 2)].into_iter().collect());
        // 5. B heartbeats: STABLE {2,3}; the group is Stable.
        let r = answer(&g.heartbeat(5000, beat("B", 2, Some(&[])))).unwrap();
        assert_eq!(r.assignment, Some(vec![tp(2), tp(3)]));
        assert_eq!(g.state, GroupState::Stable);
        assert_eq!(g.partition_epochs.len(), 4);
        // The rebalance timer armed in step 2 is stale now.
        assert!(g.fire(302_000, &Timer::Rebalance { member: "A".into(), epoch: 1, deadline: 302_000 }).is_empty());
        assert!(g.members.contains_key("A"));
    }

    /// KC2: an epoch from the future is fenced; the previous epoch passes only with owned ⊆ assigned.
    #[test]
    fn kc2_member_epochs_are_checked() {
        let mut g = with_a();
        assert_eq!(answer(&g.heartbeat(1, beat("A", 2, Some(&[0])))), Err(GroupError::FencedMemberEpoch));
        assert_eq!(answer(&g.heartbeat(1, beat("Z", 1, None))), Err(GroupError::UnknownMemberId));
        // A second join makes A's epoch 2 after its revocation; an answer lost, A retries with 1.
        answer(&g.heartbeat(2, join("B"))).unwrap();
        answer(&g.heartbeat(3, beat("A", 1, Some(&[0, 1])))).unwrap();
        assert_eq!(g.members["A"].member_epoch, 2);
        assert_eq!(answer(&g.heartbeat(4, beat("A", 1, Some(&[0, 1])))).unwrap().member_epoch, 2, "previous epoch, owned within");
        assert_eq!(answer(&g.heartbeat(5, beat("A", 1, Some(&[0, 3])))), Err(GroupError::FencedMemberEpoch), "owns what it no longer has");
        assert_eq!(answer(&g.heartbeat(6, beat("A", 0, None))), Err(GroupError::InvalidRequest), "a join without its fields");
    }

    /// KC9 and KC8: a member that stops heartbeating is fenced and its partitions go to the
    /// others; one that never revokes is fenced by its rebalance timeout.
    #[test]
    fn kc9_kc8_timeouts_fence_and_free_the_partitions() {
        let mut g = with_a();
        answer(&g.heartbeat(0, join("B"))).unwrap();
        let out = g.fire(45_000, &Timer::Session { member: "A".into(), deadline: 45_000 });
        assert!(out.contains(&Effect::MemberFenced { member: "A".into(), reason: "session timeout" }));
        assert_eq!(g.group_epoch, 3);
        assert!(g.partition_epochs.is_empty(), "A's partitions are free at once");
        assert_eq!(g.state, GroupState::Assigning, "until the next heartbeat computes the target");
        let r = answer(&g.heartbeat(46_000, beat("B", 2, Some(&[])))).unwrap();
        assert_eq!((r.member_epoch, r.assignment), (3, Some(tps(&[0, 1, 2, 3]).into_iter().collect())));
        assert_eq!(g.state, GroupState::Stable);

        let mut g = with_a();
        answer(&g.heartbeat(0, join("B"))).unwrap();
        answer(&g.heartbeat(1000, beat("A", 1, None))).unwrap(); // UNREVOKED, timer to 301000
        let out = g.fire(301_000, &Timer::Rebalance { member: "A".into(), epoch: 1, deadline: 301_000 });
        assert!(out.contains(&Effect::MemberFenced { member: "A".into(), reason: "rebalance timeout" }));
        // A stale session timer (A heartbeat since) would have done nothing.
        let mut g = with_a();
        answer(&g.heartbeat(10_000, beat("A", 1, Some(&[0, 1, 2, 3])))).unwrap();
        assert!(g.fire(45_000, &Timer::Session { member: "A".into(), deadline: 45_000 }).is_empty());
    }

    /// KC3: a leave bumps the epoch; a subscription change does.
    #[test]
    fn kc3_what_bumps_the_group_epoch() {
        let mut g = with_a();
        answer(&g.heartbeat(0, join("B"))).unwrap();
        assert_eq!(g.group_epoch, 2);
        answer(&g.heartbeat(2, Heartbeat { member_id: "A".into(), member_epoch: 1, topics: Some(vec!["t".into(), "u".into()]), ..Heartbeat::default() })).unwrap();
        assert_eq!(g.group_epoch, 3, "a subscription change");
        let r = answer(&g.heartbeat(3, Heartbeat { member_id: "A".into(), member_epoch: -1, ..Heartbeat::default() })).unwrap();
        assert_eq!((r.member_epoch, g.group_epoch), (-1, 4));
        answer(&g.heartbeat(4, Heartbeat { member_id: "B".into(), member_epoch: -1, ..Heartbeat::default() })).unwrap();
        assert_eq!(g.state, GroupState::Empty);
        assert_eq!(answer(&g.heartbeat(5, Heartbeat { server_assignor: Some("sticky".into()), ..join("C") })), Err(GroupError::UnsupportedAssignor));
    }

    /// ST4, ST5: a static member's temporary leave keeps its partitions (partition epoch -2,
    /// no bump); a new process with its instance id takes them over while the holder is away,
    /// and is refused while the holder is active. OC3: commits need the current epoch.
    #[test]
    fn st4_st5_a_static_member_is_replaced_in_place() {
        let mut g = group();
        let s = |id: &str| Heartbeat { instance_id: Some("i-1".into()), ..join(id) };
        answer(&g.heartbeat(0, s("A"))).unwrap();
        answer(&g.heartbeat(0, join("B"))).unwrap();
        answer(&g.heartbeat(1, Heartbeat { instance_id: Some("i-1".into()), ..beat("A", 1, Some(&[0, 1])) })).unwrap();
        answer(&g.heartbeat(2, beat("B", 2, Some(&[])))).unwrap();
        assert_eq!(g.state, GroupState::Stable);
        assert_eq!(g.validate_commit("A", 2), Ok(()));
        assert_eq!(g.validate_commit("A", 1), Err(GroupError::StaleMemberEpoch));
        assert_eq!(g.validate_commit("Z", 2), Err(GroupError::UnknownMemberId));
        // An active holder: a second process with the same instance id is refused.
        assert_eq!(answer(&g.heartbeat(3, s("A2"))), Err(GroupError::UnreleasedInstanceId));
        // ST4: A leaves temporarily.
        let epoch = g.group_epoch;
        answer(&g.heartbeat(4, Heartbeat { member_id: "A".into(), member_epoch: -2, instance_id: Some("i-1".into()), ..Heartbeat::default() })).unwrap();
        assert_eq!(g.group_epoch, epoch, "no bump");
        assert_eq!(g.members["A"].member_epoch, -2);
        assert_eq!(g.partition_epochs[&tp(0)], -2, "its partitions still count as held");
        // ST5: the new process takes A's place, STABLE at the target epoch in its first answer.
        let r = answer(&g.heartbeat(5, s("A2"))).unwrap();
        assert_eq!((r.member_epoch, r.assignment), (2, Some(vec![tp(0), tp(1)])));
        assert_eq!(g.group_epoch, epoch, "a static replacement does not bump");
        assert!(!g.members.contains_key("A"));
        assert_eq!(g.members["A2"].state, MemberState::Stable);
        assert_eq!(g.state, GroupState::Stable);
        assert_eq!(answer(&g.heartbeat(6, Heartbeat { instance_id: Some("i-1".into()), ..beat("A", 2, None) })), Err(GroupError::FencedInstanceId));
    }
}
