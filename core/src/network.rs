//! The simulated network: messages in flight, per-link delay and loss, held links, isolated
//! and slowed brokers, one-way cuts. Delays come from the seed's network stream.

use crate::config::NetworkConfig;
use crate::ids::{BrokerId, MessageId, TimeMs};
use crate::message::{Message, Node};
use rand_core::RngCore;
use rand_xoshiro::Xoshiro256PlusPlus;
use serde::Serialize;
use litemap::LiteMap;
use std::collections::BTreeMap;

/// A message on the wire.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct InFlight {
    /// Sender.
    pub from: Node,
    /// Receiver.
    pub to: Node,
    /// When it was sent.
    pub sent_at: TimeMs,
    /// When it arrives; `None` while its link is held.
    pub deliver_at: Option<TimeMs>,
    /// What it carries.
    pub message: Message,
}

/// A directed link's settings.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct LinkSettings {
    /// Added to every message's delay.
    pub extra_delay_ms: u64,
    /// Chance of loss per message, in thousandths.
    pub drop_permille: u32,
    /// Cut: every message is lost.
    pub cut: bool,
    /// Held: messages wait until released.
    pub held: bool,
}

/// The network.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Network {
    config: NetworkConfig,
    rng: Xoshiro256PlusPlus,
    next_id: u64,
    /// Messages on the wire, by id.
    pub in_flight: BTreeMap<MessageId, InFlight>,
    /// Directed links with non-default settings.
    pub links: LiteMap<(Node, Node), LinkSettings>,
    /// Brokers cut off from everyone.
    pub isolated: LiteMap<BrokerId, ()>,
    /// Brokers whose every message is slow.
    pub slow: LiteMap<BrokerId, ()>,
    /// The latest delivery time scheduled on each link: links are FIFO, like the TCP
    /// connections Kafka's requests travel on.
    last_delivery: LiteMap<(Node, Node), TimeMs>,
}

/// What became of a message when it was sent.
pub enum SendOutcome {
    /// It will arrive at this time.
    Scheduled(TimeMs),
    /// Its link is held.
    Held,
    /// Lost at once, for this reason.
    Lost(String),
}

impl Network {
    /// A network whose random delays come from `rng`.
    pub fn new(config: NetworkConfig, rng: Xoshiro256PlusPlus) -> Self {
        Network {
            config,
            rng,
            next_id: 0,
            in_flight: BTreeMap::new(),
            links: LiteMap::new_vec(),
            isolated: LiteMap::new_vec(),
            slow: LiteMap::new_vec(),
            last_delivery: LiteMap::new_vec(),
        }
    }

    fn isolated_node(&self, n: Node) -> bool {
        matches!(n, Node::Broker(b) if self.isolated.contains_key(&b))
    }

    fn slow_node(&self, n: Node) -> bool {
        matches!(n, Node::Broker(b) if self.slow.contains_key(&b))
    }

    /// True if a message from `from` to `to` would be lost now (isolation or a cut).
    pub fn unreachable(&self, from: Node, to: Node) -> bool {
        self.isolated_node(from) || self.isolated_node(to) || self.links.get(&(from, to)).is_some_and(|l| l.cut)
    }

    /// The arrival time of a message sent now: a random delay, but never before an earlier
    /// message on the same link.
    fn arrival(&mut self, now: TimeMs, from: Node, to: Node) -> TimeMs {
        let at = now + self.delay(from, to);
        let last = self.last_delivery.entry((from, to)).or_insert(0);
        let at = at.max(*last);
        *last = at;
        at
    }

    fn delay(&mut self, from: Node, to: Node) -> u64 {
        let span = self.config.max_delay_ms - self.config.min_delay_ms;
        let jitter = if span == 0 { 0 } else { self.rng.next_u64() % (span + 1) };
        let link = self.links.get(&(from, to)).copied().unwrap_or_default();
        let slow = if self.slow_node(from) || self.slow_node(to) { self.config.slow_extra_ms } else { 0 };
        self.config.min_delay_ms + jitter + link.extra_delay_ms + slow
    }

    /// Puts a message on the wire at `now`.
    pub fn send(&mut self, now: TimeMs, from: Node, to: Node, message: Message) -> (MessageId, SendOutcome) {
        self.next_id += 1;
        let id = MessageId(self.next_id);
        let link = self.links.get(&(from, to)).copied().unwrap_or_default();
        let outcome = if self.unreachable(from, to) {
            SendOutcome::Lost(format!("{from} cannot reach {to}"))
        } else if link.drop_permille > 0 && (self.rng.next_u64() % 1000) < u64::from(link.drop_permille) {
            SendOutcome::Lost("lost on a lossy link".into())
        } else if link.held {
            SendOutcome::Held
        } else {
            SendOutcome::Scheduled(self.arrival(now, from, to))
        };
        let deliver_at = match outcome {
            SendOutcome::Scheduled(t) => Some(t),
            _ => None,
        };
        if !matches!(outcome, SendOutcome::Lost(_)) {
            self.in_flight.insert(id, InFlight { from, to, sent_at: now, deliver_at, message });
        }
        (id, outcome)
    }

    /// Settings of a link, for changing.
    pub fn link_mut(&mut self, from: Node, to: Node) -> &mut LinkSettings {
        self.links.entry((from, to)).or_default()
    }

    /// Releases a held link: its messages get delivery times from now. Returns them.
    pub fn release(&mut self, now: TimeMs, from: Node, to: Node) -> Vec<(MessageId, TimeMs)> {
        self.link_mut(from, to).held = false;
        let held: Vec<MessageId> = self
            .in_flight
            .iter()
            .filter(|(_, m)| m.from == from && m.to == to && m.deliver_at.is_none())
            .map(|(id, _)| *id)
            .collect();
        let mut out = Vec::new();
        for id in held {
            let at = self.arrival(now, from, to);
            self.in_flight.get_mut(&id).expect("listed").deliver_at = Some(at);
            out.push((id, at));
        }
        out
    }
}
