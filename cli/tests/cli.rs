//! The `kplay` binary: exit codes and messages a course author sees.

use std::path::PathBuf;
use std::process::Command;

fn kplay(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_kplay")).args(args).output().expect("runs");
    (out.status.code().unwrap_or(-1), String::from_utf8_lossy(&out.stdout).into(), String::from_utf8_lossy(&out.stderr).into())
}

fn temp(name: &str, body: &str) -> PathBuf {
    let p = std::env::temp_dir().join(format!("kplay-cli-test-{}-{name}", std::process::id()));
    std::fs::write(&p, body).unwrap();
    p
}

fn scenario(name: &str) -> String {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../scenarios/conformance").join(name).to_string_lossy().into()
}

#[test]
fn run_prints_the_end_state_as_json() {
    let (code, out, err) = kplay(&["run", &scenario("S8-fetch.json")]);
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).expect("JSON");
    assert_eq!(v["partitions"][0]["leader"], 2);
    assert_eq!(v["partitions"][0]["leader_epoch"], 2);
    assert_eq!(v["produced"][1]["result"], "NOT_LEADER_OR_FOLLOWER");
    assert!(v["trace_hash"].as_str().unwrap().len() == 16);
    assert!(v["events"].as_u64().unwrap() > 10);
}

#[test]
fn run_trace_prints_one_line_per_event() {
    let (code, out, _) = kplay(&["run", &scenario("S8-fetch.json"), "--trace"]);
    assert_eq!(code, 0);
    assert!(out.lines().any(|l| l.contains("L4 leader 2: follower 1 diverges")), "{out}");
    assert!(out.lines().any(|l| l.contains("T5 broker 1 truncates t-0 from LEO 2 to 1")), "{out}");
}

#[test]
fn check_passes_a_conformance_file() {
    let (code, out, _) = kplay(&["check", &scenario("S8-fetch.json")]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains(": ok"));
}

#[test]
fn a_wrong_expectation_fails_check_with_its_path() {
    let text = std::fs::read_to_string(scenario("S8-fetch.json")).unwrap().replace("\"leader\": 2, \"leader_epoch\": 2", "\"leader\": 3, \"leader_epoch\": 2");
    let f = temp("wrong.json", &text);
    let (code, out, _) = kplay(&["check", f.to_str().unwrap()]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("expect.partitions[0].leader: expected Some(BrokerId(3))") || out.contains("expect.partitions[0].leader"), "{out}");
}

#[test]
fn invalid_input_names_the_json_path() {
    let f = temp("bad-type.json", r#"{"version": 1, "steps": [{"do": "crash", "broker": "x"}]}"#);
    let (code, _, err) = kplay(&["run", f.to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(err.contains("steps[0].broker: expected a broker id (an integer ≥ 0), found the string \"x\""), "{err}");

    let f = temp("bad-broker.json", r#"{"version": 1, "steps": [{"do": "crash", "broker": 9}]}"#);
    let (code, _, err) = kplay(&["run", f.to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(err.contains("steps[0]: there is no broker 9"), "{err}");

    let f = temp("bad-field.json", r#"{"version": 1, "config": {"brokerz": 3}}"#);
    let (code, _, err) = kplay(&["run", f.to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(err.contains("config: unknown field `brokerz`, expected one of `brokers`"), "{err}");

    let f = temp("bad-syntax.json", "{\"version\": 1,\n \"steps\": [}");
    let (code, _, err) = kplay(&["run", f.to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(err.contains("line 2"), "{err}");
}

#[test]
fn schema_is_committed_and_current() {
    let (code, out, _) = kplay(&["schema"]);
    assert_eq!(code, 0);
    let committed = std::fs::read_to_string(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../scenarios/schema.json")).unwrap_or_default();
    assert_eq!(committed.trim(), out.trim(), "regenerate with: cargo run -p kplay-cli -- schema > scenarios/schema.json");
}

/// Issue 14's format work: an `expect` block checks a partition's epoch and leader recovery
/// state, and a replica's log start offset, LESO and fetch state; the initial state can give a
/// replica its log start offset, and a bad one is named.
#[test]
fn expectations_check_recovery_state_partition_epoch_leso_and_fetch_state() {
    let doc = |expect: &str, log_start: i64| {
        format!(
            r#"{{"version": 1, "name": "x", "seed": 1,
            "config": {{"brokers": 3, "topics": [{{"name": "t", "partitions": 1, "replication_factor": 3}}],
                       "auto": {{"fetch": false, "isr_check": false, "heartbeats": false, "flush": false, "controller_failover": false}},
                       "network": {{"min_delay_ms": 0, "max_delay_ms": 0}}}},
            "initial": {{"controller": {{"broker": 3, "epoch": 1}},
                        "partitions": [{{"topic": "t", "partition": 0, "replicas": [1, 2, 3], "leader": 1, "leader_epoch": 2, "partition_epoch": 4,
                                        "logs": {{"1": {{"log": [{{"offset": 0, "epoch": 0, "value": "a"}}, {{"offset": 1, "epoch": 2, "value": "b"}}], "log_start_offset": {log_start}}},
                                                 "2": {{"log": [{{"offset": 0, "epoch": 0, "value": "a"}}, {{"offset": 1, "epoch": 2, "value": "b"}}]}},
                                                 "3": {{"log": [{{"offset": 0, "epoch": 0, "value": "a"}}, {{"offset": 1, "epoch": 2, "value": "b"}}]}}}}}}]}},
            "steps": [],
            "expect": {{"partitions": [{{"topic": "t", "partition": 0, {expect}}}]}}}}"#
        )
    };
    let right = r#""partition_epoch": 4, "leader_recovery_state": "RECOVERED",
        "replicas": {"1": {"log_start_offset": 1, "leso": 1, "fetch_state": null}, "2": {"leso": null, "fetch_state": "fetching", "log_start_offset": 0}}"#;
    let ok = temp("expect-ok.json", &doc(right, 1));
    let (code, out, err) = kplay(&["check", ok.to_str().unwrap()]);
    assert_eq!(code, 0, "{out}{err}");
    let wrong = r#""partition_epoch": 5, "leader_recovery_state": "RECOVERING",
        "replicas": {"1": {"log_start_offset": 0, "leso": 0, "fetch_state": "fetching"}}"#;
    let bad = temp("expect-bad.json", &doc(wrong, 1));
    let (code, out, _) = kplay(&["check", bad.to_str().unwrap()]);
    assert_eq!(code, 1, "{out}");
    for line in [
        "expect.partitions[0].partition_epoch: expected 5, got 4",
        "expect.partitions[0].leader_recovery_state: expected RECOVERING, got RECOVERED",
        "expect.partitions[0].replicas.1.log_start_offset: expected 0, got 1",
        "expect.partitions[0].replicas.1.leso: expected Some(0), got Some(1)",
        "expect.partitions[0].replicas.1.fetch_state: expected Some(\"fetching\"), got None",
    ] {
        assert!(out.contains(line), "missing `{line}` in\n{out}");
    }
    let past_hw = temp("log-start-past-hw.json", &doc(r#""leader": 1"#, 3));
    let (code, _, err) = kplay(&["check", past_hw.to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(err.contains("initial.partitions[0].logs.1.log_start_offset: must be within [0, HW 2] (I24)"), "{err}");
}

/// `kplay run --trace FILE | head`: a reader that stops early ends the run quietly (exit 0, no panic).
#[test]
fn a_closed_output_pipe_ends_the_run_quietly() {
    use std::io::Read;
    let mut child = Command::new(env!("CARGO_BIN_EXE_kplay"))
        .args(["run", "--trace", &scenario("KS6-rebalance.json")]) // over a megabyte of trace
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("runs");
    let mut first = [0u8; 16];
    child.stdout.take().unwrap().read_exact(&mut first).unwrap(); // then the pipe closes
    let out = child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!err.contains("panicked"), "{err}");
    assert_eq!(out.status.code(), Some(0), "{err}");
}
