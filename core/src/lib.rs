//! # kplay-core: a deterministic simulation of Kafka's partition replication protocol
//!
//! Start here: [`cluster::Cluster`] is the whole simulated cluster as one plain value.
//! Drive it with [`command::Command`]s ([`cluster::Cluster::apply`]) and by stepping its
//! queue of deliveries and timers ([`cluster::Cluster::step_next`]); every step returns
//! [`event::TimedEvent`]s. `../shared/PROTOCOL.md` is the specification: each rule (P1…, L1…,
//! R1…, T1…, H1…, S1…, E1…, B1…, K1…, Q1…) is named in the code that implements it, and
//! each invariant I1–I27 in [`invariants`].
//!
//! Code map, one module per Kafka concept:
//! - [`log`], [`epoch_cache`]: a replica's storage (segments, index, LEO/HW; epoch → offset).
//! - [`replica`]: one partition on one broker; [`partition`] is its leader side,
//!   [`fetcher`] its follower side.
//! - [`broker`]: crash and restart; [`controller`]: registrations, elections, ISR commits.
//! - [`network`], [`message`]: the wire; [`outbox`]: effects as data.
//! - [`cluster`]: the loop; [`command`]: what drives it; [`event`]: what comes out.
//! - [`group`]: consumer groups: coordinator placement, the assignors.
//! - [`invariants`]: the checker; [`scenario`], [`report`]: files in, JSON out.
//! - [`timeline`]: history, exact jumps back and forward (the page's scrubber).
//! - [`lesson`]: a scenario's guided tour: stops found in the recorded run.
//!
//! Architecture invariant: no I/O, no clock, no OS entropy, no `HashMap` — the same seed and
//! commands give the same trace hash natively and on wasm32.

#![deny(missing_docs)]

pub mod broker;
#[cfg(feature = "compaction")]
pub mod cleaner;
pub mod cluster;
pub mod command;
pub mod config;
pub mod controller;
#[cfg(feature = "kraft")]
pub mod elr;
pub mod epoch_cache;
pub mod event;
pub mod fetcher;
pub mod group;
pub mod ids;
pub mod invariants;
pub mod lesson;
pub mod log;
pub mod message;
pub mod network;
pub mod outbox;
pub mod partition;
pub mod partitioner;
pub mod reassignment;
pub mod retention;
pub mod replica;
pub mod report;
pub mod scenario;
pub mod schedule;
pub mod timeline;
pub mod trace;

pub use cluster::Cluster;
pub use command::Command;
pub use config::ClusterConfig;
pub use event::{Event, TimedEvent};
pub use scenario::Scenario;
