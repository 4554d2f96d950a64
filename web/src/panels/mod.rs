//! The side panels: the actions (produce, consume, settings), the event log and the
//! invariants, the inspector.

pub mod actions;
pub mod events;
pub mod inspector;
