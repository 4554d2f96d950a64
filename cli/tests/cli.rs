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
