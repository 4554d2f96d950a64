//! The stage: broker cards (with their fault buttons), the network strip with messages in
//! flight, and one card per partition with each replica's log drawn as cells.

use crate::i18n::{t, Ui};
use crate::layout::{message_xy, node_x, progress, CELL_PX, STRIP_HEIGHT, STRIP_WIDTH};
use crate::sim::{Selection, Sim};
use crate::view::{BrokerView, MessageView, PartitionView, ReplicaView};
use kplay_core::event::CrashKind;
use kplay_core::ids::{BrokerId, TopicPartition};
use kplay_core::Command;
use leptos::prelude::*;

/// Colour-blind-safe colours (Okabe–Ito) for leader epochs; the epoch number is always
/// printed on the cell too.
const EPOCH_COLOURS: [&str; 8] = ["#56B4E9", "#E69F00", "#009E73", "#CC79A7", "#0072B2", "#D55E00", "#F0E442", "#999999"];
/// Cells drawn per row; older offsets are summarised.
const WINDOW: i64 = 32;

fn epoch_colour(epoch: i32) -> &'static str {
    EPOCH_COLOURS[epoch.rem_euclid(EPOCH_COLOURS.len() as i32) as usize]
}

fn state_icon(state: &str) -> &'static str {
    match state {
        "crashed" => "✖",
        "paused" => "❚❚",
        "fenced" => "⛔",
        "isolated" => "⛓",
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
        <div class="broker" class:controller=b.controller class:slow=b.slow data-testid=format!("broker-{id}") data-state=b.state>
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
                            {move || t(lang.get(), Ui::Restart)}
                        </button>
                    }.into_any()
                } else {
                    view! {
                        <select data-testid=format!("crash-kind-{id}") aria-label="crash kind" on:change=move |ev| kind.set(match event_target_value(&ev).as_str() {
                            "clean" => CrashKind::Clean,
                            "lossy" => CrashKind::Lossy,
                            _ => CrashKind::Unclean,
                        })>
                            <option value="unclean">{move || t(lang.get(), Ui::CrashUnclean)}</option>
                            <option value="clean">{move || t(lang.get(), Ui::CrashClean)}</option>
                            <option value="lossy">{move || t(lang.get(), Ui::CrashLossy)}</option>
                        </select>
                        <button class="danger" data-testid=format!("crash-{id}") on:click=move |_| sim.command(Command::Crash { broker, kind: kind.get_untracked(), keep: None })>
                            {move || t(lang.get(), Ui::Crash)}
                        </button>
                    }.into_any()
                }}
                {if isolated {
                    view! { <button data-testid=format!("heal-{id}") on:click=move |_| sim.command(Command::Heal { broker })>{move || t(lang.get(), Ui::Heal)}</button> }.into_any()
                } else {
                    view! { <button data-testid=format!("isolate-{id}") on:click=move |_| sim.command(Command::Isolate { broker })>{move || t(lang.get(), Ui::Isolate)}</button> }.into_any()
                }}
                <button data-testid=format!("slow-{id}") on:click=move |_| sim.command(Command::Slow { broker, slow: !b.slow })>
                    {move || t(lang.get(), if b.slow { Ui::Fast } else { Ui::Slow })}
                </button>
                {(b.controller && !down).then(|| view! {
                    <button class="danger" data-testid="kill-controller" on:click=move |_| sim.command(Command::Crash { broker, kind: CrashKind::Unclean, keep: None })>
                        {move || t(lang.get(), Ui::KillController)}
                    </button>
                })}
            </div>
        </div>
    }
}

/// The network strip: every message in flight, moving from sender to receiver.
#[component]
pub fn NetworkStrip() -> impl IntoView {
    let sim = expect_context::<Sim>();
    let reduced = reduced_motion();
    let count = Memo::new(move |_| sim.view.with(|v| v.brokers.len() as u32));
    let brokers = move || count.get();
    view! {
        <section class="network" aria-label="Network">
            <label class="toggle">
                <input type="checkbox" prop:checked=move || sim.hide_heartbeats.get() on:change=move |ev| sim.hide_heartbeats.set(event_target_checked(&ev)) />
                {move || t(sim.lang.get(), Ui::HideHeartbeats)}
            </label>
            <svg viewBox=format!("0 0 {STRIP_WIDTH} {STRIP_HEIGHT}") data-testid="network" role="img" aria-label="messages in flight">
                {move || {
                    let n = brokers();
                    (0..=n).map(|id| {
                        let x = node_x(id, n);
                        let label = if id == 0 { "clients".to_string() } else { format!("B{id}") };
                        view! {
                            <g class="node">
                                <line x1=x y1="14" x2=x y2=STRIP_HEIGHT - 4.0 />
                                <text x=x y="11" text-anchor="middle">{label}</text>
                            </g>
                        }
                    }).collect_view()
                }}
                {move || {
                    let now = sim.visual_ms.get();
                    let hide = sim.hide_heartbeats.get();
                    let n = brokers();
                    sim.view.with(|v| {
                        v.messages.iter().filter(|m| !(hide && m.heartbeat)).cloned().map(|m| message_dot(m, now, n, reduced)).collect_view()
                    })
                }}
            </svg>
        </section>
    }
}

fn message_dot(m: MessageView, now: f64, brokers: u32, reduced: bool) -> impl IntoView {
    let p = progress(m.sent_at, m.deliver_at, now, reduced);
    let (x, y) = message_xy(m.from, m.to, m.id, p, brokers);
    let held = m.deliver_at.is_none();
    view! {
        <g class=format!("msg {}", m.class) class:held=held data-kind=m.kind>
            <circle cx=x cy=y r="6" />
            <text x=x y=y - 9.0 text-anchor="middle">{if held { format!("❚❚ {}", m.label) } else { m.label }}</text>
        </g>
    }
}

/// One card per partition.
#[component]
pub fn Partitions() -> impl IntoView {
    let sim = expect_context::<Sim>();
    view! {
        <section class="partitions" aria-label="Partitions">
            <For each=move || sim.view.with(|v| v.partitions.clone()) key=|p| p.clone() children=move |p| partition_card(sim, p) />
        </section>
    }
}

fn partition_card(sim: Sim, p: PartitionView) -> impl IntoView {
    let lang = sim.lang;
    let tp = TopicPartition::new(p.topic.clone(), p.partition);
    let leader = p.leader.map_or("none".to_string(), |l| l.to_string());
    let max_leo = p.replicas.iter().map(|r| r.leo).max().unwrap_or(0);
    let window_start = (max_leo - WINDOW).max(0);
    let heading = {
        let (leader, epoch, isr) = (leader.clone(), p.leader_epoch, p.isr.clone());
        move || {
            let l = lang.get();
            format!("{} {leader} · {} {epoch} · {} {{{isr}}}", t(l, Ui::Leader), t(l, Ui::LeaderEpoch), t(l, Ui::Isr))
        }
    };
    let select_tp = tp.clone();
    view! {
        <div class="partition" data-testid=format!("partition-{}-{}", p.topic, p.partition) data-leader=leader data-leader-epoch=p.leader_epoch data-isr=p.isr.clone()>
            <h2>
                <button class="link" on:click=move |_| sim.selected.set(Some(Selection::Partition(select_tp.clone())))>{format!("{}-{}", p.topic, p.partition)}</button>
                <small>{heading}</small>
                {p.recovering.then(|| view! { <span class="badge bad">{move || t(lang.get(), Ui::Recovering)}</span> })}
            </h2>
            {(window_start > 0).then(|| view! { <div class="earlier">{format!("… {window_start} earlier offsets")}</div> })}
            {p.replicas.into_iter().map(|r| replica_row(sim, &tp, r, window_start)).collect_view()}
        </div>
    }
}

fn replica_row(sim: Sim, tp: &TopicPartition, r: ReplicaView, window_start: i64) -> impl IntoView {
    let lang = sim.lang;
    let role_key = match r.role {
        "leader" => Ui::Leader,
        "follower" => Ui::Follower,
        "offline" => Ui::Offline,
        _ => Ui::NoRole,
    };
    let x = |o: i64| format!("{}px", (o - window_start) as f64 * CELL_PX);
    let select = Selection::Replica(tp.clone(), r.broker);
    let prefix = format!("log-cell-{}-{}-{}", tp.topic, tp.partition, r.broker);
    let hw = r.hw;
    let cells = r.cells.iter().filter(|c| c.offset >= window_start).cloned().map(|c| {
        let title = format!("offset {} · epoch {} · {}{}", c.offset, c.epoch, c.key.as_ref().map_or(String::new(), |k| format!("{k}=")), c.value);
        let short: String = c.value.chars().take(3).collect();
        let uncommitted = c.offset >= hw;
        view! {
            <span
                class="cell"
                class:uncommitted=uncommitted
                class:segment-start=c.segment_start
                data-testid=format!("{prefix}-{}", c.offset)
                data-epoch=c.epoch
                title=title
                style:left=x(c.offset)
                style:background-color=epoch_colour(c.epoch)
            >
                <span class="v">{short}</span>
                <span class="e">{c.epoch}</span>
            </span>
        }
    }).collect_view();
    view! {
        <div
            class="replica"
            class=("out-of-sync", !r.in_isr)
            class:stale=r.stale_leader
            data-testid=format!("replica-{}-{}-{}", tp.topic, tp.partition, r.broker)
            data-leo=r.leo
            data-hw=r.hw
            data-role=r.role
        >
            <button class="replica-name link" on:click=move |_| sim.selected.set(Some(select.clone()))>
                {format!("B{}", r.broker)}
            </button>
            <span class=format!("role {}", r.role)>{move || t(lang.get(), role_key)}</span>
            <span class="isr-tag" class:out=!r.in_isr>{move || if r.in_isr { t(lang.get(), Ui::Isr) } else { t(lang.get(), Ui::OutOfSync) }}</span>
            <div class="log" style:width=format!("{}px", (WINDOW + 2) as f64 * CELL_PX)>
                {cells}
                <span class="marker hw" style:left=x(r.hw.max(window_start)) title="high watermark">{move || format!("{} {}", t(lang.get(), Ui::Hw), r.hw)}</span>
                <span class="marker leo" style:left=x(r.leo.max(window_start)) title="log end offset">{move || format!("{} {}", t(lang.get(), Ui::Leo), r.leo)}</span>
            </div>
        </div>
    }
}
