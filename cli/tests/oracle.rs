//! `kplay oracle-plan` and `kplay oracle-diff`: the simulator's half of the real-Kafka oracle
//! (tests/oracle/). The real cluster itself runs in `tests/oracle/run.sh`.

use std::path::PathBuf;
use std::process::Command;

fn kplay(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_kplay")).args(args).output().expect("runs");
    (out.status.code().unwrap_or(-1), String::from_utf8_lossy(&out.stdout).into(), String::from_utf8_lossy(&out.stderr).into())
}

fn repo(path: &str) -> String {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..").join(path).to_string_lossy().into()
}

fn temp(name: &str, body: &str) -> String {
    let p = std::env::temp_dir().join(format!("kplay-oracle-test-{}-{name}", std::process::id()));
    std::fs::write(&p, body).unwrap();
    p.to_string_lossy().into()
}

fn plan(path: &str) -> serde_json::Value {
    let (code, out, err) = kplay(&["oracle-plan", &repo(path)]);
    assert_eq!(code, 0, "{err}");
    serde_json::from_str(&out).expect("JSON")
}

#[test]
fn a_plan_says_why_a_real_cluster_cannot_replay_a_scenario() {
    let pinned = plan("scenarios/conformance/S8-fetch.json");
    assert_eq!(pinned["reproducible"], false);
    assert!(pinned["why"].as_str().unwrap().contains("config.auto"), "{}", pinned["why"]);
    let legacy = plan("scenarios/library/10-kip-101-scenario-1.json");
    assert!(legacy["why"].as_str().unwrap().contains("legacy version knob"), "{}", legacy["why"]);
    let hold = plan("scenarios/library/04-isr-shrink-and-rejoin.json");
    assert!(hold["why"].as_str().unwrap().starts_with("steps[2]: `hold`"), "{}", hold["why"]);
}

#[test]
fn a_plan_carries_the_assignment_the_scaled_timeouts_and_a_target_after_every_step() {
    let p = plan("tests/oracle/scenarios/o1-acks1-lost.json");
    assert_eq!(p["reproducible"], true);
    assert_eq!(p["topics"][0]["partitions"][0]["replicas"], serde_json::json!([1, 2, 3]));
    // A quarter of the scenario's 9 s session timeout and 30 s replica lag.
    assert_eq!(p["timing"]["session_ms"], 2250);
    assert_eq!(p["timing"]["lag_ms"], 7500);
    let steps = p["steps"].as_array().unwrap();
    // One entry per step, then the settle both sides make before the end states are compared.
    assert_eq!(steps.len(), 17);
    assert_eq!(steps[16]["settle"], true);
    // After `crash 1` the simulator shows broker 1 offline; at the end broker 2 leads in epoch 1.
    let crash = &steps[7];
    assert_eq!(crash["step"]["do"], "crash");
    assert_eq!(crash["after"]["partitions"][0]["replicas"][0]["state"], "offline");
    assert_eq!(steps[16]["after"]["partitions"][0]["leader"], 2);
}

#[test]
fn a_diff_agrees_with_the_simulators_own_end_state_and_names_a_changed_field() {
    let file = repo("tests/oracle/scenarios/o7-clean-shutdown-leader.json");
    let (code, own, err) = kplay(&["run", &file]);
    assert_eq!(code, 0, "{err}");
    let same = temp("same.json", &own);
    let (code, out, _) = kplay(&["oracle-diff", &file, &same]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("0 unexplained"), "{out}");

    let mut changed: serde_json::Value = serde_json::from_str(&own).unwrap();
    changed["partitions"][0]["leader_epoch"] = serde_json::json!(7);
    changed["produced"][1]["result"] = serde_json::json!("NETWORK_EXCEPTION");
    let changed = temp("changed.json", &changed.to_string());
    let (code, out, _) = kplay(&["oracle-diff", &file, &changed]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("| t-0.leader_epoch | 1 | 7 | DIFFER |"), "{out}");
    assert!(out.contains("2 unexplained"), "{out}");

    // An explanation covers only the field and values it names.
    let explained = temp(
        "explained.json",
        r#"[{"scenario": "*", "field": "produced[*", "when": "ok|NETWORK_EXCEPTION", "why": "the socket closed"}]"#,
    );
    let (code, out, _) = kplay(&["oracle-diff", &file, &changed, "--explained", &explained]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("explained: the socket closed"), "{out}");
    assert!(out.contains("1 explained | 1 unexplained"), "{out}");
}

#[test]
fn a_scenario_the_real_cluster_could_not_replay_is_a_difference() {
    let file = repo("scenarios/conformance/S8-fetch.json");
    let real = temp("unsupported.json", r#"{"name": "S8-fetch", "unsupported": "timers pinned off"}"#);
    let (code, out, _) = kplay(&["oracle-diff", &file, &real]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("no: timers pinned off"), "{out}");
}
