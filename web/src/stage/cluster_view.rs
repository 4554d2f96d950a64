//! The stage: broker cards (with their fault buttons), the network strip with messages in
//! flight, and one card per partition with each replica's log drawn as cells — all drawn as
//! markup (see [`crate::stage::markup`]); the components here hold the reactivity and the clicks.

use crate::i18n::{t, Ui};
use crate::stage::layout::{node_x, STRIP_HEIGHT, STRIP_WIDTH};
use crate::sim::{Selection, Sim};
use crate::stage::markup::{brokers_html, clicked, messages_svg, partition_head_html, replica_row_html};
use crate::view::PartitionView;
use kplay_core::event::CrashKind;
use kplay_core::ids::BrokerId;
use kplay_core::Command;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

fn reduced_motion() -> bool {
    web_sys::window()
        .and_then(|w| w.match_media("(prefers-reduced-motion: reduce)").ok().flatten())
        .is_some_and(|m| m.matches())
}

/// The broker cards, drawn as markup (see [`brokers_html`]) and redrawn only when a broker
/// changes. Their buttons are handled here, by one listener: each is a core command.
#[component]
pub fn Brokers() -> impl IntoView {
    let sim = expect_context::<Sim>();
    let brokers = Memo::new(move |_| sim.view.with(|v| (v.brokers.clone(), v.controller_epoch)));
    let html = move || {
        let lang = sim.lang.get();
        brokers.with(|(bs, epoch)| brokers_html(bs, *epoch, lang))
    };
    let act = move |ev: leptos::ev::MouseEvent| {
        let Some(button) = clicked(&ev, "data-action") else { return };
        if button.get_attribute("data-action").as_deref() == Some("add-broker") {
            return sim.command(Command::AddBroker {});
        }
        let Some(broker) = button.get_attribute("data-broker").and_then(|b| b.parse().ok()).map(BrokerId) else { return };
        let cmd = match button.get_attribute("data-action").as_deref() {
            Some("restart") => Command::Restart { broker },
            Some("crash") => {
                // The kind chosen in the card's select, next to the button.
                let kind = button
                    .parent_element()
                    .and_then(|actions| actions.query_selector("select").ok().flatten())
                    .and_then(|s| s.dyn_into::<web_sys::HtmlSelectElement>().ok())
                    .map(|s| s.value());
                let kind = match kind.as_deref() {
                    Some("clean") => CrashKind::Clean,
                    Some("lossy") => CrashKind::Lossy,
                    _ => CrashKind::Unclean,
                };
                Command::Crash { broker, kind, keep: None }
            }
            Some("heal") => Command::Heal { broker },
            Some("isolate") => Command::Isolate { broker },
            Some("slow") => Command::Slow { broker, slow: !sim.view.with_untracked(|v| v.brokers.iter().any(|b| b.id == broker.0 && b.slow)) },
            Some("kill-controller") => Command::Crash { broker, kind: CrashKind::Unclean, keep: None },
            #[cfg(feature = "compaction")]
            Some("clean") => Command::CleanerPass { broker: Some(broker) },
            _ => return,
        };
        sim.command(cmd);
    };
    view! { <section class="brokers" aria-label="Brokers" on:click=act inner_html=html></section> }
}

/// The network strip: every message in flight, moving from sender to receiver, redrawn each
/// frame as one SVG fragment (see [`messages_svg`]).
#[component]
pub fn NetworkStrip() -> impl IntoView {
    let sim = expect_context::<Sim>();
    let reduced = reduced_motion();
    let count = Memo::new(move |_| sim.view.with(|v| v.brokers.len() as u32));
    let dots = move || {
        let (now, hide, n) = (sim.visual_ms.get(), sim.hide_heartbeats.get(), count.get());
        sim.view.with(|v| messages_svg(&v.messages, now, n, reduced, hide))
    };
    view! {
        <section class="network" aria-label="Network">
            <label class="toggle" inner_html=move || format!(r#"<input type="checkbox"{}>{}"#, if sim.hide_heartbeats.get() { " checked" } else { "" }, t(sim.lang.get(), Ui::HideHeartbeats)) on:change=move |ev| sim.hide_heartbeats.set(event_target_checked(&ev))></label>
            <svg viewBox=format!("0 0 {STRIP_WIDTH} {STRIP_HEIGHT}") data-testid="network" role="img" aria-label="messages in flight">
                <g inner_html=move || {
                    let (n, clients) = (count.get(), t(sim.lang.get(), Ui::Clients));
                    (0..=n).map(|id| {
                        let x = node_x(id, n);
                        let name = if id == 0 { clients.to_string() } else { format!("B{id}") };
                        format!(r#"<g class="node"><line x1="{x}" y1="14" x2="{x}" y2="{}"></line><text x="{x}" y="11" text-anchor="middle">{name}</text></g>"#, STRIP_HEIGHT - 4)
                    }).collect::<String>()
                }></g>
                <g class="messages" data-testid="messages" inner_html=dots></g>
            </svg>
        </section>
    }
}

/// One card per partition: the card element and its `data-` attributes, its heading and one
/// element per replica row, each set from the partition's memo (as markup: see
/// [`partition_head_html`], [`replica_row_html`]). A step redraws only the rows it changed. A
/// click on a partition's title or a replica's name selects it for the inspector.
#[component]
pub fn Partitions() -> impl IntoView {
    let sim = expect_context::<Sim>();
    // The cards' shapes: rebuilt only when they change (a new session).
    let shapes = Memo::new(move |_| sim.view.with(|v| v.partitions.iter().map(|p| p.replicas.len()).collect::<Vec<_>>()));
    let select = move |ev: leptos::ev::MouseEvent| {
        let Some(button) = clicked(&ev, "data-select") else { return };
        let Some(tp) = sim.view.with_untracked(|v| {
            let title = button.get_attribute("data-select")?;
            v.partitions.iter().map(PartitionView::tp).find(|tp| tp.to_string() == title)
        }) else { return };
        sim.selected.set(Some(match button.get_attribute("data-broker").and_then(|b| b.parse().ok()) {
            Some(broker) => Selection::Replica(tp, broker),
            None => Selection::Partition(tp),
        }));
    };
    view! {
        <section class="partitions" aria-label="Partitions" on:click=select>
            {move || shapes.get().into_iter().enumerate().map(|(i, rows)| partition_card(sim, i, rows)).collect_view()}
        </section>
    }
}

/// A text from the partition's memo. Every such attribute shares this closure type.
fn of(card: Memo<PartitionView>, f: fn(&PartitionView) -> String) -> impl Fn() -> String + Copy + Send + Sync + 'static {
    move || card.with(f)
}

fn partition_card(sim: Sim, i: usize, rows: usize) -> impl IntoView {
    let card = Memo::new(move |_| sim.view.with(|v| v.partitions.get(i).cloned().unwrap_or_default()));
    let head = move || {
        let lang = sim.lang.get();
        card.with(|p| partition_head_html(p, lang))
    };
    view! {
        <div
            class="partition"
            data-testid=of(card, |p| format!("partition-{}", p.tp()))
            data-leader=of(card, |p| p.leader.map_or("none".into(), |b| b.to_string()))
            data-leader-epoch=of(card, |p| p.leader_epoch.to_string())
            data-isr=of(card, |p| p.isr.clone())
        >
            <div inner_html=head></div>
            {(0..rows).map(|r| {
                let row = move || {
                    let lang = sim.lang.get();
                    card.with(|p| replica_row_html(p, r, lang))
                };
                view! { <div inner_html=row></div> }
            }).collect_view()}
        </div>
    }
}
