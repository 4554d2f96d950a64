//! The stage: broker cards (with their fault buttons), the network strip with messages in
//! flight, and one card per partition with each replica's log drawn as cells (the last two
//! drawn as markup, see [`crate::markup`]).

use crate::i18n::{t, tr, Ui};
use crate::layout::{node_x, STRIP_HEIGHT, STRIP_WIDTH};
use crate::sim::{Selection, Sim};
use crate::markup::{messages_svg, partition_html};
use crate::view::BrokerView;
use kplay_core::event::CrashKind;
use kplay_core::ids::{BrokerId, TopicPartition};
use kplay_core::Command;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

fn state_icon(state: &str) -> &'static str {
    match state {
        "crashed" => "✖",
        "paused" => "❚❚",
        "fenced" => "⊘",
        "isolated" => "◌",
        _ => "●",
    }
}

fn reduced_motion() -> bool {
    web_sys::window()
        .and_then(|w| w.match_media("(prefers-reduced-motion: reduce)").ok().flatten())
        .is_some_and(|m| m.matches())
}

/// The broker cards.
#[component]
pub fn Brokers() -> impl IntoView {
    let sim = expect_context::<Sim>();
    // Cards are rebuilt only when a broker changes, not on every step.
    let brokers = Memo::new(move |_| sim.view.with(|v| (v.brokers.clone(), v.controller_epoch)));
    view! {
        <section class="brokers" aria-label="Brokers">
            {move || brokers.with(|(bs, epoch)| bs.iter().cloned().map(|b| broker_card(sim, b, *epoch)).collect_view())}
        </section>
    }
}

fn broker_card(sim: Sim, b: BrokerView, controller_epoch: i32) -> impl IntoView {
    let lang = sim.lang;
    let id = b.id;
    let kind = RwSignal::new(CrashKind::Unclean);
    let down = b.state == "crashed";
    let isolated = b.isolated;
    let state_key = match b.state {
        "crashed" => Ui::Crashed,
        "paused" => Ui::Paused,
        "fenced" => Ui::Fenced,
        "isolated" => Ui::Isolated,
        _ => Ui::Alive,
    };
    let broker = BrokerId(id);
    view! {
        <div class=match (b.controller, b.slow) { (false, false) => "broker", (true, false) => "broker controller", (false, true) => "broker slow", (true, true) => "broker controller slow" } data-testid=format!("broker-{id}") data-state=b.state>
            <div class="broker-head">
                <span class="broker-name">{format!("B{id}")}</span>
                <span class="broker-state"><span aria-hidden="true">{state_icon(b.state)}</span>" " {move || t(lang.get(), state_key)}</span>
            </div>
            {b.controller.then(|| view! {
                <span class="badge" data-testid="controller-badge">{move || format!("{} · {} {}", t(lang.get(), Ui::Controller), t(lang.get(), Ui::ControllerEpoch), controller_epoch)}</span>
            })}
            <div class="broker-actions">
                {if down {
                    view! {
                        <button data-testid=format!("restart-{id}") on:click=move |_| sim.command(Command::Restart { broker })>
                            {tr(lang, Ui::Restart)}
                        </button>
                    }.into_any()
                } else {
                    view! {
                        <select data-testid=format!("crash-kind-{id}") aria-label="crash kind" on:change=move |ev| kind.set(match event_target_value(&ev).as_str() {
                            "clean" => CrashKind::Clean,
                            "lossy" => CrashKind::Lossy,
                            _ => CrashKind::Unclean,
                        })>
                            <option value="unclean">{tr(lang, Ui::CrashUnclean)}</option>
                            <option value="clean">{tr(lang, Ui::CrashClean)}</option>
                            <option value="lossy">{tr(lang, Ui::CrashLossy)}</option>
                        </select>
                        <button class="danger" data-testid=format!("crash-{id}") on:click=move |_| sim.command(Command::Crash { broker, kind: kind.get_untracked(), keep: None })>
                            {tr(lang, Ui::Crash)}
                        </button>
                    }.into_any()
                }}
                {if isolated {
                    view! { <button data-testid=format!("heal-{id}") on:click=move |_| sim.command(Command::Heal { broker })>{tr(lang, Ui::Heal)}</button> }.into_any()
                } else {
                    view! { <button data-testid=format!("isolate-{id}") on:click=move |_| sim.command(Command::Isolate { broker })>{tr(lang, Ui::Isolate)}</button> }.into_any()
                }}
                <button data-testid=format!("slow-{id}") on:click=move |_| sim.command(Command::Slow { broker, slow: !b.slow })>
                    {move || t(lang.get(), if b.slow { Ui::Fast } else { Ui::Slow })}
                </button>
                {(b.controller && !down).then(|| view! {
                    <button class="danger" data-testid="kill-controller" on:click=move |_| sim.command(Command::Crash { broker, kind: CrashKind::Unclean, keep: None })>
                        {tr(lang, Ui::KillController)}
                    </button>
                })}
            </div>
        </div>
    }
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
            <label class="toggle">
                <input type="checkbox" prop:checked=move || sim.hide_heartbeats.get() on:change=move |ev| sim.hide_heartbeats.set(event_target_checked(&ev)) />
                {tr(sim.lang, Ui::HideHeartbeats)}
            </label>
            <svg viewBox=format!("0 0 {STRIP_WIDTH} {STRIP_HEIGHT}") data-testid="network" role="img" aria-label="messages in flight">
                {move || {
                    let (n, clients) = (count.get(), t(sim.lang.get(), Ui::Clients));
                    (0..=n).map(|id| {
                        let x = node_x(id, n);
                        view! {
                            <g class="node">
                                <line x1=x y1="14" x2=x y2=STRIP_HEIGHT - 4 />
                                <text x=x y="11" text-anchor="middle">{if id == 0 { clients.to_string() } else { format!("B{id}") }}</text>
                            </g>
                        }
                    }).collect_view()
                }}
                <g class="messages" data-testid="messages" inner_html=dots></g>
            </svg>
        </section>
    }
}

/// One card per partition, each drawn from its own memo as markup (see [`partition_html`]):
/// a step redraws only the cards it changed. A click on a partition's title or a replica's
/// name selects it for the inspector.
#[component]
pub fn Partitions() -> impl IntoView {
    let sim = expect_context::<Sim>();
    let count = Memo::new(move |_| sim.view.with(|v| v.partitions.len()));
    let select = move |ev: leptos::ev::MouseEvent| {
        let Some(button) = ev.target().and_then(|t| t.dyn_into::<web_sys::Element>().ok()).and_then(|e| e.closest("[data-select]").ok().flatten()) else { return };
        let Some(tp) = sim.view.with_untracked(|v| {
            let title = button.get_attribute("data-select")?;
            v.partitions.iter().find(|p| format!("{}-{}", p.topic, p.partition) == title).map(|p| TopicPartition::new(p.topic.clone(), p.partition))
        }) else { return };
        sim.selected.set(Some(match button.get_attribute("data-broker").and_then(|b| b.parse().ok()) {
            Some(broker) => Selection::Replica(tp, broker),
            None => Selection::Partition(tp),
        }));
    };
    view! {
        <section class="partitions" aria-label="Partitions" on:click=select>
            // Rebuilt only when the number of partitions changes (a new session).
            {move || (0..count.get()).map(|i| {
                let card = Memo::new(move |_| sim.view.with(|v| v.partitions.get(i).cloned().unwrap_or_default()));
                let html = Memo::new(move |_| {
                    let lang = sim.lang.get();
                    card.with(|p| partition_html(p, lang))
                });
                view! { <div class="card" inner_html=move || html.get()></div> }
            }).collect_view()}
        </section>
    }
}
