//! What the user makes happen: produce, consume, and the cluster's settings.

use crate::i18n::{t, tr, Ui};
use crate::stage::markup::escape;
use crate::session::{page_config, Session, DEFAULT_SEED};
use crate::sim::Sim;
use kplay_core::config::{TopicConfig, TruncationMode};
use kplay_core::event::ReadKind;
use kplay_core::message::Acks;
use kplay_core::Command;
use leptos::prelude::*;

/// The producer: key, value, acks, count.
#[component]
pub fn ProducePanel() -> impl IntoView {
    let sim = expect_context::<Sim>();
    let lang = sim.lang;
    let key = RwSignal::new(String::new());
    let value = RwSignal::new("m".to_string());
    let acks = RwSignal::new(Acks::All);
    let count = RwSignal::new(1u32);
    let partition = RwSignal::new(None::<u32>);
    let partitions = Memo::new(move |_| sim.view.with(|v| v.partitions.iter().filter(|p| p.topic == "orders").count() as u32));
    let produce = move |_| {
        let topic = sim.with_session(|s| s.timeline.cluster().config().topics[0].name.clone());
        let base = value.get_untracked();
        let produced = sim.with_session(|s| s.timeline.cluster().produced.len());
        let n = count.get_untracked().clamp(1, 100);
        let cmds = (0..n)
            .map(|i| Command::Produce {
                topic: topic.clone(),
                partition: partition.get_untracked(),
                key: Some(key.get_untracked()).filter(|k| !k.is_empty()),
                value: if base.is_empty() { format!("m{}", produced + i as usize) } else if n == 1 { base.clone() } else { format!("{base}{}", produced + i as usize) },
                acks: acks.get_untracked(),
                to: None,
            })
            .collect();
        sim.commands(cmds);
    };
    view! {
        <section class="panel produce" aria-label="Producer">
            <h3>{tr(lang, Ui::Producer)}</h3>
            <div class="form-row">
                <label>{tr(lang, Ui::Key)}<input data-testid="produce-key" prop:value=move || key.get() on:input=move |ev| key.set(event_target_value(&ev)) placeholder="—" size="6" /></label>
                <label>{tr(lang, Ui::Value)}<input data-testid="produce-value" prop:value=move || value.get() on:input=move |ev| value.set(event_target_value(&ev)) size="6" /></label>
                <label>{tr(lang, Ui::Partition)}
                    <select data-testid="produce-partition" on:change=move |ev| partition.set(event_target_value(&ev).parse().ok())>
                        <option value="any" selected=true>{tr(lang, Ui::AnyPartition)}</option>
                        {move || (0..partitions.get()).map(|p| view! { <option value=p.to_string()>{p}</option> }).collect_view()}
                    </select>
                </label>
                <label>{tr(lang, Ui::Acks)}
                    <select data-testid="produce-acks" on:change=move |ev| acks.set(match event_target_value(&ev).as_str() { "0" => Acks::None, "1" => Acks::Leader, _ => Acks::All })>
                        <option value="all" selected=true>"all"</option>
                        <option value="1">"1"</option>
                        <option value="0">"0"</option>
                    </select>
                </label>
                <label>{tr(lang, Ui::Count)}<input type="number" min="1" max="100" data-testid="produce-count" prop:value=move || count.get().to_string() on:input=move |ev| count.set(event_target_value(&ev).parse().unwrap_or(1)) /></label>
                <button class="primary" data-testid="produce" on:click=produce>{tr(lang, Ui::Produce)}</button>
            </div>
        </section>
    }
}

/// The consumer: one position per partition; "consume" fetches from each leader at it.
#[component]
pub fn ConsumerPanel() -> impl IntoView {
    let sim = expect_context::<Sim>();
    let lang = sim.lang;
    // Positions are derived from the recorded reads: deterministic and restored with the
    // session. A memo: the list is redrawn when a read changes it, not on every step.
    let positions = Memo::new(move |_| {
        sim.revision.track();
        sim.with_session(|s| {
            let c = s.timeline.cluster();
            c.controller
                .partitions
                .keys()
                .map(|tp| {
                    let pos = c
                        .reads
                        .iter()
                        .filter(|r| &r.tp == tp && r.kind == ReadKind::Fetch)
                        .filter_map(|r| match &r.result {
                            kplay_core::event::ReadResult::Records(recs) => recs.last().map(|(o, _, _)| o.0 + 1),
                            _ => None,
                        })
                        .next_back()
                        .unwrap_or(0);
                    let consumed: Vec<String> = c
                        .reads
                        .iter()
                        .filter(|r| &r.tp == tp)
                        .filter_map(|r| match &r.result {
                            kplay_core::event::ReadResult::Records(recs) => Some(recs.iter().map(|(_, _, v)| v.clone()).collect::<Vec<_>>()),
                            _ => None,
                        })
                        .flatten()
                        .collect();
                    (tp.clone(), pos, consumed)
                })
                .collect::<Vec<_>>()
        })
    });
    let consume = move |_| {
        let cmds = positions
            .get_untracked()
            .into_iter()
            .map(|(tp, pos, _)| Command::Consume { topic: tp.topic, partition: tp.partition, offset: pos, broker: None })
            .collect();
        sim.commands(cmds);
    };
    view! {
        <section class="panel consumer" aria-label="Consumer">
            <h3>{tr(lang, Ui::Consumer)}</h3>
            <button data-testid="consume" on:click=consume>{tr(lang, Ui::Consume)}</button>
            <ul class="mono consumed" data-testid="consumed" inner_html=move || {
                let position = t(lang.get(), Ui::Position);
                positions.with(|ps| ps.iter().map(|(tp, pos, consumed)| format!(
                    r#"<li data-testid="consumed-{}-{}" data-position="{pos}">{} · {position} {pos} · [{}]</li>"#,
                    escape(&tp.topic),
                    tp.partition,
                    escape(&tp.to_string()),
                    escape(&consumed.join(", "))
                )).collect::<String>())
            }></ul>
        </section>
    }
}

/// Cluster settings; applying them starts a new session (the old one can be exported first).
#[component]
pub fn SettingsPanel() -> impl IntoView {
    let sim = expect_context::<Sim>();
    let lang = sim.lang;
    let current = sim.with_session(|s| s.origin.config.clone());
    let brokers = RwSignal::new(current.brokers);
    let partitions = RwSignal::new(current.topics.first().map_or(3, |t| t.partitions));
    let min_isr = RwSignal::new(current.min_insync_replicas);
    let unclean = RwSignal::new(current.unclean_leader_election);
    let lag = RwSignal::new(current.replica_lag_time_max_ms);
    let mode = RwSignal::new(current.truncation_mode);
    let apply = move |_| {
        let brokers_n = brokers.get_untracked();
        let config = kplay_core::ClusterConfig {
            brokers: brokers_n,
            topics: vec![TopicConfig { name: "orders".into(), partitions: partitions.get_untracked(), replication_factor: brokers_n.min(3) }],
            min_insync_replicas: min_isr.get_untracked(),
            unclean_leader_election: unclean.get_untracked(),
            replica_lag_time_max_ms: lag.get_untracked(),
            truncation_mode: mode.get_untracked(),
            ..page_config()
        };
        match Session::new(config, DEFAULT_SEED) {
            Ok(s) => sim.replace(s),
            Err(e) => sim.error.set(Some(e)),
        }
    };
    let num = |sig: RwSignal<u32>| move |ev: leptos::ev::Event| sig.set(event_target_value(&ev).parse().unwrap_or(0));
    view! {
        <details class="panel settings">
            <summary>{tr(lang, Ui::Settings)}</summary>
            <div class="form-grid">
                <label>{tr(lang, Ui::Brokers)}<input type="number" min="1" max="12" data-testid="setting-brokers" prop:value=move || brokers.get().to_string() on:input=num(brokers) /></label>
                <label>{tr(lang, Ui::Partitions)}<input type="number" min="1" max="50" data-testid="setting-partitions" prop:value=move || partitions.get().to_string() on:input=num(partitions) /></label>
                <label>{tr(lang, Ui::MinIsr)}<input type="number" min="1" max="12" data-testid="setting-min-isr" prop:value=move || min_isr.get().to_string() on:input=num(min_isr) /></label>
                <label>{tr(lang, Ui::LagTime)}<input type="number" min="1" step="1000" data-testid="setting-lag" prop:value=move || lag.get().to_string() on:input=move |ev| lag.set(event_target_value(&ev).parse().unwrap_or(0)) /></label>
                <label class="check"><input type="checkbox" data-testid="setting-unclean" prop:checked=move || unclean.get() on:change=move |ev| unclean.set(event_target_checked(&ev)) />{tr(lang, Ui::UncleanElection)}</label>
                <label>{tr(lang, Ui::TruncationMode)}
                    <select data-testid="setting-mode" on:change=move |ev| mode.set(match event_target_value(&ev).as_str() {
                        "HW" => TruncationMode::Hw,
                        "KIP101" => TruncationMode::Kip101,
                        "KIP279" => TruncationMode::Kip279,
                        _ => TruncationMode::Fetch,
                    })>
                        <option value="FETCH" selected=move || mode.get() == TruncationMode::Fetch>"FETCH (Kafka ≥ 2.7)"</option>
                        <option value="KIP279" selected=move || mode.get() == TruncationMode::Kip279>"KIP-279"</option>
                        <option value="KIP101" selected=move || mode.get() == TruncationMode::Kip101>"KIP-101 (legacy)"</option>
                        <option value="HW" selected=move || mode.get() == TruncationMode::Hw>"HW (legacy, < 0.11)"</option>
                    </select>
                </label>
            </div>
            <button data-testid="apply-settings" on:click=apply>{tr(lang, Ui::ApplySettings)}</button>
        </details>
    }
}
