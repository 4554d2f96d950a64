//! The stage: broker cards (with their fault buttons), the network strip with messages in
//! flight, and one card per partition with each replica's log drawn as cells.

use crate::i18n::{narrate, t, tr, Lang, Ui};
use crate::layout::{node_x, CELL_PX, STRIP_HEIGHT, STRIP_WIDTH};
use crate::sim::{Selection, Sim};
use crate::markup::{messages_svg, track_html, window_start, WINDOW};
use crate::view::{BrokerView, PartitionView, ReplicaView};
use kplay_core::event::CrashKind;
use kplay_core::ids::{BrokerId, TopicPartition};
use kplay_core::Command;
use leptos::prelude::*;

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

/// A text that follows a memo and the page's language, through a plain function. Every such
/// text shares this one closure type: one render effect in the bundle for all of them.
fn follow<T: PartialEq + Send + Sync + 'static>(sim: Sim, m: Memo<T>, f: fn(&T, Lang) -> String) -> impl Fn() -> String + Copy + Send + Sync + 'static {
    move || {
        let lang = sim.lang.get();
        m.with(|v| f(v, lang))
    }
}

/// One card per partition (and assignment), built once. Its texts and attributes follow the
/// partition's memo; each replica's log follows its own memo, so a step redraws only the rows
/// it changed.
#[component]
pub fn Partitions() -> impl IntoView {
    let sim = expect_context::<Sim>();
    let keys = Memo::new(move |_| {
        sim.view.with(|v| v.partitions.iter().map(|p| (p.topic.clone(), p.partition, p.replicas.iter().map(|r| r.broker).collect::<Vec<_>>())).collect::<Vec<_>>())
    });
    view! {
        <section class="partitions" aria-label="Partitions">
            // Rebuilt only when the partitions or their assignments change (a new session).
            {move || keys.get().into_iter().map(|(topic, partition, brokers)| partition_card(sim, TopicPartition::new(topic, partition), brokers)).collect_view()}
        </section>
    }
}

fn leader_text(p: &PartitionView) -> String {
    p.leader.map_or("none".to_string(), |l| l.to_string())
}

fn max_window_start(p: &PartitionView) -> i64 {
    window_start(p.replicas.iter().map(|r| r.leo).max().unwrap_or(0))
}

fn partition_card(sim: Sim, tp: TopicPartition, brokers: Vec<u32>) -> impl IntoView {
    let key = tp.clone();
    let card = Memo::new(move |_| sim.view.with(|v| v.partitions.iter().find(|p| p.partition == key.partition && p.topic == key.topic).cloned().unwrap_or_default()));
    let lang = sim.lang;
    let title = tp.to_string();
    let testid = format!("partition-{title}");
    let select = Selection::Partition(tp.clone());
    view! {
        <div
            class="partition"
            data-testid=testid
            data-leader=follow(sim, card, |p, _| leader_text(p))
            data-leader-epoch=follow(sim, card, |p, _| p.leader_epoch.to_string())
            data-isr=follow(sim, card, |p, _| p.isr.clone())
        >
            <h2>
                <button class="link" on:click=move |_| sim.selected.set(Some(select.clone()))>{title}</button>
                <small>{follow(sim, card, |p, l| format!("{} {} · {} {} · {} {{{}}}", t(l, Ui::Leader), leader_text(p), t(l, Ui::LeaderEpoch), p.leader_epoch, t(l, Ui::Isr), p.isr))}</small>
                {move || card.with(|p| p.recovering).then(|| view! { <span class="badge bad">{tr(lang, Ui::Recovering)}</span> })}
            </h2>
            <div class="earlier">{follow(sim, card, |p, l| match max_window_start(p) {
                0 => String::new(),
                start => format!("… {start} {}", t(l, Ui::EarlierOffsets)),
            })}</div>
            {brokers.into_iter().enumerate().map(|(i, b)| replica_row(sim, &tp, card, i, b)).collect_view()}
        </div>
    }
}

/// What a replica's row draws: the replica and its partition's window start.
type Row = (ReplicaView, i64);

fn row_class((r, _): &Row, _: Lang) -> String {
    match (r.in_isr, r.stale_leader) {
        (true, false) => "replica",
        (false, false) => "replica out-of-sync",
        (true, true) => "replica stale",
        (false, true) => "replica out-of-sync stale",
    }
    .into()
}

fn role_text((r, _): &Row, l: Lang) -> String {
    let role = match r.role {
        "leader" => Ui::Leader,
        "follower" => Ui::Follower,
        "offline" => Ui::Offline,
        _ => Ui::NoRole,
    };
    t(l, role).into()
}

fn replica_row(sim: Sim, tp: &TopicPartition, card: Memo<PartitionView>, i: usize, broker: u32) -> impl IntoView {
    let row = Memo::new(move |_| card.with(|p| (p.replicas.get(i).cloned().unwrap_or_default(), max_window_start(p))));
    let id = format!("{}-{}-{broker}", tp.topic, tp.partition);
    let cells = format!("log-cell-{id}");
    let track = move || {
        let l = sim.lang.get();
        row.with(|(r, start)| track_html(&cells, r, *start, t(l, Ui::Hw), t(l, Ui::Leo)))
    };
    let note_tp = tp.clone();
    let note_id = format!("truncation-{id}");
    // A recent truncation's reason, written under the row.
    let note = move || {
        let l = sim.lang.get();
        row.with(|(r, _)| {
            let x = r.truncation?;
            let reason = narrate(l, &x.event(broker, &note_tp), true).map(|n| n.text).unwrap_or_default();
            Some(view! { <p class="truncation" data-testid=note_id.clone()>{format!("✂ #{} · {reason}", x.step)}</p> })
        })
    };
    let select = Selection::Replica(tp.clone(), broker);
    view! {
        <div
            class=follow(sim, row, row_class)
            data-testid=format!("replica-{id}")
            data-leo=follow(sim, row, |(r, _), _| r.leo.to_string())
            data-hw=follow(sim, row, |(r, _), _| r.hw.to_string())
            data-role=follow(sim, row, |(r, _), _| r.role.to_string())
        >
            <button class="replica-name link" on:click=move |_| sim.selected.set(Some(select.clone()))>{format!("B{broker}")}</button>
            <span class=follow(sim, row, |(r, _), _| format!("role {}", r.role))>{follow(sim, row, role_text)}</span>
            <span class=follow(sim, row, |(r, _), _| if r.in_isr { "isr-tag" } else { "isr-tag out" }.into())>
                {follow(sim, row, |(r, _), l| t(l, if r.in_isr { Ui::Isr } else { Ui::OutOfSync }).into())}
            </span>
            <div class="log" style=format!("width:{}px", (WINDOW + 2) * CELL_PX)>
                <div class="track" style=follow(sim, row, |(_, start), _| format!("transform:translateX(-{}px)", start * CELL_PX)) inner_html=track></div>
            </div>
            {note}
        </div>
    }
}
