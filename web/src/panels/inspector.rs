//! The inspector: the selected replica's segments, sparse index, epoch cache, offsets and
//! fetch (or leader) state, or the controller's view of the selected partition.
//!
//! It is read-only text, redrawn after every step while something is selected, so it is
//! written as one HTML string (natively tested below) rather than as reactive elements.

use crate::i18n::{role, t, Lang, Ui};
use crate::stage::markup::escape;
use crate::sim::{Selection, Sim};
use crate::view::{replica_detail, ReplicaDetail};
use kplay_core::ids::TopicPartition;
use kplay_core::message::ids;
use kplay_core::Cluster;
use leptos::prelude::*;
use std::fmt::Write;

/// Details of the selected replica or partition.
#[component]
pub fn Inspector() -> impl IntoView {
    let sim = expect_context::<Sim>();
    let body = move || {
        sim.revision.track();
        let lang = sim.lang.get();
        match sim.selected.get() {
            None => Some(format!(r#"<p class="muted">{}</p>"#, t(lang, Ui::InspectorEmpty))),
            Some(Selection::Replica(tp, broker)) => sim.with_session(|s| replica_detail(s.timeline.cluster(), broker, &tp).map(|d| replica_html(&d, lang))),
            Some(Selection::Partition(tp)) => sim.with_session(|s| partition_html(s.timeline.cluster(), &tp, lang)),
        }
        .unwrap_or_else(|| "<p>—</p>".into())
    };
    view! {
        <section class="panel inspector" aria-label="Inspector" data-testid="inspector">
            <div inner_html=move || format!("<h3>{}</h3>{}", t(sim.lang.get(), Ui::Inspector), body())></div>
        </section>
    }
}

/// A replica's details.
pub fn replica_html(d: &ReplicaDetail, l: Lang) -> String {
    let (leo, hw, log_start, recovery_point) = d.offsets;
    let mut h = format!(
        r#"<h4>B{} · {} · {}</h4><p class="mono">LEO {leo} · HW {hw} · logStartOffset {log_start} · recoveryPoint {recovery_point}</p><h5>{}</h5><ul class="mono">"#,
        d.broker,
        escape(&d.tp),
        t(l, role(d.role)),
        t(l, Ui::Segments)
    );
    for (base, records, bytes, index) in &d.segments {
        let index: Vec<String> = index.iter().map(|(o, p)| format!("{o}@{p}")).collect();
        let _ = write!(h, "<li>{base:020}.log · {records} · {bytes} B · [{}]</li>", index.join(", "));
    }
    let cache: Vec<String> = d.epoch_cache.iter().map(|(e, s)| format!("{e}:{s}")).collect();
    let _ = write!(h, r#"</ul><h5>{}</h5><p class="mono">{{{}}}</p>"#, t(l, Ui::EpochCache), cache.join(", "));
    if let Some((leader, phase, in_flight)) = d.fetch_state {
        let _ = write!(
            h,
            r#"<h5>{}</h5><p class="mono">leaderId {leader} · {phase} · fetchOffset {leo} · inFlight {in_flight}</p>"#,
            t(l, Ui::FetchState)
        );
    }
    if let Some((leso, isr, maximal, followers)) = &d.leader_state {
        let _ = write!(h, r#"<h5>{}</h5><p class="mono">LESO {leso} · ISR {isr} · maximalIsr {maximal}</p><ul class="mono">"#, t(l, Ui::LeaderView));
        for (b, follower_leo, caught_up) in followers {
            let follower_leo = if *follower_leo < 0 { t(l, Ui::Unknown).into() } else { follower_leo.to_string() };
            let caught_up = caught_up.map_or(t(l, Ui::Never).into(), |ms| format!("{ms} ms"));
            let _ = write!(h, "<li>B{b}: LEO {follower_leo} · lastCaughtUpTimeMs {caught_up}</li>");
        }
        h.push_str("</ul>");
    }
    h
}

/// The controller's view of a partition.
pub fn partition_html(c: &Cluster, tp: &TopicPartition, l: Lang) -> Option<String> {
    let st = c.controller.partitions.get(tp)?;
    Some(format!(
        r#"<h4>{} · {}</h4><p class="mono">replicas [{}] · leader {} · leaderEpoch {} · partitionEpoch {} · ISR {} · {:?}</p>"#,
        escape(&tp.to_string()),
        t(l, Ui::Controller),
        st.replicas.iter().map(|b| b.to_string()).collect::<Vec<_>>().join(","),
        st.leader.map_or(t(l, Ui::NoLeader).into(), |b| b.to_string()),
        st.leader_epoch,
        st.partition_epoch,
        ids(st.isr.iter().copied()),
        st.leader_recovery_state
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::session::Session;
    use kplay_core::message::Acks;
    use kplay_core::Command;

    /// A leader after two committed records: offsets, one segment with its records, the epoch
    /// cache and the leader's view of its followers; a follower: its fetch state.
    #[test]
    fn a_replica_shows_its_segments_epoch_cache_offsets_and_fetch_state() {
        let mut s = Session::fresh();
        for v in ["a", "b"] {
            s.apply(Command::Produce { topic: "orders".into(), partition: Some(0), key: None, value: v.into(), acks: Acks::All, to: None }).unwrap();
        }
        for _ in 0..60 {
            s.timeline.step_next();
        }
        let c = s.timeline.cluster();
        let tp = TopicPartition::new("orders", 0);
        let leader = c.controller.partitions[&tp].leader.unwrap().0;
        let h = replica_html(&replica_detail(c, leader, &tp).unwrap(), Lang::En);
        assert!(h.starts_with(&format!("<h4>B{leader} · orders-0 · leader</h4>")), "{h}");
        assert!(h.contains("LEO 2 · HW 2"), "{h}");
        assert!(h.contains("<li>00000000000000000000.log · 2 · "), "{h}");
        assert!(h.contains("Leader-epoch cache</h5><p class=\"mono\">{0:0}</p>"), "{h}");
        assert!(h.contains("LESO 0 · ISR {"), "{h}");
        assert_eq!(h.matches(": LEO 2 · lastCaughtUpTimeMs ").count(), 2, "two caught-up followers: {h}");
        let follower = c.controller.partitions[&tp].replicas.iter().find(|b| b.0 != leader).unwrap().0;
        let h = replica_html(&replica_detail(c, follower, &tp).unwrap(), Lang::Ko);
        assert!(h.contains(&format!("<h5>{}</h5><p class=\"mono\">leaderId {leader} · Fetching · fetchOffset 2", t(Lang::Ko, Ui::FetchState))), "{h}");
        assert!(h.contains(&format!(" · orders-0 · {}</h4>", t(Lang::Ko, Ui::Follower))), "{h}");
    }

    #[test]
    fn a_partition_shows_the_controllers_view() {
        let s = Session::fresh();
        let h = partition_html(s.timeline.cluster(), &TopicPartition::new("orders", 1), Lang::En).unwrap();
        assert!(h.starts_with("<h4>orders-1 · controller</h4>"), "{h}");
        assert!(h.contains("leaderEpoch 0 · partitionEpoch 0 · ISR {"), "{h}");
        assert!(partition_html(s.timeline.cluster(), &TopicPartition::new("nope", 0), Lang::En).is_none());
    }
}
