//! # kplay-web: the Kafka Replication Playground page (Leptos, client-side rendered)
//!
//! Start here: [`app::App`] owns the core `Cluster` (non-reactive) and publishes a plain
//! [`view::ClusterView`] into a signal after each step; components only read that view.
//! The page never changes simulation state except through core commands.

pub mod app;
pub mod view;
