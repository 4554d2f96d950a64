//! The clients: a producer (partitioner, acks, request timeout) and a consumer that reads from
//! the leader (Q1, Q2). Clients are not brokers; produce requests travel the network, reads are
//! answered at once.

use super::{Cluster, Scheduled};
use crate::event::{Event, ReadKind, ReadResult};
use crate::ids::{BrokerId, Offset, ProduceId, TopicPartition};
use crate::message::{Acks, KafkaError, Message, Node};
use crate::outbox::Timer;
use crate::partition;
use crate::replica::Replica;
use serde::Serialize;

/// What became of a produce, as the client sees it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Produced {
    /// The request id.
    pub id: ProduceId,
    /// Where it went.
    pub tp: TopicPartition,
    /// The value.
    pub value: crate::log::Value,
    /// Its acks.
    pub acks: Acks,
    /// `None` while pending.
    pub result: Option<Result<Option<Offset>, KafkaError>>,
}

/// A consumer read, as the client saw it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Read {
    /// Which broker answered.
    pub broker: BrokerId,
    /// The partition.
    pub tp: TopicPartition,
    /// Fetch or ListOffsets.
    pub kind: ReadKind,
    /// The offset asked for (fetch) or answered (ListOffsets, -1 on error).
    pub offset: Offset,
    /// The answer.
    pub result: ReadResult,
}

impl Cluster {
    #[allow(clippy::too_many_arguments)] // the fields of `Command::Produce`
    pub(super) fn produce(&mut self, topic: &str, partition: Option<u32>, key: Option<String>, value: crate::log::Value, acks: Acks, to: Option<BrokerId>, events: &mut Vec<Event>) {
        let count = self.config.topics.iter().find(|t| t.name == topic).map_or(1, |t| t.partitions);
        let p = partition.unwrap_or_else(|| match &key {
            Some(k) => crate::partitioner::partition_for_key(k, count),
            None => {
                let rr = self.round_robin.entry(topic.to_string()).or_insert(0);
                let p = *rr % count;
                *rr += 1;
                p
            }
        });
        let tp = TopicPartition::new(topic, p);
        self.next_produce_id += 1;
        let id = ProduceId(self.next_produce_id);
        let target = to.or(self.controller.partitions[&tp].leader);
        let result = match (target, acks) {
            (None, _) => Some(Err(KafkaError::NotLeaderOrFollower)),
            (Some(_), Acks::None) => Some(Ok(None)),
            _ => None,
        };
        self.produced.push(Produced { id, tp: tp.clone(), value: value.clone(), acks, result });
        let Some(target) = target else {
            events.push(Event::ProduceCompleted { id, tp, error: Some(KafkaError::NotLeaderOrFollower), offset: None });
            return;
        };
        events.push(Event::ProduceSent { id, tp: tp.clone(), to: target, acks, value: value.clone() });
        self.send(Node::Client, Node::Broker(target), Message::ProduceRequest { id, tp, key, value, acks }, events);
        if acks != Acks::None {
            self.schedule(self.now_ms + self.config.request_timeout_ms, Scheduled::Timer(Timer::ProduceTimeout { id }));
        }
    }

    /// Q1/Q2: a consumer read, answered at once by the broker (clients are not on the network).
    pub(super) fn consume(&mut self, tp: TopicPartition, offset: Offset, broker: Option<BrokerId>, kind: ReadKind, events: &mut Vec<Event>) {
        let (b, result) = self.read_at(&tp, offset, broker, kind, usize::MAX);
        let offset = match (&kind, &result) {
            (ReadKind::ListOffsets, ReadResult::Offset(o)) => *o,
            _ => offset,
        };
        self.record_read(Read { broker: b, tp, kind, offset, result }, events);
    }

    /// A read of `tp` at `broker` (the controller's leader if not given), at most `max`
    /// records; the broker that answered (0: none), and its answer (Q1, Q2).
    pub(super) fn read_at(&self, tp: &TopicPartition, offset: Offset, broker: Option<BrokerId>, kind: ReadKind, max: usize) -> (BrokerId, ReadResult) {
        let st = &self.controller.partitions[tp];
        let Some(b) = broker.or(st.leader) else { return (BrokerId(0), ReadResult::Error(KafkaError::NotLeaderOrFollower)) };
        let x = &self.brokers[&b];
        let result = match (x.is_running(), x.replicas.get(tp)) {
            (false, _) | (_, None) => ReadResult::Error(KafkaError::NotLeaderOrFollower),
            (true, Some(r)) => match partition::check_current_leader_epoch(r, st.leader_epoch) {
                Err(e) => ReadResult::Error(e),
                Ok(()) => read_from(r, kind, offset, max),
            },
        };
        (b, result)
    }

    pub(super) fn record_read(&mut self, read: Read, events: &mut Vec<Event>) {
        events.push(Event::ConsumerRead { broker: read.broker, tp: read.tp.clone(), kind: read.kind, offset: read.offset, result: read.result.clone() });
        self.reads.push(read);
    }

    pub(super) fn client_receive(&mut self, message: Message, events: &mut Vec<Event>) {
        match message {
            Message::ProduceResponse { id, tp, error, offset } => self.complete_produce(id, tp, error.map_or(Ok(Some(offset)), Err), events),
            other => self.group_client_receive(other, events),
        }
    }

    pub(super) fn complete_produce(&mut self, id: ProduceId, tp: TopicPartition, result: Result<Option<Offset>, KafkaError>, events: &mut Vec<Event>) {
        let Some(p) = self.produced.get_mut((id.0 - 1) as usize) else { return };
        if p.result.is_some() {
            return;
        }
        events.push(Event::ProduceCompleted { id, tp, error: result.err(), offset: result.ok().flatten() });
        p.result = Some(result);
    }
}

/// Q1 / Q2 on the leader: reads are bounded by the HW; `HW <= offset <= LEO` is an empty
/// answer; past the LEO is OFFSET_OUT_OF_RANGE. ListOffsets(LATEST) answers the HW, or
/// OFFSET_NOT_AVAILABLE while `HW < LESO`.
fn read_from(r: &Replica, kind: ReadKind, offset: Offset, max: usize) -> ReadResult {
    let (hw, leo, lso) = (r.log.high_watermark(), r.log.log_end_offset(), r.log.log_start_offset());
    match kind {
        ReadKind::ListOffsets => {
            let leso = r.leader_state().map_or(Offset(0), |l| l.leso);
            if hw < leso {
                ReadResult::Error(KafkaError::OffsetNotAvailable)
            } else {
                ReadResult::Offset(hw)
            }
        }
        ReadKind::Fetch => {
            if offset > leo || offset < lso {
                ReadResult::Error(KafkaError::OffsetOutOfRange)
            } else {
                ReadResult::Records(r.log.read(offset, hw, max).into_iter().map(|rec| (rec.offset, rec.epoch, rec.value)).collect())
            }
        }
    }
}
