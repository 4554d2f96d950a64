//! The controller: broker registrations and liveness (E1), partition registrations and
//! elections (E2, E3), AlterPartition validation (S4), controller-initiated ISR changes (S6),
//! and controller epochs (K1).
//!
//! The controller's state is the metadata store (ZooKeeper or the KRaft log): it survives the
//! active controller's death. Which broker acts on it is `active`, fenced by `epoch`.

use crate::config::ClusterConfig;
use crate::event::{ElectionKind, Event, IsrChangeReason};
use crate::ids::{BrokerEpoch, BrokerId, ControllerEpoch, LeaderEpoch, PartitionEpoch, TimeMs, TopicPartition};
use crate::message::{Elr, KafkaError, LeaderRecoveryState, Message, Node, PartitionState};
use crate::outbox::Outbox;
use crate::reassignment;
use serde::Serialize;
use litemap::LiteMap;

/// The controller's record of a broker (E1).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Registration {
    /// The epoch of its current registration.
    pub broker_epoch: BrokerEpoch,
    /// Fenced brokers lead nothing and join no ISR.
    pub fenced: bool,
    /// Set by a controlled shutdown.
    pub in_controlled_shutdown: bool,
    /// The last heartbeat the controller received.
    pub last_heartbeat_ms: TimeMs,
}

/// The controller.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Controller {
    /// The broker acting as controller, if any.
    pub active: Option<BrokerId>,
    /// The controller epoch (K1). Invariant (I23): never decreases.
    pub epoch: ControllerEpoch,
    /// Broker registrations.
    pub registrations: LiteMap<BrokerId, Registration>,
    /// Partition registrations: the source of truth for leader, epochs and ISR.
    /// Invariant (I1, I2): leader and partition epochs only grow.
    pub partitions: LiteMap<TopicPartition, PartitionState>,
    /// PL4: an auto leader rebalance run is scheduled.
    pub rebalance_scheduled: bool,
    next_broker_epoch: i64,
}

/// What an election gives (E2, EL4): the leader, the ISR and ELR it leaves, how it was chosen.
struct Elected {
    leader: Option<BrokerId>,
    isr: Vec<BrokerId>,
    elr: Elr,
    kind: ElectionKind,
    recovery: LeaderRecoveryState,
}

impl Elected {
    /// The change it makes to `st`.
    fn apply(self, st: PartitionState) -> PartitionState {
        PartitionState { leader: self.leader, isr: self.isr, elr: self.elr, leader_recovery_state: self.recovery, ..st }
    }
}

/// Which election to run (E2).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum ElectionType {
    /// Keep a valid leader, else the first acceptable ISR member.
    Clean,
    /// `replicas[0]` if valid, else as clean.
    Preferred,
    /// `ElectLeaders(UNCLEAN)`, for a partition without a leader (with one: ELECTION_NOT_NEEDED,
    /// nothing written): a valid replica if any, then the last known leader (EL6), then anyone
    /// acceptable, even outside the ISR.
    Unclean,
}

impl Controller {
    /// A controller on `active` with every broker registered and unfenced.
    pub fn new(active: BrokerId, brokers: impl IntoIterator<Item = BrokerId>) -> Self {
        let mut c = Controller {
            active: Some(active),
            epoch: ControllerEpoch(1),
            registrations: LiteMap::new_vec(),
            partitions: LiteMap::new_vec(),
            rebalance_scheduled: false,
            next_broker_epoch: 100,
        };
        for b in brokers {
            let epoch = c.next_epoch();
            c.registrations.insert(
                b,
                Registration { broker_epoch: epoch, fenced: false, in_controlled_shutdown: false, last_heartbeat_ms: 0 },
            );
        }
        c
    }

    fn next_epoch(&mut self) -> BrokerEpoch {
        self.next_broker_epoch += 1;
        BrokerEpoch(self.next_broker_epoch)
    }

    /// PL1: the partitions not led by their preferred replica (`replicas[0]`), no leader
    /// included.
    pub fn imbalanced(&self) -> Vec<TopicPartition> {
        self.partitions.values().filter(|st| st.leader != st.replicas.first().copied()).map(|st| st.tp.clone()).collect()
    }

    /// E2 `acceptable(r)`: registered, unfenced, not shutting down.
    pub fn acceptable(&self, b: BrokerId) -> bool {
        self.registrations.get(&b).is_some_and(|r| !r.fenced && !r.in_controlled_shutdown)
    }

    /// EL1: whether partition changes keep Eligible Leader Replicas (the `kraft` build only).
    #[cfg(feature = "kraft")]
    pub fn elr_enabled(cfg: &ClusterConfig) -> bool {
        cfg.eligible_leader_replicas
    }
    /// Without the `kraft` feature there is no ELR.
    #[cfg(not(feature = "kraft"))]
    pub fn elr_enabled(_: &ClusterConfig) -> bool {
        false
    }

    /// EL3's `effectiveMinIsr` of `tp`'s topic (min ISR capped by partition 0's replicas).
    #[cfg(feature = "kraft")]
    pub fn effective_min_isr(&self, cfg: &ClusterConfig, tp: &TopicPartition) -> usize {
        let p0 = self.partitions.get(&TopicPartition::new(tp.topic.clone(), 0)).or_else(|| self.partitions.get(tp));
        crate::elr::effective_min_isr(cfg.min_insync_replicas, p0.map_or(usize::MAX, |p| p.replicas.len()))
    }

    /// EL3: the ELR of a change of `st` to `isr` (none without ELR: EL9); the last known
    /// leader as it was (the change itself decides it: [`crate::elr::last_known`]).
    #[cfg(feature = "kraft")]
    fn target_elr(&self, cfg: &ClusterConfig, st: &PartitionState, isr: &[BrokerId], unclean_shutdown: Option<BrokerId>) -> Elr {
        if Self::elr_enabled(cfg) {
            Elr::new(&crate::elr::target(st, isr, self.effective_min_isr(cfg, &st.tp), unclean_shutdown), st.elr.last_known())
        } else {
            Elr::default()
        }
    }
    /// Without the `kraft` feature there is no ELR.
    #[cfg(not(feature = "kraft"))]
    #[allow(clippy::unused_self)]
    fn target_elr(&self, _: &ClusterConfig, _: &PartitionState, _: &[BrokerId], _: Option<BrokerId>) -> Elr {
        Elr::default()
    }

    /// E2, EL4: choose a leader for `st` with `isr` and `elr` as the change's targets; `excluded`
    /// is never acceptable (EL7's broker). A valid replica is acceptable and in the target ISR
    /// or, when that is empty, in the ELR: one elected from the ELR gets `ISR := [it]` and
    /// leaves the ELR (a clean election). Then EL6's last known leader, then an unclean one.
    fn elect(&self, cfg: &ClusterConfig, st: &PartitionState, isr: &[BrokerId], elr: &Elr, kind: ElectionType, excluded: Option<BrokerId>) -> Elected {
        let ok = |b: &BrokerId| Some(*b) != excluded && self.acceptable(*b);
        let valid = |b: &BrokerId| ok(b) && (isr.contains(b) || (isr.is_empty() && elr.contains(*b)));
        let clean = |l: BrokerId, kind: ElectionKind| {
            #[cfg(feature = "kraft")]
            if !isr.contains(&l) {
                return Elected { leader: Some(l), isr: vec![l], elr: elr.without(l), kind: ElectionKind::FromElr, recovery: st.leader_recovery_state };
            }
            Elected { leader: Some(l), isr: isr.to_vec(), elr: *elr, kind, recovery: st.leader_recovery_state }
        };
        let unclean = |l: BrokerId, kind: ElectionKind| Elected { leader: Some(l), isr: vec![l], elr: Elr::default(), kind, recovery: LeaderRecoveryState::Recovering };
        if kind == ElectionType::Preferred {
            if let Some(p) = st.replicas.first().filter(|p| valid(p)) {
                return clean(*p, ElectionKind::Preferred);
            }
        }
        // Kafka's electAnyLeader, for UNCLEAN too: a valid replica first.
        if let Some(l) = st.leader.filter(|l| valid(l)) {
            return clean(l, ElectionKind::Clean);
        }
        if let Some(l) = st.replicas.iter().find(|b| valid(b)) {
            return clean(*l, ElectionKind::Clean);
        }
        // EL6: ISR and ELR empty, one last known leader: elected uncleanly, even with unclean
        // election off (acceptable only from 4.1, `last_known_leader_requires_active`).
        #[cfg(feature = "kraft")]
        if Self::elr_enabled(cfg) && isr.is_empty() && !elr.has_members() {
            if let Some(l) = st.elr.last_known() {
                // 4.0's `canElectLastKnownLeader` only logs its acceptability check, so it
                // elects even the broker whose unclean shutdown this change handles.
                if ok(&l) || !cfg.last_known_leader_requires_active {
                    return unclean(l, ElectionKind::LastKnownLeader);
                }
            }
        }
        // An unclean election when the topic allows it or ElectLeaders(UNCLEAN) asks; never for
        // a PREFERRED one (`electPreferredLeader` stops at the last known leader).
        if (cfg.unclean_leader_election && kind != ElectionType::Preferred) || kind == ElectionType::Unclean {
            if let Some(l) = st.replicas.iter().find(|b| ok(b)) {
                return unclean(*l, ElectionKind::Unclean);
            }
        }
        Elected { leader: None, isr: isr.to_vec(), elr: *elr, kind: ElectionKind::NoLeader, recovery: st.leader_recovery_state }
    }

    /// Commits a new state for `tp` (E3: partition epoch +1; leader epoch +1 when the leader
    /// field changes, when `bump_leader_epoch`, or when a replica leaves the assignment,
    /// K-I17) and sends LeaderAndIsr to every replica, old and new (a removed one deletes its
    /// replica, RA6). RA5 is checked on every change built here: a move whose ISR covers its
    /// target completes in this same record. Returns true when the leader changed.
    #[allow(clippy::too_many_arguments)] // one partition change as PartitionChangeBuilder takes it
    fn commit(&mut self, cfg: &ClusterConfig, out: &mut Outbox, mut next: PartitionState, reason: Option<IsrChangeReason>, mut election: Option<ElectionKind>, bump_leader_epoch: bool) -> bool {
        let prev = self.partitions.get(&next.tp).cloned().expect("known partition");
        let mut reason = reason;
        if let Some(mut done) = reassignment::complete(&next, |b| self.acceptable(b)) {
            out.event(Event::ReassignmentCompleted { tp: next.tp.clone(), replicas: done.replicas.clone(), removed: next.removing_replicas.clone() });
            if done.leader != next.leader {
                election = Some(if done.leader.is_some() { ElectionKind::Clean } else { ElectionKind::NoLeader });
            }
            reason = Some(IsrChangeReason::Reassignment);
            // EL3 runs on the completed ISR (RA8).
            done.elr = self.target_elr(cfg, &prev, &done.isr, None);
            next = done;
        }
        // EL5 and EL9: the last known leader; without ELR every change clears both fields.
        #[cfg(feature = "kraft")]
        if Self::elr_enabled(cfg) {
            next.elr = next.elr.with_last_known(crate::elr::last_known(&prev, &next));
        } else {
            next.elr = Elr::default();
        }
        next.partition_epoch = PartitionEpoch(prev.partition_epoch.0 + 1);
        let leader_changed = next.leader != prev.leader;
        let bump_leader_epoch = bump_leader_epoch || reassignment::drops_replica(&prev, &next);
        if leader_changed || bump_leader_epoch {
            next.leader_epoch = LeaderEpoch(prev.leader_epoch.0 + 1);
        }
        if next.isr != prev.isr {
            out.event(Event::IsrChanged {
                tp: next.tp.clone(),
                from: prev.isr.clone(),
                to: next.isr.clone(),
                partition_epoch: next.partition_epoch,
                reason: reason.unwrap_or(IsrChangeReason::Election),
            });
        }
        if leader_changed || bump_leader_epoch {
            out.event(Event::LeaderElected {
                tp: next.tp.clone(),
                leader: next.leader,
                leader_epoch: next.leader_epoch,
                partition_epoch: next.partition_epoch,
                kind: election.unwrap_or(ElectionKind::EpochBump),
                isr: next.isr.clone(),
            });
        }
        #[cfg(feature = "kraft")]
        if next.elr != prev.elr {
            out.event(Event::ElrChanged {
                tp: next.tp.clone(),
                from: prev.elr.members(),
                to: next.elr.members(),
                last_known_leader: next.elr.last_known(),
                isr: next.isr.clone(),
                partition_epoch: next.partition_epoch,
            });
        }
        self.partitions.insert(next.tp.clone(), next.clone());
        self.broadcast(out, &next);
        for b in prev.replicas.iter().filter(|b| !next.replicas.contains(b)) {
            self.send_state(out, *b, &next);
        }
        leader_changed
    }

    /// RA1–RA3, RA7: `AlterPartitionReassignments` for one partition: move it to `target`, or
    /// cancel its move (`None`). Refusals are events (the admin client's error), not changes.
    pub fn reassign(&mut self, cfg: &ClusterConfig, out: &mut Outbox, tp: &TopicPartition, target: Option<&[BrokerId]>) {
        let Some(st) = self.partitions.get(tp).cloned() else { return };
        let next = match target {
            Some(t) => reassignment::check_target(t, |b| self.registrations.contains_key(&b)).map(|()| reassignment::start(&st, t)),
            None => reassignment::cancel(&st, cfg.unclean_leader_election, |b| self.acceptable(b)),
        };
        let next = match next {
            Ok(next) => next,
            Err(error) => return out.event(Event::ReassignmentRefused { tp: tp.clone(), cancel: target.is_none(), error }),
        };
        if next == st {
            return; // the same move again: nothing to write
        }
        let removed: Vec<BrokerId> = st.replicas.iter().copied().filter(|b| !next.replicas.contains(b)).collect();
        let election = match target {
            Some(t) => {
                out.event(Event::ReassignmentStarted {
                    tp: tp.clone(),
                    target: t.to_vec(),
                    adding: next.adding_replicas.clone(),
                    removing: next.removing_replicas.clone(),
                    replicas: next.replicas.clone(),
                });
                None
            }
            None => {
                out.event(Event::ReassignmentCancelled { tp: tp.clone(), replicas: next.replicas.clone(), removed });
                let unclean = next.leader_recovery_state == LeaderRecoveryState::Recovering && st.leader_recovery_state != LeaderRecoveryState::Recovering;
                (next.leader != st.leader).then_some(if unclean { ElectionKind::Unclean } else if next.leader.is_some() { ElectionKind::Clean } else { ElectionKind::NoLeader })
            }
        };
        let next = PartitionState { elr: self.target_elr(cfg, &st, &next.isr, None), ..next };
        self.commit(cfg, out, next, Some(IsrChangeReason::Reassignment), election, false);
    }

    /// Sends the partition's state to all its replicas (LeaderAndIsr, K1-fenced).
    fn broadcast(&self, out: &mut Outbox, st: &PartitionState) {
        for b in &st.replicas {
            self.send_state(out, *b, st);
        }
    }

    /// Sends one partition's state to one broker.
    fn send_state(&self, out: &mut Outbox, to: BrokerId, st: &PartitionState) {
        let Some(active) = self.active else { return };
        out.send(
            Node::Broker(active),
            Node::Broker(to),
            Message::LeaderAndIsr { controller_epoch: self.epoch, controller_id: active, state: st.clone() },
        );
    }

    /// Re-runs the election of `tp` and commits if the leader changes (E2).
    pub fn elect_leader(&mut self, cfg: &ClusterConfig, out: &mut Outbox, tp: &TopicPartition, kind: ElectionType) {
        let Some(st) = self.partitions.get(tp).cloned() else { return };
        // ElectLeaders(UNCLEAN) on a partition with a leader: ELECTION_NOT_NEEDED, nothing written.
        if kind == ElectionType::Unclean && st.leader.is_some() {
            return;
        }
        let elr = self.target_elr(cfg, &st, &st.isr, None);
        let e = self.elect(cfg, &st, &st.isr, &elr, kind, None);
        if e.leader == st.leader && e.isr == st.isr {
            return;
        }
        if e.leader.is_none() && st.leader.is_none() {
            return;
        }
        let ek = e.kind;
        self.commit(cfg, out, e.apply(st), Some(IsrChangeReason::Election), Some(ek), false);
    }

    /// S6 + E2: fence `broker` (session expired, restart detected, or controlled shutdown):
    /// remove it from every ISR (never emptying one) and move its leaderships.
    pub fn fence(&mut self, cfg: &ClusterConfig, out: &mut Outbox, broker: BrokerId, reason: &str) {
        let Some(reg) = self.registrations.get_mut(&broker) else { return };
        if reg.fenced {
            return;
        }
        reg.fenced = true;
        out.event(Event::BrokerFenced { broker, reason: reason.to_string() });
        let affected: Vec<PartitionState> =
            self.partitions.values().filter(|p| p.replicas.contains(&broker)).cloned().collect();
        for st in affected {
            self.remove_from_isr(cfg, out, st, broker, None);
        }
    }

    /// S6, EL3, EL5, EL7: the change that takes `broker` out of `st`'s ISR (fenced, or shutting
    /// down) and, with `unclean_shutdown`, out of its ELR, then elects if it led. Without ELR
    /// the last member stays (P-E2's "last replica standing"); with it the ISR may empty.
    fn remove_from_isr(&mut self, cfg: &ClusterConfig, out: &mut Outbox, st: PartitionState, broker: BrokerId, unclean_shutdown: Option<BrokerId>) {
        let elr_on = Self::elr_enabled(cfg);
        let shrunk: Vec<BrokerId> = if st.isr.len() > 1 || elr_on {
            st.isr.iter().copied().filter(|b| *b != broker).collect()
        } else {
            st.isr.clone() // S6: the last member stays (no ELR)
        };
        let elr = self.target_elr(cfg, &st, &shrunk, unclean_shutdown);
        // Kafka's builder always tries an election, which keeps a valid leader: here, when the
        // leader leaves, and (EL7) when a leaderless partition's ELR shrinks, which may leave
        // EL6's last known leader electable in this same change.
        let needs_election = st.leader == Some(broker) || (unclean_shutdown.is_some() && st.leader.is_none());
        let e = if needs_election {
            self.elect(cfg, &st, &shrunk, &elr, ElectionType::Clean, unclean_shutdown)
        } else {
            Elected { leader: st.leader, isr: shrunk, elr, kind: ElectionKind::Clean, recovery: st.leader_recovery_state }
        };
        if e.leader == st.leader && e.isr == st.isr && e.elr == st.elr {
            return;
        }
        let shrank = e.isr.len() < st.isr.len() && e.leader == st.leader;
        let bump = shrank && cfg.leader_epoch_bump_on_isr_shrink;
        let ek = e.kind;
        #[cfg(feature = "kraft")]
        let reason = if unclean_shutdown.is_some() { IsrChangeReason::UncleanShutdown } else { IsrChangeReason::Fenced };
        #[cfg(not(feature = "kraft"))]
        let reason = IsrChangeReason::Fenced;
        self.commit(cfg, out, e.apply(st), Some(reason), Some(ek), bump);
    }

    /// EL7: a broker registers after an unclean shutdown (its `previousBrokerEpoch` is not the
    /// epoch the controller holds): with ELR on it leaves every ISR and ELR, and may not lead
    /// in that change. Its disk may have lost what made it eligible.
    fn unclean_shutdown(&mut self, cfg: &ClusterConfig, out: &mut Outbox, broker: BrokerId) {
        let affected: Vec<PartitionState> =
            self.partitions.values().filter(|p| p.isr.contains(&broker) || p.elr.contains(broker)).cloned().collect();
        for st in affected {
            self.remove_from_isr(cfg, out, st, broker, Some(broker));
        }
    }

    /// E1: unfence and elect where a partition has no leader and this broker can lead.
    fn unfence(&mut self, cfg: &ClusterConfig, out: &mut Outbox, broker: BrokerId) {
        let Some(reg) = self.registrations.get_mut(&broker) else { return };
        if !reg.fenced {
            return;
        }
        reg.fenced = false;
        reg.in_controlled_shutdown = false;
        out.event(Event::BrokerUnfenced { broker });
        // E1: a broker is unfenced once it caught up with metadata: send it every partition
        // state it may have missed while cut off.
        let mine: Vec<PartitionState> =
            self.partitions.values().filter(|p| p.replicas.contains(&broker)).cloned().collect();
        for st in &mine {
            self.send_state(out, broker, st);
        }
        let leaderless: Vec<TopicPartition> = self
            .partitions
            .values()
            .filter(|p| p.leader.is_none() && p.replicas.contains(&broker))
            .map(|p| p.tp.clone())
            .collect();
        for tp in leaderless {
            self.elect_leader(cfg, out, &tp, ElectionType::Clean);
        }
    }

    /// E1: a heartbeat from `broker`; the first from a fenced, registered broker unfences it.
    /// It carries the partition epochs the broker has applied (KRaft: its metadata offset),
    /// and the controller sends it every newer partition state it missed (E4).
    pub fn handle_heartbeat(&mut self, cfg: &ClusterConfig, out: &mut Outbox, now: TimeMs, broker: BrokerId, epoch: BrokerEpoch, known: &[(TopicPartition, PartitionEpoch)]) {
        let Some(reg) = self.registrations.get_mut(&broker) else { return };
        if reg.broker_epoch != epoch {
            return; // an old incarnation's heartbeat
        }
        reg.last_heartbeat_ms = now;
        for (tp, pe) in known {
            if let Some(st) = self.partitions.get(tp).filter(|st| st.partition_epoch > *pe) {
                self.send_state(out, broker, st);
            }
        }
        // RA4: a broker added to a move that missed the state (its LeaderAndIsr was lost)
        // hosts nothing of it to report: send it.
        for st in self.partitions.values().filter(|st| st.adding_replicas.contains(&broker) && !known.iter().any(|(tp, _)| *tp == st.tp)) {
            self.send_state(out, broker, st);
        }
        let reg = self.registrations.get_mut(&broker).expect("checked");
        if reg.fenced && !reg.in_controlled_shutdown {
            self.unfence(cfg, out, broker);
        }
    }

    /// E1: expire sessions older than `broker.session.timeout.ms`.
    pub fn check_sessions(&mut self, cfg: &ClusterConfig, out: &mut Outbox, now: TimeMs) {
        let expired: Vec<BrokerId> = self
            .registrations
            .iter()
            .filter(|(_, r)| !r.fenced && now.saturating_sub(r.last_heartbeat_ms) > cfg.broker_session_timeout_ms)
            .map(|(b, _)| *b)
            .collect();
        for b in expired {
            self.fence(cfg, out, b, "session timed out");
        }
    }

    /// E1, B2 step 4: a (re)starting broker registers and gets a new broker epoch. With
    /// `controller_detects_fast_restart` an unfenced old incarnation is fenced first; without
    /// it (ZK-era ABA) the broker keeps its ISR memberships.
    ///
    /// KB1 (4.x): the registration is clean when `previous_epoch`, read from the broker's
    /// clean-shutdown file, is the epoch the controller holds; an unclean one with ELR on
    /// first takes the broker out of every ISR and ELR (EL7).
    pub fn handle_registration(&mut self, cfg: &ClusterConfig, out: &mut Outbox, now: TimeMs, broker: BrokerId, previous_epoch: Option<BrokerEpoch>) {
        let old = self.registrations.get(&broker);
        let (known, old_unfenced) = (old.is_some(), old.is_some_and(|r| !r.fenced));
        let clean = old.is_some_and(|r| Some(r.broker_epoch) == previous_epoch);
        if old_unfenced && cfg.controller_detects_fast_restart {
            self.fence(cfg, out, broker, "restarted: a new registration replaces the old one");
        }
        if Self::elr_enabled(cfg) && known && !clean {
            #[cfg(feature = "kraft")]
            out.event(Event::UncleanShutdownDetected { broker });
            self.unclean_shutdown(cfg, out, broker);
        }
        let epoch = self.next_epoch();
        let stays_unfenced = old_unfenced && !cfg.controller_detects_fast_restart;
        let fenced = !stays_unfenced && cfg.auto.heartbeats;
        self.registrations.insert(
            broker,
            Registration { broker_epoch: epoch, fenced: true, in_controlled_shutdown: false, last_heartbeat_ms: now },
        );
        out.event(Event::BrokerRegistered { broker, broker_epoch: epoch });
        let states: Vec<PartitionState> =
            self.partitions.values().filter(|p| p.replicas.contains(&broker)).cloned().collect();
        out.send(
            Node::Broker(self.active.unwrap_or(broker)),
            Node::Broker(broker),
            Message::BrokerRegistrationResponse { broker_epoch: epoch, controller_epoch: self.epoch, states },
        );
        if stays_unfenced {
            self.registrations.get_mut(&broker).expect("inserted").fenced = false;
        } else if !fenced {
            // Without simulated heartbeats the registration itself unfences (E1).
            self.unfence(cfg, out, broker);
        }
    }

    /// A controlled shutdown: move leaderships away and leave every ISR (E2 "controlled shutdown").
    pub fn handle_controlled_shutdown(&mut self, cfg: &ClusterConfig, out: &mut Outbox, broker: BrokerId, epoch: BrokerEpoch) {
        let Some(reg) = self.registrations.get_mut(&broker) else { return };
        if reg.broker_epoch != epoch {
            return;
        }
        reg.in_controlled_shutdown = true;
        self.fence(cfg, out, broker, "controlled shutdown");
    }

    /// S4: validate and apply an AlterPartition. Returns the response message.
    #[allow(clippy::too_many_arguments)] // the request's fields, as Kafka's AlterPartitionRequest has them
    pub fn handle_alter_partition(
        &mut self,
        cfg: &ClusterConfig,
        out: &mut Outbox,
        from: BrokerId,
        proposal_id: u64,
        tp: &TopicPartition,
        leader_epoch: LeaderEpoch,
        partition_epoch: PartitionEpoch,
        new_isr: &[(BrokerId, BrokerEpoch)],
    ) -> Message {
        let reject = |out: &mut Outbox, error: KafkaError| {
            out.event(Event::AlterPartitionRejected { tp: tp.clone(), error });
            Message::AlterPartitionResponse { proposal_id, tp: tp.clone(), error: Some(error), state: None }
        };
        let Some(st) = self.partitions.get(tp).cloned() else {
            return reject(out, KafkaError::InvalidRequest);
        };
        if leader_epoch < st.leader_epoch {
            return reject(out, KafkaError::FencedLeaderEpoch);
        }
        if st.leader != Some(from) {
            return reject(out, KafkaError::InvalidRequest);
        }
        let isr: Vec<BrokerId> = new_isr.iter().map(|(b, _)| *b).collect();
        if partition_epoch < st.partition_epoch && !(isr == st.isr && leader_epoch == st.leader_epoch) {
            return reject(out, KafkaError::InvalidUpdateVersion);
        }
        if !isr.iter().all(|b| st.replicas.contains(b)) || !isr.contains(&from) {
            return reject(out, KafkaError::InvalidRequest);
        }
        for (b, e) in new_isr.iter().filter(|(b, _)| !st.isr.contains(b)) {
            let eligible = self
                .registrations
                .get(b)
                .is_some_and(|r| !r.fenced && !r.in_controlled_shutdown && (e.0 == -1 || *e == r.broker_epoch));
            if !eligible {
                return reject(out, KafkaError::IneligibleReplica);
            }
        }
        // A retried request whose change is already committed (its response was lost) is
        // answered with the committed state instead of INVALID_UPDATE_VERSION.
        let already = partition_epoch < st.partition_epoch && isr == st.isr && leader_epoch == st.leader_epoch;
        if already {
            return Message::AlterPartitionResponse { proposal_id, tp: tp.clone(), error: None, state: Some(st) };
        }
        // S4 "a RECOVERING partition may not get ISR > 1" checks the state the request reports
        // (ReplicationControlManager.validateAlterPartitionData). Leaders always report RECOVERED
        // (KIP-704, see partition.rs), so the commit below marks an unclean leader's partition
        // RECOVERED with its first ISR change, as Kafka does; the check itself cannot fire here.
        let shrank = isr.len() < st.isr.len();
        let reason = if shrank { IsrChangeReason::OutOfSync } else { IsrChangeReason::CaughtUp };
        let bump = shrank && cfg.leader_epoch_bump_on_isr_shrink;
        let elr = self.target_elr(cfg, &st, &isr, None);
        let next = PartitionState { isr, elr, leader_recovery_state: LeaderRecoveryState::Recovered, ..st };
        // Every replica learns the commit through metadata (LeaderAndIsr), the leader also
        // through the response; whichever comes second is ignored (S5, E4).
        if self.commit(cfg, out, next, Some(reason), None, bump) {
            // RA5: written, but the move it completed elected another leader.
            return Message::AlterPartitionResponse { proposal_id, tp: tp.clone(), error: Some(KafkaError::NewLeaderElected), state: None };
        }
        let committed = self.partitions[tp].clone();
        Message::AlterPartitionResponse { proposal_id, tp: tp.clone(), error: None, state: Some(committed) }
    }

    /// K1: `broker` takes over as controller with epoch + 1 and pushes every partition's
    /// state to every replica (as a ZK controller does on failover).
    pub fn take_over(&mut self, out: &mut Outbox, broker: BrokerId) {
        self.epoch = ControllerEpoch(self.epoch.0 + 1);
        self.active = Some(broker);
        self.rebalance_scheduled = false; // the new controller schedules its own (PL4)
        out.event(Event::ControllerElected { broker, controller_epoch: self.epoch });
        for st in self.partitions.values() {
            self.broadcast(out, st);
        }
    }
}
