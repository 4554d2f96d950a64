//! Compare mode: one lesson in two configurations side by side (`lesson.compare` in the
//! file), on the same steps — the same fault schedule. The tour drives side a (the page's
//! own `Sim`); side b is a second `Sim`, kept apart from storage, that follows it command
//! by command ([`kplay_core::lesson::Alignment`]). What differs is said in words: a record
//! one side keeps and the other lost, an invariant one side breaks.

use crate::stage::cluster_view::{Brokers, NetworkStrip, Partitions};
use crate::i18n::{t, Lang, Ui};
use crate::stage::markup::escape;
use crate::sim::Sim;
use crate::view::ClusterView;
use kplay_core::invariants::Violation;
use leptos::prelude::*;
use std::fmt::Write;

/// One difference between the two sides at the same moment.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Difference {
    /// A record (offset, value) that one side's replica holds and the other's does not.
    Record { tp: String, broker: u32, offset: i64, value: String, on_a: bool },
    /// An invariant broken on one side only.
    Invariant { id: String, on_a: bool },
    /// The partitions' leaders differ.
    Leader { tp: String, a: Option<u32>, b: Option<u32> },
    /// The same produce was answered differently (`ok`, `pending` or a Kafka error).
    Produced { value: String, a: String, b: String },
}

/// Each produce's value and answer so far (`ok`, `pending`, or the Kafka error).
pub fn answers(c: &kplay_core::Cluster) -> Vec<(String, String)> {
    c.produced
        .iter()
        .map(|p| {
            let result = match &p.result {
                None => "pending".to_string(),
                Some(Ok(_)) => "ok".to_string(),
                Some(Err(e)) => e.to_string(),
            };
            (p.value.to_string(), result)
        })
        .collect()
}

/// What differs between the two sides now: records by replica, leaders, and invariants.
pub fn differences(a: &ClusterView, b: &ClusterView, va: &[Violation], vb: &[Violation], pa: &[(String, String)], pb: &[(String, String)]) -> Vec<Difference> {
    let mut out = Vec::new();
    // The sides run the same steps, so their produces pair up in order.
    for ((value, ra), (_, rb)) in pa.iter().zip(pb) {
        if ra != rb {
            out.push(Difference::Produced { value: value.clone(), a: ra.clone(), b: rb.clone() });
        }
    }
    for pa in &a.partitions {
        let Some(pb) = b.partitions.iter().find(|p| p.topic == pa.topic && p.partition == pa.partition) else { continue };
        let tp = pa.tp().to_string();
        if pa.leader != pb.leader {
            out.push(Difference::Leader { tp: tp.clone(), a: pa.leader, b: pb.leader });
        }
        for ra in &pa.replicas {
            let Some(rb) = pb.replicas.iter().find(|r| r.broker == ra.broker) else { continue };
            let holds = |cells: &[crate::view::CellView], o: i64, v: &str| cells.iter().any(|c| c.offset == o && c.value == v);
            for (mine, other, on_a) in [(&ra.cells, &rb.cells, true), (&rb.cells, &ra.cells, false)] {
                for c in mine.iter().filter(|c| !holds(other, c.offset, &c.value)) {
                    out.push(Difference::Record { tp: tp.clone(), broker: ra.broker, offset: c.offset, value: c.value.clone(), on_a });
                }
            }
        }
    }
    let ids = |v: &[Violation]| -> Vec<String> {
        let mut ids: Vec<String> = v.iter().map(|v| v.invariant.clone()).collect();
        ids.dedup();
        ids
    };
    let (ia, ib) = (ids(va), ids(vb));
    for (mine, other, on_a) in [(&ia, &ib, true), (&ib, &ia, false)] {
        for id in mine.iter().filter(|id| !other.contains(id)) {
            if !out.iter().any(|d| matches!(d, Difference::Invariant { id: x, on_a: o } if x == id && *o == on_a)) {
                out.push(Difference::Invariant { id: id.clone(), on_a });
            }
        }
    }
    out
}

/// The differences as a list, in the page's language; `labels` name the sides.
pub fn differences_html(diffs: &[Difference], labels: (&str, &str), l: Lang) -> String {
    if diffs.is_empty() {
        return format!(r#"<p class="muted">{}</p>"#, t(l, Ui::CompareSame));
    }
    let side = |on_a: bool| escape(if on_a { labels.0 } else { labels.1 });
    let mut h = String::from("<ul>");
    for d in diffs {
        let _ = match (d, l) {
            (Difference::Record { tp, broker, offset, value, on_a }, Lang::En) => write!(
                h,
                r#"<li class="diff record" data-side="{}">Broker {broker}'s {tp} holds <b>{}</b> at offset {offset} only on “{}”.</li>"#,
                if *on_a { "a" } else { "b" },
                escape(value),
                side(*on_a)
            ),
            (Difference::Record { tp, broker, offset, value, on_a }, Lang::Ko) => write!(
                h,
                r#"<li class="diff record" data-side="{}">{broker}번 브로커의 {tp}: 오프셋 {offset}의 <b>{}</b> 레코드는 “{}” 쪽에만 있습니다.</li>"#,
                if *on_a { "a" } else { "b" },
                escape(value),
                side(*on_a)
            ),
            (Difference::Invariant { id, on_a }, Lang::En) => {
                write!(h, r#"<li class="diff invariant">Invariant {} is broken only on “{}”.</li>"#, escape(id), side(*on_a))
            }
            (Difference::Invariant { id, on_a }, Lang::Ko) => {
                write!(h, r#"<li class="diff invariant">불변식 {} 위반은 “{}” 쪽에서만 일어납니다.</li>"#, escape(id), side(*on_a))
            }
            (Difference::Produced { value, a, b }, Lang::En) => write!(
                h,
                r#"<li class="diff produced">The producer of <b>{}</b> was answered {} on “{}” but {} on “{}”.</li>"#,
                escape(value),
                escape(a),
                side(true),
                escape(b),
                side(false)
            ),
            (Difference::Produced { value, a, b }, Lang::Ko) => write!(
                h,
                r#"<li class="diff produced"><b>{}</b> 레코드의 프로듀서가 받은 응답: “{}” 쪽은 {}, “{}” 쪽은 {}.</li>"#,
                escape(value),
                side(true),
                escape(a),
                side(false),
                escape(b)
            ),
            (Difference::Leader { tp, a, b }, l) => {
                let name = |x: &Option<u32>| x.map_or_else(|| t(l, Ui::NoLeader).to_string(), |b| format!("B{b}"));
                let word = t(l, Ui::Leader);
                write!(h, r#"<li class="diff leader">{tp} {word}: “{}” {} · “{}” {}</li>"#, side(true), name(a), side(false), name(b))
            }
        };
    }
    h.push_str("</ul>");
    h
}

/// The style rule that marks, on each side, the log cells the other side does not hold.
pub fn difference_css(diffs: &[Difference]) -> String {
    let sel: Vec<String> = diffs
        .iter()
        .filter_map(|d| match d {
            Difference::Record { tp, broker, offset, on_a, .. } => Some(format!(
                "[data-testid=\"compare-side-{}\"] [data-testid=\"log-cell-{tp}-{broker}-{offset}\"]",
                if *on_a { "a" } else { "b" }
            )),
            _ => None,
        })
        .collect();
    if sel.is_empty() {
        return String::new();
    }
    format!("{} {{ outline: 3px dashed var(--bad); outline-offset: 1px; }}", sel.join(", "))
}

/// One side: the stage's usual parts, under `compare-side-{a|b}`, reading `sim`.
#[component]
fn CompareSide(sim: Sim, side: &'static str, label: String) -> impl IntoView {
    provide_context(sim);
    view! {
        <div class="compare-side" data-testid=format!("compare-side-{side}")>
            <h3 class="side-label" inner_html=escape(&label)></h3>
            <Brokers />
            <NetworkStrip />
            <Partitions />
        </div>
    }
}

/// The compare view: two stages and what differs between them.
#[component]
pub fn CompareView() -> impl IntoView {
    let sim = expect_context::<Sim>();
    let lang = sim.lang;
    let Some(state) = sim.compare.get_untracked() else { return ().into_any() };
    let b = state.b;
    let code = move || lang.get().code();
    let (la, lb) = (state.labels.0.clone(), state.labels.1.clone());
    let (la2, lb2) = (la.clone(), lb.clone());
    let diffs = Memo::new(move |_| {
        sim.revision.track();
        b.revision.track();
        let (va, vb) = (sim.view.get(), b.view.get());
        let (pa, pb) = (sim.with_session(|s| answers(s.timeline.cluster())), b.with_session(|s| answers(s.timeline.cluster())));
        differences(&va, &vb, &sim.violations.get(), &b.violations.get(), &pa, &pb)
    });
    let list = move || diffs.with(|d| differences_html(d, (la2.get(code()), lb2.get(code())), lang.get()));
    view! {
        <section class="compare" data-testid="compare">
            <div class="compare-grid">
                {move || view! { <CompareSide sim=sim side="a" label=la.get(code()).to_string() /> }}
                {move || view! { <CompareSide sim=b side="b" label=lb.get(code()).to_string() /> }}
            </div>
            <div class="panel compare-diff" data-testid="compare-diff" aria-live="polite" inner_html=move || format!("<h3>{}</h3>{}", t(lang.get(), Ui::CompareDiff), list())></div>
            <style>{move || diffs.with(|d| difference_css(d))}</style>
        </section>
    }
    .into_any()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::view::{CellView, PartitionView, ReplicaView};

    fn view(cells: &[(i64, &str)], leader: u32) -> ClusterView {
        let cells = cells.iter().map(|(o, v)| CellView { offset: *o, epoch: 0, value: (*v).into(), key: None, segment_start: false }).collect();
        ClusterView {
            partitions: vec![PartitionView {
                topic: "t".into(),
                partition: 0,
                leader: Some(leader),
                replicas: vec![ReplicaView { broker: 1, cells, ..ReplicaView::default() }],
                ..PartitionView::default()
            }],
            ..ClusterView::default()
        }
    }

    #[test]
    fn the_record_one_side_keeps_and_the_other_lost_is_named() {
        let a = view(&[(0, "m1"), (1, "m2")], 1);
        let b = view(&[(0, "m1")], 2);
        let d = differences(&a, &b, &[], &[], &[], &[]);
        assert_eq!(d[0], Difference::Leader { tp: "t-0".into(), a: Some(1), b: Some(2) });
        assert_eq!(d[1], Difference::Record { tp: "t-0".into(), broker: 1, offset: 1, value: "m2".into(), on_a: true });
        assert_eq!(d.len(), 2);
        let h = differences_html(&d, ("leader epochs", "<HW>"), Lang::En);
        assert!(h.contains("Broker 1's t-0 holds <b>m2</b> at offset 1 only on “leader epochs”."), "{h}");
        assert!(h.contains("&lt;HW&gt;"), "labels are escaped: {h}");
        let ko = differences_html(&d, ("A", "B"), Lang::Ko);
        assert!(ko.contains("1번 브로커의 t-0: 오프셋 1의 <b>m2</b> 레코드는 “A” 쪽에만 있습니다."), "{ko}");
        assert!(difference_css(&d).contains(r#"[data-testid="compare-side-a"] [data-testid="log-cell-t-0-1-1"]"#));
        assert!(differences(&a, &a, &[], &[], &[], &[]).is_empty());
        let told = |r: &str| vec![("m1".to_string(), "ok".to_string()), ("x".to_string(), r.to_string())];
        let d = differences(&a, &a, &[], &[], &told("ok"), &told("REQUEST_TIMED_OUT"));
        assert_eq!(d, vec![Difference::Produced { value: "x".into(), a: "ok".into(), b: "REQUEST_TIMED_OUT".into() }]);
        let h = differences_html(&d, ("acks=1", "acks=all"), Lang::En);
        assert!(h.contains("The producer of <b>x</b> was answered ok on “acks=1” but REQUEST_TIMED_OUT on “acks=all”."), "{h}");
    }
}
