//! Replays one sweep schedule and prints its configuration, its one-line trace and its
//! violations: `cargo run -p kplay-core --example replay -- SEED [STEPS] [FROM_STEP] [KIND]`,
//! KIND `plain` (default), `groups` (the group sweep's schedules), `moves` (reassignments) or
//! `retention`.

use kplay_core::schedule::ScheduleRng;
use kplay_core::{Cluster, Command};

fn main() {
    let mut args = std::env::args().skip(1);
    let seed: u64 = args.next().and_then(|a| a.parse().ok()).expect("usage: replay SEED [STEPS] [FROM_STEP] [plain|groups|moves|retention|consumers|compaction|elr]");
    let steps: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(500);
    let from: u64 = args.next().and_then(|a| a.parse().ok()).unwrap_or(0);
    let mut rng = ScheduleRng::new(seed);
    match args.next().as_deref() {
        Some("groups") => rng.groups = true,
        Some("moves") => rng.moves = true,
        Some("retention") => rng.retention = true,
        Some("compaction") => rng.compaction = true,
        Some("consumers") => rng.consumers = true,
        Some("elr") => rng.elr = true,
        _ => {}
    }
    let config = rng.config();
    println!("config: {}", serde_json::to_string(&config).expect("serializes"));
    let mut c = Cluster::new(config, seed).expect("valid");
    for _ in 0..steps {
        let events = match rng.command(&c) {
            Some(cmd) => {
                if c.step_count() + 1 >= from {
                    println!("> {}", kplay_core::command::Step(cmd.clone()).to_json());
                }
                c.apply(&cmd).expect("valid")
            }
            None => c.step_next().unwrap_or_else(|| c.apply(&Command::Advance { ms: 100 }).expect("valid")),
        };
        for e in events.iter().filter(|e| e.step >= from) {
            println!("{e}");
        }
    }
}
