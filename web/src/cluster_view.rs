//! The stage: broker cards (with their fault buttons), the network strip with messages in
//! flight, and one card per partition with each replica's log drawn as cells.

use crate::i18n::{t, Ui};
use crate::layout::{message_xy, node_x, progress, CELL_PX, STRIP_HEIGHT, STRIP_WIDTH};
use crate::sim::{Selection, Sim};
use crate::view::{BrokerView, CellView, MessageView, PartitionView};
use kplay_core::event::CrashKind;
use kplay_core::ids::{BrokerId, TopicPartition};
use kplay_core::Command;
use leptos::either::Either;
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

/// The network strip: every message in flight, moving from sender to receiver. Each message
/// is one element, created when it is sent and removed when it arrives; between the two only
/// its position changes.
#[component]
pub fn NetworkStrip() -> impl IntoView {
    let sim = expect_context::<Sim>();
    let reduced = reduced_motion();
    let count = Memo::new(move |_| sim.view.with(|v| v.brokers.len() as u32));
    let messages = Memo::new(move |_| {
        let hide = sim.hide_heartbeats.get();
        sim.view.with(|v| v.messages.iter().filter(|m| !(hide && m.heartbeat)).cloned().collect::<Vec<_>>())
    });
    view! {
        <section class="network" aria-label="Network">
            <label class="toggle">
                <input type="checkbox" prop:checked=move || sim.hide_heartbeats.get() on:change=move |ev| sim.hide_heartbeats.set(event_target_checked(&ev)) />
                {move || t(sim.lang.get(), Ui::HideHeartbeats)}
            </label>
            <svg viewBox=format!("0 0 {STRIP_WIDTH} {STRIP_HEIGHT}") data-testid="network" role="img" aria-label="messages in flight">
                {move || {
                    let n = count.get();
                    (0..=n).map(|id| {
                        let x = node_x(id, n);
                        view! {
                            <g class="node">
                                <line x1=x y1="14" x2=x y2=STRIP_HEIGHT - 4 />
                                <text x=x y="11" text-anchor="middle">
                                    {if id == 0 { Either::Left(move || t(sim.lang.get(), Ui::Clients)) } else { Either::Right(format!("B{id}")) }}
                                </text>
                            </g>
                        }
                    }).collect_view()
                }}
                <For each=move || messages.get() key=|m| m.clone() children=move |m| message_dot(sim, m, count, reduced) />
            </svg>
        </section>
    }
}

fn message_dot(sim: Sim, m: MessageView, brokers: Memo<u32>, reduced: bool) -> impl IntoView {
    let held = m.deliver_at.is_none();
    let transform = move || {
        let p = progress(m.sent_at, m.deliver_at, sim.visual_ms.get(), reduced);
        let (x, y) = message_xy(m.from, m.to, m.id, p, brokers.get());
        format!("translate({x} {y})")
    };
    view! {
        <g class=format!("msg {}{}", m.class, if held { " held" } else { "" }) data-kind=m.kind transform=transform>
            <circle r="6" />
            <text y="-9" text-anchor="middle">{if held { format!("❚❚ {}", m.label) } else { m.label }}</text>
        </g>
    }
}

/// One card per partition. Cards, replica rows and log cells are keyed, so a step changes
/// only what it changed: a new record adds one cell, a new HW moves one marker.
#[component]
pub fn Partitions() -> impl IntoView {
    let sim = expect_context::<Sim>();
    let keys = Memo::new(move |_| sim.view.with(|v| v.partitions.iter().map(|p| (p.topic.clone(), p.partition)).collect::<Vec<_>>()));
    view! {
        <section class="partitions" aria-label="Partitions">
            <For each=move || keys.get() key=|k| k.clone() children=move |(topic, p)| partition_card(sim, TopicPartition::new(topic, p)) />
        </section>
    }
}

fn partition_card(sim: Sim, tp: TopicPartition) -> impl IntoView {
    let lang = sim.lang;
    let key = tp.clone();
    let pv = Memo::new(move |_| sim.view.with(|v| v.partitions.iter().find(|p| p.topic == key.topic && p.partition == key.partition).cloned().unwrap_or_default()));
    let window_start = Memo::new(move |_| pv.with(|p| (p.replicas.iter().map(|r| r.leo).max().unwrap_or(0) - WINDOW).max(0)));
    let brokers = Memo::new(move |_| pv.with(|p| p.replicas.iter().map(|r| r.broker).collect::<Vec<_>>()));
    let leader = move || pv.with(|p| p.leader.map_or("none".to_string(), |l| l.to_string()));
    let heading = move || {
        let l = lang.get();
        pv.with(|p| format!("{} {} · {} {} · {} {{{}}}", t(l, Ui::Leader), leader(), t(l, Ui::LeaderEpoch), p.leader_epoch, t(l, Ui::Isr), p.isr))
    };
    let select_tp = tp.clone();
    let title = format!("{}-{}", tp.topic, tp.partition);
    let testid = format!("partition-{title}");
    view! {
        <div class="partition" data-testid=testid data-leader=leader data-leader-epoch=move || pv.with(|p| p.leader_epoch) data-isr=move || pv.with(|p| p.isr.clone())>
            <h2>
                <button class="link" on:click=move |_| sim.selected.set(Some(Selection::Partition(select_tp.clone())))>{title}</button>
                <small>{heading}</small>
                <Show when=move || pv.with(|p| p.recovering)><span class="badge bad">{move || t(lang.get(), Ui::Recovering)}</span></Show>
            </h2>
            <Show when=move || { window_start.get() > 0 }>
                <div class="earlier">{move || format!("… {} {}", window_start.get(), t(lang.get(), Ui::EarlierOffsets))}</div>
            </Show>
            <For each=move || brokers.get() key=|b| *b children=move |b| replica_row(sim, tp.clone(), pv, b, window_start) />
        </div>
    }
}

fn replica_row(sim: Sim, tp: TopicPartition, pv: Memo<PartitionView>, broker: u32, window_start: Memo<i64>) -> impl IntoView {
    let lang = sim.lang;
    let rv = Memo::new(move |_| pv.with(|p| p.replicas.iter().find(|r| r.broker == broker).cloned().unwrap_or_default()));
    let hw = Memo::new(move |_| rv.with(|r| r.hw));
    let leo = Memo::new(move |_| rv.with(|r| r.leo));
    let in_isr = Memo::new(move |_| rv.with(|r| r.in_isr));
    let role = Memo::new(move |_| rv.with(|r| r.role));
    let cells = Memo::new(move |_| {
        let from = window_start.get();
        rv.with(|r| r.cells.iter().filter(|c| c.offset >= from).cloned().collect::<Vec<_>>())
    });
    let select = Selection::Replica(tp.clone(), broker);
    let prefix = format!("log-cell-{}-{}-{broker}", tp.topic, tp.partition);
    let class = move || {
        let mut c = String::from("replica");
        if !in_isr.get() {
            c.push_str(" out-of-sync");
        }
        if rv.with(|r| r.stale_leader) {
            c.push_str(" stale");
        }
        c
    };
    let role_text = move || {
        let key = match role.get() {
            "leader" => Ui::Leader,
            "follower" => Ui::Follower,
            "offline" => Ui::Offline,
            _ => Ui::NoRole,
        };
        t(lang.get(), key)
    };
    let left = |o: i64| format!("{}px", o * CELL_PX);
    view! {
        <div class=class data-testid=format!("replica-{}-{}-{broker}", tp.topic, tp.partition) data-leo=move || leo.get() data-hw=move || hw.get() data-role=move || role.get()>
            <button class="replica-name link" on:click=move |_| sim.selected.set(Some(select.clone()))>{format!("B{broker}")}</button>
            <span class=move || format!("role {}", role.get())>{role_text}</span>
            <span class=move || if in_isr.get() { "isr-tag" } else { "isr-tag out" }>
                {move || t(lang.get(), if in_isr.get() { Ui::Isr } else { Ui::OutOfSync })}
            </span>
            <div class="log" style:width=format!("{}px", (WINDOW + 2) * CELL_PX)>
                <div class="track" style:transform=move || format!("translateX(-{}px)", window_start.get() * CELL_PX)>
                    <For each=move || cells.get() key=|c| c.clone() children=move |c| log_cell(&prefix, c, hw) />
                    <span class="marker hw" style:left=move || left(hw.get().max(window_start.get())) title="high watermark">{move || format!("{} {}", t(lang.get(), Ui::Hw), hw.get())}</span>
                    <span class="marker leo" style:left=move || left(leo.get().max(window_start.get())) title="log end offset">{move || format!("{} {}", t(lang.get(), Ui::Leo), leo.get())}</span>
                </div>
            </div>
        </div>
    }
}

fn log_cell(prefix: &str, c: CellView, hw: Memo<i64>) -> impl IntoView {
    let title = format!("offset {} · epoch {} · {}{}", c.offset, c.epoch, c.key.as_ref().map_or(String::new(), |k| format!("{k}=")), c.value);
    let short: String = c.value.chars().take(3).collect();
    let (offset, segment_start) = (c.offset, c.segment_start);
    let class = move || match (offset >= hw.get(), segment_start) {
        (false, false) => "cell",
        (true, false) => "cell uncommitted",
        (false, true) => "cell segment-start",
        (true, true) => "cell uncommitted segment-start",
    };
    view! {
        <span
            class=class
            data-testid=format!("{prefix}-{offset}")
            data-epoch=c.epoch
            title=title
            style=format!("left:{}px;background-color:{}", offset * CELL_PX, epoch_colour(c.epoch))
        >
            <span class="v">{short}</span>
            <span class="e">{c.epoch}</span>
        </span>
    }
}
