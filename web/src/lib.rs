//! # kplay-web: the Kafka Replication Playground page (Leptos 0.8, client-side rendered)
//!
//! Start here: [`sim::Sim`] owns the session (core `Timeline`, non-reactive) and publishes a
//! plain [`view::ClusterView`] into signals after each step; components only read those and
//! call `Sim`'s methods, which turn every user action into a core command.
//!
//! - [`app`]: layout, play loop, keyboard shortcuts.
//! - [`controls`]: play / pause / step / back / reset / speed / scrubber / export / import.
//! - [`cluster_view`]: brokers, the network strip, partitions and their logs.
//! - [`panels`]: event narration, invariants. [`inspector`]: a replica's or a partition's details.
//! - [`actions`]: produce, consume, settings.
//! - [`lessons`]: the library view and a lesson's tour panel (lessons are fetched, not compiled in).
//! - [`spacetime`]: the run as a Lamport diagram (lanes, arrows, marks that jump).
//! - [`i18n`]: every user-visible string, one catalogue per language.
//! - [`view`], [`layout`], [`markup`], [`session`], [`storage`]: plain data, geometry, and the
//!   markup of the parts that change every frame (native tests).

pub mod actions;
pub mod app;
pub mod cluster_view;
pub mod controls;
pub mod i18n;
pub mod inspector;
pub mod layout;
pub mod lessons;
pub mod markup;
pub mod panels;
pub mod session;
pub mod spacetime;
pub mod sim;
pub mod storage;
pub mod view;
