//! The stage: broker cards (with their fault buttons), the network strip with messages in
//! flight, and one card per partition with each replica's log drawn as cells.

use crate::i18n::{narrate, t, tr, Lang, Ui};
use crate::layout::{message_xy, node_x, progress, CELL_PX, STRIP_HEIGHT, STRIP_WIDTH};
use crate::sim::{Selection, Sim};
use crate::view::{BrokerView, CellView, MessageView, PartitionView, ReplicaView};
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

/// The network strip: every message in flight, moving from sender to receiver. The dots are
/// redrawn each frame by position (tachys updates only the attributes that changed).
#[component]
pub fn NetworkStrip() -> impl IntoView {
    let sim = expect_context::<Sim>();
    let reduced = reduced_motion();
    let count = Memo::new(move |_| sim.view.with(|v| v.brokers.len() as u32));
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
                {move || {
                    let (now, hide, n) = (sim.visual_ms.get(), sim.hide_heartbeats.get(), count.get());
                    sim.view.with(|v| v.messages.iter().filter(|m| !(hide && m.heartbeat)).map(|m| message_dot(m, now, n, reduced)).collect_view())
                }}
            </svg>
        </section>
    }
}

fn message_dot(m: &MessageView, now: f64, brokers: u32, reduced: bool) -> impl IntoView {
    let p = progress(m.sent_at, m.deliver_at, now, reduced);
    let (x, y) = message_xy(m.from, m.to, m.id, p, brokers);
    let held = m.deliver_at.is_none();
    view! {
        <g class=format!("msg {}{}", m.class, if held { " held" } else { "" }) data-kind=m.kind transform=format!("translate({x} {y})")>
            <circle r="6" />
            <text y="-9" text-anchor="middle">{if held { format!("❚❚ {}", m.label) } else { m.label.clone() }}</text>
        </g>
    }
}

/// One card per partition, keyed, each redrawn from its own memo when that partition
/// changes. Inside a card the redraw goes by position; texts are compared with the last
/// drawing, but with `erase_components` an element's attributes are removed and set again on
/// each redraw, so the keyed cards keep that churn to the partition that changed.
#[component]
pub fn Partitions() -> impl IntoView {
    let sim = expect_context::<Sim>();
    let keys = Memo::new(move |_| sim.view.with(|v| v.partitions.iter().map(|p| (p.topic.clone(), p.partition)).collect::<Vec<_>>()));
    view! {
        <section class="partitions" aria-label="Partitions">
            <For each=move || keys.get() key=|k| k.clone() let((topic, partition))>
                {
                    let card = Memo::new(move |_| sim.view.with(|v| v.partitions.iter().find(|p| p.partition == partition && p.topic == topic).cloned()));
                    move || {
                        let lang = sim.lang.get();
                        card.with(|p| p.as_ref().map(|p| partition_card(sim, lang, p)))
                    }
                }
            </For>
        </section>
    }
}

fn partition_card(sim: Sim, lang: Lang, p: &PartitionView) -> impl IntoView {
    let window_start = (p.replicas.iter().map(|r| r.leo).max().unwrap_or(0) - WINDOW).max(0);
    let leader = p.leader.map_or("none".to_string(), |l| l.to_string());
    let heading = format!("{} {leader} · {} {} · {} {{{}}}", t(lang, Ui::Leader), t(lang, Ui::LeaderEpoch), p.leader_epoch, t(lang, Ui::Isr), p.isr);
    let tp = TopicPartition::new(p.topic.clone(), p.partition);
    let title = tp.to_string();
    let testid = format!("partition-{title}");
    let select = Selection::Partition(tp.clone());
    view! {
        <div class="partition" data-testid=testid data-leader=leader data-leader-epoch=p.leader_epoch data-isr=p.isr.clone()>
            <h2>
                <button class="link" on:click=move |_| sim.selected.set(Some(select.clone()))>{title}</button>
                <small>{heading}</small>
                {p.recovering.then(|| view! { <span class="badge bad">{t(lang, Ui::Recovering)}</span> })}
            </h2>
            {(window_start > 0).then(|| view! { <div class="earlier">{format!("… {window_start} {}", t(lang, Ui::EarlierOffsets))}</div> })}
            {p.replicas.iter().map(|r| replica_row(sim, lang, &tp, r, window_start)).collect_view()}
        </div>
    }
}

fn replica_row(sim: Sim, lang: Lang, tp: &TopicPartition, r: &ReplicaView, window_start: i64) -> impl IntoView {
    let role = match r.role {
        "leader" => Ui::Leader,
        "follower" => Ui::Follower,
        "offline" => Ui::Offline,
        _ => Ui::NoRole,
    };
    let class = match (r.in_isr, r.stale_leader) {
        (true, false) => "replica",
        (false, false) => "replica out-of-sync",
        (true, true) => "replica stale",
        (false, true) => "replica out-of-sync stale",
    };
    let select = Selection::Replica(tp.clone(), r.broker);
    let prefix = format!("log-cell-{}-{}-{}", tp.topic, tp.partition, r.broker);
    // The line sits in the 2 px gap before the cell of offset `o`.
    let left = |o: i64| format!("left:{}px", o.max(window_start) * CELL_PX - 2);
    let cells = r.cells.iter().filter(|c| c.offset >= window_start).map(|c| log_cell(&prefix, c, r.hw)).collect_view();
    // A recent truncation: the removed offsets not yet refilled are drawn as cut cells in
    // place, and the reason is written under the row.
    let truncation = r.truncation.map(|x| {
        let cut = (x.to.0.max(r.leo).max(window_start)..x.from.0).map(|o| view! { <span class="cell cut" style=format!("left:{}px", o * CELL_PX) title=format!("offset {o}")>"✂"</span> }).collect_view();
        let reason = narrate(lang, &x.event(r.broker, tp), true).map(|n| n.text).unwrap_or_default();
        (cut, view! { <p class="truncation" data-testid=format!("truncation-{}-{}-{}", tp.topic, tp.partition, r.broker)>{format!("✂ #{} · {reason}", x.step)}</p> })
    });
    let (cut, note) = truncation.unzip();
    view! {
        <div class=class data-testid=format!("replica-{}-{}-{}", tp.topic, tp.partition, r.broker) data-leo=r.leo data-hw=r.hw data-role=r.role>
            <button class="replica-name link" on:click=move |_| sim.selected.set(Some(select.clone()))>{format!("B{}", r.broker)}</button>
            <span class=format!("role {}", r.role)>{t(lang, role)}</span>
            <span class=if r.in_isr { "isr-tag" } else { "isr-tag out" }>{t(lang, if r.in_isr { Ui::Isr } else { Ui::OutOfSync })}</span>
            <div class="log" style=format!("width:{}px", (WINDOW + 2) * CELL_PX)>
                <div class="track" style=format!("transform:translateX(-{}px)", window_start * CELL_PX)>
                    {cells}
                    {cut}
                    <span class="marker hw" style=left(r.hw) title="high watermark">{format!("{} {}", t(lang, Ui::Hw), r.hw)}</span>
                    <span class="marker leo" style=left(r.leo) title="log end offset">{format!("{} {}", t(lang, Ui::Leo), r.leo)}</span>
                </div>
            </div>
            {note}
        </div>
    }
}

fn log_cell(prefix: &str, c: &CellView, hw: i64) -> impl IntoView {
    let title = format!("offset {} · epoch {} · {}{}", c.offset, c.epoch, c.key.as_ref().map_or(String::new(), |k| format!("{k}=")), c.value);
    let short: String = c.value.chars().take(3).collect();
    let class = match (c.offset >= hw, c.segment_start) {
        (false, false) => "cell",
        (true, false) => "cell uncommitted",
        (false, true) => "cell segment-start",
        (true, true) => "cell uncommitted segment-start",
    };
    view! {
        <span
            class=class
            data-testid=format!("{prefix}-{}", c.offset)
            data-epoch=c.epoch
            title=title
            style=format!("left:{}px;background-color:{}", c.offset * CELL_PX, epoch_colour(c.epoch))
        >
            <span class="v">{short}</span>
            <span class="e">{c.epoch}</span>
        </span>
    }
}
