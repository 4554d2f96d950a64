//! The side panels: the actions (produce, consume, settings), the event log and the
//! invariants, the inspector, the consumer groups.

pub mod actions;
pub mod events;
pub mod groups;
pub mod inspector;
