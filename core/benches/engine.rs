//! Engine benchmarks (criterion). Figures go in the closing note:
//! - steady produce on 3 brokers × 3 partitions RF 3, with and without the per-step checker
//!   (throughput in simulated events per second);
//! - the same on 12 brokers × 50 partitions RF 3;
//! - the cost of jumping to step 10,000 of a recorded timeline;
//! - steady produce on 3 brokers × 3 partitions with 3 classic groups × 3 consumers polling,
//!   heartbeating and auto-committing (issue 12's budget: ≥ 1 M events/s, checker off);
//! - a 100,000-record compacted topic on 3 brokers × 3 partitions RF 3, keyed records from 1,000
//!   keys, every broker's cleaner running (issue 13's budget: ≥ 1 M events/s, checker off);
//! - steady produce on 3 brokers × 3 partitions with Eligible Leader Replicas on, a broker of
//!   rack-placed partitions crashing and returning every 2,000 steps (issue 14's control plane:
//!   ≥ 1 M events/s, checker off).

use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};
use kplay_core::config::TopicConfig;
use kplay_core::message::Acks;
use kplay_core::timeline::Timeline;
use kplay_core::{Cluster, ClusterConfig, Command};

fn config(brokers: u32, partitions: u32) -> ClusterConfig {
    ClusterConfig {
        brokers,
        topics: vec![TopicConfig { name: "orders".into(), partitions, replication_factor: 3, ..Default::default() }],
        ..ClusterConfig::default()
    }
}

fn steady(c: &mut Cluster, steps: u64) -> u64 {
    kplay_core::schedule::steady_produce_on(c, steps)
}

fn events_in(brokers: u32, partitions: u32, steps: u64, checking: bool) -> u64 {
    let mut c = Cluster::new(config(brokers, partitions), 1).expect("valid");
    c.set_checking(checking);
    steady(&mut c, steps)
}

fn bench_steady(cr: &mut Criterion) {
    // The checker re-reads every log after every step, so its cost grows with the run: it is
    // measured on a shorter run.
    for (name, brokers, partitions, steps, checking) in
        [("3x3", 3, 3, 20_000u64, false), ("3x3", 3, 3, 2_000, true), ("12x50", 12, 50, 20_000, false)]
    {
        {
            let events = events_in(brokers, partitions, steps, checking);
            let mut g = cr.benchmark_group(format!("steady_produce_{name}"));
            g.throughput(Throughput::Elements(events));
            g.sample_size(10);
            let label = if checking { "checker_on" } else { "checker_off" };
            g.bench_function(label, |b| {
                b.iter_batched(
                    || {
                        let mut c = Cluster::new(config(brokers, partitions), 1).expect("valid");
                        c.set_checking(checking);
                        c
                    },
                    |mut c| steady(&mut c, steps),
                    BatchSize::LargeInput,
                )
            });
            g.finish();
        }
    }
}

fn bench_jump(cr: &mut Criterion) {
    let mut t = Timeline::new(Cluster::new(config(3, 3), 1).expect("valid"));
    for i in 0..10_000u64 {
        if i % 4 == 0 {
            let cmd = Command::Produce { topic: "orders".into(), partition: None, key: None, value: format!("v{i}").into(), acks: Acks::All, to: None };
            t.apply(cmd).expect("valid");
        } else if t.step_next().is_none() {
            t.apply(Command::Advance { ms: 1 }).expect("valid");
        }
    }
    let end = t.step();
    cr.bench_function("jump_back_one_step_at_10000", |b| {
        b.iter_batched(|| t.clone(), |mut t| { t.jump_to(end - 1); t }, BatchSize::LargeInput)
    });
    cr.bench_function("jump_to_step_5000_from_10000", |b| {
        b.iter_batched(|| t.clone(), |mut t| { t.jump_to(end / 2); t }, BatchSize::LargeInput)
    });
}

/// 3 groups × 3 consumers on the default 3 × 3 cluster, joined and Stable before the
/// measured run (the page's scaled timeouts: session 10 s, heartbeat 1 s, a poll every 500 ms).
fn with_groups() -> Cluster {
    let mut c = Cluster::new(config(3, 3), 1).expect("valid");
    c.set_checking(false);
    for g in 0..3 {
        for m in 0..3 {
            let settings = kplay_core::command::ConsumerSettings {
                session_timeout_ms: Some(10_000),
                heartbeat_interval_ms: Some(1_000),
                poll_interval_ms: Some(500),
                ..Default::default()
            };
            let cmd = Command::StartConsumer { group: format!("g{g}"), member: format!("c{g}{m}"), topics: vec!["orders".into()], settings };
            c.apply(&cmd).expect("valid");
        }
    }
    c.apply(&Command::Advance { ms: 15_000 }).expect("valid");
    assert!(c.groups.members.values().all(|m| m.state == kplay_core::group::member::MemberState::Stable), "all joined");
    c
}

fn bench_groups(cr: &mut Criterion) {
    let warm = with_groups();
    let steps = 20_000;
    let events = steady(&mut warm.clone(), steps);
    let mut g = cr.benchmark_group("steady_produce_3x3_with_3_groups_of_3");
    g.throughput(Throughput::Elements(events));
    g.sample_size(10);
    g.bench_function("checker_off", |b| b.iter_batched(|| warm.clone(), |mut c| steady(&mut c, steps), BatchSize::LargeInput));
    g.finish();
}

/// Produces `records` keyed acks=1 records (1,000 keys, round robin over the partitions) to a
/// compacted `orders`, three queue steps after each; returns the events.
fn compacted(records: u64) -> u64 {
    let mut cfg = config(3, 3);
    cfg.topics[0].configs.cleanup_policy = Some(kplay_core::log::CleanupPolicy::Compact);
    cfg.log.segment_records = 64;
    cfg.log.cleaner_backoff_ms = 1_000;
    cfg.auto.cleaner = true;
    let mut c = Cluster::new(cfg, 1).expect("valid");
    c.set_checking(false);
    for i in 0..records {
        let cmd = Command::Produce { topic: "orders".into(), partition: None, key: Some(format!("k{}", i % 1_000)), value: format!("v{i}").into(), acks: Acks::Leader, to: None };
        c.apply(&cmd).expect("valid");
        for _ in 0..3 {
            if c.step_next().is_none() {
                break;
            }
        }
    }
    c.apply(&Command::Advance { ms: 5_000 }).expect("valid");
    assert!(c.brokers.values().flat_map(|b| b.replicas.values()).all(|r| r.log.cleaner_checkpoint().is_some()), "every replica was cleaned");
    c.event_count()
}

fn bench_compacted(cr: &mut Criterion) {
    let records = 100_000;
    let events = compacted(records);
    let mut g = cr.benchmark_group("compacted_100k_records_3x3");
    g.throughput(Throughput::Elements(events));
    g.sample_size(10);
    g.bench_function("checker_off", |b| b.iter(|| compacted(records)));
    g.finish();
}

/// ELR on, racks a/b/c, broker 3 down for 1,000 of every 2,000 steps: ISRs shrink and regrow,
/// the ELR changes with them, while one acks=all record in four is produced.
fn elr_run(steps: u64) -> u64 {
    let cfg = ClusterConfig {
        eligible_leader_replicas: true,
        racks: [(1, "a"), (2, "b"), (3, "c")].into_iter().map(|(b, r)| (kplay_core::ids::BrokerId(b), r.to_string())).collect(),
        ..config(3, 3)
    };
    let mut c = Cluster::new(cfg, 1).expect("valid");
    c.set_checking(false);
    let mut events = 0;
    for round in 0..steps / 1_000 {
        let cmd = if round % 2 == 0 {
            Command::Crash { broker: kplay_core::ids::BrokerId(3), kind: kplay_core::event::CrashKind::Unclean, keep: None }
        } else {
            Command::Restart { broker: kplay_core::ids::BrokerId(3) }
        };
        c.apply(&cmd).expect("valid");
        events += steady(&mut c, 1_000);
    }
    events
}

fn bench_elr(cr: &mut Criterion) {
    let steps = 20_000;
    let mut g = cr.benchmark_group("steady_produce_3x3_elr_racks_broker_bouncing");
    g.throughput(Throughput::Elements(elr_run(steps)));
    g.sample_size(10);
    g.bench_function("checker_off", |b| b.iter(|| elr_run(steps)));
    g.finish();
}

criterion_group!(benches, bench_steady, bench_jump, bench_groups, bench_compacted, bench_elr);
criterion_main!(benches);
