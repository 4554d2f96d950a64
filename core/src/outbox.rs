//! Effects as data: handlers never send, schedule or log; they push into an [`Outbox`] that
//! the simulation loop in [`crate::cluster`] drains.

use crate::config::ClusterConfig;
use crate::controller::Registration;
use crate::event::Event;
use crate::ids::{BrokerEpoch, BrokerId, ProduceId, TimeMs, TopicPartition};
use crate::message::{Message, Node};
use serde::Serialize;
use litemap::LiteMap;

/// Something that happens at a later simulated time. Timers of a broker carry its
/// incarnation: a timer set before a crash does nothing after the restart.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[allow(missing_docs)]
pub enum Timer {
    /// A follower sends its next fetch (auto).
    FollowerFetch { broker: BrokerId, incarnation: u64, tp: TopicPartition },
    /// A parked follower fetch reaches `replica.fetch.wait.max.ms`.
    FetchExpire { broker: BrokerId, incarnation: u64, tp: TopicPartition, seq: u64 },
    /// The ISR-expiration check (S1), every `replica.lag.time.max.ms / 2`.
    IsrExpiration { broker: BrokerId, incarnation: u64 },
    /// A broker heartbeats to the controller (E1).
    Heartbeat { broker: BrokerId, incarnation: u64 },
    /// The controller looks for expired sessions (E1).
    SessionCheck,
    /// A broker flushes its logs (B1).
    Flush { broker: BrokerId, incarnation: u64 },
    /// A broker's retention pass over its replicas (RT1), every `log.retention_check_interval_ms`.
    RetentionCheck { broker: BrokerId, incarnation: u64 },
    #[cfg(feature = "compaction")]
    /// A broker's cleaner thread (CC2): a pass now, again at once if it cleaned, else after
    /// `log.cleaner_backoff_ms`.
    CleanerPass { broker: BrokerId, incarnation: u64 },
    /// A produce's `request.timeout.ms` (P5).
    ProduceTimeout { id: ProduceId },
    /// An AlterPartition got no answer: roll back and retry (S5).
    AlterPartitionTimeout { broker: BrokerId, incarnation: u64, tp: TopicPartition },
    /// Another broker takes over a lost controller (K1).
    ControllerFailover,
    /// PL4: the controller's auto leader rebalance, armed by the controller of that epoch.
    LeaderRebalance { controller_epoch: crate::ids::ControllerEpoch },
    /// CP3: a coordinator's load of `__consumer_offsets-partition` (leader epoch `epoch`) completes.
    CoordinatorLoad { broker: BrokerId, incarnation: u64, partition: u32, epoch: crate::ids::LeaderEpoch },
    /// A coordinator runtime's timer (a group's, or a write's CP6 timeout).
    Coordinator { broker: BrokerId, incarnation: u64, timer: crate::group::coordinator::Timer },
    /// CP4: a group client's back-off is over.
    GroupClientRetry { client: String, attempt: u32 },
    /// A group client's request got no answer within `request.timeout.ms`.
    GroupClientTimeout { client: String, attempt: u32 },
    #[cfg(feature = "groups")]
    /// A consumer's timer: its poll loop, its heartbeat thread, a back-off, a request timeout.
    Member { member: String, timer: crate::group::member::MemberTimer },
}

/// What the broker-side handlers may read about the controller's view (metadata cache).
#[derive(Clone, Copy)]
pub struct Ctx<'a> {
    /// The configuration.
    pub cfg: &'a ClusterConfig,
    /// Simulated now.
    pub now: TimeMs,
    /// The handling broker's incarnation, for its timers.
    pub incarnation: u64,
    /// The active controller (where AlterPartition goes).
    pub controller: Option<BrokerId>,
    /// Broker registrations, for ISR eligibility (S2) and L2's broker-epoch check.
    pub registrations: &'a LiteMap<BrokerId, Registration>,
}

impl Ctx<'_> {
    /// `isReplicaIsrEligible`: unfenced, not shutting down, broker epoch current or -1 (S2).
    pub fn isr_eligible(&self, broker: BrokerId, epoch: BrokerEpoch) -> bool {
        self.registrations.get(&broker).is_some_and(|r| {
            !r.fenced && !r.in_controlled_shutdown && (epoch == BrokerEpoch(-1) || epoch == r.broker_epoch)
        })
    }
}

/// Everything a handler produced.
#[derive(Debug, Default)]
pub struct Outbox {
    /// Events, in order.
    pub events: Vec<Event>,
    /// Messages to send: from, to, what.
    pub sends: Vec<(Node, Node, Message)>,
    /// Timers to set: when, what.
    pub timers: Vec<(TimeMs, Timer)>,
}

impl Outbox {
    /// Records an event.
    pub fn event(&mut self, e: Event) {
        self.events.push(e);
    }
    /// Sends a message.
    pub fn send(&mut self, from: Node, to: Node, m: Message) {
        self.sends.push((from, to, m));
    }
    /// Sets a timer.
    pub fn timer(&mut self, at: TimeMs, t: Timer) {
        self.timers.push((at, t));
    }
}
