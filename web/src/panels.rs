//! The side panels that explain: the event narration, the invariant checker, the inspector.

use crate::i18n::{narrate, t, Ui};
use crate::sim::{Selection, Sim};
use crate::view::replica_detail;
use leptos::prelude::*;

/// Each event in plain language with its rule and a short why; a click jumps there.
#[component]
pub fn EventLog() -> impl IntoView {
    let sim = expect_context::<Sim>();
    let lang = sim.lang;
    view! {
        <section class="panel events" aria-label="Events">
            <h3>{move || t(lang.get(), Ui::Events)}</h3>
            <label class="toggle">
                <input type="checkbox" prop:checked=move || sim.show_messages.get() on:change=move |ev| sim.show_messages.set(event_target_checked(&ev)) />
                {move || t(lang.get(), Ui::ShowMessages)}
            </label>
            <ol class="event-log" data-testid="event-log">
                {move || {
                    let l = lang.get();
                    let messages = sim.show_messages.get();
                    let current = sim.step.get();
                    sim.events.with(|events| {
                        events.iter().rev().filter_map(|e| {
                            let n = narrate(l, &e.event, messages)?;
                            let step = e.step;
                            Some(view! {
                                <li class=format!("ev {}", n.tone) class:current=step == current data-step=step>
                                    <button class="link jump" title=t(l, Ui::Jump) on:click=move |_| sim.jump(step)>
                                        {format!("#{step} · {:.2}s", e.time_ms as f64 / 1000.0)}
                                    </button>
                                    {(!n.rule.is_empty()).then(|| view! { <span class="rule">{n.rule}</span> })}
                                    <span class="text">{n.text}</span>
                                    {(!n.why.is_empty()).then(|| view! { <span class="why">{n.why}</span> })}
                                </li>
                            })
                        }).take(120).collect_view()
                    })
                }}
            </ol>
        </section>
    }
}

/// The checker: all good, or every violation with its evidence and a jump to its step.
#[component]
pub fn InvariantPanel() -> impl IntoView {
    let sim = expect_context::<Sim>();
    let lang = sim.lang;
    view! {
        <section class="panel invariants" class:violated=move || sim.violations.with(|v| !v.is_empty()) data-testid="invariants" aria-live="polite">
            <h3>{move || t(lang.get(), Ui::Invariants)}" (I1–I27)"</h3>
            {move || sim.violations.with(|vs| {
                if vs.is_empty() {
                    view! { <p class="ok" data-testid="invariants-ok">"✔ " {t(lang.get(), Ui::NoViolations)}</p> }.into_any()
                } else {
                    view! {
                        <ul>
                            {vs.iter().cloned().map(|v| {
                                let step = v.step;
                                view! {
                                    <li class="violation" data-invariant=v.invariant.clone()>
                                        <strong>"⚠ " {v.invariant.clone()}</strong>
                                        {v.tp.as_ref().map(|tp| format!(" · {tp}"))}
                                        <span class="why">{if v.explained { "explained by an unclean election or a lossy crash" } else { "protocol fault" }}</span>
                                        <span class="text">{v.detail.clone()}</span>
                                        <button class="link" on:click=move |_| sim.jump(step)>{format!("→ #{step}")}</button>
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                    }.into_any()
                }
            })}
        </section>
    }
}

/// Details of the selected replica (segments, index, epoch cache, offsets, fetch state) or
/// partition (the controller's view).
#[component]
pub fn Inspector() -> impl IntoView {
    let sim = expect_context::<Sim>();
    let lang = sim.lang;
    let body = move || {
        sim.revision.track();
        let l = lang.get();
        match sim.selected.get() {
            None => view! { <p class="muted">{t(l, Ui::InspectorEmpty)}</p> }.into_any(),
            Some(Selection::Replica(tp, broker)) => sim.with_session(|s| {
                let Some(d) = replica_detail(s.timeline.cluster(), broker, &tp) else { return view! { <p>"—"</p> }.into_any() };
                let (leo, hw, lso, rp) = d.offsets;
                view! {
                    <h4>{format!("B{} · {} · {}", d.broker, d.tp, d.role)}</h4>
                    <p class="mono">{format!("LEO {leo} · HW {hw} · log start {lso} · recovery point {rp}")}</p>
                    <h5>{t(l, Ui::Segments)}</h5>
                    <ul class="mono">
                        {d.segments.into_iter().map(|(base, n, bytes, index)| {
                            let idx: Vec<String> = index.iter().map(|(o, p)| format!("{o}@{p}")).collect();
                            view! { <li>{format!("{base:020}.log · {n} · {bytes} B · [{}]", idx.join(", "))}</li> }
                        }).collect_view()}
                    </ul>
                    <h5>{t(l, Ui::EpochCache)}</h5>
                    <p class="mono">{format!("{{{}}}", d.epoch_cache.iter().map(|(e, s)| format!("{e}:{s}")).collect::<Vec<_>>().join(", "))}</p>
                    {d.fetch_state.map(|(leader, phase, in_flight)| view! {
                        <h5>{t(l, Ui::FetchState)}</h5>
                        <p class="mono">{format!("leader {leader} · {phase} · fetchOffset {leo} · request in flight: {in_flight}")}</p>
                    })}
                    {d.leader_state.map(|(leso, isr, maximal, followers)| view! {
                        <h5>{t(l, Ui::LeaderView)}</h5>
                        <p class="mono">{format!("LESO {leso} · ISR {{{isr}}} · maximal ISR {{{maximal}}}")}</p>
                        <ul class="mono">
                            {followers.into_iter().map(|(b, fleo, caught)| view! {
                                <li>{format!("B{b}: LEO {} · lastCaughtUp {}", if fleo < 0 { "unknown".into() } else { fleo.to_string() }, caught.map_or("never".into(), |t| format!("{t} ms")))}</li>
                            }).collect_view()}
                        </ul>
                    })}
                }.into_any()
            }),
            Some(Selection::Partition(tp)) => sim.with_session(|s| {
                let c = s.timeline.cluster();
                let Some(st) = c.controller.partitions.get(&tp) else { return view! { <p>"—"</p> }.into_any() };
                let ids = |v: &[kplay_core::ids::BrokerId]| v.iter().map(|b| b.to_string()).collect::<Vec<_>>().join(",");
                view! {
                    <h4>{format!("{tp} · {}", t(l, Ui::Controller))}</h4>
                    <p class="mono">{format!(
                        "replicas [{}] · leader {} · leaderEpoch {} · partitionEpoch {} · ISR {{{}}} · {:?}",
                        ids(&st.replicas),
                        st.leader.map_or("none".into(), |b| b.to_string()),
                        st.leader_epoch,
                        st.partition_epoch,
                        ids(&st.isr),
                        st.leader_recovery_state
                    )}</p>
                }.into_any()
            }),
        }
    };
    view! {
        <section class="panel inspector" aria-label="Inspector" data-testid="inspector">
            <h3>{move || t(lang.get(), Ui::Inspector)}</h3>
            {body}
        </section>
    }
}
