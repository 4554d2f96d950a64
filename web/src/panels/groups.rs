//! Consumer groups (PROTOCOL-GROUPS.md): on the extended page (kplay-web's `groups` feature,
//! served from `full/`), a lane of every group — its coordinator's broker, its state and
//! generation, its committed offsets and the records delivered twice — with each consumer's
//! state, member id, generation and partitions (a colour per member, and its name), the
//! actions on it, and a form to start one. On the first page, a link to the extended one
//! (its code is fetched only then: docs/embed.md § Bundle).

use crate::i18n::{t, Ui};
use crate::sim::Sim;
use leptos::prelude::*;

/// The first page: where consumer groups are, and what opening them costs.
#[cfg(not(feature = "groups"))]
#[component]
pub fn GroupsPanel() -> impl IntoView {
    let sim = expect_context::<Sim>();
    let lang = sim.lang;
    view! {
        <section class="panel groups" aria-label="Consumer groups" inner_html=move || {
            let l = lang.get();
            format!(r#"<h3>{}</h3><p class="note">{}</p><a class="button" data-testid="open-groups" href="full/">{}</a>"#, t(l, Ui::GroupsTitle), t(l, Ui::GroupsOpenHint), t(l, Ui::GroupsOpen))
        }></section>
    }
}

#[cfg(feature = "groups")]
pub use full::GroupsPanel;

#[cfg(feature = "groups")]
mod full {
    use super::*;
    use crate::panels::actions::{button_of, field};
    use crate::stage::markup::{clicked, escape};
    use kplay_core::command::ConsumerSettings;
    use kplay_core::group::member::CommitMode;
    use kplay_core::Command;

    /// The page's consumer timeouts: scaled so that a session expires in seconds (Kafka:
    /// session 45 s, max.poll.interval 300 s; docs/fidelity.md "timeouts in the page").
    fn page_settings(assignors: &str, commit: &str) -> ConsumerSettings {
        ConsumerSettings {
            assignors: Some(assignors.split(',').map(str::to_string).collect()),
            session_timeout_ms: Some(10_000),
            heartbeat_interval_ms: Some(1_000),
            max_poll_interval_ms: Some(20_000),
            commit: Some(match commit {
                "after_processing" => CommitMode::AfterProcessing,
                "before_processing" => CommitMode::BeforeProcessing,
                _ => CommitMode::Auto,
            }),
            poll_interval_ms: Some(1_000),
            ..ConsumerSettings::default()
        }
    }

    /// One consumer as the lane shows it.
    #[derive(PartialEq)]
    struct Row {
        name: String,
        group: String,
        state: &'static str,
        running: bool,
        slow: bool,
        member_id: String,
        generation: i32,
        /// Each owned partition: its name, the position, and the lag (OC12's `records-lag`:
        /// the leader's HW − the position).
        owned: Vec<(String, Option<i64>, Option<i64>)>,
    }

    #[component]
    pub fn GroupsPanel() -> impl IntoView {
        let sim = expect_context::<Sim>();
        let lang = sim.lang;
        let lane = Memo::new(move |_| {
            sim.revision.track();
            sim.with_session(|s| {
                let c = s.timeline.cluster();
                let rows: Vec<Row> = c
                    .groups
                    .members
                    .values()
                    .map(|m| Row {
                        name: m.name.clone(),
                        group: m.group.clone(),
                        state: m.state.name(),
                        running: m.is_running(),
                        slow: m.slow,
                        member_id: m.member_id.clone(),
                        generation: m.generation,
                        owned: m
                            .owned
                            .iter()
                            .map(|tp| {
                                let pos = m.positions.get(tp).copied();
                                let hw = c.controller.partitions.get(tp).and_then(|st| st.leader).and_then(|l| c.replica(l, tp)).map(|r| r.log.high_watermark().0);
                                (tp.to_string(), pos, pos.zip(hw).map(|(p, h)| (h - p).max(0)))
                            })
                            .collect(),
                    })
                    .collect();
                (c.group_reports(), rows)
            })
        });
        let next_name = move || (1..).map(|i| format!("c{i}")).find(|n| sim.with_session(|s| !s.timeline.cluster().groups.members.contains_key(n))).unwrap_or_default();
        let form = move || {
            let l = lang.get();
            format!(
                r#"<h3>{}</h3><p class="note">{}</p><div class="form-row"><label>{}<input name="consumer" data-testid="consumer-name" value="{}" size="4"></label><label>{}<input name="group" data-testid="consumer-group" value="g1" size="4"></label><label>{}<select name="assignors" data-testid="consumer-assignors"><option value="range,cooperative-sticky" selected>range, cooperative-sticky</option><option value="range">range</option><option value="roundrobin">roundrobin</option><option value="sticky">sticky</option><option value="cooperative-sticky">cooperative-sticky</option></select></label><label>{}<select name="commit" data-testid="consumer-commit"><option value="auto" selected>{}</option><option value="after_processing">{}</option><option value="before_processing">{}</option></select></label><button class="primary" data-testid="start-consumer">{}</button></div>"#,
                t(l, Ui::GroupsTitle),
                t(l, Ui::GroupsNote),
                t(l, Ui::ConsumerName),
                escape(&next_name()),
                t(l, Ui::GroupId),
                t(l, Ui::Assignors),
                t(l, Ui::CommitMode),
                t(l, Ui::CommitAuto),
                t(l, Ui::CommitAfter),
                t(l, Ui::CommitBefore),
                t(l, Ui::StartConsumer)
            )
        };
        let start = move |ev: leptos::ev::MouseEvent| {
            let Some(panel) = button_of(&ev, "start-consumer") else { return };
            let topic = sim.with_session(|s| s.timeline.cluster().config().topics[0].name.clone());
            let member = field(&panel, "consumer");
            let group = field(&panel, "group");
            let settings = page_settings(&field(&panel, "assignors"), &field(&panel, "commit"));
            sim.command(Command::StartConsumer { group, member: member.clone(), topics: vec![topic], settings });
            // The next free name, so that "Start" again adds another consumer.
            if let Some(input) = panel.query_selector(r#"[name="consumer"]"#).ok().flatten() {
                let _ = js_sys::Reflect::set(&input, &"value".into(), &next_name().into());
            }
        };
        let act = move |ev: leptos::ev::MouseEvent| {
            let Some(b) = clicked(&ev, "data-act") else { return };
            let (Some(what), Some(member)) = (b.get_attribute("data-act"), b.get_attribute("data-member")) else { return };
            let cmd = match what.as_str() {
                "crash" => Command::CrashConsumer { member },
                "close" => Command::CloseConsumer { member },
                "restart" => Command::RestartConsumer { member },
                "slow" => Command::SlowConsumer { member, slow: true },
                _ => Command::SlowConsumer { member, slow: false },
            };
            sim.command(cmd);
        };
        let list = move || {
            let l = lang.get();
            lane.with(|(groups, rows)| {
                if rows.is_empty() {
                    return format!(r#"<p class="note" data-testid="no-consumers">{}</p>"#, t(l, Ui::NoConsumers));
                }
                let colour = |name: &str| rows.iter().position(|r| r.name == name).unwrap_or(0) % 6;
                let mut out = String::new();
                for g in groups.iter().filter(|g| rows.iter().any(|r| r.group == g.group)) {
                    let committed = g.committed.iter().map(|(tp, o)| format!("{tp}@{o}")).collect::<Vec<_>>().join(", ");
                    let coordinator = g.coordinator.map_or_else(|| "—".to_string(), |b| b.to_string());
                    out.push_str(&format!(
                        r#"<div class="group-card" data-testid="group-{id}" data-state="{state}" data-generation="{generation}"><div class="group-head"><b>{id}</b> · {coord} {coordinator} · {state} · {gen} {generation}</div><div class="mono">{committed_label}: {committed}</div><div class="dups" data-testid="duplicates-{id}" data-duplicates="{dups}">{dup_label}: <b>{dups}</b> / {delivered}</div><ul class="members">"#,
                        id = escape(&g.group),
                        state = g.state,
                        generation = g.generation,
                        coord = t(l, Ui::CoordinatorBroker),
                        gen = t(l, Ui::Generation),
                        committed_label = t(l, Ui::CommittedOffsets),
                        committed = escape(&committed),
                        dup_label = t(l, Ui::Duplicates),
                        dups = g.duplicates,
                        delivered = g.delivered,
                    ));
                    for r in rows.iter().filter(|r| r.group == g.group) {
                        let lag_word = t(l, Ui::Lag);
                        let chips: String = r
                            .owned
                            .iter()
                            .map(|(tp, pos, lag)| {
                                let text = lag.map_or(String::new(), |n| format!(" · {lag_word} {n}"));
                                let attr = lag.map_or(String::new(), |n| n.to_string());
                                format!(r#"<span class="mchip m{}" data-testid="owned-{}-{}" data-lag="{attr}">{} @{}{text}</span>"#, colour(&r.name), escape(&r.name), escape(tp), escape(tp), pos.map_or("?".into(), |p| p.to_string()))
                            })
                            .collect();
                        let name = escape(&r.name);
                        let buttons = if r.running {
                            format!(
                                r#"<button data-act="crash" data-member="{name}">{}</button><button data-act="close" data-member="{name}">{}</button><button data-act="{}" data-member="{name}">{}</button>"#,
                                t(l, Ui::Crash),
                                t(l, Ui::ConsumerClose),
                                if r.slow { "fast" } else { "slow" },
                                t(l, if r.slow { Ui::Fast } else { Ui::Slow })
                            )
                        } else {
                            format!(r#"<button data-act="restart" data-member="{name}">{}</button>"#, t(l, Ui::Restart))
                        };
                        out.push_str(&format!(
                            r#"<li data-testid="consumer-{name}" data-state="{state}" data-owned="{owned}"><span class="mchip m{c}">{name}</span> <span class="mono">{state} · {id} · {gen} {generation}</span> {chips} {buttons}</li>"#,
                            c = colour(&r.name),
                            state = r.state,
                            owned = escape(&r.owned.iter().map(|(tp, _, _)| tp.as_str()).collect::<Vec<_>>().join(",")),
                            id = if r.member_id.is_empty() { "—".to_string() } else { escape(&r.member_id) },
                            gen = t(l, Ui::Generation),
                            generation = r.generation,
                        ));
                    }
                    out.push_str("</ul></div>");
                }
                out
            })
        };
        view! {
            <section class="panel groups" aria-label="Consumer groups" data-testid="groups">
                <div inner_html=form on:click=start></div>
                <div data-testid="group-lane" inner_html=list on:click=act></div>
                <a class="note" data-testid="close-groups" href="../" inner_html=move || t(lang.get(), Ui::GroupsBack)></a>
            </section>
        }
    }
}
