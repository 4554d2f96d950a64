//! What the user makes happen: produce, consume, and the cluster's settings.

use crate::i18n::{t, Lang, Ui};
use crate::stage::markup::escape;
use crate::session::{page_config, Session, PAGE_IMBALANCE_CHECK_MS};
use crate::sim::Sim;
use kplay_core::config::{TopicConfig, TruncationMode};
use kplay_core::event::ReadKind;
use kplay_core::message::Acks;
use kplay_core::Command;
use leptos::prelude::*;

/// A form field's value in markup drawn by these panels (`value`, or `checked` for a box).
pub(crate) fn field(root: &web_sys::Element, name: &str) -> String {
    let Some(e) = root.query_selector(&format!(r#"[name="{name}"]"#)).ok().flatten() else { return String::new() };
    let checkbox = e.get_attribute("type").as_deref() == Some("checkbox");
    let v = js_sys::Reflect::get(&e, &if checkbox { "checked" } else { "value" }.into()).unwrap_or_default();
    if checkbox {
        v.is_truthy().to_string()
    } else {
        v.as_string().unwrap_or_default()
    }
}

/// The panel a click in it came from, when it hit the button with `testid`.
pub(crate) fn button_of(ev: &leptos::ev::MouseEvent, testid: &str) -> Option<web_sys::Element> {
    let b = crate::stage::markup::clicked(ev, &format!(r#"data-testid="{testid}""#))?;
    b.closest(".panel").ok().flatten()
}

/// The producer: key, value, partition, acks, count. Markup with one click listener, as the
/// stage is drawn (a reactive element per field cost the bundle several kilobytes); the
/// fields are read when "Produce" is clicked.
#[component]
pub fn ProducePanel() -> impl IntoView {
    let sim = expect_context::<Sim>();
    let lang = sim.lang;
    let partitions = Memo::new(move |_| sim.view.with(|v| v.partitions.iter().filter(|p| p.topic == "orders").count() as u32));
    let html = move || {
        let l = lang.get();
        let options: String = (0..partitions.get()).map(|p| format!(r#"<option value="{p}">{p}</option>"#)).collect();
        format!(
            r#"<h3>{}</h3><div class="form-row"><label>{}<input data-testid="produce-key" name="key" placeholder="—" size="6"></label><label>{}<input data-testid="produce-value" name="value" value="m" size="6"></label><label>{}<select data-testid="produce-partition" name="partition"><option value="any" selected>{}</option>{options}</select></label><label>{}<select data-testid="produce-acks" name="acks"><option value="all" selected>all</option><option value="1">1</option><option value="0">0</option></select></label><label>{}<input type="number" min="1" max="100" data-testid="produce-count" name="count" value="1"></label>{}<button class="primary" data-testid="produce">{}</button></div>"#,
            t(l, Ui::Producer),
            t(l, Ui::Key),
            t(l, Ui::Value),
            t(l, Ui::Partition),
            t(l, Ui::AnyPartition),
            t(l, Ui::Acks),
            t(l, Ui::Count),
            tombstone_field(l),
            t(l, Ui::Produce)
        )
    };
    let click = move |ev: leptos::ev::MouseEvent| {
        let Some(panel) = button_of(&ev, "produce") else { return };
        let topic = sim.with_session(|s| s.timeline.cluster().config().topics[0].name.clone());
        let (key, base) = (field(&panel, "key"), field(&panel, "value"));
        let acks = match field(&panel, "acks").as_str() {
            "0" => Acks::None,
            "1" => Acks::Leader,
            _ => Acks::All,
        };
        let partition = field(&panel, "partition").parse().ok();
        let produced = sim.with_session(|s| s.timeline.cluster().produced.len());
        let n = field(&panel, "count").parse::<u32>().unwrap_or(1).clamp(1, 100);
        let tombstone = cfg!(feature = "compaction") && field(&panel, "tombstone") == "true";
        let cmds = (0..n)
            .map(|i| Command::Produce {
                topic: topic.clone(),
                partition,
                key: Some(key.clone()).filter(|k| !k.is_empty()),
                value: if tombstone {
                    kplay_core::log::Value::TOMBSTONE
                } else if base.is_empty() {
                    format!("m{}", produced + i as usize).into()
                } else if n == 1 {
                    base.clone().into()
                } else {
                    format!("{base}{}", produced + i as usize).into()
                },
                acks,
                to: None,
            })
            .collect();
        sim.commands(cmds);
    };
    view! { <section class="panel produce" aria-label="Producer" inner_html=html on:click=click></section> }
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
                // The groups' own topic is read by its coordinators, not by this consumer.
                .filter(|tp| tp.topic != kplay_core::group::OFFSETS_TOPIC)
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
                            kplay_core::event::ReadResult::Records(recs) => Some(recs.iter().map(|(_, _, v)| v.to_string()).collect::<Vec<_>>()),
                            _ => None,
                        })
                        .flatten()
                        .collect();
                    (tp.clone(), pos, consumed)
                })
                .collect::<Vec<_>>()
        })
    });
    let consume = move |()| {
        let cmds = positions
            .get_untracked()
            .into_iter()
            .map(|(tp, pos, _)| Command::Consume { topic: tp.topic, partition: tp.partition, offset: pos, broker: None })
            .collect();
        sim.commands(cmds);
    };
    view! {
        <section class="panel consumer" aria-label="Consumer">
            <div inner_html=move || format!(r#"<h3>{}</h3><button data-testid="consume">{}</button>"#, t(lang.get(), Ui::Consumer), t(lang.get(), Ui::Consume)) on:click=move |ev| if button_of(&ev, "consume").is_some() { consume(()) }></div>
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
/// Markup like the producer: the fields show the session's settings and are read on "Apply".
#[component]
pub fn SettingsPanel() -> impl IntoView {
    let sim = expect_context::<Sim>();
    let lang = sim.lang;
    let html = move || {
        let l = lang.get();
        let c = sim.with_session(|s| s.origin.config.clone());
        let modes = [(TruncationMode::Fetch, "FETCH", "FETCH (Kafka ≥ 2.7)"), (TruncationMode::Kip279, "KIP279", "KIP-279"), (TruncationMode::Kip101, "KIP101", "KIP-101 (legacy)"), (TruncationMode::Hw, "HW", "HW (legacy, < 0.11)")];
        let options: String = modes.iter().map(|(m, v, label)| format!(r#"<option value="{v}"{}>{label}</option>"#, if *m == c.truncation_mode { " selected" } else { "" })).collect();
        format!(
            r#"<summary>{}</summary><div class="form-grid"><label>{}<input type="number" min="1" max="12" data-testid="setting-brokers" name="brokers" value="{}"></label><label>{}<input type="number" min="1" max="50" data-testid="setting-partitions" name="partitions" value="{}"></label><label>{}<input type="number" min="1" max="12" data-testid="setting-min-isr" name="min-isr" value="{}"></label><label>{}<input type="number" min="1" step="1000" data-testid="setting-lag" name="lag" value="{}"></label><label class="check"><input type="checkbox" data-testid="setting-unclean" name="unclean"{}>{}</label><label class="check"><input type="checkbox" data-testid="setting-rebalance" name="rebalance"{}>{}</label><label>{}<select data-testid="setting-mode" name="mode">{options}</select></label><label>{}<input type="number" min="-1" step="1000" data-testid="setting-retention" name="retention" value="{}"></label>{}</div><button data-testid="apply-settings">{}</button>"#,
            t(l, Ui::Settings),
            t(l, Ui::Brokers),
            c.brokers,
            t(l, Ui::Partitions),
            c.topics.first().map_or(3, |t| t.partitions),
            t(l, Ui::MinIsr),
            c.min_insync_replicas,
            t(l, Ui::LagTime),
            c.replica_lag_time_max_ms,
            if c.unclean_leader_election { " checked" } else { "" },
            t(l, Ui::UncleanElection),
            if c.auto.leader_rebalance { " checked" } else { "" },
            t(l, Ui::AutoRebalance),
            t(l, Ui::TruncationMode),
            t(l, Ui::RetentionMs),
            if c.auto.retention { c.log.retention_ms } else { -1 },
            policy_field(l, &c),
            t(l, Ui::ApplySettings)
        )
    };
    let click = move |ev: leptos::ev::MouseEvent| {
        let Some(panel) = button_of(&ev, "apply-settings") else { return };
        let num = |name: &str| field(&panel, name).parse::<u32>().unwrap_or(0);
        let brokers = num("brokers");
        let rebalance = field(&panel, "rebalance") == "true";
        // RT1–RT4 with the page's clock: a pass every 5 s (Kafka: 300 s) when retention.ms is set.
        let retention_ms = field(&panel, "retention").parse::<i64>().unwrap_or(-1).max(-1);
        let base = page_config();
        let log = if retention_ms >= 0 { kplay_core::log::LogConfig { retention_ms, retention_check_interval_ms: 5_000, initial_task_delay_ms: 5_000, ..base.log } } else { base.log };
        let (configs, cleaner) = policy_of(&panel);
        let config = kplay_core::ClusterConfig {
            brokers,
            topics: vec![TopicConfig { name: "orders".into(), partitions: num("partitions"), replication_factor: brokers.min(3), configs }],
            min_insync_replicas: num("min-isr"),
            unclean_leader_election: field(&panel, "unclean") == "true",
            // PL4, scaled like the page's other timers (Kafka: 300 s).
            auto: kplay_core::config::AutoConfig { leader_rebalance: rebalance, retention: retention_ms >= 0, cleaner, ..base.auto },
            log: kplay_core::log::LogConfig { cleaner_backoff_ms: if cleaner { 5_000 } else { log.cleaner_backoff_ms }, ..log },
            leader_imbalance_check_interval_ms: if rebalance { PAGE_IMBALANCE_CHECK_MS } else { page_config().leader_imbalance_check_interval_ms },
            replica_lag_time_max_ms: field(&panel, "lag").parse().unwrap_or(0),
            truncation_mode: match field(&panel, "mode").as_str() {
                "HW" => TruncationMode::Hw,
                "KIP101" => TruncationMode::Kip101,
                "KIP279" => TruncationMode::Kip279,
                _ => TruncationMode::Fetch,
            },
            ..page_config()
        };
        #[cfg(feature = "kraft")]
        let config = kplay_core::ClusterConfig { eligible_leader_replicas: field(&panel, "elr") == "true", racks: racks_of(&field(&panel, "racks"), brokers), ..config };
        match Session::new(config, sim.with_session(|s| s.origin.seed)) {
            Ok(s) => sim.replace(s),
            Err(e) => sim.error.set(Some(e)),
        }
    };
    view! { <details class="panel settings" inner_html=html on:click=click></details> }
}

/// The producer's tombstone box (CC9, CC10: a null value deletes its key), on the extended page.
#[cfg(feature = "compaction")]
fn tombstone_field(l: Lang) -> String {
    format!(r#"<label class="check"><input type="checkbox" data-testid="produce-tombstone" name="tombstone">{}</label>"#, t(l, Ui::Tombstone))
}
#[cfg(not(feature = "compaction"))]
fn tombstone_field(_: Lang) -> &'static str {
    ""
}

/// The topic's `cleanup.policy` (CC1, CC18), on the extended page.
#[cfg(feature = "compaction")]
fn policy_field(l: Lang, c: &kplay_core::ClusterConfig) -> String {
    let now = c.topics.first().and_then(|t| t.configs.cleanup_policy).unwrap_or_default();
    let options: String = [kplay_core::log::CleanupPolicy::Delete, kplay_core::log::CleanupPolicy::Compact, kplay_core::log::CleanupPolicy::CompactDelete]
        .iter()
        .map(|p| format!(r#"<option value="{0}"{1}>{0}</option>"#, p.as_str(), if *p == now { " selected" } else { "" }))
        .collect();
    let policy = format!(r#"<label>{}<select data-testid="setting-policy" name="policy">{options}</select></label>"#, t(l, Ui::CleanupPolicy));
    // EL1: Eligible Leader Replicas, chosen when the cluster is made.
    #[cfg(feature = "kraft")]
    let policy = format!(
        r#"{policy}<label class="check" title="{}"><input type="checkbox" data-testid="setting-elr" name="elr"{}>{}</label>"#,
        t(l, Ui::HelpElr),
        if c.eligible_leader_replicas { " checked" } else { "" },
        t(l, Ui::ElrSetting)
    );
    // RK: each broker's rack, in broker order ("a,a,b"; empty for none).
    #[cfg(feature = "kraft")]
    let policy = {
        let racks: Vec<String> = (1..=c.brokers).map(|b| c.racks.get(&kplay_core::ids::BrokerId(b)).cloned().unwrap_or_default()).collect();
        let racks = if c.racks.is_empty() { String::new() } else { racks.join(",") };
        format!(
            r#"{policy}<label title="{}">{}<input data-testid="setting-racks" name="racks" placeholder="a,a,b" value="{}" size="12"></label>"#,
            t(l, Ui::HelpRacks),
            t(l, Ui::RacksSetting),
            crate::stage::markup::escape(&racks)
        )
    };
    policy
}

/// RK: the racks field, broker 1 first; a blank entry leaves that broker without a rack.
#[cfg(feature = "kraft")]
fn racks_of(text: &str, brokers: u32) -> std::collections::BTreeMap<kplay_core::ids::BrokerId, String> {
    text.split(',').zip(1..=brokers).filter(|(r, _)| !r.trim().is_empty()).map(|(r, b)| (kplay_core::ids::BrokerId(b), r.trim().to_string())).collect()
}
#[cfg(not(feature = "compaction"))]
fn policy_field(_: Lang, _: &kplay_core::ClusterConfig) -> &'static str {
    ""
}

/// The topic's configs from the settings, and whether the cleaner runs by itself: with a
/// compacting policy each broker's cleaner wakes every 5 s when idle (Kafka: 15 s), as the
/// page scales its other timers.
#[cfg(feature = "compaction")]
fn policy_of(panel: &web_sys::Element) -> (kplay_core::config::TopicLogConfig, bool) {
    let policy = kplay_core::log::CleanupPolicy::parse(&field(panel, "policy")).unwrap_or_default();
    let configs = kplay_core::config::TopicLogConfig { cleanup_policy: Some(policy).filter(|p| p.compacts()), ..Default::default() };
    (configs, policy.compacts())
}
#[cfg(not(feature = "compaction"))]
fn policy_of(_: &web_sys::Element) -> (kplay_core::config::TopicLogConfig, bool) {
    (Default::default(), false)
}
