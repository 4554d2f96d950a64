//! A plain-data view of the cluster for the page: computed from the core after each step,
//! read by the components. No Leptos here, so it is unit-tested natively.

use kplay_core::broker::BrokerStatus;
use kplay_core::ids::BrokerId;
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
}

/// One replica of a partition.
#[derive(Clone, Debug, PartialEq, Eq)]
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
    /// `(offset, epoch, value)` of each record.
    pub log: Vec<(i64, i32, String)>,
}

/// One partition.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PartitionView {
    /// Topic.
    pub topic: String,
    /// Partition.
    pub partition: u32,
    /// Leader id, if any.
    pub leader: Option<u32>,
    /// Leader epoch.
    pub leader_epoch: i32,
    /// ISR, comma-separated ids in ISR order.
    pub isr: String,
    /// Replicas in assignment order.
    pub replicas: Vec<ReplicaView>,
}

/// The whole page's data.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClusterView {
    /// Brokers by id.
    pub brokers: Vec<BrokerView>,
    /// Partitions in order.
    pub partitions: Vec<PartitionView>,
    /// The controller epoch.
    pub controller_epoch: i32,
    /// Simulated time, ms.
    pub now_ms: u64,
}

impl ClusterView {
    /// The view of `c`.
    pub fn of(c: &Cluster) -> ClusterView {
        let brokers = c
            .brokers
            .values()
            .map(|b| {
                let fenced = c.controller.registrations.get(&b.id).is_some_and(|r| r.fenced);
                let state = match b.status {
                    BrokerStatus::Crashed => "crashed",
                    BrokerStatus::Paused => "paused",
                    BrokerStatus::Running if c.network.isolated.contains(&b.id) => "isolated",
                    BrokerStatus::Running if fenced => "fenced",
                    BrokerStatus::Running => "alive",
                };
                BrokerView { id: b.id.0, state, controller: c.controller.active == Some(b.id) }
            })
            .collect();
        let partitions = c
            .controller
            .partitions
            .values()
            .map(|st| PartitionView {
                topic: st.tp.topic.clone(),
                partition: st.tp.partition,
                leader: st.leader.map(|b| b.0),
                leader_epoch: st.leader_epoch.0,
                isr: st.isr.iter().map(|b| b.0.to_string()).collect::<Vec<_>>().join(","),
                replicas: st
                    .replicas
                    .iter()
                    .filter_map(|b: &BrokerId| {
                        let r = c.replica(*b, &st.tp)?;
                        let up = c.brokers[b].is_running();
                        Some(ReplicaView {
                            broker: b.0,
                            role: if up { r.role.name() } else { "offline" },
                            in_isr: st.isr.contains(b),
                            leo: r.log.log_end_offset().0,
                            hw: r.log.high_watermark().0,
                            log: r.log.records().map(|x| (x.offset.0, x.epoch.0, x.value.clone())).collect(),
                        })
                    })
                    .collect(),
            })
            .collect();
        ClusterView { brokers, partitions, controller_epoch: c.controller.epoch.0, now_ms: c.now_ms() }
    }
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
}
