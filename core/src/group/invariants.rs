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
    /// A consumer's requests on the wire, per line (`c1`, `c1/ac`), oldest first: its commits
    /// with their offsets, anything else as `None`. A line waits for each answer before the
    /// next request (or gives it up after `request.timeout.ms`), so answers come in order.
    member_requests: LiteMap<String, std::collections::VecDeque<Option<Requested>>>,
    /// Per (group, partition): every requested offset with its sequence, and the sequence of
    /// the newest acknowledged request.
    commits: LiteMap<(String, TopicPartition), Commits>,
    next_seq: u64,
}

impl GroupChecker {
    /// Reads the step's events and checks G-I1–G-I3 against the cluster after it.
    pub fn check(&mut self, c: &Cluster, events: &[Event], out: &mut Vec<Finding>) {
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
                (Node::Client, Node::Broker(_), Message::GroupRequest { client, group, request }) => {
                    let commit = match request {
                        Request::Commit { offsets, .. } => {
                            self.next_seq += 1;
                            for (tp, o) in offsets {
                                self.commits.entry((group.clone(), tp.clone())).or_default().0.push((self.next_seq, *o));
                            }
                            Some((group.clone(), offsets.clone(), self.next_seq))
                        }
                        _ => None,
                    };
                    self.member_requests.entry(client.clone()).or_default().push_back(commit);
                }
                (Node::Broker(b), Node::Client, Message::GroupResponse { client, group, response }) => {
                    let p = partition_for(group, n);
                    let request = self.member_requests.get_mut(client).and_then(std::collections::VecDeque::pop_front).flatten();
                    match (response, request) {
                        (Response::Commit(Ok(())), Some((_, offsets, seq))) => {
                            placement(c, *b, p, group, "OffsetCommit", out);
                            committed_below_hw(c, *b, p, group, &offsets, out);
                            self.acknowledge(group, &offsets, seq);
                        }
                        (Response::Refused(super::GroupError::CoordinatorLoadInProgress), _) => loading(c, *b, p, group, out),
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
