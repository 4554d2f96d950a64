//! The root component.

use crate::view::{BrokerView, ClusterView, PartitionView, ReplicaView};
use kplay_core::{Cluster, ClusterConfig};
use leptos::prelude::*;

/// The seed of a fresh session.
pub const DEFAULT_SEED: u64 = 1;

/// The playground page.
#[component]
pub fn App() -> impl IntoView {
    let cluster = Cluster::new(ClusterConfig::default(), DEFAULT_SEED).expect("the default configuration is valid");
    let view = ClusterView::of(&cluster);
    view! {
        <header class="top">
            <h1>"Kafka Replication Playground"</h1>
            <p class="hint">"A 3-broker cluster, one topic with 3 partitions, replication factor 3."</p>
        </header>
        <main>
            <section class="brokers" aria-label="Brokers">
                {view.brokers.into_iter().map(broker_card).collect_view()}
            </section>
            <p class="controller-epoch">"Controller epoch " {view.controller_epoch}</p>
            <section class="partitions" aria-label="Partitions">
                {view.partitions.into_iter().map(partition_card).collect_view()}
            </section>
        </main>
    }
}

fn broker_card(b: BrokerView) -> impl IntoView {
    view! {
        <div class="broker" class:controller=b.controller data-testid=format!("broker-{}", b.id) data-state=b.state>
            <span class="broker-name">"Broker " {b.id}</span>
            <span class="broker-state">{b.state}</span>
            {b.controller.then(|| view! { <span class="badge">"controller"</span> })}
        </div>
    }
}

fn partition_card(p: PartitionView) -> impl IntoView {
    let id = format!("partition-{}-{}", p.topic, p.partition);
    let title = format!("{}-{}", p.topic, p.partition);
    let leader = p.leader.map_or("none".to_string(), |l| l.to_string());
    let (topic, partition) = (p.topic.clone(), p.partition);
    let heading = format!(" leader {leader}, epoch {}, ISR {{{}}}", p.leader_epoch, p.isr);
    view! {
        <div class="partition" data-testid=id data-leader=leader data-leader-epoch=p.leader_epoch data-isr=p.isr>
            <h2>{title} <small>{heading}</small></h2>
            {p.replicas.into_iter().map(|r| replica_row(&topic, partition, r)).collect_view()}
        </div>
    }
}

fn replica_row(topic: &str, partition: u32, r: ReplicaView) -> impl IntoView {
    let id = format!("replica-{topic}-{partition}-{}", r.broker);
    view! {
        <div class="replica" class:out-of-sync=!r.in_isr data-testid=id data-leo=r.leo data-hw=r.hw data-role=r.role>
            <span class="replica-name">"broker " {r.broker} " · " {r.role}</span>
            <span class="offsets">"LEO " {r.leo} " HW " {r.hw}</span>
        </div>
    }
}
