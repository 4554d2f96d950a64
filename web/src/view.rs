//! A plain-data view of the cluster for the page: computed from the core after each step,
//! read by the components. No Leptos here, so it is unit-tested natively.

use kplay_core::broker::BrokerStatus;
use kplay_core::ids::{BrokerId, LeaderEpoch, Offset, TopicPartition};
use kplay_core::message::{ids, Message, Node};
use kplay_core::replica::{FetchPhase, Role};
use kplay_core::event::{Event, TruncationRule};
use kplay_core::timeline::Timeline;
use kplay_core::Cluster;

/// One broker as the page shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BrokerView {
    /// Its id.
    pub id: u32,
    /// `alive`, `crashed`, `paused`, `fenced` or `isolated` (the page's `data-state`).
    pub state: &'static str,
    /// True for the active controller.
    pub controller: bool,
    /// True when slowed.
    pub slow: bool,
    /// True when cut off from the network (also while crashed or paused).
    pub isolated: bool,
    /// Its registration epoch (-1 while unregistered).
    pub broker_epoch: i64,
    /// Its `broker.rack` (RK), on the extended page.
    #[cfg(feature = "kraft")]
    pub rack: Option<String>,
}

/// One log cell.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CellView {
    /// Offset.
    pub offset: i64,
    /// Leader epoch.
    pub epoch: i32,
    /// Value.
    pub value: String,
    /// Key, if any.
    pub key: Option<String>,
    /// True when a segment starts here.
    pub segment_start: bool,
}

/// One replica of a partition.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ReplicaView {
    /// Its broker.
    pub broker: u32,
    /// `leader`, `follower`, `none` or `offline`.
    pub role: &'static str,
    /// True when in the controller's ISR.
    pub in_isr: bool,
    /// LEO.
    pub leo: i64,
    /// HW.
    pub hw: i64,
    /// Log start offset.
    pub log_start: i64,
    /// The cleaner checkpoint (CC13: where its last round ended), on the extended page.
    #[cfg(feature = "compaction")]
    pub cleaner_checkpoint: Option<i64>,
    /// The records.
    pub cells: Vec<CellView>,
    /// The leader epoch this replica believes current.
    pub leader_epoch: i32,
    /// True for a leader of an older epoch (a zombie).
    pub stale_leader: bool,
    /// RA2: `adding` or `removing` while the partition moves, else empty.
    pub moving: &'static str,
    /// The replica's latest truncation, if it happened in the last [`TRUNCATION_SHOWN_STEPS`]
    /// steps (the page draws the removed tail in place, with the reason).
    pub truncation: Option<TruncationView>,
}

/// A truncation: its step and the `Truncated` event's data.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TruncationView {
    /// The step it happened in.
    pub step: u64,
    /// The LEO before.
    pub from: Offset,
    /// The LEO after.
    pub to: Offset,
    /// Why (T1–T5, B-rules, legacy HW).
    pub rule: TruncationRule,
    /// The epoch the leader was asked about.
    pub leader_epoch: LeaderEpoch,
    /// Where the leader says that epoch ends.
    pub leader_end_offset: Offset,
}

impl TruncationView {
    /// The event again, for wording it.
    pub fn event(&self, broker: u32, tp: &TopicPartition) -> Event {
        let TruncationView { from, to, rule, leader_epoch, leader_end_offset, .. } = *self;
        Event::Truncated { broker: BrokerId(broker), tp: tp.clone(), from, to, rule, leader_epoch, leader_end_offset }
    }
}

/// How many steps a truncation stays drawn on its replica's row.
pub const TRUNCATION_SHOWN_STEPS: u64 = 40;

/// One partition.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PartitionView {
    /// Topic.
    pub topic: String,
    /// Partition.
    pub partition: u32,
    /// Leader id, if any.
    pub leader: Option<u32>,
    /// Leader epoch.
    pub leader_epoch: i32,
    /// Partition epoch.
    pub partition_epoch: i32,
    /// ISR, comma-separated ids in ISR order.
    pub isr: String,
    /// RECOVERING after an unclean election.
    pub recovering: bool,
    /// EL3: the Eligible Leader Replicas, ascending (extended page).
    #[cfg(feature = "kraft")]
    pub elr: Vec<u32>,
    /// EL5: the last known leader while the ISR is empty.
    #[cfg(feature = "kraft")]
    pub last_known_leader: Option<u32>,
    /// Replicas in assignment order.
    pub replicas: Vec<ReplicaView>,
}

impl PartitionView {
    /// Its topic-partition (`orders-0`).
    pub fn tp(&self) -> TopicPartition {
        TopicPartition::new(self.topic.clone(), self.partition)
    }
}

/// A message on the wire.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MessageView {
    /// Its id.
    pub id: u64,
    /// Sender (0 = the clients).
    pub from: u32,
    /// Receiver (0 = the clients).
    pub to: u32,
    /// When it was sent.
    pub sent_at: u64,
    /// When it arrives (None while held).
    pub deliver_at: Option<u64>,
    /// `Fetch`, `FetchResponse`, …
    pub kind: &'static str,
    /// A short label, e.g. `Fetch(off 3, lastEp 0)`.
    pub label: String,
    /// True for heartbeats (which the page may hide).
    pub heartbeat: bool,
    /// Class for colour: `fetch`, `response`, `produce`, `control`, `error`, `diverging`.
    pub class: &'static str,
}

/// The whole page's data.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ClusterView {
    /// Brokers by id.
    pub brokers: Vec<BrokerView>,
    /// Partitions in order.
    pub partitions: Vec<PartitionView>,
    /// The controller's broker, if any.
    pub controller: Option<u32>,
    /// The controller epoch.
    pub controller_epoch: i32,
    /// Simulated time, ms.
    pub now_ms: u64,
    /// Messages on the wire.
    pub messages: Vec<MessageView>,
}

fn node_id(n: Node) -> u32 {
    match n {
        Node::Broker(b) => b.0,
        Node::Client => 0,
    }
}

fn message_label(m: &Message) -> (String, &'static str) {
    match m {
        Message::FetchRequest { fetch_offset, last_fetched_epoch, current_leader_epoch, .. } => {
            (format!("Fetch {fetch_offset} ep{last_fetched_epoch}/{current_leader_epoch}"), "fetch")
        }
        Message::FetchResponse { error: Some(e), .. } => (e.name().to_string(), "error"),
        Message::FetchResponse { diverging_epoch: Some((e, o)), .. } => (format!("Diverging({e},{o})"), "diverging"),
        Message::FetchResponse { records, high_watermark, .. } => {
            (format!("{} rec, HW {high_watermark}", records.len()), "response")
        }
        Message::ProduceRequest { value, .. } => (format!("Produce {value}"), "produce"),
        Message::ProduceResponse { error: Some(e), .. } => (e.name().to_string(), "error"),
        Message::ProduceResponse { offset, .. } => (format!("ack @{offset}"), "produce"),
        Message::AlterPartition { new_isr, .. } => (format!("AlterPartition {}", ids(new_isr.iter().map(|(b, _)| *b))), "control"),
        Message::LeaderAndIsr { state, .. } => (
            format!("LeaderAndIsr {} ep{}", state.leader.map_or("-".into(), |b| b.to_string()), state.leader_epoch),
            "control",
        ),
        other => (other.kind().to_string(), "control"),
    }
}

impl ClusterView {
    /// The view of the timeline's current cluster, with each replica's recent truncation.
    pub fn of_timeline(t: &Timeline) -> ClusterView {
        let mut view = ClusterView::of(t.cluster());
        let now = t.step();
        let mut step = now;
        while step > 0 && now - step < TRUNCATION_SHOWN_STEPS {
            for e in t.events_of(step).iter().rev() {
                let Event::Truncated { broker, tp, from, to, rule, leader_epoch, leader_end_offset } = &e.event else { continue };
                let replica = view
                    .partitions
                    .iter_mut()
                    .filter(|p| p.topic == tp.topic && p.partition == tp.partition)
                    .flat_map(|p| p.replicas.iter_mut())
                    .find(|r| r.broker == broker.0);
                if let Some(r) = replica {
                    // The newest one wins: we walk backwards.
                    r.truncation.get_or_insert(TruncationView { step, from: *from, to: *to, rule: *rule, leader_epoch: *leader_epoch, leader_end_offset: *leader_end_offset });
                }
            }
            step -= 1;
        }
        view
    }

    /// The view of `c`.
    pub fn of(c: &Cluster) -> ClusterView {
        let brokers = c
            .brokers
            .values()
            .map(|b| {
                // A broker the controller has not registered yet (just added) is as unusable
                // as a fenced one: it leads nothing and joins no ISR.
                let fenced = c.controller.registrations.get(&b.id).is_none_or(|r| r.fenced);
                let state = match b.status {
                    BrokerStatus::Crashed => "crashed",
                    BrokerStatus::Paused => "paused",
                    BrokerStatus::Running if c.network.isolated.contains_key(&b.id) => "isolated",
                    BrokerStatus::Running if fenced => "fenced",
                    BrokerStatus::Running => "alive",
                };
                BrokerView {
                    id: b.id.0,
                    state,
                    controller: c.controller.active == Some(b.id),
                    slow: c.network.slow.contains_key(&b.id),
                    isolated: c.network.isolated.contains_key(&b.id),
                    broker_epoch: b.broker_epoch.0,
                    #[cfg(feature = "kraft")]
                    rack: c.config().racks.get(&b.id).cloned(),
                }
            })
            .collect();
        let partitions = c.controller.partitions.values().map(|st| partition_view(c, st)).collect();
        let messages = c
            .network
            .in_flight
            .iter()
            .map(|(id, m)| {
                let (label, class) = message_label(&m.message);
                MessageView {
                    id: id.0,
                    from: node_id(m.from),
                    to: node_id(m.to),
                    sent_at: m.sent_at,
                    deliver_at: m.deliver_at,
                    kind: m.message.kind(),
                    label,
                    heartbeat: m.message.is_heartbeat(),
                    class,
                }
            })
            .collect();
        ClusterView {
            brokers,
            partitions,
            controller: c.controller.active.map(|b| b.0),
            controller_epoch: c.controller.epoch.0,
            now_ms: c.now_ms(),
            messages,
        }
    }
}

fn partition_view(c: &Cluster, st: &kplay_core::message::PartitionState) -> PartitionView {
    PartitionView {
        topic: st.tp.topic.clone(),
        partition: st.tp.partition,
        leader: st.leader.map(|b| b.0),
        leader_epoch: st.leader_epoch.0,
        partition_epoch: st.partition_epoch.0,
        isr: st.isr.iter().map(|b| b.0.to_string()).collect::<Vec<_>>().join(","),
        recovering: st.leader_recovery_state == kplay_core::message::LeaderRecoveryState::Recovering,
        #[cfg(feature = "kraft")]
        elr: st.elr.members().iter().map(|b| b.0).collect(),
        #[cfg(feature = "kraft")]
        last_known_leader: st.elr.last_known().map(|b| b.0),
        replicas: st
            .replicas
            .iter()
            .filter_map(|b: &BrokerId| {
                let r = c.replica(*b, &st.tp)?;
                let up = c.brokers[b].is_running();
                let segment_bases: Vec<i64> = r.log.segments().iter().map(|s| s.base_offset.0).collect();
                Some(ReplicaView {
                    broker: b.0,
                    role: if up { r.role.name() } else { "offline" },
                    in_isr: st.isr.contains(b),
                    leo: r.log.log_end_offset().0,
                    hw: r.log.high_watermark().0,
                    log_start: r.log.log_start_offset().0,
                    #[cfg(feature = "compaction")]
                    cleaner_checkpoint: r.log.cleaner_checkpoint().map(|o| o.0),
                    cells: r
                        .log
                        .records()
                        .map(|x| CellView {
                            offset: x.offset.0,
                            epoch: x.epoch.0,
                            value: x.value.to_string(),
                            key: x.key.clone(),
                            segment_start: x.offset.0 != r.log.log_start_offset().0 && segment_bases.binary_search(&x.offset.0).is_ok(),
                        })
                        .collect(),
                    leader_epoch: r.leader_epoch.0,
                    stale_leader: matches!(r.role, Role::Leader(_)) && r.leader_epoch != st.leader_epoch,
                    moving: if st.adding_replicas.contains(b) {
                        "adding"
                    } else if st.removing_replicas.contains(b) {
                        "removing"
                    } else {
                        ""
                    },
                    truncation: None,
                })
            })
            .collect(),
    }
}

/// Everything the inspector shows about one replica.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReplicaDetail {
    /// Broker.
    pub broker: u32,
    /// Partition.
    pub tp: String,
    /// Role.
    pub role: &'static str,
    /// One per segment.
    pub segments: Vec<SegmentView>,
    /// `(epoch, start offset)`.
    pub epoch_cache: Vec<(i32, i64)>,
    /// LEO, HW, log start, recovery point.
    pub offsets: (i64, i64, i64, i64),
    /// Follower: leader, phase, request in flight.
    pub fetch_state: Option<(u32, &'static str, bool)>,
    /// Leader: LESO, ISR, maximal ISR, followers as (id, LEO, last caught up ms).
    pub leader_state: Option<LeaderStateView>,
}

/// A segment: `(base offset, records, bytes, index entries as (offset, position))`.
pub type SegmentView = (i64, usize, u64, Vec<(i64, u64)>);

/// A leader's state: `(LESO, ISR, maximal ISR, followers as (id, LEO, last caught up ms))`.
pub type LeaderStateView = (i64, String, String, Vec<(u32, i64, Option<u64>)>);

/// The inspector's data for `broker`'s replica of `tp`.
pub fn replica_detail(c: &Cluster, broker: u32, tp: &TopicPartition) -> Option<ReplicaDetail> {
    let r = c.replica(BrokerId(broker), tp)?;
    Some(ReplicaDetail {
        broker,
        tp: tp.to_string(),
        role: if c.brokers[&BrokerId(broker)].is_running() { r.role.name() } else { "offline" },
        segments: r
            .log
            .segments()
            .iter()
            .map(|s| (s.base_offset.0, s.records.len(), s.size_bytes, s.index.iter().map(|e| (e.offset.0, e.position)).collect()))
            .collect(),
        epoch_cache: r.epoch_cache.entries().iter().map(|e| (e.epoch.0, e.start_offset.0)).collect(),
        offsets: (r.log.log_end_offset().0, r.log.high_watermark().0, r.log.log_start_offset().0, r.log.recovery_point().0),
        fetch_state: r.follower_state().map(|f| {
            (f.leader.0, if f.phase == FetchPhase::Fetching { "Fetching" } else { "Truncating" }, f.in_flight.is_some())
        }),
        leader_state: r.leader_state().map(|l| {
            (
                l.leso.0,
                ids(l.isr.iter().copied()),
                ids(l.maximal_isr.iter().copied()),
                l.followers.iter().map(|(b, f)| (b.0, f.leo.0, f.last_caught_up_time_ms)).collect(),
            )
        }),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use kplay_core::ClusterConfig;

    #[test]
    fn default_cluster_view_has_three_brokers_and_a_leader_per_partition() {
        let c = Cluster::new(ClusterConfig::default(), 1).expect("valid default");
        let v = ClusterView::of(&c);
        assert_eq!(v.brokers.iter().map(|b| b.id).collect::<Vec<_>>(), vec![1, 2, 3]);
        assert_eq!(v.brokers.iter().filter(|b| b.controller).count(), 1);
        assert_eq!(v.partitions.len(), 3);
        for p in &v.partitions {
            assert_eq!(p.replicas.len(), 3);
            let leader = p.leader.expect("a leader");
            assert_eq!(p.replicas.iter().filter(|r| r.role == "leader").map(|r| r.broker).collect::<Vec<_>>(), vec![leader]);
            assert_eq!(p.isr.split(',').count(), 3);
        }
    }

    #[test]
    fn in_flight_messages_are_listed_with_labels() {
        let mut c = Cluster::new(ClusterConfig::default(), 1).expect("valid default");
        c.step_next();
        let v = ClusterView::of(&c);
        assert!(v.messages.iter().any(|m| m.kind == "Fetch" && m.label.starts_with("Fetch 0")), "{:?}", v.messages);
    }

    /// S2 (FETCH mode): broker 1 truncates its divergent tail at step 16 (T5); the view carries
    /// it for a while after, on that replica only.
    #[test]
    fn a_recent_truncation_is_on_its_replica() {
        let s = crate::session::Session::from_json(include_str!("../../scenarios/conformance/S2-fetch.json")).expect("S2 opens");
        let mut t = s.timeline;
        let truncated = |t: &Timeline| {
            let v = ClusterView::of_timeline(t);
            v.partitions[0].replicas.iter().filter_map(|r| r.truncation.map(|x| (r.broker, x.step, x.rule))).collect::<Vec<_>>()
        };
        t.jump_to(15);
        assert!(truncated(&t).iter().all(|(_, step, _)| *step < 15), "nothing from the future");
        t.jump_to(16);
        let now = truncated(&t);
        let found = now.iter().find(|(_, step, _)| *step == 16).expect("the truncation at step 16");
        assert_eq!(*found, (1, 16, TruncationRule::T5));
        t.jump_to(t.last_step());
        while t.step() < 16 + TRUNCATION_SHOWN_STEPS {
            t.apply(kplay_core::Command::Advance { ms: 10 }).expect("advance");
        }
        assert!(truncated(&t).iter().all(|(_, step, _)| *step != 16), "shown for TRUNCATION_SHOWN_STEPS steps only");
    }
}
