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
use kplay_core::{Cluster, Command};
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
    // RA1 / RA7 / PL2 for the selected partition: drawn when the selection or the language
    // changes, not every step, so that a target being typed survives a running simulation.
    let form = move || {
        let lang = sim.lang.get();
        let Some(Selection::Partition(tp)) = sim.selected.get() else { return String::new() };
        let current = sim.with_session(|s| s.timeline.cluster().controller.partitions.get(&tp).map(|st| st.replicas.iter().map(ToString::to_string).collect::<Vec<_>>().join(",")));
        current.map(|c| move_form_html(&c, lang)).unwrap_or_default()
    };
    let act = move |ev: leptos::ev::MouseEvent| {
        let Some(Selection::Partition(tp)) = sim.selected.get_untracked() else { return };
        let Some(button) = crate::stage::markup::clicked(&ev, "data-move") else { return };
        let (topic, partition) = (tp.topic.clone(), tp.partition);
        let cmd = match button.get_attribute("data-move").as_deref() {
            Some("reassign") => {
                let input = button.closest(".move-form").ok().flatten().and_then(|f| f.query_selector("input").ok().flatten());
                let text = input.and_then(|i| js_sys::Reflect::get(&i, &"value".into()).ok()).and_then(|v| v.as_string()).unwrap_or_default();
                match parse_target(&text) {
                    Some(replicas) => Command::Reassign { topic, partition, replicas },
                    None => return sim.error.set(Some(t(sim.lang.get_untracked(), Ui::BadTarget).into())),
                }
            }
            Some("cancel") => Command::CancelReassignment { topic, partition },
            Some("preferred") => Command::Elect { topic, partition, kind: kplay_core::controller::ElectionType::Preferred },
            _ => return,
        };
        sim.command(cmd);
    };
    view! {
        <section class="panel inspector" aria-label="Inspector" data-testid="inspector">
            <div inner_html=move || format!("<h3>{}</h3>{}", t(sim.lang.get(), Ui::Inspector), body())></div>
            <div inner_html=form on:click=act></div>
        </section>
    }
}

/// The move controls of a partition whose replicas are `current` (`1,2,3`).
pub fn move_form_html(current: &str, l: Lang) -> String {
    format!(
        r#"<div class="move-form" data-testid="move-form"><p class="muted">{}</p><label>{}<input data-testid="reassign-target" name="target" value="{}" size="10"></label><button data-testid="reassign" data-move="reassign">{}</button><button data-testid="cancel-reassign" data-move="cancel">{}</button><button data-testid="preferred-election" data-move="preferred">{}</button></div>"#,
        t(l, Ui::MoveHint),
        t(l, Ui::TargetReplicas),
        escape(current),
        t(l, Ui::Reassign),
        t(l, Ui::CancelReassign),
        t(l, Ui::PreferredElection)
    )
}

/// A target typed as broker ids separated by commas or spaces (`3, 4 5`); `None` when a piece
/// is not an id (the controller itself judges duplicates and unknown brokers: RA1).
pub fn parse_target(text: &str) -> Option<Vec<kplay_core::ids::BrokerId>> {
    let ids: Option<Vec<_>> = text.split([',', ' ']).filter(|p| !p.is_empty()).map(|p| p.parse().ok().map(kplay_core::ids::BrokerId)).collect();
    ids.filter(|v| !v.is_empty())
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
    let moving = if st.reassigning() {
        format!(" · addingReplicas [{}] · removingReplicas [{}]", list(&st.adding_replicas), list(&st.removing_replicas))
    } else {
        String::new()
    };
    Some(format!(
        r#"<h4>{} · {}</h4><p class="mono">replicas [{}]{moving} · leader {} · leaderEpoch {} · partitionEpoch {} · ISR {} · {:?}</p>"#,
        escape(&tp.to_string()),
        t(l, Ui::Controller),
        list(&st.replicas),
        st.leader.map_or(t(l, Ui::NoLeader).into(), |b| b.to_string()),
        st.leader_epoch,
        st.partition_epoch,
        ids(st.isr.iter().copied()),
        st.leader_recovery_state
    ))
}

fn list(v: &[kplay_core::ids::BrokerId]) -> String {
    v.iter().map(ToString::to_string).collect::<Vec<_>>().join(",")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::session::Session;
    use kplay_core::ids::BrokerId;
    use kplay_core::message::Acks;

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

    /// A move in progress shows its adding and removing replicas (RA2); a typed target is read
    /// as ids, and anything else is refused before it reaches the controller.
    #[test]
    fn a_moving_partition_shows_its_sets_and_targets_are_parsed() {
        let mut s = Session::fresh();
        s.apply(Command::AddBroker {}).unwrap();
        for _ in 0..20 {
            s.timeline.step_next();
        }
        s.apply(Command::Reassign { topic: "orders".into(), partition: 0, replicas: vec![BrokerId(4), BrokerId(1)] }).unwrap();
        let h = partition_html(s.timeline.cluster(), &TopicPartition::new("orders", 0), Lang::En).unwrap();
        assert!(h.contains("replicas [4,1,") && h.contains("addingReplicas [4]"), "{h}");
        assert_eq!(parse_target("3, 4 5"), Some(vec![BrokerId(3), BrokerId(4), BrokerId(5)]));
        assert_eq!(parse_target("3,x"), None);
        assert_eq!(parse_target(" "), None);
        assert!(move_form_html("1,2,3", Lang::Ko).contains(t(Lang::Ko, Ui::Reassign)));
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
