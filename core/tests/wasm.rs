//! Determinism across platforms: the same seed and commands give the same trace hash
//! natively and on wasm32 (run in Node by wasm-bindgen-test-runner). Both compare with the
//! hash recorded in `determinism.hash`; `KPLAY_BLESS=1 cargo test --test wasm` re-records it
//! natively after an intended behaviour change.

use kplay_core::event::CrashKind;
use kplay_core::ids::BrokerId;
use kplay_core::message::Acks;
use kplay_core::{Cluster, ClusterConfig, Command};

const RECORDED: &str = include_str!("determinism.hash");

/// A workload with produces, a leader crash, a restart, isolation and healing, all under the
/// auto timers (fetches, ISR checks, heartbeats, session timeouts).
fn workload_hash() -> String {
    let mut c = Cluster::new(ClusterConfig::default(), 42).expect("valid");
    let produce = |v: String| Command::Produce { topic: "orders".into(), partition: None, key: Some(v.clone()), value: v.into(), acks: Acks::All, to: None };
    for i in 0..40 {
        c.apply(&produce(format!("v{i}"))).expect("produce");
        for _ in 0..5 {
            c.step_next();
        }
    }
    c.apply(&Command::Crash { broker: BrokerId(1), kind: CrashKind::Unclean, keep: None }).expect("crash");
    c.apply(&Command::Advance { ms: 12_000 }).expect("advance");
    for i in 40..60 {
        c.apply(&produce(format!("v{i}"))).expect("produce");
        c.apply(&Command::Advance { ms: 50 }).expect("advance");
    }
    c.apply(&Command::Restart { broker: BrokerId(1) }).expect("restart");
    c.apply(&Command::Isolate { broker: BrokerId(2) }).expect("isolate");
    c.apply(&Command::Advance { ms: 20_000 }).expect("advance");
    c.apply(&Command::Heal { broker: BrokerId(2) }).expect("heal");
    c.apply(&Command::Advance { ms: 40_000 }).expect("advance");
    assert!(c.event_count() > 1_000, "the workload should exercise the protocol, got {} events", c.event_count());
    assert!(c.checker.violations.is_empty(), "violations: {:?}", c.checker.violations);
    format!("{:016x} {}", c.trace_hash(), c.event_count())
}

#[cfg(not(target_arch = "wasm32"))]
#[test]
fn native_trace_hash_matches_the_recorded_one() {
    let got = workload_hash();
    if std::env::var_os("KPLAY_BLESS").is_some() {
        std::fs::write(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/determinism.hash"), &got).expect("write");
    }
    assert_eq!(got, RECORDED.trim(), "run with KPLAY_BLESS=1 to re-record after an intended change");
}

#[cfg(not(target_arch = "wasm32"))]
#[test]
fn the_same_seed_gives_the_same_trace_twice_and_another_seed_differs() {
    assert_eq!(workload_hash(), workload_hash());
    let mut a = Cluster::new(ClusterConfig::default(), 1).expect("valid");
    let mut b = Cluster::new(ClusterConfig::default(), 2).expect("valid");
    for _ in 0..200 {
        a.step_next();
        b.step_next();
    }
    assert_ne!(a.trace_hash(), b.trace_hash(), "different seeds give different network delays");
}

#[cfg(target_arch = "wasm32")]
#[wasm_bindgen_test::wasm_bindgen_test]
fn wasm_trace_hash_matches_the_native_one() {
    assert_eq!(workload_hash(), RECORDED.trim());
}

/// Steady produce on 3 × 3 RF 3 with the checker off: the events per second printed here and
/// by `cargo run --release -p kplay-core --example throughput` compare wasm32 with native.
/// (A benchmark that prints, not a timed test: it asserts nothing about speed.)
#[cfg(target_arch = "wasm32")]
#[wasm_bindgen_test::wasm_bindgen_test]
fn wasm_throughput_figure() {
    let start = js_sys::Date::now();
    let events = kplay_core::schedule::steady_produce(60_000);
    let secs = (js_sys::Date::now() - start) / 1000.0;
    wasm_bindgen_test::console_log!("wasm32 steady produce 3x3: {events} events in {secs:.2} s = {:.0} events/s", events as f64 / secs);
}
