//! The per-step checker of PROTOCOL §3: one function per invariant I1–I27, run after every
//! step. A violation is an event, not a panic. The ★ invariants are "explained" once an
//! unclean election or a lossy crash has happened; otherwise a violation is a protocol fault
//! (expected only in the legacy truncation modes).

use crate::cluster::Cluster;
use crate::config::TruncationMode;
use crate::event::{CrashKind, ElectionKind, Event, IsrChangeReason, ReadResult};
use crate::ids::{BrokerId, ControllerEpoch, LeaderEpoch, Offset, PartitionEpoch, TopicPartition};
use crate::message::{ids, Acks, LeaderRecoveryState, Message};
use crate::log::Value;
use crate::report::cache_text;
use crate::replica::{Replica, Role};
use serde::Serialize;
use litemap::LiteMap;

/// A broken invariant, with its evidence.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Violation {
    /// "I9".
    pub invariant: String,
    /// The step after which it was found.
    pub step: u64,
    /// The partition, if it concerns one.
    pub tp: Option<TopicPartition>,
    /// True when an unclean election or lossy crash explains it (★ invariants only).
    pub explained: bool,
    /// The evidence.
    pub detail: String,
}

/// The checker's memory: checker-only variables (trueHW, acked values, consumed records)
/// and the last seen epochs for the monotonicity invariants.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Checker {
    /// The committed prefix per partition: `(epoch, value)` at offsets `[0, trueHW)`.
    pub committed: LiteMap<TopicPartition, Vec<(LeaderEpoch, Value)>>,
    /// Positively acked acks=all values per partition, with their offsets.
    pub acked: LiteMap<TopicPartition, Vec<(Offset, Value)>>,
    /// Records consumers received, in the order they got them.
    pub consumed: LiteMap<TopicPartition, Vec<(Offset, LeaderEpoch, Value)>>,
    /// Unclean elections so far, per partition.
    pub unclean_elections: LiteMap<TopicPartition, u32>,
    /// Lossy crashes of brokers hosting each partition.
    pub lossy_crashes: LiteMap<TopicPartition, u32>,
    /// Partitions whose ISR shrank to one member after a lossy crash of one of its replicas:
    /// a "last replica standing" event (§3 "Clean").
    pub lrs_events: LiteMap<TopicPartition, ()>,
    /// Replicas that lost their unflushed tail in a lossy crash and have not rejoined the
    /// ISR since: what an ISR-member invariant finds wrong with them is explained.
    pub lossy_members: LiteMap<(BrokerId, TopicPartition), ()>,
    epochs: LiteMap<TopicPartition, (LeaderEpoch, PartitionEpoch)>,
    /// Moves seen completing (RA5) and being cancelled (RA7): what a sweep exercised.
    pub moves_completed: usize,
    /// See `moves_completed`.
    pub moves_cancelled: usize,
    /// Segments retention deleted (a sweep's exercise count).
    pub segments_deleted: usize,
    /// The fewest replicas each partition has had (reassignments change the count; "Clean"
    /// in §3 counts lossy crashes against it).
    min_replicas: LiteMap<TopicPartition, usize>,
    /// L-I7: each replica's log start offset as last seen.
    log_starts: LiteMap<(BrokerId, TopicPartition), Offset>,
    /// Replicas truncated, created or deleted in the step being checked (L-I7's exceptions).
    #[serde(skip)]
    log_start_resets: Vec<(BrokerId, TopicPartition)>,
    /// Each partition's registration as last seen (K-I17, K-I18 compare a change with it).
    registrations: LiteMap<TopicPartition, crate::message::PartitionState>,
    /// What an ELR sweep exercised: elections from the ELR (EL4), of the last known leader
    /// (EL6), and ISRs written empty (EL5).
    #[cfg(feature = "kraft")]
    pub elr_exercised: [usize; 3],
    /// K-I15: brokers in an ISR of a change since the registration last seen.
    #[cfg(feature = "kraft")]
    #[serde(skip)]
    isr_seen: LiteMap<TopicPartition, Vec<BrokerId>>,
    /// K-I15: brokers that registered after an unclean shutdown in the step being checked.
    #[cfg(feature = "kraft")]
    #[serde(skip)]
    unclean_registrations: Vec<BrokerId>,
    replica_epochs: LiteMap<(BrokerId, TopicPartition), (LeaderEpoch, PartitionEpoch)>,
    leader_hw: LiteMap<(BrokerId, TopicPartition), (LeaderEpoch, Offset)>,
    controller_epochs: LiteMap<BrokerId, ControllerEpoch>,
    controller_epoch: ControllerEpoch,
    reported: LiteMap<(String, Option<TopicPartition>), ()>,
    /// Every violation found, in order.
    pub violations: Vec<Violation>,
    /// Bumped when a partition's committed prefix is rebased.
    committed_generation: LiteMap<TopicPartition, u64>,
    verified: Verified,
    /// Re-read everything after every step (the reference the incremental checker is tested against).
    full: bool,
    /// The group invariants (PROTOCOL-GROUPS.md §3, G-I1–G-I3 so far).
    #[cfg(feature = "groups")]
    groups: crate::group::invariants::GroupChecker,
    /// The compaction invariants (PROTOCOL-LOG §3, L-I8–L-I14).
    #[cfg(feature = "compaction")]
    pub cleaner: crate::cleaner::invariants::CleanerChecker,
}

/// Prefixes already checked, so that a step only looks at what changed (re-reading every log
/// after every step would make the checker quadratic). A cached prefix is reused only while
/// the logs it covers have the same [`crate::log::Log::generation`] (no record removed).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
struct Verified {
    /// I4/I5 per replica: (log generation, checked below this offset, cache entries then).
    records: LiteMap<(BrokerId, TopicPartition), (u64, Offset, Vec<crate::epoch_cache::EpochEntry>)>,
    /// I8/I10 per replica: (log generation, committed generation, matches below this offset).
    committed: LiteMap<(BrokerId, TopicPartition), (u64, u64, usize)>,
    /// I13–I16 per pair of replicas: (generations, identical below this offset).
    pairs: LiteMap<(BrokerId, BrokerId, TopicPartition), (u64, u64, Offset)>,
    /// I9/I19/I20 per partition: (fingerprint of the logs looked at, entries checked).
    lists: LiteMap<(String, TopicPartition), (u64, usize)>,
}

struct Found {
    /// (invariant, partition, starred, detail, explained by a member's own lossy crash)
    out: Vec<(String, Option<TopicPartition>, bool, String, bool)>,
}

impl Found {
    fn add(&mut self, inv: &str, tp: Option<&TopicPartition>, starred: bool, detail: String) {
        self.out.push((inv.to_string(), tp.cloned(), starred, detail, false));
    }
    /// A violation by ISR member `member` whose log went back in a lossy crash.
    fn add_member(&mut self, inv: &str, tp: &TopicPartition, lossy_member: bool, detail: String) {
        self.out.push((inv.to_string(), Some(tp.clone()), true, detail, lossy_member));
    }
}

/// A committed offset whose record the checker never saw: compaction had removed it from the
/// log the prefix was read from (CC9); it matches whatever a replica holds there.
const REMOVED: (LeaderEpoch, Value) = (LeaderEpoch::UNDEFINED, Value::TOMBSTONE);

/// True when `o` may be absent from `r`'s log because its cleaner, or the leader's it fetched
/// from, removed it (CC9, CC14; PROTOCOL-LOG L-I5): below the LEO of a compacted log. What
/// compaction may remove is checked by L-I9–L-I14 (`cleaner::invariants`).
#[cfg(feature = "compaction")]
fn compacted_hole(r: &Replica, o: Offset) -> bool {
    o < r.log.log_end_offset() && r.log.config().cleanup_policy.compacts()
}
/// Without the cleaner no log has holes (a build that refuses compacted topics).
#[cfg(not(feature = "compaction"))]
fn compacted_hole(_: &Replica, _: Offset) -> bool {
    false
}

/// The entry of the committed prefix at `o` read from `r`'s log: its record, [`REMOVED`] for a
/// compacted hole, none past what it holds.
fn committed_entry(r: &Replica, o: Offset) -> Option<(LeaderEpoch, Value)> {
    match r.log.record_at(o) {
        Some(rec) => Some((rec.epoch, rec.value.clone())),
        None if compacted_hole(r, o) => Some(REMOVED),
        None => None,
    }
}

/// The first committed offset `r` does not hold as committed: its description, and whether a
/// different record is there (`true`) or none (`false`).
fn prefix_mismatch(r: &Replica, committed: &[(LeaderEpoch, Value)], from: usize) -> Option<(String, bool)> {
    for (o, (e, v)) in committed.iter().enumerate().skip(from) {
        if *e == REMOVED.0 {
            continue;
        }
        match r.log.record_at(Offset(o as i64)) {
            Some(rec) if rec.epoch == *e && rec.value == *v => {}
            Some(rec) => return Some((format!("offset {o} is ({},{}) on broker {}, committed as ({e},{v})", rec.epoch, rec.value, r.broker), true)),
            None if (o as i64) < r.log.log_start_offset().0 || compacted_hole(r, Offset(o as i64)) => {}
            None => return Some((format!("offset {o} ({e},{v}) is missing on broker {}", r.broker), false)),
        }
    }
    None
}

/// The epoch-cache entries that start below `upto` (those that decide the epochs of the
/// records below it).
fn cache_below(r: &Replica, upto: Offset) -> &[crate::epoch_cache::EpochEntry] {
    let entries = r.epoch_cache.entries();
    &entries[..entries.partition_point(|e| e.start_offset < upto)]
}

fn same_entries(a: &Replica, b: &Replica, from: Offset, upto: Offset) -> Option<Offset> {
    let from = from.max(a.log.log_start_offset()).max(b.log.log_start_offset());
    (from.0..upto.0).map(Offset).find(|o| {
        match (a.log.record_at(*o), b.log.record_at(*o)) {
            (Some(x), Some(y)) => (x.epoch, &x.value) != (y.epoch, &y.value),
            (None, None) => false,
            (None, Some(_)) => !compacted_hole(a, *o),
            (Some(_), None) => !compacted_hole(b, *o),
        }
    })
}

impl Checker {
    /// `prefix_mismatch` from where the last check of this replica left off.
    fn committed_mismatch(&mut self, r: &Replica, committed: &[(LeaderEpoch, Value)]) -> Option<(String, bool)> {
        let key = (r.broker, r.tp.clone());
        let cgen = self.committed_generation.get(&r.tp).copied().unwrap_or(0);
        let gen = r.log.generation();
        let from = match self.verified.committed.get(&key) {
            Some((g, cg, upto)) if *g == gen && *cg == cgen => *upto,
            _ => 0,
        };
        let upto = committed.len();
        if from >= upto {
            return None;
        }
        let found = prefix_mismatch(r, &committed[..upto], from);
        if found.is_none() {
            self.verified.committed.insert(key, (gen, cgen, upto));
        }
        found
    }

    /// `same_entries` from where the last comparison of this pair left off.
    fn pair_mismatch(&mut self, a: &Replica, b: &Replica, upto: Offset) -> Option<Offset> {
        let (x, y) = if a.broker <= b.broker { (a, b) } else { (b, a) };
        let key = (x.broker, y.broker, x.tp.clone());
        let gens = (x.log.generation(), y.log.generation());
        let from = match self.verified.pairs.get(&key) {
            Some((ga, gb, done)) if (*ga, *gb) == gens => *done,
            _ => Offset(0),
        };
        if from >= upto {
            return None;
        }
        let found = same_entries(x, y, from, upto);
        if found.is_none() {
            self.verified.pairs.insert(key, (gens.0, gens.1, upto));
        }
        found
    }

    /// The index of the first unchecked entry of a list (acked values, consumed records)
    /// against logs whose fingerprint is `fp`; records that the list is checked up to `len`.
    fn list_from(&mut self, kind: &'static str, tp: &TopicPartition, fp: u64, len: usize) -> usize {
        let key = (kind.to_string(), tp.clone());
        let from = match self.verified.lists.get(&key) {
            Some((f, n)) if *f == fp => *n,
            _ => 0,
        };
        self.verified.lists.insert(key, (fp, len));
        from.min(len)
    }

    /// Overrides how many entries of a list [`Checker::list_from`] counts as checked.
    fn list_mark(&mut self, kind: &'static str, tp: &TopicPartition, fp: u64, checked: usize) {
        self.verified.lists.insert((kind.to_string(), tp.clone()), (fp, checked));
    }

    /// Makes every check re-read every log (slow; for testing the incremental checker).
    pub fn set_full(&mut self, full: bool) {
        self.full = full;
    }

    /// Checks every invariant after a step; returns new violations as events.
    pub fn check(&mut self, c: &Cluster, step: u64, events: &[Event]) -> Vec<Event> {
        if self.full {
            self.verified = Verified::default();
        }
        let mut f = Found { out: Vec::new() };
        self.log_start_resets = events
            .iter()
            .filter_map(|e| match e {
                Event::Truncated { broker, tp, .. } | Event::ReplicaCreated { broker, tp } | Event::ReplicaDeleted { broker, tp } => Some((*broker, tp.clone())),
                _ => None,
            })
            .collect();
        self.observe(c, events, &mut f);
        self.advance_true_hw(c);
        for (tp, st) in &c.controller.partitions {
            self.check_partition(c, tp, st, &mut f);
        }
        self.check_fetches_in_flight(c, &mut f);
        self.check_controller_epochs(c, &mut f);
        #[cfg(feature = "groups")]
        {
            let mut group_findings = Vec::new();
            let committed = &self.committed;
            let true_hw = |tp: &TopicPartition| committed.get(tp).map_or(0, |v| v.len() as i64);
            self.groups.check(c, events, &true_hw, &mut group_findings);
            for (inv, tp, starred, detail) in group_findings {
                f.out.push((inv, tp, starred, detail, false));
            }
        }
        #[cfg(feature = "compaction")]
        {
            let mut found = Vec::new();
            self.cleaner.check(c, events, &self.log_start_resets, &mut found);
            f.out.extend(found.into_iter().map(|(inv, tp, starred, detail)| (inv, tp, starred, detail, false)));
        }
        // "Clean" (§3): no unclean election and at most minISR - 1 lossy crashes.
        // Once the committed prefix is lost (I8/I9), the truth moves on: trueHW restarts from
        // the current leader's HW ("trueHW goes 3 -> 2", S4), so later checks compare with it.
        for (inv, tp, _, _, _) in &f.out {
            if let (Some(tp), "I8" | "I9") = (tp, inv.as_str()) {
                self.rebase(c, tp);
            }
        }
        let this = &*self;
        let explained = |tp: &Option<TopicPartition>| {
            // "Clean" (§3): no unclean election, at most effectiveMinIsr - 1 lossy crashes,
            // and no last-replica-standing event.
            let Some(tp) = tp else { return false };
            // With reassignments the replica count changes: a record acked under the smallest
            // count the partition has had may have had only that many copies.
            let rf = this.min_replicas.get(tp).copied().unwrap_or_else(|| c.controller.partitions.get(tp).map_or(1, |p| p.replicas.len()));
            let lossy = this.lossy_crashes.get(tp).copied().unwrap_or(0) as usize;
            this.unclean_elections.get(tp).is_some_and(|n| *n > 0)
                || lossy > c.config().effective_min_isr(rf).saturating_sub(1)
                || this.lrs_events.contains_key(tp)
        };
        let explained: Vec<bool> = f.out.iter().map(|(_, tp, _, _, member)| *member || explained(tp)).collect();
        let mut new = Vec::new();
        for ((inv, tp, starred, detail, _), expl) in f.out.into_iter().zip(explained) {
            if self.reported.insert((inv.clone(), tp.clone()), ()).is_some() {
                continue;
            }
            let v = Violation { invariant: inv, step, explained: starred && expl, tp, detail };
            new.push(Event::InvariantViolated { invariant: v.invariant.clone(), tp: v.tp.clone(), explained: v.explained, detail: v.detail.clone() });
            self.violations.push(v);
        }
        new
    }

    /// Reads the step's events: elections, crashes, acks, reads, ISR additions, appends.
    fn observe(&mut self, c: &Cluster, events: &[Event], f: &mut Found) {
        let cfg = c.config();
        #[cfg(feature = "kraft")]
        self.observe_elr(events);
        for e in events {
            match e {
                Event::LeaderElected { tp, kind: ElectionKind::Unclean, .. } => {
                    *self.unclean_elections.entry(tp.clone()).or_default() += 1;
                }
                #[cfg(feature = "kraft")]
                Event::LeaderElected { tp, kind: ElectionKind::LastKnownLeader, .. } => {
                    *self.unclean_elections.entry(tp.clone()).or_default() += 1;
                }
                // L-I6 (PROTOCOL-LOG §3): retention deleted nothing at or above the HW: the
                // first survivor's base bounds every deleted segment's end.
                Event::SegmentsDeleted { broker, tp, log_start, high_watermark, bases, .. } => {
                    self.segments_deleted += bases.len();
                    if log_start > high_watermark {
                        f.add("L-I6", Some(tp), false, format!("broker {broker} deleted segments up to {log_start}, above its HW {high_watermark}"));
                    }
                }
                Event::ReassignmentCompleted { .. } => self.moves_completed += 1,
                Event::ReassignmentCancelled { .. } => self.moves_cancelled += 1,
                Event::BrokerCrashed { broker, kind: CrashKind::Lossy } => {
                    for tp in c.brokers[broker].replicas.keys() {
                        *self.lossy_crashes.entry(tp.clone()).or_default() += 1;
                        self.lossy_members.insert((*broker, tp.clone()), ());
                    }
                }
                Event::IsrChanged { tp, to, .. } | Event::LeaderElected { tp, isr: to, .. }
                    if to.len() == 1 && self.lossy_crashes.get(tp).is_some_and(|n| *n > 0) =>
                {
                    self.lrs_events.insert(tp.clone(), ());
                }
                Event::ProduceCompleted { id, tp, error: None, offset: Some(o) } => {
                    let Some(p) = c.produced(*id) else { continue };
                    if p.acks == Acks::All {
                        self.acked.entry(tp.clone()).or_default().push((*o, p.value.clone()));
                    }
                }
                Event::Sent { from: crate::message::Node::Broker(b), message: Message::ProduceResponse { id, tp, error: None, .. }, .. } => {
                    // I25 (second half): the leader answers acks=all success only with
                    // |maximalIsr| >= minISR at that moment.
                    let Some(p) = c.produced(*id).filter(|p| p.acks == Acks::All) else { continue };
                    let Some(r) = c.replica(*b, tp) else { continue };
                    let Some(l) = r.leader_state() else { continue };
                    if l.maximal_isr.len() < cfg.effective_min_isr(r.replicas.len()) {
                        f.add("I25", Some(tp), false, format!("acks=all produce #{} acked with maximal ISR {}", p.id, ids(l.maximal_isr.iter().copied())));
                    }
                }
                Event::ConsumerRead { broker, tp, result: ReadResult::Records(recs), .. } => {
                    let hw = c.replica(*broker, tp).map_or(Offset(0), |r| r.log.high_watermark());
                    for (o, ep, v) in recs {
                        if *o >= hw {
                            f.add("I19", Some(tp), false, format!("consumer got offset {o} at or above HW {hw}"));
                        }
                        self.consumed.entry(tp.clone()).or_default().push((*o, *ep, v.clone()));
                    }
                }
                Event::IsrChanged { tp, from, to, reason: IsrChangeReason::CaughtUp, .. } => {
                    // I21: an added replica reached trueHW and its broker epoch is current.
                    let true_hw = self.committed.get(tp).map_or(0, |v| v.len() as i64);
                    for b in to.iter().filter(|b| !from.contains(b)) {
                        let leo = c.replica(*b, tp).map_or(Offset(-1), |r| r.log.log_end_offset());
                        let reg_ok = c.controller.registrations.get(b).is_some_and(|r| !r.fenced);
                        if leo.0 < true_hw || !reg_ok {
                            let lossy = self.lossy_members.contains_key(&(*b, tp.clone()));
                            let detail = format!("broker {b} joined the ISR with LEO {leo} < trueHW {true_hw} or a stale registration");
                            if lossy {
                                f.add_member("I21", tp, true, detail);
                            } else {
                                f.add("I21", Some(tp), false, detail);
                            }
                        }
                        self.lossy_members.remove(&(*b, tp.clone()));
                    }
                }
                Event::Appended { broker, tp, acks: Acks::All, isr, .. } => {
                    // I25 (first half): no acks=all record is appended while |isr| < minISR,
                    // with the replica count the leader knows (during a move it may be ahead of
                    // or behind the controller's: Partition.effectiveMinIsr counts the leader's).
                    let rf = c.replica(*broker, tp).map_or_else(|| c.controller.partitions[tp].replicas.len(), |r| r.replicas.len());
                    if isr.len() < cfg.effective_min_isr(rf) {
                        f.add("I25", Some(tp), false, format!("broker {broker} appended an acks=all record with ISR {}", ids(isr.iter().copied())));
                    }
                }
                Event::HighWatermark { broker, tp, from, to, leader: true } if cfg.hw_requires_min_isr && to > from => {
                    let Some(r) = c.replica(*broker, tp) else { continue };
                    if r.leader_state().is_some_and(|l| l.isr.len() < cfg.effective_min_isr(r.replicas.len())) {
                        f.add("I26", Some(tp), false, format!("leader {broker} raised HW {from} -> {to} under min ISR"));
                    }
                }
                Event::Replicated { broker, tp, .. } if matches!(cfg.truncation_mode, TruncationMode::Fetch | TruncationMode::Kip279) => {
                    // I16: after truncation completes and the follower appends, its log is a
                    // prefix of its leader's.
                    let Some(r) = c.replica(*broker, tp) else { continue };
                    let Some(leader) = r.follower_state().map(|s| s.leader) else { continue };
                    let Some(l) = c.replica(leader, tp) else { continue };
                    if l.leader_state().is_none() || l.leader_epoch != r.leader_epoch {
                        continue;
                    }
                    if r.log.log_end_offset() > l.log.log_end_offset() {
                        f.add("I16", Some(tp), false, format!("follower {broker} LEO {} beyond leader LEO {}", r.log.log_end_offset(), l.log.log_end_offset()));
                    } else if let Some(o) = same_entries(r, l, Offset(0), r.log.log_end_offset()) {
                        f.add("I16", Some(tp), false, format!("follower {broker} differs from leader {leader} at offset {o} after truncation"));
                    }
                }
                _ => {}
            }
        }
    }

    /// Restarts the committed prefix of `tp` from its current leader's log up to its HW.
    /// K-I14, K-I15 (EL3, EL5, EL7) on a registration the controller just wrote: the ELR's
    /// shape, where its members came from, and no uncleanly registered broker in it.
    #[cfg(feature = "kraft")]
    fn check_elr(&mut self, c: &Cluster, tp: &TopicPartition, st: &crate::message::PartitionState, f: &mut Found) {
        let prev = self.registrations.get(tp);
        let mut seen = self.isr_seen.remove(tp).unwrap_or_default();
        seen.extend(prev.map(|p| p.isr.clone()).unwrap_or_default());
        let min_isr = c.controller.effective_min_isr(c.config(), tp);
        for detail in crate::elr::findings(crate::controller::Controller::elr_enabled(c.config()), min_isr, prev, &seen, st) {
            f.add(detail.0, Some(tp), false, detail.1);
        }
    }

    /// K-I15's second half, on every partition (changed or not): a broker that registered after
    /// an unclean shutdown in this step is in no ELR.
    #[cfg(feature = "kraft")]
    fn check_unclean_registrations(&self, tp: &TopicPartition, st: &crate::message::PartitionState, f: &mut Found) {
        if let Some(b) = self.unclean_registrations.iter().find(|b| st.elr.contains(**b)) {
            f.add("K-I15", Some(tp), false, format!("broker {b} registered after an unclean shutdown but is still in ELR {}", ids(st.elr.members())));
        }
    }

    /// K-I15: who was in an ISR of a change since the registration last checked, and who
    /// registered after an unclean shutdown in this step.
    #[cfg(feature = "kraft")]
    fn observe_elr(&mut self, events: &[Event]) {
        self.unclean_registrations.clear();
        for e in events {
            let (tp, isr): (&TopicPartition, Vec<BrokerId>) = match e {
                Event::IsrChanged { tp, from, to, .. } => {
                    self.elr_exercised[2] += usize::from(to.is_empty());
                    (tp, from.iter().chain(to).copied().collect())
                }
                Event::LeaderElected { tp, isr, kind, .. } => {
                    self.elr_exercised[0] += usize::from(*kind == ElectionKind::FromElr);
                    self.elr_exercised[1] += usize::from(*kind == ElectionKind::LastKnownLeader);
                    (tp, isr.clone())
                }
                Event::UncleanShutdownDetected { broker } => {
                    self.unclean_registrations.push(*broker);
                    continue;
                }
                _ => continue,
            };
            let seen = self.isr_seen.entry(tp.clone()).or_default();
            for b in isr {
                if !seen.contains(&b) {
                    seen.push(b);
                }
            }
        }
    }

    fn rebase(&mut self, c: &Cluster, tp: &TopicPartition) {
        *self.committed_generation.entry(tp.clone()).or_default() += 1;
        let st = &c.controller.partitions[tp];
        let Some(l) = st.leader.and_then(|l| c.replica(l, tp)) else { return };
        let prefix = (l.log.log_start_offset().0..l.log.high_watermark().0).map_while(|o| committed_entry(l, Offset(o)));
        let prefix = std::iter::repeat_n(REMOVED, l.log.log_start_offset().0 as usize).chain(prefix).collect();
        self.committed.insert(tp.clone(), prefix);
    }

    /// trueHW = the largest HW any running leader exposed; the committed prefix grows from it.
    pub fn advance_true_hw(&mut self, c: &Cluster) {
        for b in c.brokers.values().filter(|b| b.is_running()) {
            for r in b.replicas.values().filter(|r| r.leader_state().is_some()) {
                let committed = self.committed.entry(r.tp.clone()).or_default();
                let hw = r.log.high_watermark().0;
                while (committed.len() as i64) < hw {
                    let Some(entry) = committed_entry(r, Offset(committed.len() as i64)) else { break };
                    committed.push(entry);
                }
            }
        }
    }

    fn check_partition(&mut self, c: &Cluster, tp: &TopicPartition, st: &crate::message::PartitionState, f: &mut Found) {
        // I1, I2 (controller side).
        if let Some((le, pe)) = self.epochs.get(tp) {
            if st.leader_epoch < *le {
                f.add("I1", Some(tp), false, format!("leader epoch went {le} -> {}", st.leader_epoch));
            }
            if st.partition_epoch < *pe {
                f.add("I2", Some(tp), false, format!("partition epoch went {pe} -> {}", st.partition_epoch));
            }
        }
        self.epochs.insert(tp.clone(), (st.leader_epoch, st.partition_epoch));
        // K-I17, K-I18 (PROTOCOL-KRAFT §3): a reassignment's sets and how a move ends.
        if self.registrations.get(tp).is_none_or(|prev| prev.partition_epoch != st.partition_epoch) {
            for detail in reassignment_findings(self.registrations.get(tp), st) {
                f.add(detail.0, Some(tp), false, detail.1);
            }
            #[cfg(feature = "kraft")]
            self.check_elr(c, tp, st, f);
            self.registrations.insert(tp.clone(), st.clone());
            let n = self.min_replicas.get(tp).copied().unwrap_or(usize::MAX).min(st.replicas.len());
            self.min_replicas.insert(tp.clone(), n);
        }
        #[cfg(feature = "kraft")]
        self.check_unclean_registrations(tp, st, f);
        // I17.
        if let Some(l) = st.leader {
            if !st.isr.contains(&l) {
                f.add("I17", Some(tp), false, format!("leader {l} not in ISR {}", ids(st.isr.iter().copied())));
            }
        }
        // With ELR the ISR may be empty (EL5); then no fenced broker is ever in it (K-I14).
        let elr = crate::controller::Controller::elr_enabled(c.config());
        if (st.isr.is_empty() && !elr) || !st.isr.iter().all(|b| st.replicas.contains(b)) {
            f.add("I17", Some(tp), false, format!("ISR {} empty or not within replicas {}", ids(st.isr.iter().copied()), ids(st.replicas.iter().copied())));
        }
        // With ELR no fenced broker stays in an ISR, except 4.0's EL6 bug: a fenced last known
        // leader elected (K-I12's exception).
        #[cfg(feature = "kraft")]
        let fenced_leader_allowed = !c.config().last_known_leader_requires_active;
        #[cfg(not(feature = "kraft"))]
        let fenced_leader_allowed = true;
        if st.isr.len() > 1 || (elr && !st.isr.is_empty() && !fenced_leader_allowed) {
            for b in &st.isr {
                if c.controller.registrations.get(b).is_some_and(|r| r.fenced) {
                    f.add("I17", Some(tp), false, format!("fenced broker {b} in ISR {}", ids(st.isr.iter().copied())));
                }
            }
        }
        // I27.
        // With ELR the unclean leader may be fenced before it recovers: ISR [], no leader (EL5).
        let emptied = elr && st.isr.is_empty() && st.leader.is_none();
        if st.leader_recovery_state == LeaderRecoveryState::Recovering && !emptied && (st.isr.len() != 1 || st.leader.map(|l| vec![l]) != Some(st.isr.clone())) {
            f.add("I27", Some(tp), false, format!("RECOVERING with ISR {}", ids(st.isr.iter().copied())));
        }
        let replicas: Vec<&Replica> = st.replicas.iter().filter_map(|b| c.replica(*b, tp)).collect();
        let running = |r: &&Replica| c.brokers[&r.broker].is_running();
        // An ISR member "is" the registered incarnation of its broker: a broker that restarted
        // and has not re-registered yet is still the old member as far as the controller knows.
        let member = |r: &&Replica| {
            let b = &c.brokers[&r.broker];
            b.is_running() && c.controller.registrations.get(&b.id).is_some_and(|reg| reg.broker_epoch == b.broker_epoch)
        };
        let mut current_leaders = 0;
        for r in &replicas {
            self.check_replica(c, r, st.leader_epoch, f);
            if running(r) && r.leader_state().is_some() && r.leader_epoch == st.leader_epoch {
                current_leaders += 1;
                if st.leader != Some(r.broker) {
                    f.add("I18", Some(tp), false, format!("broker {} leads in epoch {} but the controller's leader is {}", r.broker, r.leader_epoch, st.leader.map_or("none".into(), |b| b.to_string())));
                }
            }
        }
        if current_leaders > 1 {
            f.add("I18", Some(tp), false, format!("{current_leaders} leaders in epoch {}", st.leader_epoch));
        }
        // Taken out (not cloned) while the partition is checked: it can be long.
        let committed = self.committed.remove(tp).unwrap_or_default();
        let true_hw = committed.len();
        // I8, I9: the current leader holds the committed prefix and every acked write.
        let leader = st.leader.and_then(|l| c.replica(l, tp)).filter(|r| running(r) && r.leader_epoch == st.leader_epoch && r.leader_state().is_some());
        if let Some(l) = leader {
            if let Some((d, replaced)) = self.committed_mismatch(l, &committed) {
                // I9's second part: the leader's prefix below trueHW is the committed prefix
                // (a missing tail is its first part, LEO >= trueHW, below).
                if replaced {
                    f.add("I9", Some(tp), true, format!("prefix below trueHW {true_hw} differs: {d}"));
                }
                f.add("I8", Some(tp), true, d);
            }
            if (l.log.log_end_offset().0 as usize) < true_hw {
                f.add("I9", Some(tp), true, format!("leader {} LEO {} < trueHW {true_hw}", l.broker, l.log.log_end_offset()));
            }
            let acked = self.acked.get(tp).map_or(0, Vec::len);
            let from = self.list_from("I9", tp, (u64::from(l.broker.0) << 48) ^ l.log.generation(), acked);
            for (o, v) in self.acked.get(tp).into_iter().flatten().skip(from) {
                if l.log.record_at(*o).is_none_or(|r| &r.value != v) && *o >= l.log.log_start_offset() && !compacted_hole(l, *o) {
                    f.add("I9", Some(tp), true, format!("acked acks=all value {v} at offset {o} missing on leader {}", l.broker));
                }
            }
            // I11.
            if let Some(ls) = l.leader_state() {
                if !st.isr.iter().all(|b| ls.maximal_isr.contains(b)) {
                    f.add("I11", Some(tp), false, format!("maximal ISR {} not a superset of controller ISR {}", ids(ls.maximal_isr.iter().copied()), ids(st.isr.iter().copied())));
                }
                if ls.pending_isr.is_none() && ls.maximal_isr != ls.isr {
                    f.add("I11", Some(tp), false, format!("no AlterPartition in flight but maximal ISR {} != ISR {}", ids(ls.maximal_isr.iter().copied()), ids(ls.isr.iter().copied())));
                }
                // I12 and I24.
                let hw = l.log.high_watermark();
                for b in &st.isr {
                    if let Some(m) = c.replica(*b, tp).filter(member) {
                        if m.log.log_end_offset() < hw {
                            let lossy = self.lossy_members.contains_key(&(*b, tp.clone()));
                            f.add_member("I12", tp, lossy, format!("ISR member {b} LEO {} < leader HW {hw}", m.log.log_end_offset()));
                        }
                    }
                }
                if l.log.log_start_offset() > hw {
                    f.add("I24", Some(tp), false, format!("log start {} past HW {hw}", l.log.log_start_offset()));
                }
            }
            // I19 (second half): nothing consumed was replaced on the leader.
            // A consumed offset the leader does not hold (truncated away, not yet written again)
            // cannot be verified yet: the checked count stops before it, so that the record
            // written there later is compared too (an append does not change the generation).
            let consumed = self.consumed.get(tp).map_or(0, Vec::len);
            let fp = (u64::from(l.broker.0) << 48) ^ l.log.generation();
            let from = self.list_from("I19", tp, fp, consumed);
            let mut verified = consumed;
            for (i, (o, e, v)) in self.consumed.get(tp).into_iter().flatten().enumerate().skip(from) {
                match l.log.record_at(*o) {
                    Some(rec) if rec.epoch != *e || &rec.value != v => {
                        f.add("I19", Some(tp), true, format!("consumed ({o},{e},{v}) replaced by ({},{}) on leader", rec.epoch, rec.value));
                    }
                    Some(_) => {}
                    None if *o < l.log.log_start_offset() || compacted_hole(l, *o) => {}
                    None => verified = verified.min(i),
                }
            }
            self.list_mark("I19", tp, fp, verified);
        }
        // I10: running ISR members hold the committed prefix.
        for b in &st.isr {
            if let Some(m) = c.replica(*b, tp).filter(member) {
                if let Some((d, _)) = self.committed_mismatch(m, &committed) {
                    f.add_member("I10", tp, self.lossy_members.contains_key(&(*b, tp.clone())), d);
                }
            }
        }
        // I13, I14: every presumed leader's HW prefix is identical on the ISR members.
        for l in replicas.iter().filter(|r| running(r)) {
            let Some(ls) = l.leader_state() else { continue };
            let hw = l.log.high_watermark();
            for (inv, members) in [("I13", &st.isr), ("I14", &ls.isr)] {
                for b in members.iter().filter(|b| **b != l.broker) {
                    if let Some(m) = c.replica(*b, tp).filter(member) {
                        if let Some(o) = self.pair_mismatch(l, m, hw) {
                            let lossy = self.lossy_members.contains_key(&(*b, tp.clone())) || self.lossy_members.contains_key(&(l.broker, tp.clone()));
                            f.add_member(inv, tp, lossy, format!("leader {} (HW {hw}) and ISR member {b} differ at offset {o}", l.broker));
                        }
                    }
                }
            }
        }
        // I15: log matching below both HWs (between running replicas: a crashed broker's
        // disk is not read until it restarts).
        let live: Vec<&&Replica> = replicas.iter().filter(|r| running(r)).collect();
        for (i, a) in live.iter().enumerate() {
            for b in live.iter().skip(i + 1) {
                let upto = a.log.high_watermark().min(b.log.high_watermark());
                if let Some(o) = self.pair_mismatch(a, b, upto) {
                    f.add("I15", Some(tp), true, format!("brokers {} and {} differ at offset {o} below both HWs", a.broker, b.broker));
                }
            }
        }
        // I20: every acked acks=all value exists somewhere.
        let fingerprint = replicas.iter().fold(0xcbf2_9ce4_8422_2325u64, |h, r| {
            (h ^ (u64::from(r.broker.0) << 40 ^ r.log.generation())).wrapping_mul(0x0100_0000_01b3)
        });
        let acked = self.acked.get(tp).map_or(0, Vec::len);
        let from = self.list_from("I20", tp, fingerprint, acked);
        for (o, v) in self.acked.get(tp).into_iter().flatten().skip(from) {
            if !replicas.iter().any(|r| r.log.record_at(*o).is_some_and(|rec| &rec.value == v) || *o < r.log.log_start_offset() || compacted_hole(r, *o)) {
                f.add("I20", Some(tp), true, format!("acked acks=all value {v} at offset {o} is on no replica"));
            }
        }
        self.committed.insert(tp.clone(), committed);
    }

    /// I22: an in-flight fetch of a current follower is at its LEO (one pass over the wire).
    fn check_fetches_in_flight(&mut self, c: &Cluster, f: &mut Found) {
        for m in c.network.in_flight.values() {
            let Message::FetchRequest { correlation_id, tp, replica_id, fetch_offset, current_leader_epoch, .. } = &m.message else {
                continue;
            };
            let Some(r) = c.replica(*replica_id, tp).filter(|_| c.brokers[replica_id].is_running()) else { continue };
            let current = r.follower_state().is_some_and(|s| s.in_flight == Some(*correlation_id)) && r.leader_epoch == *current_leader_epoch;
            if current && *fetch_offset != r.log.log_end_offset() {
                f.add("I22", Some(tp), false, format!("broker {replica_id} fetches at {fetch_offset} but its LEO is {}", r.log.log_end_offset()));
            }
        }
    }

    /// I2 (replica side), I3, I4, I5, I6, I7 on one replica.
    fn check_replica(&mut self, c: &Cluster, r: &Replica, controller_epoch: LeaderEpoch, f: &mut Found) {
        let tp = &r.tp;
        let key = (r.broker, tp.clone());
        if let Some((le, pe)) = self.replica_epochs.get(&key) {
            if r.leader_epoch < *le || r.partition_epoch < *pe {
                f.add("I2", Some(tp), false, format!("broker {} went back from epochs ({le},{pe}) to ({},{})", r.broker, r.leader_epoch, r.partition_epoch));
            }
        }
        self.replica_epochs.insert(key.clone(), (r.leader_epoch, r.partition_epoch));
        let (lso, hw, leo) = (r.log.log_start_offset(), r.log.high_watermark(), r.log.log_end_offset());
        if !(Offset(0) <= lso && lso <= hw && hw <= leo) {
            f.add("I6", Some(tp), false, format!("broker {}: logStart {lso}, HW {hw}, LEO {leo}", r.broker));
        }
        // L-I7 (PROTOCOL-LOG §3): the log start never decreases except by truncation.
        if let Some(old) = self.log_starts.get(&key) {
            if lso < *old && !self.log_start_resets.contains(&key) {
                f.add("L-I7", Some(tp), false, format!("broker {} log start went {old} -> {lso} without a truncation", r.broker));
            }
        }
        self.log_starts.insert(key.clone(), lso);
        let entries = r.epoch_cache.entries();
        for (i, w) in entries.windows(2).enumerate() {
            if w[0].epoch >= w[1].epoch || w[0].start_offset >= w[1].start_offset {
                f.add("I3", Some(tp), false, format!("broker {} cache not increasing at entry {i}: {}", r.broker, cache_text(entries)));
            }
        }
        for (i, e) in entries.iter().enumerate() {
            let last = i + 1 == entries.len();
            if e.start_offset > leo || (e.start_offset == leo && !last) || e.start_offset < lso {
                f.add("I3", Some(tp), false, format!("broker {} cache entry {}:{} outside [{lso}, {leo}]", r.broker, e.epoch, e.start_offset));
            }
        }
        // I4, I5 on the records not checked yet (all of them after a truncation or when the
        // cache changed below the checked prefix).
        let gen = r.log.generation();
        let from = match self.verified.records.get(&key) {
            Some((g, upto, entries)) if *g == gen && entries.as_slice() == cache_below(r, *upto) => *upto,
            _ => Offset(0),
        };
        let mut prev = from.0.checked_sub(1).and_then(|o| r.log.record_at(Offset(o))).map_or(LeaderEpoch::UNDEFINED, |x| x.epoch);
        let mut clean = true;
        for rec in r.log.records_from(from) {
            if r.epoch_cache.epoch_for_offset(rec.offset) != Some(rec.epoch) {
                f.add("I4", Some(tp), false, format!("broker {} record ({},{}) but cache says {}", r.broker, rec.offset, rec.epoch, r.epoch_cache.epoch_for_offset(rec.offset).map_or("no epoch".into(), |e| format!("epoch {e}"))));
                clean = false;
                break;
            }
            if rec.epoch < prev {
                f.add("I4", Some(tp), false, format!("broker {} record epochs decrease at offset {}", r.broker, rec.offset));
                clean = false;
                break;
            }
            if rec.epoch > controller_epoch {
                f.add("I5", Some(tp), false, format!("broker {} record ({},{}) has an epoch above the controller's {controller_epoch}", r.broker, rec.offset, rec.epoch));
                clean = false;
                break;
            }
            prev = rec.epoch;
        }
        if clean {
            let leo = r.log.log_end_offset();
            self.verified.records.insert(key.clone(), (gen, leo, cache_below(r, leo).to_vec()));
        }
        // I7: a sitting leader's HW never decreases within its epoch.
        if let (true, Role::Leader(_)) = (c.brokers[&r.broker].is_running(), &r.role) {
            if let Some((e, old)) = self.leader_hw.get(&key) {
                if *e == r.leader_epoch && hw < *old {
                    f.add("I7", Some(tp), false, format!("leader {} HW went {old} -> {hw} in epoch {e}", r.broker));
                }
            }
            self.leader_hw.insert(key, (r.leader_epoch, hw));
        } else {
            self.leader_hw.remove(&key);
        }
    }

    /// I23: the controller epoch and each broker's known controller epoch never decrease.
    fn check_controller_epochs(&mut self, c: &Cluster, f: &mut Found) {
        if c.controller.epoch < self.controller_epoch {
            f.add("I23", None, false, format!("controller epoch went {} -> {}", self.controller_epoch, c.controller.epoch));
        }
        self.controller_epoch = c.controller.epoch;
        for b in c.brokers.values() {
            if let Some(old) = self.controller_epochs.insert(b.id, b.known_controller_epoch) {
                if b.known_controller_epoch < old {
                    f.add("I23", None, false, format!("broker {} known controller epoch went {old} -> {}", b.id, b.known_controller_epoch));
                }
            }
        }
    }
}

/// K-I18 (PROTOCOL-KRAFT §3), in the form Kafka keeps: the replicas are distinct and a move's
/// adding and removing replicas are among them; a completion that removes replicas happens
/// only with the ISR covering what stays (unless it is also the cancellation's result). The
/// reference's stronger form (`replicas = target ++ removing`, `adding ∩ removing = ∅`,
/// `adding ⊆ target`) holds for one request; Kafka's controller keeps a move's earlier sets
/// when a second request computes empty ones (`reassignment::start`), which breaks it, so the
/// simulator, doing as Kafka does, checks this form (docs/fidelity.md). K-I17 (its
/// reassignment half): a change that drops a replica from the assignment bumps the leader epoch.
fn reassignment_findings(prev: Option<&crate::message::PartitionState>, st: &crate::message::PartitionState) -> Vec<(&'static str, String)> {
    let mut out = Vec::new();
    let list = |v: &[BrokerId]| ids(v.iter().copied());
    let distinct = st.replicas.iter().enumerate().all(|(i, b)| !st.replicas[..i].contains(b));
    let within = st.adding_replicas.iter().chain(&st.removing_replicas).all(|b| st.replicas.contains(b));
    if !distinct || !within {
        out.push(("K-I18", format!("replicas {} (adding {}, removing {}) are not distinct or miss a moving replica", list(&st.replicas), list(&st.adding_replicas), list(&st.removing_replicas))));
    }
    let Some(prev) = prev else { return out };
    if prev.reassigning() && !st.reassigning() {
        let n = prev.replicas.len() - prev.removing_replicas.len().min(prev.replicas.len());
        let completed = st.replicas[..] == prev.replicas[..n];
        let cancelled = st.replicas.iter().copied().eq(prev.replicas.iter().copied().filter(|b| !prev.adding_replicas.contains(b)));
        // Only a completion that removed replicas can lose anything (RA5); a new request
        // that leaves no set to track ends a move without one.
        let removed = prev.replicas.iter().any(|b| !st.replicas.contains(b));
        if completed && removed && !st.replicas.iter().all(|b| st.isr.contains(b)) && !cancelled {
            out.push(("K-I18", format!("the move completed with ISR {} not covering the target {}", list(&st.isr), list(&st.replicas))));
        }
    }
    if prev.replicas.iter().any(|b| !st.replicas.contains(b)) && st.leader_epoch <= prev.leader_epoch {
        out.push(("K-I17", format!("replicas {} -> {} dropped a replica without a leader epoch bump (still {})", list(&prev.replicas), list(&st.replicas), st.leader_epoch)));
    }
    out
}
