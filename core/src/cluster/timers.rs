//! Timers: what fires when (follower fetch, parked fetch expiry, ISR expiration, broker
//! heartbeats and the controller's session check, flush, produce and AlterPartition timeouts,
//! controller failover). A timer of a broker that has since crashed or restarted is stale and
//! does nothing.

use super::Cluster;
use crate::broker::BrokerStatus;
use crate::event::Event;
use crate::fetcher;
use crate::ids::BrokerId;
use crate::message::{KafkaError, Message, Node};
use crate::outbox::{Ctx, Outbox, Timer};
use crate::partition;

impl Cluster {
    // ---- timers ----------------------------------------------------------------------

    pub(super) fn live(&self, b: BrokerId, incarnation: u64) -> bool {
        self.brokers.get(&b).is_some_and(|x| x.is_running() && x.incarnation == incarnation)
    }

    pub(super) fn fire(&mut self, t: Timer, events: &mut Vec<Event>) -> bool {
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
            Timer::RetentionCheck { broker, incarnation } => {
                if !self.live(broker, incarnation) {
                    return false;
                }
                self.retention_pass(broker, &mut out);
                out.timer(self.now_ms + self.config.log.retention_check_interval_ms, Timer::RetentionCheck { broker, incarnation });
            }
            #[cfg(feature = "compaction")]
            Timer::CleanerPass { broker, incarnation } => {
                if !self.live(broker, incarnation) {
                    return false;
                }
                let cleaned = self.cleaner_pass(broker, &mut out);
                let next = if cleaned { self.now_ms } else { self.now_ms + self.config.log.cleaner_backoff_ms };
                out.timer(next, Timer::CleanerPass { broker, incarnation });
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
            Timer::LeaderRebalance { controller_epoch } => {
                if !self.leader_rebalance(controller_epoch, &mut out) {
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
            Timer::CoordinatorLoad { broker, incarnation, partition, epoch } => return self.fire_coordinator_load(broker, incarnation, partition, epoch, events),
            Timer::Coordinator { broker, incarnation, timer } => return self.fire_coordinator(broker, incarnation, timer, events),
            Timer::GroupClientRetry { client, attempt } => return self.fire_group_client(&client, attempt, false, events),
            Timer::GroupClientTimeout { client, attempt } => return self.fire_group_client(&client, attempt, true, events),
            #[cfg(feature = "groups")]
            Timer::Member { member, timer } => return self.fire_member(&member, &timer, events),
        }
        self.drain(out, events);
        true
    }

    /// PL4 scheduling: after every controller write (every handler's effects pass through
    /// `drain`), if no run is scheduled and some partition is imbalanced (PL1), the active
    /// controller schedules one `leader_imbalance_check_interval_ms` from now. (Kafka's 10 ms
    /// retry after a run that hit its cap of 1000 records never applies to 50 partitions.)
    pub(super) fn maybe_schedule_leader_rebalance(&mut self) {
        if !self.config.auto.leader_rebalance || self.controller.rebalance_scheduled || !self.controller_alive() || self.controller.imbalanced().is_empty() {
            return;
        }
        self.controller.rebalance_scheduled = true;
        let at = self.now_ms + self.config.leader_imbalance_check_interval_ms;
        self.schedule(at, super::Scheduled::Timer(Timer::LeaderRebalance { controller_epoch: self.controller.epoch }));
    }

    /// PL4 run: a preferred election (PL3) for each imbalanced partition; one that cannot
    /// move writes nothing. The run is itself a write event, so `drain` schedules the next
    /// one if a partition is still imbalanced. False when stale or with nothing to do.
    fn leader_rebalance(&mut self, controller_epoch: crate::ids::ControllerEpoch, out: &mut Outbox) -> bool {
        if controller_epoch != self.controller.epoch {
            return false; // another controller's: it schedules its own
        }
        self.controller.rebalance_scheduled = false;
        if !self.controller_alive() {
            return false;
        }
        let imbalanced = self.controller.imbalanced();
        let Some(controller) = self.controller.active.filter(|_| !imbalanced.is_empty()) else { return false };
        out.event(Event::LeaderRebalance { controller, imbalanced: imbalanced.clone() });
        for tp in &imbalanced {
            self.controller.elect_leader(&self.config, out, tp, crate::controller::ElectionType::Preferred);
        }
        true
    }

    /// RT1: one broker's retention pass over every replica it hosts, on its own clock and HW
    /// (compacted logs get theirs on the cleaner thread instead: [`Self::cleaner_pass`]).
    pub(super) fn retention_pass(&mut self, broker: BrokerId, out: &mut Outbox) {
        let now = self.now_ms;
        let x = self.brokers.get_mut(&broker).expect("exists");
        for (_, r) in x.replicas.iter_mut().filter(|(_, r)| !r.log.config().cleanup_policy.compacts()) {
            crate::retention::run_pass(r, now, out);
        }
    }

    #[cfg(feature = "compaction")]
    /// CC2: one iteration of a broker's cleaner thread over the replicas it hosts, on its own
    /// clock, HW and checkpoints (CC1). True when it cleaned a log.
    pub(super) fn cleaner_pass(&mut self, broker: BrokerId, out: &mut Outbox) -> bool {
        let now = self.now_ms;
        let x = self.brokers.get_mut(&broker).expect("exists");
        crate::cleaner::run_pass(x.replicas.iter_mut().map(|(_, r)| r), now, out)
    }

    pub(super) fn heartbeat(&self, broker: BrokerId) -> Message {
        let b = &self.brokers[&broker];
        let known = b.replicas.values().filter(|r| !r.awaiting_state).map(|r| (r.tp.clone(), r.partition_epoch)).collect();
        Message::Heartbeat { broker_epoch: b.broker_epoch, known }
    }

    pub(super) fn isr_check(&mut self, broker: BrokerId, out: &mut Outbox) {
        let incarnation = self.incarnation(broker);
        let ctx = Ctx { cfg: &self.config, now: self.now_ms, incarnation, controller: self.controller.active, registrations: &self.controller.registrations };
        let x = self.brokers.get_mut(&broker).expect("exists");
        for (_, r) in x.replicas.iter_mut() {
            partition::maybe_shrink_isr(r, &ctx, out);
        }
    }

    pub(super) fn controller_alive(&self) -> bool {
        self.controller.active.is_some_and(|c| self.brokers[&c].is_running() && !self.network.isolated.contains_key(&c))
    }

    pub(super) fn failover_candidate(&self) -> Option<BrokerId> {
        self.brokers.values().find(|b| b.is_running() && !self.network.isolated.contains_key(&b.id) && Some(b.id) != self.controller.active).map(|b| b.id)
    }

    pub(super) fn take_over_controller(&mut self, next: BrokerId, out: &mut Outbox) {
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
}
