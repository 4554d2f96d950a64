//! The group invariants of PROTOCOL-GROUPS.md §3 that the cluster can reach so far (the
//! coordinator and its offsets; the member invariants join when members do), run by the
//! checker after every step like I1–I27:
//!
//! * **G-I1 placement**: a successful commit is answered only from an ACTIVE context on the
//!   non-stale leader of the group's offsets partition (or a stale leader whose ISR is itself,
//!   PROTOCOL.md K3); COORDINATOR_LOAD_IN_PROGRESS only from a LOADING context. A *read*
//!   (OffsetFetch) needs only an ACTIVE context on a broker that still leads the partition in
//!   its own view: a stale leader not yet told of a newer epoch serves reads from memory, as
//!   Kafka's coordinator does (found by the group sweep, seed 131: a zombie coordinator's
//!   stale answer is Kafka's behaviour, not the simulator's fault).
//! * **G-I2 acknowledged ⇒ committed**: when an OffsetCommit is answered with success, each
//!   of its records is below the offsets partition's HW on the answering broker.
//! * **G-I3 durability** (★, clean): an ACTIVE context on the current leader holds, for each
//!   acknowledged commit, that offset or one requested after it was.
//! * **G-I4 classic generation**: within one coordinator incarnation (a broker's process, a
//!   context's load) a group's generation never decreases.
//! * **G-I5 classic states**: every state change is one CL1 allows; CompletingRebalance or
//!   Stable ⇒ no member awaits its JoinGroup.
//! * **G-I6 classic disjointness**: a generation's stored assignments are pairwise disjoint
//!   and hold only partitions of topics their member subscribes to.
//! * **G-I7 single owner among current-generation members**: consumers whose member id is in
//!   the group at its current generation own pairwise disjoint partitions (EAGER revokes all
//!   before joining, COOPERATIVE withholds moving partitions, G-I8). Zombies — removed by a
//!   session or rebalance timeout, or by their own poll-timeout LeaveGroup — are not counted:
//!   they keep fetching (CL16).
//! * **G-I16 committed ≤ HW** (★, clean): a consumer commits only positions it fetched below
//!   the HW (or the HW itself, OC6): no commit names an offset above trueHW (the largest HW
//!   a leader exposed: a new leader's own HW may lag behind it, PROTOCOL.md S9).

use super::coordinator::{ContextState, OffsetsRecord, Request, Response};
use super::partition_for;
use crate::cluster::{offsets_tp, Cluster};
use crate::event::Event;
use crate::ids::{BrokerId, TopicPartition};
use crate::message::{Message, Node};
use litemap::LiteMap;
use serde::Serialize;

/// What a group invariant found: (invariant, partition, starred, detail).
pub type Finding = (String, Option<TopicPartition>, bool, String);

/// An OffsetCommit on the wire: its group, offsets and sequence number.
type Requested = (String, Vec<(TopicPartition, i64)>, u64);
/// A (group, partition)'s requested offsets with their sequence numbers, and the sequence of
/// the newest acknowledged request.
type Commits = (Vec<(u64, i64)>, Option<u64>);

/// The checker's memory for groups.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct GroupChecker {
    /// OffsetCommit requests on the wire, by (client, attempt): (group, offsets, sequence).
    requested: LiteMap<(String, u32), Requested>,
    /// A consumer's OffsetCommits, by the correlation-tagged client name they carry (`c1/ac#7`:
    /// the hub tags each, so that its answer names it, [`crate::group::member::Channel::untag`]).
    member_commits: LiteMap<String, Requested>,
    /// G-I4: the highest generation seen per (broker, incarnation, offsets partition, load
    /// epoch, group).
    generations: LiteMap<(BrokerId, u64, u32, crate::ids::LeaderEpoch, String), i32>,
    /// Per (group, partition): every requested offset with its sequence, and the sequence of
    /// the newest acknowledged request.
    commits: LiteMap<(String, TopicPartition), Commits>,
    next_seq: u64,
}

impl GroupChecker {
    /// Reads the step's events and checks G-I1–G-I3 against the cluster after it.
    pub fn check(&mut self, c: &Cluster, events: &[Event], true_hw: &dyn Fn(&TopicPartition) -> i64, out: &mut Vec<Finding>) {
        if !c.groups.offsets_topic {
            return;
        }
        let n = c.config().groups.offsets_topic_num_partitions;
        for e in events {
            let Event::Sent { from, to, message, .. } = e else { continue };
            match (from, to, message) {
                (Node::Client, Node::Broker(_), Message::OffsetCommit { client, group, attempt, offsets }) => {
                    self.next_seq += 1;
                    self.requested.insert((client.clone(), *attempt), (group.clone(), offsets.clone(), self.next_seq));
                    for (tp, o) in offsets {
                        self.commits.entry((group.clone(), tp.clone())).or_default().0.push((self.next_seq, *o));
                    }
                }
                (Node::Broker(b), Node::Client, Message::OffsetCommitResponse { client, group, attempt, error }) => {
                    let p = partition_for(group, n);
                    let request = self.requested.remove(&(client.clone(), *attempt));
                    match error {
                        None => {
                            placement(c, *b, p, group, "OffsetCommit", out);
                            if let Some((_, offsets, seq)) = request {
                                committed_below_hw(c, *b, p, group, &offsets, out);
                                self.acknowledge(group, &offsets, seq);
                            }
                        }
                        Some(super::GroupError::CoordinatorLoadInProgress) => loading(c, *b, p, group, out),
                        Some(_) => {}
                    }
                }
                (Node::Client, Node::Broker(_), Message::GroupRequest { client, group, request: Request::Commit { offsets, .. } }) => {
                    self.next_seq += 1;
                    for (tp, o) in offsets {
                        self.commits.entry((group.clone(), tp.clone())).or_default().0.push((self.next_seq, *o));
                    }
                    self.member_commits.insert(client.clone(), (group.clone(), offsets.clone(), self.next_seq));
                }
                (Node::Broker(b), Node::Client, Message::GroupResponse { client, group, response }) => {
                    let p = partition_for(group, n);
                    match response {
                        Response::Commit(r) => {
                            let request = self.member_commits.remove(client);
                            if let (Ok(()), Some((_, offsets, seq))) = (r, request) {
                                placement(c, *b, p, group, "OffsetCommit", out);
                                committed_below_hw(c, *b, p, group, &offsets, out);
                                self.acknowledge(group, &offsets, seq);
                            }
                        }
                        Response::Refused(e) => {
                            self.member_commits.remove(client);
                            if *e == super::GroupError::CoordinatorLoadInProgress {
                                loading(c, *b, p, group, out);
                            }
                        }
                        _ => {}
                    }
                }
                (Node::Broker(b), Node::Client, Message::OffsetFetchResponse { group, offsets, .. }) => {
                    let p = partition_for(group, n);
                    match offsets {
                        Ok(_) => serves_reads(c, *b, p, group, out),
                        Err(super::GroupError::CoordinatorLoadInProgress) => loading(c, *b, p, group, out),
                        Err(_) => {}
                    }
                }
                _ => {}
            }
        }
        self.durability(c, n, out);
        self.members(c, events, true_hw, out);
    }

    /// G-I4–G-I7 and G-I16 over the consumers and the groups their coordinators keep.
    fn members(&mut self, c: &Cluster, events: &[Event], true_hw: &dyn Fn(&TopicPartition) -> i64, out: &mut Vec<Finding>) {
        let n = c.config().groups.offsets_topic_num_partitions;
        for e in events {
            match e {
                Event::GroupStateChanged { broker, group, from, to, .. } if !from.may_become(*to) => {
                    out.push(("G-I5".into(), Some(offsets_tp(partition_for(group, n))), false, format!("group {group} on broker {broker} went {} -> {}, which CL1 does not allow", from.name(), to.name())));
                }
                Event::Sent { from: Node::Client, message: Message::GroupRequest { group, request: Request::Commit { offsets, .. }, .. }, .. } => {
                    for (tp, o) in offsets {
                        let hw = true_hw(tp);
                        if *o > hw {
                            out.push(("G-I16".into(), Some(tp.clone()), true, format!("group {group} commits {tp}@{o} above trueHW {hw}")));
                        }
                    }
                }
                _ => {}
            }
        }
        for (b, coordinator) in c.groups.coordinators.iter() {
            let incarnation = c.brokers[b].incarnation;
            for (p, ctx) in coordinator.contexts.iter() {
                if ctx.state != ContextState::Active {
                    continue;
                }
                for (id, g) in ctx.groups.iter() {
                    let key = (*b, incarnation, *p, ctx.epoch, id.clone());
                    let last = self.generations.entry(key).or_insert(g.generation);
                    if g.generation < *last {
                        out.push(("G-I4".into(), Some(offsets_tp(*p)), false, format!("group {id} on broker {b}: generation {} after {}", g.generation, last)));
                    }
                    *last = (*last).max(g.generation);
                    use super::classic::GroupState as S;
                    if matches!(g.state, S::CompletingRebalance | S::Stable) {
                        if let Some(m) = g.members.values().find(|m| m.awaiting_join) {
                            out.push(("G-I5".into(), Some(offsets_tp(*p)), false, format!("group {id} is {} while {} awaits its JoinGroup", g.state.name(), m.id)));
                        }
                    }
                    let mut seen: LiteMap<TopicPartition, String> = LiteMap::new();
                    for m in g.members.values() {
                        // A member replayed from the log (CP3) has no subscription here: the
                        // GroupMetadata record keeps only assignments (docs/fidelity.md).
                        let topics: Option<Vec<&String>> = m.protocols.first().map(|(_, sub)| sub.topics.iter().collect());
                        for tp in &m.assignment {
                            if topics.as_ref().is_some_and(|t| !t.contains(&&tp.topic)) {
                                out.push(("G-I6".into(), Some(tp.clone()), false, format!("group {id} generation {} assigns {tp} to {}, which does not subscribe to {}", g.generation, m.id, tp.topic)));
                            }
                            if let Some(other) = seen.insert(tp.clone(), m.id.clone()) {
                                out.push(("G-I6".into(), Some(tp.clone()), false, format!("group {id} generation {} assigns {tp} to both {other} and {}", g.generation, m.id)));
                            }
                        }
                    }
                }
            }
        }
        // G-I7: the serving coordinator's view of each group decides who is current.
        let mut owners: LiteMap<(String, TopicPartition), String> = LiteMap::new();
        for m in c.groups.members.values().filter(|m| m.is_running() && m.generation >= 0) {
            let p = partition_for(&m.group, n);
            let Some(l) = c.controller.partitions.get(&offsets_tp(p)).and_then(|st| st.leader) else { continue };
            let Some(g) = c.groups.coordinators.get(&l).and_then(|x| x.contexts.get(&p)).filter(|x| x.state == ContextState::Active).and_then(|x| x.groups.get(&m.group)) else { continue };
            if g.generation != m.generation || !g.members.contains_key(&m.member_id) {
                continue;
            }
            for tp in &m.owned {
                if let Some(other) = owners.insert((m.group.clone(), tp.clone()), m.name.clone()) {
                    out.push(("G-I7".into(), Some(tp.clone()), false, format!("{other} and {} both own {tp} in generation {} of {}", m.name, m.generation, m.group)));
                }
            }
        }
    }

    /// The commit `seq` of `offsets` was acknowledged: older requests no longer count.
    fn acknowledge(&mut self, group: &str, offsets: &[(TopicPartition, i64)], seq: u64) {
        for (tp, _) in offsets {
            let entry = self.commits.entry((group.to_string(), tp.clone())).or_default();
            entry.1 = Some(entry.1.map_or(seq, |s| s.max(seq)));
            let acked = entry.1.expect("set");
            entry.0.retain(|(s, _)| *s >= acked);
        }
    }

    /// G-I3 on every ACTIVE context of a current leader.
    fn durability(&self, c: &Cluster, n: u32, out: &mut Vec<Finding>) {
        for ((group, tp), (requested, acked)) in self.commits.iter() {
            let Some(acked) = acked else { continue };
            let otp = offsets_tp(partition_for(group, n));
            let Some(st) = c.controller.partitions.get(&otp) else { continue };
            let Some(l) = st.leader.filter(|l| c.brokers[l].is_running()) else { continue };
            let current = c.replica(l, &otp).is_some_and(|r| r.leader_state().is_some() && r.leader_epoch == st.leader_epoch);
            let Some(ctx) = c.groups.coordinators.get(&l).and_then(|x| x.contexts.get(&otp.partition)) else { continue };
            if !current || ctx.state != ContextState::Active || ctx.epoch != st.leader_epoch {
                continue;
            }
            let have = ctx.offsets.get(group).and_then(|o| o.get(tp)).copied();
            let allowed: Vec<i64> = requested.iter().filter(|(s, _)| s >= acked).map(|(_, o)| *o).collect();
            if !have.is_some_and(|h| allowed.contains(&h)) {
                let have = have.map_or("nothing".to_string(), |h| h.to_string());
                out.push(("G-I3".into(), Some(otp.clone()), true, format!("group {group} {tp}: coordinator {l} holds {have}, but {allowed:?} was acknowledged")));
            }
        }
    }
}

/// G-I1: `b` answers for `group` with success only from an ACTIVE context, as the non-stale
/// leader of the offsets partition (or a stale leader alone in its ISR, K3).
fn placement(c: &Cluster, b: BrokerId, p: u32, group: &str, what: &'static str, out: &mut Vec<Finding>) {
    let otp = offsets_tp(p);
    let active = c.groups.coordinators.get(&b).and_then(|x| x.contexts.get(&p)).is_some_and(|ctx| ctx.state == ContextState::Active);
    let st = &c.controller.partitions[&otp];
    let replica = c.replica(b, &otp);
    let current = st.leader == Some(b) && replica.is_some_and(|r| r.leader_epoch == st.leader_epoch && r.leader_state().is_some());
    let stale_alone = replica.and_then(|r| r.leader_state()).is_some_and(|ls| ls.isr.len() == 1 && ls.isr.contains(&b));
    if !active || !(current || stale_alone) {
        out.push(("G-I1".into(), Some(otp), false, format!("broker {b} answered {what} for {group} without being its active coordinator")));
    }
}

/// G-I1 for a read: an ACTIVE context on a broker that leads the partition in the context's
/// epoch, in its own view (it may be stale: nothing it reads needs the HW to move).
fn serves_reads(c: &Cluster, b: BrokerId, p: u32, group: &str, out: &mut Vec<Finding>) {
    let otp = offsets_tp(p);
    let ctx = c.groups.coordinators.get(&b).and_then(|x| x.contexts.get(&p));
    let leads = c.replica(b, &otp).is_some_and(|r| r.leader_state().is_some() && ctx.is_some_and(|x| x.epoch == r.leader_epoch));
    if !ctx.is_some_and(|x| x.state == ContextState::Active) || !leads {
        out.push(("G-I1".into(), Some(otp), false, format!("broker {b} answered OffsetFetch for {group} without an active context it leads")));
    }
}

/// G-I1: COORDINATOR_LOAD_IN_PROGRESS only from a LOADING context.
fn loading(c: &Cluster, b: BrokerId, p: u32, group: &str, out: &mut Vec<Finding>) {
    let state = c.groups.coordinators.get(&b).and_then(|x| x.contexts.get(&p)).map(|ctx| ctx.state);
    if state != Some(ContextState::Loading) {
        out.push(("G-I1".into(), Some(offsets_tp(p)), false, format!("broker {b} answered COORDINATOR_LOAD_IN_PROGRESS for {group} from a context in state {state:?}")));
    }
}

/// G-I2: each record of an acknowledged commit is below the HW of `b`'s offsets partition.
fn committed_below_hw(c: &Cluster, b: BrokerId, p: u32, group: &str, offsets: &[(TopicPartition, i64)], out: &mut Vec<Finding>) {
    let otp = offsets_tp(p);
    let Some(r) = c.replica(b, &otp) else { return };
    let below = r.log.read(r.log.log_start_offset(), r.log.high_watermark(), usize::MAX);
    for (tp, o) in offsets {
        let rec = OffsetsRecord::Commit { group: group.to_string(), tp: tp.clone(), offset: *o };
        let (key, value) = (rec.key(), rec.value());
        if !below.iter().any(|x| x.key.as_deref() == Some(key.as_str()) && x.value == value) {
            out.push(("G-I2".into(), Some(otp.clone()), false, format!("broker {b} acknowledged {group} {tp}@{o} before its record passed the HW {}", r.log.high_watermark())));
        }
    }
}
