//! The space-time diagram (a Lamport diagram): one lane per broker and one for the clients,
//! steps to the right, each message an arrow from the step that sent it to the step that
//! delivered it, each state change a mark on its broker's lane, the current step a line
//! across. A click on a mark jumps there. Only a window of steps around the current one is
//! drawn, so it costs the same at step 50 and at step 50,000.

use crate::i18n::{narrate, t, tr, Lang, Ui};
use crate::stage::markup::{clicked, escape};
use crate::sim::Sim;
use kplay_core::event::Event;
use kplay_core::message::Node;
use kplay_core::timeline::Timeline;
use leptos::prelude::*;
use std::fmt::Write;

/// Steps drawn at once.
pub const WINDOW: u64 = 80;
// Integer geometry: formatting floats would link Rust's float printing (~12 KB of wasm).
const WIDTH: u64 = 1000;
const LEFT: u64 = 56;
const LANE: u64 = 24;
const TOP: u64 = 14;

/// The steps drawn when the current step is `current` of `last`: the window ends a few steps
/// after the current one (a lesson's recorded future shows too), and holds it.
pub fn window(current: u64, last: u64) -> (u64, u64) {
    let to = last.min(current + 8).max(current).max(WINDOW.min(last));
    (to.saturating_sub(WINDOW), to)
}

fn lane_of(n: &Node) -> u32 {
    match n {
        Node::Client => 0,
        Node::Broker(b) => b.0,
    }
}

/// The mark an event leaves (its class), or `None` for events drawn as arrows or left out.
fn mark(e: &Event) -> Option<(&'static str, u32)> {
    let lane = e.broker().map_or(0, |b| b.0);
    Some(match e {
        Event::Appended { .. } => ("append", lane),
        Event::Replicated { .. } => ("replicate", lane),
        Event::HighWatermark { leader: true, .. } => ("hw", lane),
        Event::Truncated { .. } | Event::DivergenceDetected { .. } => ("truncate", lane),
        Event::LeaderElected { .. } | Event::BecameLeader { .. } | Event::ControllerElected { .. } => ("elect", lane),
        Event::BrokerCrashed { .. } | Event::BrokerFenced { .. } | Event::BrokerPaused { .. } => ("crash", lane),
        Event::BrokerRestarted { .. } | Event::BrokerUnfenced { .. } => ("restart", lane),
        Event::IsrChanged { .. } | Event::IsrProposed { .. } => ("isr", lane),
        Event::ProduceSent { .. } | Event::ProduceCompleted { .. } | Event::ConsumerRead { .. } => ("client", 0),
        Event::InvariantViolated { .. } => ("violation", lane),
        Event::ZombieControllerFenced { .. } | Event::StaleControllerRejected { .. } | Event::StaleStateIgnored { .. } => ("truncate", lane),
        _ => return None,
    })
}

/// The diagram's SVG for steps `from..=to` of `t`, `current` marked; heartbeats left out when
/// `hide_heartbeats`. Marks carry `data-jump` and their step's first mark
/// `data-testid="st-event-{step}"`; titles are the narration in `l`.
pub fn spacetime_svg(t: &Timeline, (from, to): (u64, u64), current: u64, brokers: u32, hide_heartbeats: bool, l: Lang) -> String {
    let span = (to - from).max(1);
    let x = |s: u64| LEFT + s.saturating_sub(from) * (WIDTH - LEFT - 8) / span;
    let y = |lane: u32| TOP + u64::from(lane) * LANE;
    let height = y(brokers) + 12;
    let mut h = format!(r#"<svg viewBox="0 0 {WIDTH} {height}" class="spacetime-svg" role="img" aria-label="space-time diagram">"#);
    for lane in 0..=brokers {
        let name = if lane == 0 { t_clients(l) } else { format!("B{lane}") };
        let _ = write!(h, r#"<text class="lane-name" x="4" y="{}">{name}</text><line class="lane" x1="{LEFT}" y1="{y}" x2="{}" y2="{y}"/>"#, y(lane) + 4, WIDTH - 8, y = y(lane));
    }
    // Messages: sends in the window, matched with their delivery or loss in the window; a
    // delivery whose send is before the window starts at its left edge.
    let mut sends: Vec<(u64, u64, u32, u32, &'static str)> = Vec::new();
    let mut arrows = String::new();
    for s in from.max(1)..=to {
        for e in t.events_of(s) {
            match &e.event {
                Event::Sent { id, from: a, to: b, message, .. } if !(hide_heartbeats && message.is_heartbeat()) => {
                    sends.push((id.0, s, lane_of(a), lane_of(b), message.kind()));
                }
                Event::Delivered { id, from: a, to: b, kind } => {
                    if hide_heartbeats && kind == "Heartbeat" {
                        continue;
                    }
                    let (s0, kind) = match sends.iter().position(|m| m.0 == id.0) {
                        Some(i) => {
                            let m = sends.swap_remove(i);
                            (m.1, m.4)
                        }
                        None => (from, "earlier"),
                    };
                    let _ = write!(
                        arrows,
                        r#"<line class="arrow {}" x1="{}" y1="{}" x2="{}" y2="{}" marker-end="url(#st-head)"><title>{}</title></line>"#,
                        kind.to_ascii_lowercase(),
                        x(s0),
                        y(lane_of(a)),
                        x(s),
                        y(lane_of(b)),
                        escape(kind)
                    );
                }
                Event::Dropped { id, .. } => {
                    if let Some(i) = sends.iter().position(|m| m.0 == id.0) {
                        let m = sends.swap_remove(i);
                        let (x1, x2, y1, y2) = (x(m.1), x(s), y(m.2), y(m.3));
                        let _ = write!(arrows, r#"<line class="arrow lost" x1="{x1}" y1="{y1}" x2="{}" y2="{}"><title>{} ✕</title></line>"#, (x1 + x2) / 2, (y1 + y2) / 2, escape(m.4));
                    }
                }
                _ => {}
            }
        }
    }
    // Still in flight at the window's end: dashed to its edge.
    for (_, s0, a, b, kind) in &sends {
        let _ = write!(arrows, r#"<line class="arrow inflight" x1="{}" y1="{}" x2="{}" y2="{}"><title>{}</title></line>"#, x(*s0), y(*a), x(to), (y(*a) + y(*b)) / 2, escape(kind));
    }
    h.push_str(r#"<defs><marker id="st-head" viewBox="0 0 6 6" refX="6" refY="3" markerWidth="6" markerHeight="6" orient="auto"><path d="M0,0 L6,3 L0,6 z"/></marker></defs>"#);
    h.push_str(&arrows);
    let _ = write!(h, r#"<line class="now" x1="{x}" y1="4" x2="{x}" y2="{}"/>"#, height - 4, x = x(current));
    for s in from.max(1)..=to {
        let mut first = true;
        for e in t.events_of(s) {
            let Some((class, lane)) = mark(&e.event) else { continue };
            let title = narrate(l, &e.event, true).map_or_else(|| e.event.kind().to_string(), |n| n.text);
            let testid = if first { format!(r#" data-testid="st-event-{s}""#) } else { String::new() };
            first = false;
            let _ = write!(
                h,
                r##"<circle class="mark {class}{}" cx="{}" cy="{}" r="5" data-jump="{s}"{testid}><title>#{s} · {}</title></circle>"##,
                if s > current { " future" } else { "" },
                x(s),
                y(lane.min(brokers)),
                escape(&title)
            );
        }
    }
    h.push_str("</svg>");
    h
}

fn t_clients(l: Lang) -> String {
    t(l, Ui::Clients).to_string()
}

/// The diagram's panel: collapsible (open in lessons), redrawn when the step changes.
#[component]
pub fn SpaceTime(#[prop(optional)] open: bool) -> impl IntoView {
    let sim = expect_context::<Sim>();
    let lang = sim.lang;
    let shown = RwSignal::new(open);
    let svg = move || {
        if !shown.get() {
            return String::new();
        }
        let (step, last, l, hide) = (sim.step.get(), sim.last_step.get(), lang.get(), sim.hide_heartbeats.get());
        let brokers = sim.view.with(|v| v.brokers.len() as u32);
        sim.with_session(|s| spacetime_svg(&s.timeline, window(step, last), step, brokers, hide, l))
    };
    let jump = move |ev: leptos::ev::MouseEvent| {
        if let Some(step) = clicked(&ev, "data-jump").and_then(|e| e.get_attribute("data-jump")).and_then(|s| s.parse().ok()) {
            sim.jump(step);
        }
    };
    view! {
        <details class="panel spacetime" data-testid="spacetime" prop:open=open on:toggle=move |ev| {
            use wasm_bindgen::JsCast;
            if let Some(d) = ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlDetailsElement>().ok()) {
                shown.set(d.open());
            }
        }>
            <summary>{tr(lang, Ui::SpaceTime)}</summary>
            <div class="spacetime-body" on:click=jump inner_html=svg></div>
        </details>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use kplay_core::scenario::Scenario;

    fn run() -> Timeline {
        let s = Scenario::from_json(
            r#"{"version": 1, "config": {"brokers": 3, "topics": [{"name": "t", "partitions": 1, "replication_factor": 3}],
                "network": {"min_delay_ms": 100, "max_delay_ms": 200}},
               "steps": [{"do": "produce", "topic": "t", "value": "a"}, {"do": "step", "count": 30}]}"#,
        )
        .unwrap();
        s.timeline().unwrap()
    }

    #[test]
    fn the_window_holds_the_current_step_and_never_grows() {
        assert_eq!(window(0, 0), (0, 0));
        assert_eq!(window(10, 200), (0, 80));
        assert_eq!(window(150, 200), (78, 158));
        assert_eq!(window(200, 200), (120, 200));
        for (c, l) in [(5_000, 9_000), (9_000, 9_000), (3, 4)] {
            let (a, b) = window(c, l);
            assert!(a <= c && c <= b && b - a <= WINDOW);
        }
    }

    #[test]
    fn messages_are_arrows_from_send_to_delivery_and_events_are_marks_that_jump() {
        let t = run();
        let svg = spacetime_svg(&t, window(31, 31), 31, 3, true, Lang::En);
        assert!(svg.contains(r#"<line class="arrow produce""#), "the produce request is an arrow: {svg}");
        assert!(svg.contains(r#"<line class="arrow fetch""#), "fetches are arrows");
        assert!(!svg.contains("arrow heartbeat"), "heartbeats hidden");
        let appended = t.events_until_now().find(|e| matches!(e.event, Event::Appended { .. })).unwrap().step;
        assert!(svg.contains(&format!(r#"data-jump="{appended}" data-testid="st-event-{appended}""#)), "{svg}");
        assert!(svg.contains(r#"<line class="now""#));
        // A window far from the start draws only its own steps.
        assert_eq!(svg.matches("<svg").count(), 1);
        let early = spacetime_svg(&t, (1, 5), 5, 3, true, Lang::En);
        assert!(!early.contains(&format!("st-event-{}", 20)), "{early}");
    }
}
