//! A broker: its replicas, its registration epoch, the controller epoch it knows, and what
//! happens to its disk when it crashes and restarts (B1, B2).

use crate::event::{CrashKind, Event, TruncationRule};
use crate::ids::{BrokerEpoch, BrokerId, ControllerEpoch, LeaderEpoch, MessageId, Offset, PartitionEpoch, TopicPartition};
use crate::message::{KafkaError, PartitionState};
use crate::outbox::Ctx;
use crate::partition::{self, Orphaned};
use crate::outbox::Outbox;
use crate::replica::{Replica, Role};
use serde::Serialize;
use litemap::LiteMap;

/// Up, down, or frozen.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum BrokerStatus {
    /// Running.
    Running,
    /// Down (crashed or shut down).
    Crashed,
    /// Frozen in a long GC pause: it handles nothing until it wakes.
    Paused,
}

/// A broker.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Broker {
    /// Its id.
    pub id: BrokerId,
    /// Running, crashed or paused.
    pub status: BrokerStatus,
    /// Counts restarts; timers of an earlier incarnation are ignored.
    pub incarnation: u64,
    /// Its current registration's epoch (-1 until registered).
    pub broker_epoch: BrokerEpoch,
    /// The highest controller epoch it has seen (K1). Invariant (I23): never decreases.
    pub known_controller_epoch: ControllerEpoch,
    /// Set while it still believes it is the controller with this (stale) epoch (S10).
    pub zombie_controller_epoch: Option<ControllerEpoch>,
    /// Its replicas, by partition.
    pub replicas: LiteMap<TopicPartition, Replica>,
    /// Messages that arrived while it was paused, handled when it wakes.
    pub backlog: Vec<MessageId>,
    /// RA6: the partition epoch at which it deleted a replica, so that an older state naming it
    /// (a LeaderAndIsr overtaken on the wire) does not bring the replica back.
    pub deleted: LiteMap<TopicPartition, PartitionEpoch>,
    /// KB1: the clean-shutdown file, written by a controlled shutdown with the broker epoch it
    /// ended; the next registration sends it as `previousBrokerEpoch` (EL7: without it the
    /// controller treats the restart as unclean).
    pub clean_shutdown_epoch: Option<BrokerEpoch>,
}

impl Broker {
    /// A running broker with no replicas.
    pub fn new(id: BrokerId, broker_epoch: BrokerEpoch) -> Self {
        Broker {
            id,
            status: BrokerStatus::Running,
            incarnation: 0,
            broker_epoch,
            known_controller_epoch: ControllerEpoch(0),
            zombie_controller_epoch: None,
            replicas: LiteMap::new_vec(),
            backlog: Vec::new(),
            deleted: LiteMap::new_vec(),
            clean_shutdown_epoch: None,
        }
    }

    /// True when it handles messages and timers.
    pub fn is_running(&self) -> bool {
        self.status == BrokerStatus::Running
    }

    /// B1: the broker goes down. Clean: everything is flushed. Unclean: the disk keeps what
    /// was written. Lossy: each log reverts to `keep` (clamped to `[recovery point, LEO]`),
    /// by default its recovery point. The HW checkpoint is the HW at the crash (Kafka
    /// checkpoints it periodically; the simulator checkpoints at the crash).
    pub fn crash(&mut self, out: &mut Outbox, kind: CrashKind, keep: Option<Offset>) {
        self.status = BrokerStatus::Crashed;
        self.incarnation += 1;
        self.zombie_controller_epoch = None;
        self.backlog.clear();
        out.event(Event::BrokerCrashed { broker: self.id, kind });
        for (_, r) in self.replicas.iter_mut() {
            r.hw_checkpoint = r.log.high_watermark();
            match kind {
                CrashKind::Clean => r.log.flush(),
                CrashKind::Unclean => {}
                CrashKind::Lossy => {
                    let (rp, leo) = (r.log.recovery_point(), r.log.log_end_offset());
                    let to = keep.unwrap_or(rp).max(rp).min(leo);
                    if to < leo {
                        out.event(Event::Truncated {
                            broker: self.id,
                            tp: r.tp.clone(),
                            from: leo,
                            to,
                            rule: TruncationRule::LossyCrash,
                            leader_epoch: LeaderEpoch::UNDEFINED,
                            leader_end_offset: Offset::UNKNOWN,
                        });
                    }
                    r.truncate_to(to);
                }
            }
            r.role = Role::None;
        }
    }

    /// B2: the broker restarts. Each log is recovered, its epoch cache truncated to the LEO
    /// and log start (C5), and its HW set to `min(checkpoint, LEO)`. Every replica waits for
    /// the controller's state (it is an out-of-sync follower at best, B3).
    pub fn restart(&mut self, out: &mut Outbox) {
        self.status = BrokerStatus::Running;
        self.incarnation += 1;
        self.broker_epoch = BrokerEpoch(-1);
        out.event(Event::BrokerRestarted { broker: self.id });
        for (_, r) in self.replicas.iter_mut() {
            let leo = r.log.log_end_offset();
            // C5: this also drops an empty epoch a former leader assigned at its LEO (S4 step 6).
            r.epoch_cache.truncate_from_end(leo);
            r.epoch_cache.truncate_from_start(r.log.log_start_offset());
            r.log.set_high_watermark(r.hw_checkpoint.min(leo));
            r.role = Role::None;
            r.awaiting_state = true;
            out.event(Event::LogRecovered {
                broker: self.id,
                tp: r.tp.clone(),
                log_end_offset: leo,
                high_watermark: r.log.high_watermark(),
            });
        }
    }

    /// §2.9, RA4, RA6: partition state learned from the controller. A broker among its
    /// `replicas` that has no replica of it creates an empty one, which then follows (RA4);
    /// one no longer among them deletes its replica, log and all (RA6). Stale states (an older
    /// partition epoch) change nothing.
    pub fn apply_state(&mut self, ctx: &Ctx, out: &mut Outbox, state: &PartitionState) -> Orphaned {
        let tp = &state.tp;
        if !state.replicas.contains(&self.id) {
            let Some(r) = self.replicas.get_mut(tp) else { return Vec::new() };
            if state.partition_epoch <= r.partition_epoch {
                return Vec::new();
            }
            let orphaned = partition::drop_leadership(r, ctx, out);
            self.replicas.remove(tp);
            self.deleted.insert(tp.clone(), state.partition_epoch);
            out.event(Event::ReplicaDeleted { broker: self.id, tp: tp.clone() });
            return orphaned;
        }
        if !self.replicas.contains_key(tp) {
            if self.deleted.get(tp).is_some_and(|pe| *pe >= state.partition_epoch) {
                out.event(Event::StaleStateIgnored { broker: self.id, tp: tp.clone(), error: KafkaError::FencedLeaderEpoch });
                return Vec::new();
            }
            self.deleted.remove(tp);
            self.replicas.insert(tp.clone(), Replica::new(tp.clone(), self.id, ctx.cfg.log_for(&tp.topic)));
            out.event(Event::ReplicaCreated { broker: self.id, tp: tp.clone() });
        }
        let r = self.replicas.get_mut(tp).expect("present");
        partition::apply_partition_state(r, ctx, out, state)
    }

    /// RA6 on registration: a replica the controller no longer lists for this broker (it was
    /// removed while the broker was down or cut off) is a stray, and is deleted.
    pub fn delete_strays(&mut self, ctx: &Ctx, out: &mut Outbox, states: &[PartitionState]) -> Orphaned {
        let strays: Vec<TopicPartition> = self.replicas.keys().filter(|tp| !states.iter().any(|s| &s.tp == *tp)).cloned().collect();
        let mut orphaned = Vec::new();
        for tp in strays {
            let r = self.replicas.get_mut(&tp).expect("listed");
            orphaned.extend(partition::drop_leadership(r, ctx, out));
            let pe = r.partition_epoch;
            self.replicas.remove(&tp);
            self.deleted.insert(tp.clone(), pe);
            out.event(Event::ReplicaDeleted { broker: self.id, tp });
        }
        orphaned
    }
}
