//! # kplay-web: the Kafka Replication Playground page (Leptos 0.8, client-side rendered)
//!
//! Start here: [`sim::Sim`] owns the session (core `Timeline`, non-reactive) and publishes a
//! plain [`view::ClusterView`] into signals after each step; components only read those and
//! call `Sim`'s methods, which turn every user action into a core command.
//!
//! Files are grouped by feature:
//! - [`app`]: layout, play loop, keyboard shortcuts; [`controls`]: play / pause / step / back
//!   / reset / speed / scrubber / export / import.
//! - [`stage`]: brokers, the network strip, partitions and their logs (`cluster_view`, as
//!   `markup` strings placed by `layout`), and the run as a space-time diagram (`spacetime`).
//! - [`panels`]: produce, consume, settings (`actions`), the event log and the invariants
//!   (`events`), a replica's or a partition's details (`inspector`).
//! - [`lessons`]: the library view, a lesson's tour panel and compare mode (lessons are
//!   fetched, not compiled in).
//! - [`embed`]: URL parameters (`?lesson=…&stop=…&lang=…`).
//! - [`i18n`]: every user-visible string, one catalogue per language.
//! - [`sim`]: the page's controller; [`session`], [`storage`], [`view`]: the session, the
//!   browser's storage and the plain data the components draw (native tests).

pub mod app;
pub mod controls;
pub mod embed;
pub mod i18n;
pub mod lessons;
pub mod panels;
pub mod session;
pub mod sim;
pub mod stage;
pub mod storage;
pub mod view;
