//! The stage: what the cluster looks like now — broker cards, the messages in flight,
//! partition cards with their logs — and the run over time (the space-time diagram).

pub mod cluster_view;
pub mod layout;
pub mod markup;
pub mod spacetime;
