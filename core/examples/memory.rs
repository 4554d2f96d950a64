//! Memory for a 1,000,000-record run: 3 brokers × 3 partitions RF 3, steady acks=1 produce
//! with the auto timers, until the leaders hold 1,000,000 records in all. Prints the events,
//! the simulated time and the process's peak resident memory (Linux /proc).
//! `cargo run --release -p kplay-core --example memory -- [RECORDS]`

use kplay_core::message::Acks;
use kplay_core::{Cluster, ClusterConfig, Command};

fn peak_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

fn main() {
    let target: u64 = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(1_000_000);
    let mut c = Cluster::new(ClusterConfig::default(), 1).expect("valid");
    c.set_checking(false);
    let mut produced = 0u64;
    while produced < target {
        let cmd = Command::Produce { topic: "orders".into(), partition: None, key: None, value: format!("v{produced}").into(), acks: Acks::Leader, to: None };
        c.apply(&cmd).expect("valid");
        produced += 1;
        for _ in 0..3 {
            if c.step_next().is_none() {
                break;
            }
        }
    }
    c.apply(&Command::Advance { ms: 2_000 }).expect("valid");
    let records: u64 = c.brokers.values().flat_map(|b| b.replicas.values()).map(|r| r.log.log_end_offset().0 as u64).sum();
    println!(
        "{produced} produced, {records} records on all replicas, {} events, {} ms simulated, peak RSS {} MiB",
        c.event_count(),
        c.now_ms(),
        peak_rss_kib().map_or("?".into(), |k| (k / 1024).to_string())
    );
}
