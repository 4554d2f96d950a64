//! The simulator's half of the real-Kafka oracle (`tests/oracle/`, issue 15).
//!
//! `kplay oracle-plan FILE` turns a scenario into a plan the Java harness replays on a real
//! Kafka 4.4 cluster: whether a real cluster can reproduce it at all (and why not), the topics
//! with their exact assignment, the timeouts scaled for a run of seconds, and after every step the
//! state the simulator reached — the targets the harness waits for at each settle point.
//! `kplay oracle-diff FILE REAL` compares the simulator's end state with what the harness read
//! from Kafka's own files, field by field.

use kplay_core::config::{AutoConfig, TruncationMode};
use kplay_core::report::{cache_text, log_text, Report};
use kplay_core::scenario::Scenario;
use kplay_core::Command;
use serde_json::{json, Value};

/// Real time per simulated millisecond: the real cluster runs the scenario's timeouts at a
/// quarter, so that a session timeout of 9 s becomes 2.25 s.
const TIME_SCALE: f64 = 0.25;

/// Why a real cluster cannot replay this scenario, or `None` when it can.
fn unsupported(s: &Scenario, raw: &Value) -> Option<String> {
    let c = &s.config;
    if !(3..=4).contains(&c.brokers) {
        return Some(format!("the oracle runs 3 or 4 brokers, the scenario {}", c.brokers));
    }
    if c.truncation_mode != TruncationMode::Fetch
        || !c.hw_requires_min_isr
        || c.leader_epoch_bump_on_isr_shrink
        || !c.controller_detects_fast_restart
        || !c.leader_assigns_epoch_on_election
    {
        return Some("a legacy version knob (PROTOCOL.md §2.14) that Kafka 4.4 no longer has".into());
    }
    if !c.last_known_leader_requires_active {
        return Some("Kafka 4.0's EL6 bug (last_known_leader_requires_active: false), fixed in the 4.4 the oracle runs".into());
    }
    let a = c.auto;
    if !(a.fetch && a.isr_check && a.heartbeats) || a.leader_rebalance != AutoConfig::ALL.leader_rebalance {
        return Some("timers pinned off (config.auto): a real cluster's timers always run".into());
    }
    // Compaction: Kafka rolls by bytes, the simulator here by records; with one record a
    // segment both roll at every append, so the same records are cleanable on both sides. On
    // Kafka that is the test-only `internal.segment.bytes` at 100: a batch of one short record
    // (61 bytes of batch header, ~10 of record) fits, two do not, and a batch larger than the
    // segment would be refused (RECORD_LIST_TOO_LARGE), hence short keys and values only. Kafka's cleaner runs by
    // itself: with a dirty ratio of 0 it cleans whatever is dirty, as a `cleaner_pass` at the
    // end does here.
    for t in &c.topics {
        let l = c.log_for(&t.name);
        if l.cleanup_policy.compacts() && (l.segment_records != 1 || l.min_cleanable_dirty_ratio.0 != 0.0 || l.min_compaction_lag_ms != 0 || a.cleaner) {
            return Some(format!("topic {}: a compacted topic is replayed with one record a segment, min_cleanable_dirty_ratio 0, no min lag and no automatic cleaner here (Kafka's roll points are bytes)", t.name));
        }
    }
    if let Some(init) = &s.initial {
        for (i, p) in init.partitions.iter().enumerate() {
            let first = p.replicas.as_ref().and_then(|r| r.first().copied());
            let leader_default = match p.leader {
                None => true,
                Some(l) => first.is_some() && l == first,
            };
            let all_isr = match (&p.isr, &p.replicas) {
                (None, _) => true,
                (Some(isr), Some(rs)) => isr.len() == rs.len(),
                (Some(isr), None) => isr.len() as u32 == c.topics.iter().find(|t| t.name == p.topic).map_or(0, |t| t.replication_factor),
            };
            if !p.logs.is_empty() || !leader_default || p.leader_epoch.is_some_and(|e| e.0 != 0) || !all_isr || p.partition_epoch.is_some_and(|e| e.0 != 0) {
                return Some(format!("initial.partitions[{i}]: a state other than a new topic's cannot be set on a real cluster"));
            }
        }
    }
    for (i, step) in raw["steps"].as_array().into_iter().flatten().enumerate() {
        let what = step["do"].as_str().unwrap_or("");
        let ok = match what {
            "produce" => {
                let topic = step["topic"].as_str().unwrap_or("");
                let partitions = c.topics.iter().find(|t| t.name == topic).map_or(0, |t| t.partitions);
                let len = |k: &str| step[k].as_str().map_or(0, str::len);
                let short = !c.log_for(topic).cleanup_policy.compacts() || len("key") + len("value") <= 24;
                short && step.get("to").is_none_or(Value::is_null) && (partitions == 1 || !step["partition"].is_null() || !step["key"].is_null())
            }
            "consume" => step.get("broker").is_none_or(Value::is_null),
            "crash" => step.get("kind").and_then(Value::as_str).is_none_or(|k| k != "lossy"),
            "restart" | "pause" | "resume" | "step" | "advance" | "advance_to" | "reassign" | "cancel_reassignment" => true,
            // Kafka's cleaner runs by itself; the harness waits for it to reach the same checkpoint.
            "cleaner_pass" => step.get("broker").is_none_or(Value::is_null),
            _ => false,
        };
        if !ok {
            return Some(format!("steps[{i}]: `{what}` as written has no real counterpart in the oracle"));
        }
    }
    None
}

/// The simulator's state after a step, as the harness compares it.
fn target(r: &Report, elr: bool) -> Value {
    let partitions: Vec<Value> = r
        .partitions
        .iter()
        .map(|p| {
            let mut t = json!({
                "topic": p.topic, "partition": p.partition, "leader": p.leader.map(|b| b.0), "isr": p.isr.iter().map(|b| b.0).collect::<Vec<_>>(),
                "assignment": p.assignment.iter().map(|b| b.0).collect::<Vec<_>>(),
                "replicas": p.replicas.iter().map(|x| json!({"broker": x.broker.0, "state": x.state, "leo": x.leo, "hw": x.hw, "cleaner_checkpoint": x.cleaner_checkpoint})).collect::<Vec<_>>(),
            });
            // EL3: with ELR the harness waits for the same ELR too.
            if elr {
                t["elr"] = json!(p.elr.iter().map(|b| b.0).collect::<Vec<_>>());
            }
            t
        })
        .collect();
    json!({"partitions": partitions, "produced_done": r.produced.iter().filter(|p| p.result != "pending").count()})
}

/// How long both sides let the cluster settle after the last step before the end states are
/// compared: long enough for a fence, an ISR expiry and the catch-up after them.
pub fn settle_ms(s: &Scenario) -> u64 {
    2 * (s.config.replica_lag_time_max_ms + s.config.broker_session_timeout_ms)
}

/// Lets `c` settle for [`settle_ms`] (the plan's last target and the diff's end state).
fn settle(c: &mut kplay_core::Cluster, s: &Scenario) -> Result<(), String> {
    c.apply(&Command::Advance { ms: settle_ms(s) }).map(|_| ()).map_err(|e| format!("settling: {e}"))
}

/// The simulator's settled end state: every step, then [`settle_ms`] more.
pub fn settled_end(s: &Scenario) -> Result<kplay_core::Cluster, String> {
    let (mut c, _) = s.run().map_err(|e| e.to_string())?;
    settle(&mut c, s)?;
    Ok(c)
}

fn scaled(ms: u64, min: u64) -> u64 {
    ((ms as f64 * TIME_SCALE) as u64).max(min)
}

/// The plan of a scenario (see the module doc).
pub fn plan(s: &Scenario, raw: &Value) -> Result<Value, String> {
    let mut c = s.build().map_err(|e| e.to_string())?;
    let cfg = &s.config;
    let session = scaled(cfg.broker_session_timeout_ms, 1500);
    let timing = json!({
        "session_ms": session,
        "heartbeat_ms": scaled(cfg.broker_heartbeat_interval_ms, 100).min(session / 3),
        "lag_ms": scaled(cfg.replica_lag_time_max_ms, 1000),
        "fetch_wait_ms": scaled(cfg.replica_fetch_wait_max_ms, 50),
        "request_timeout_ms": scaled(cfg.request_timeout_ms, 2000),
    });
    let mut topics = Vec::new();
    for t in &cfg.topics {
        let parts: Vec<Value> = c
            .controller
            .partitions
            .values()
            .filter(|st| st.tp.topic == t.name)
            .map(|st| json!({"partition": st.tp.partition, "replicas": st.replicas.iter().map(|b| b.0).collect::<Vec<_>>()}))
            .collect();
        // A compacted topic's configs, as `kafka-topics --config` would set them (see `unsupported`).
        let l = cfg.log_for(&t.name);
        let configs = if l.cleanup_policy.compacts() {
            json!({
                "cleanup.policy": l.cleanup_policy.as_str(), "internal.segment.bytes": "100", "min.cleanable.dirty.ratio": "0",
                "delete.retention.ms": l.delete_retention_ms.to_string(), "max.compaction.lag.ms": l.max_compaction_lag_ms.to_string(),
            })
        } else {
            json!({})
        };
        topics.push(json!({"name": t.name, "partitions": parts, "configs": configs}));
    }
    let why = unsupported(s, raw);
    let mut steps = Vec::new();
    if why.is_none() {
        for (index, step) in s.steps.iter().enumerate() {
            c.apply(&step.0).map_err(|e| format!("steps[{index}]: {e}"))?;
            steps.push(json!({"index": index, "step": raw["steps"][index], "after": target(&Report::of(&c), cfg.eligible_leader_replicas)}));
        }
        // The end is compared once both sides have settled (the real one cannot stop mid-flight).
        settle(&mut c, s)?;
        let index = s.steps.len();
        steps.push(json!({"index": index, "step": {"do": "advance", "ms": settle_ms(s)}, "after": target(&Report::of(&c), cfg.eligible_leader_replicas), "settle": true}));
    }
    Ok(json!({
        "name": s.name, "brokers": cfg.brokers, "time_scale": TIME_SCALE, "reproducible": why.is_none(), "why": why.unwrap_or_default(), "timing": timing,
        "min_insync_replicas": cfg.min_insync_replicas, "unclean": cfg.unclean_leader_election, "elr": cfg.eligible_leader_replicas, "topics": topics, "steps": steps,
    }))
}

/// One compared field.
pub struct Row {
    /// `t-0.leader`, `t-0.r2.log`, `produced[1]`…
    pub field: String,
    /// The simulator's value.
    pub sim: String,
    /// Kafka's value.
    pub real: String,
    /// Why they differ, when `explained.json` says so.
    pub explained: Option<String>,
}

fn text(v: &Value) -> String {
    match v {
        Value::Null => "null".into(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn entries_text(v: &Value, f: impl Fn(&[Value]) -> String) -> String {
    v.as_array().map_or_else(|| "-".into(), |a| f(a))
}

/// `pattern` with `*` for any run of characters matches the whole of `text`.
fn glob(pattern: &str, text: &str) -> bool {
    let parts: Vec<&str> = pattern.split('*').collect();
    if parts.len() == 1 {
        return pattern == text;
    }
    let (first, last) = (parts[0], parts[parts.len() - 1]);
    if !text.starts_with(first) || !text[first.len()..].ends_with(last) || text.len() < first.len() + last.len() {
        return false;
    }
    let mut rest = &text[first.len()..text.len() - last.len()];
    for part in &parts[1..parts.len() - 1] {
        match rest.find(part) {
            Some(i) => rest = &rest[i + part.len()..],
            None => return false,
        }
    }
    true
}

/// The simulator's report and Kafka's, field by field; `explained` is `[{scenario, field, when?, why}]`
/// where `field` may hold `*`, `scenario` may be `*`, and `when` (`"sim|real"`) narrows an
/// explanation to one pair of values.
pub fn diff(name: &str, sim: &Report, real: &Value, explained: &Value) -> Vec<Row> {
    let mut rows = Vec::new();
    let mut push = |field: String, s: String, r: String| rows.push(Row { field, sim: s, real: r, explained: None });
    if let Some(why) = real["unsupported"].as_str() {
        push("reproducible".into(), "yes".into(), format!("no: {why}"));
    } else {
        for p in &sim.partitions {
            let tp = format!("{}-{}", p.topic, p.partition);
            let rp = real["partitions"]
                .as_array()
                .and_then(|a| a.iter().find(|x| x["topic"] == p.topic.as_str() && x["partition"] == p.partition))
                .cloned()
                .unwrap_or(Value::Null);
            push(format!("{tp}.leader"), p.leader.map_or("null".into(), |b| b.0.to_string()), text(&rp["leader"]));
            push(format!("{tp}.leader_epoch"), p.leader_epoch.0.to_string(), text(&rp["leader_epoch"]));
            push(format!("{tp}.partition_epoch"), p.partition_epoch.0.to_string(), text(&rp["partition_epoch"]));
            push(format!("{tp}.leader_recovery_state"), p.leader_recovery_state.clone(), text(&rp["leader_recovery_state"]));
            push(format!("{tp}.isr"), format!("{:?}", p.isr.iter().map(|b| b.0).collect::<Vec<_>>()), text(&rp["isr"]).replace(',', ", "));
            // EL3, EL5: the ELR and the last known leader (both empty without ELR, on both sides).
            // (A report leaves an empty list out.)
            let list = |v: &Value| if v.is_null() { "[]".to_string() } else { text(v).replace(',', ", ") };
            push(format!("{tp}.elr"), format!("{:?}", p.elr.iter().map(|b| b.0).collect::<Vec<_>>()), list(&rp["elr"]));
            push(format!("{tp}.last_known_elr"), format!("{:?}", p.last_known_elr.iter().map(|b| b.0).collect::<Vec<_>>()), list(&rp["last_known_elr"]));
            // RA2, RA7: the assignment's order is part of the answer; a move's sets too.
            let ids = |v: &[kplay_core::ids::BrokerId]| format!("{:?}", v.iter().map(|b| b.0).collect::<Vec<_>>());
            push(format!("{tp}.assignment"), ids(&p.assignment), text(&rp["assignment"]).replace(',', ", "));
            if p.adding_replicas.len() + p.removing_replicas.len() > 0 || rp["adding"].as_array().is_some_and(|a| !a.is_empty()) || rp["removing"].as_array().is_some_and(|a| !a.is_empty()) {
                push(format!("{tp}.adding"), ids(&p.adding_replicas), text(&rp["adding"]).replace(',', ", "));
                push(format!("{tp}.removing"), ids(&p.removing_replicas), text(&rp["removing"]).replace(',', ", "));
            }
            for r in &p.replicas {
                let rr = rp["replicas"].as_array().and_then(|a| a.iter().find(|x| x["broker"] == r.broker.0)).cloned().unwrap_or(Value::Null);
                let f = |k: &str| format!("{tp}.r{}.{k}", r.broker.0);
                push(f("state"), r.state.clone(), text(&rr["state"]));
                push(f("leo"), r.leo.to_string(), text(&rr["leo"]));
                push(f("hw"), r.hw.to_string(), text(&rr["hw"]));
                push(f("log_start_offset"), r.log_start_offset.to_string(), text(&rr["log_start_offset"]));
                let real_log = entries_text(&rr["log"], |a| {
                    // A null value is a tombstone, printed as the simulator prints one.
                    let v: Vec<String> = a.iter().map(|e| format!("({},{},{})", e["offset"], e["epoch"], if e["value"].is_null() { "∅".into() } else { text(&e["value"]) })).collect();
                    format!("[{}]", v.join(","))
                });
                push(f("log"), log_text(&r.log, false), real_log);
                // CC13: where each broker's cleaner stopped (Kafka's cleaner-offset-checkpoint).
                if let Some(c) = r.cleaner_checkpoint {
                    push(f("cleaner_checkpoint"), c.to_string(), text(&rr["cleaner_checkpoint"]));
                }
                let real_cache = entries_text(&rr["epoch_cache"], |a| {
                    let v: Vec<String> = a.iter().map(|e| format!("{}:{}", e["epoch"], e["start_offset"])).collect();
                    format!("{{{}}}", v.join(","))
                });
                push(f("epoch_cache"), cache_text(&r.epoch_cache), real_cache);
            }
        }
        let real_produced = real["produced"].as_array().cloned().unwrap_or_default();
        for (i, p) in sim.produced.iter().enumerate() {
            let r = real_produced.get(i).map_or("-".into(), |x| text(&x["result"]));
            push(format!("produced[{i}] {} acks={}", p.value, p.acks), p.result.clone(), r);
        }
        let real_reads = real["reads"].as_array().cloned().unwrap_or_default();
        for (i, r) in sim.reads.iter().enumerate() {
            let x = real_reads.get(i).map_or("-".into(), |x| text(&x["result"]));
            push(format!("reads[{i}] at {}", r.offset), r.result.clone(), x);
        }
        for s in real["settles"].as_array().into_iter().flatten() {
            if s["reached"] == false {
                push(format!("settle after steps[{}]", s["index"]), "reached".into(), format!("not reached: {}", text(&s["mismatch"])));
            }
        }
    }
    for row in &mut rows {
        if row.sim == row.real {
            continue;
        }
        row.explained = explained.as_array().into_iter().flatten().find_map(|e| {
            let scen = e["scenario"].as_str().unwrap_or("");
            let field = e["field"].as_str().unwrap_or("");
            let field_ok = glob(field, &row.field);
            // `when: "A|B"`: only this pair of values (simulator | Kafka) is explained.
            let values_ok = e["when"].as_str().is_none_or(|w| w == format!("{}|{}", row.sim, row.real));
            ((scen == "*" || scen == name) && field_ok && values_ok).then(|| e["why"].as_str().unwrap_or("").to_string())
        });
    }
    rows
}
