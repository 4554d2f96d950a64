//! The hub's part for consumer groups when the `groups` feature is off (the page's build, for
//! now: docs/embed.md § Bundle): no `__consumer_offsets`, no coordinators, and the group
//! commands are refused by validation (`commands.rs`), so none of these is ever reached with
//! work to do. The full version is `groups.rs`.

use super::Cluster;
use crate::event::Event;
use crate::group::client::Operation;
use crate::group::OFFSETS_TOPIC;
use crate::ids::{BrokerId, LeaderEpoch, TopicPartition};
use crate::message::Message;

/// The groups' part of the cluster's state: nothing without the feature.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Groups {
    /// Always false: the topic is never created.
    pub offsets_topic: bool,
}

/// `__consumer_offsets-p`.
pub fn offsets_tp(p: u32) -> TopicPartition {
    TopicPartition::new(OFFSETS_TOPIC, p)
}

#[allow(clippy::unused_self, clippy::needless_pass_by_ref_mut)]
impl Cluster {
    pub(super) fn group_client_start(&mut self, _client: &str, _group: &str, _op: Operation, _events: &mut Vec<Event>) {}
    pub(super) fn fire_group_client(&mut self, _client: &str, _attempt: u32, _timeout: bool, _events: &mut Vec<Event>) -> bool {
        false
    }
    pub(super) fn group_request_lost(&mut self, _message: &Message, _events: &mut Vec<Event>) {}
    pub(super) fn group_client_receive(&mut self, _message: Message, _events: &mut Vec<Event>) {}
    pub(super) fn broker_group_receive(&mut self, _b: BrokerId, _message: Message, _events: &mut Vec<Event>) {}
    pub(super) fn fire_coordinator(&mut self, _b: BrokerId, _incarnation: u64, _timer: crate::group::coordinator::Timer, _events: &mut Vec<Event>) -> bool {
        false
    }
    pub(super) fn fire_coordinator_load(&mut self, _b: BrokerId, _incarnation: u64, _partition: u32, _epoch: LeaderEpoch, _events: &mut Vec<Event>) -> bool {
        false
    }
    pub(super) fn coordinator_crashed(&mut self, _b: BrokerId) {}
    pub(super) fn reconcile_coordinators(&mut self, _events: &mut Vec<Event>) {}
}
