//! The full seed sweep: `cargo run --release -p kplay-core --example sweep -- [SCHEDULES] [STEPS]`
//! (default 10,000 × 500). Prints a summary and every unexplained violation with its seed.

use kplay_core::schedule;

fn main() {
    let mut args = std::env::args().skip(1);
    let schedules: u64 = args.next().and_then(|a| a.parse().ok()).unwrap_or(10_000);
    let steps: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(500);
    let (mut events, mut explained, mut unexplained) = (0u64, 0usize, 0usize);
    for seed in 0..schedules {
        let c = schedule::run(seed, steps, None);
        events += c.event_count();
        for v in &c.checker.violations {
            if v.explained {
                explained += 1;
            } else {
                unexplained += 1;
                println!("seed {seed}: {} at step {} on {:?}: {}", v.invariant, v.step, v.tp, v.detail);
            }
        }
    }
    println!("{schedules} schedules x {steps} steps: {events} events, {unexplained} unexplained violations, {explained} explained (unclean elections / lossy crashes)");
    if unexplained > 0 {
        std::process::exit(1);
    }
}
