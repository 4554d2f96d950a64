//! Routing: a delivered message goes to the broker's partition handlers (leader side, follower
//! side) or, for the controller's own requests, to the active controller; lost requests and
//! lost answers fail the follower's connection.

use super::Cluster;
use crate::broker::BrokerStatus;
use crate::event::Event;
use crate::fetcher::{self, FetchResponseFields};
use crate::ids::{BrokerId, LeaderEpoch, MessageId, Offset, ProduceId, TopicPartition};
use crate::message::{KafkaError, Message, Node};
use crate::outbox::{Ctx, Outbox};
use crate::partition::{self, FetchAnswer, FetchFields};
use litemap::LiteMap;

impl Cluster {
    // ---- delivery --------------------------------------------------------------------

    pub(super) fn deliver(&mut self, id: MessageId, events: &mut Vec<Event>) -> bool {
        let Some(m) = self.network.in_flight.get(&id) else { return false };
        let (from, to) = (m.from, m.to);
        if let Node::Broker(b) = to {
            match self.brokers[&b].status {
                BrokerStatus::Crashed => {
                    let m = self.network.in_flight.remove(&id).expect("present");
                    events.push(Event::Dropped { id, reason: format!("broker {b} is down") });
                    self.request_lost(m.from, &m.message);
                    if m.from == Node::Client {
                        self.group_request_lost(&m.message, events);
                    }
                    return true;
                }
                BrokerStatus::Paused => {
                    self.network.in_flight.get_mut(&id).expect("present").deliver_at = None;
                    self.brokers.get_mut(&b).expect("exists").backlog.push(id);
                    return true;
                }
                BrokerStatus::Running => {}
            }
        }
        let m = self.network.in_flight.remove(&id).expect("present");
        events.push(Event::Delivered { id, from, to, kind: m.message.kind().to_string() });
        match to {
            Node::Client => self.client_receive(m.message, events),
            Node::Broker(b) => self.broker_receive(b, from, m.message, events),
        }
        true
    }

    pub(super) fn is_controller_message(m: &Message) -> bool {
        matches!(
            m,
            Message::AlterPartition { .. } | Message::Heartbeat { .. } | Message::BrokerRegistration { .. } | Message::ControlledShutdown { .. }
        )
    }

    pub(super) fn broker_receive(&mut self, b: BrokerId, from: Node, message: Message, events: &mut Vec<Event>) {
        if Self::is_controller_message(&message) {
            return self.controller_receive(b, from, message, events);
        }
        if matches!(message, Message::FindCoordinator { .. } | Message::OffsetCommit { .. } | Message::OffsetFetch { .. }) || is_group_request(&message) {
            return self.broker_group_receive(b, message, events);
        }
        let mut out = Outbox::default();
        let incarnation = self.incarnation(b);
        let ctx = Ctx {
            cfg: &self.config,
            now: self.now_ms,
            incarnation,
            controller: self.controller.active,
            registrations: &self.controller.registrations,
        };
        let broker = self.brokers.get_mut(&b).expect("exists");
        let me = Node::Broker(b);
        let mut produce_results: Vec<(ProduceId, Result<Offset, KafkaError>)> = Vec::new();
        match message {
            Message::FetchRequest { correlation_id, tp, replica_id, replica_epoch, fetch_offset, last_fetched_epoch, current_leader_epoch, max_wait_ms } => {
                match broker.replicas.get_mut(&tp) {
                    None => out.send(me, from, not_leader_fetch(correlation_id, tp, fetch_offset, current_leader_epoch)),
                    Some(r) => {
                        let req = FetchFields { correlation_id, replica_id, replica_epoch, fetch_offset, last_fetched_epoch, current_leader_epoch, max_wait_ms };
                        if let FetchAnswer::Respond(resp) = partition::handle_follower_fetch(r, &ctx, &mut out, req) {
                            out.send(me, from, resp);
                        }
                        produce_results = partition::check_pending_produces(r, &ctx);
                    }
                }
            }
            Message::FetchResponse { correlation_id, tp, fetch_offset, current_leader_epoch, error, diverging_epoch, records, high_watermark, log_end_offset, log_start_offset } => {
                if let Some(r) = broker.replicas.get_mut(&tp) {
                    let resp = FetchResponseFields { correlation_id, fetch_offset, current_leader_epoch, error, diverging_epoch, records, high_watermark, log_end_offset, log_start_offset };
                    fetcher::handle_fetch_response(r, &ctx, &mut out, resp);
                }
            }
            Message::OffsetsForLeaderEpochRequest { correlation_id, tp, leader_epoch, current_leader_epoch, .. } => {
                let answer = match broker.replicas.get(&tp) {
                    Some(r) => partition::handle_offsets_for_leader_epoch(r, self.config.truncation_mode, leader_epoch, current_leader_epoch),
                    None => Err(KafkaError::NotLeaderOrFollower),
                };
                let (error, (le, end)) = match answer {
                    Ok(v) => (None, v),
                    Err(e) => (Some(e), (LeaderEpoch::UNDEFINED, Offset::UNKNOWN)),
                };
                out.send(me, from, Message::OffsetsForLeaderEpochResponse { correlation_id, tp, requested_epoch: leader_epoch, current_leader_epoch, error, leader_epoch: le, end_offset: end });
            }
            Message::OffsetsForLeaderEpochResponse { correlation_id, tp, current_leader_epoch, error, leader_epoch, end_offset, .. } => {
                if let Some(r) = broker.replicas.get_mut(&tp) {
                    let answer = error.map_or(Ok((leader_epoch, end_offset)), Err);
                    fetcher::handle_offsets_for_leader_epoch_response(r, &ctx, &mut out, correlation_id, current_leader_epoch, answer);
                }
            }
            Message::ProduceRequest { id, tp, key, value, acks } => {
                let outcome = match broker.replicas.get_mut(&tp) {
                    None => Some(Err(KafkaError::NotLeaderOrFollower)),
                    Some(r) => {
                        let o = partition::handle_produce(r, &ctx, &mut out, id, key, value, acks);
                        produce_results = partition::check_pending_produces(r, &ctx);
                        o
                    }
                };
                if let Some(result) = outcome {
                    produce_results.push((id, result));
                }
            }
            Message::AlterPartitionResponse { proposal_id, tp, state, .. } => {
                if let Some(r) = broker.replicas.get_mut(&tp) {
                    produce_results = partition::handle_alter_partition_response(r, &ctx, &mut out, proposal_id, state);
                }
            }
            Message::LeaderAndIsr { .. } if broker.broker_epoch.0 < 0 => {
                // B2-B3: a restarted broker acts on no partition state before its registration
                // is answered (with the current state); anything earlier is stale.
            }
            Message::LeaderAndIsr { controller_epoch, controller_id, state } => {
                if controller_epoch < broker.known_controller_epoch {
                    out.event(Event::StaleControllerRejected { broker: b, from: controller_id, request_epoch: controller_epoch, known_epoch: broker.known_controller_epoch });
                } else {
                    broker.known_controller_epoch = controller_epoch;
                    produce_results = broker.apply_state(&ctx, &mut out, &state);
                }
            }
            Message::BrokerRegistrationResponse { broker_epoch, controller_epoch, states } => {
                broker.broker_epoch = broker_epoch;
                broker.known_controller_epoch = broker.known_controller_epoch.max(controller_epoch);
                produce_results.extend(broker.delete_strays(&ctx, &mut out, &states));
                for state in &states {
                    produce_results.extend(broker.apply_state(&ctx, &mut out, state));
                }
            }
            Message::ProduceResponse { .. } => {}
            other => unreachable!("controller message {} routed to a broker", other.kind()),
        }
        // One answer per produce, the last one winning.
        let mut dedup: LiteMap<ProduceId, Result<Offset, KafkaError>> = LiteMap::new_vec();
        for (id, result) in produce_results {
            dedup.insert(id, result);
        }
        for (id, result) in dedup {
            let tp = self.produced(id).map(|p| p.tp.clone());
            if let Some(tp) = tp {
                out.send(me, Node::Client, Message::ProduceResponse { id, tp, error: result.err(), offset: result.unwrap_or(Offset::UNKNOWN) });
            }
        }
        self.drain(out, events);
    }

    pub(super) fn controller_receive(&mut self, b: BrokerId, from: Node, message: Message, events: &mut Vec<Event>) {
        if self.controller.active != Some(b) {
            events.push(Event::Dropped { id: MessageId(0), reason: format!("broker {b} is not the controller (NOT_CONTROLLER)") });
            return;
        }
        let Node::Broker(sender) = from else { return };
        let mut out = Outbox::default();
        let now = self.now_ms;
        match message {
            Message::AlterPartition { proposal_id, tp, leader_id, leader_epoch, partition_epoch, new_isr } => {
                let resp = self.controller.handle_alter_partition(&self.config, &mut out, leader_id, proposal_id, &tp, leader_epoch, partition_epoch, &new_isr);
                out.send(Node::Broker(b), from, resp);
            }
            Message::Heartbeat { broker_epoch, known } => self.controller.handle_heartbeat(&self.config, &mut out, now, sender, broker_epoch, &known),
            Message::BrokerRegistration { previous_epoch } => self.controller.handle_registration(&self.config, &mut out, now, sender, previous_epoch),
            Message::ControlledShutdown { broker_epoch } => {
                self.controller.handle_controlled_shutdown(&self.config, &mut out, sender, broker_epoch)
            }
            _ => {}
        }
        self.drain(out, events);
    }
}

fn not_leader_fetch(correlation_id: u64, tp: TopicPartition, fetch_offset: Offset, current_leader_epoch: LeaderEpoch) -> Message {
    Message::FetchResponse {
        correlation_id,
        tp,
        fetch_offset,
        current_leader_epoch,
        error: Some(KafkaError::NotLeaderOrFollower),
        diverging_epoch: None,
        records: Vec::new(),
        high_watermark: Offset(0),
        log_end_offset: Offset(0),
        log_start_offset: Offset(0),
    }
}

/// A consumer's request to its coordinator (only with the `groups` feature).
fn is_group_request(m: &Message) -> bool {
    #[cfg(feature = "groups")]
    return matches!(m, Message::GroupRequest { .. });
    #[cfg(not(feature = "groups"))]
    {
        let _ = m;
        false
    }
}
