//! Native counterpart of the wasm throughput figure in `tests/wasm.rs`:
//! `cargo run --release -p kplay-core --example throughput`.

#![allow(clippy::disallowed_types)] // wall-clock timing is what this example is for

fn main() {
    let start = std::time::Instant::now();
    let events = kplay_core::schedule::steady_produce(60_000);
    let secs = start.elapsed().as_secs_f64();
    println!("native steady produce 3x3: {events} events in {secs:.2} s = {:.0} events/s", events as f64 / secs);
}
