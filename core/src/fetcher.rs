//! The follower side (Kafka's `AbstractFetcherThread` / `ReplicaFetcherThread`): the fetch
//! request it sends (F1), and how it handles the response (R1–R4) — including the
//! truncation rules T1–T5 and the legacy OffsetsForLeaderEpoch round trip (F3).

use crate::config::TruncationMode;
use crate::event::{Event, TruncationRule};
use crate::ids::{BrokerEpoch, BrokerId, LeaderEpoch, Offset};
use crate::log::Record;
use crate::message::{KafkaError, Message};
use crate::outbox::{Ctx, Outbox, Timer};
use crate::replica::{FetchPhase, Replica, Role};

/// F1 / F3: the request the fetcher sends next, and to whom. `None` when not a follower or a
/// request is already on the wire. The fetch offset is always the LEO (I22).
pub fn next_request(r: &mut Replica, broker_epoch: BrokerEpoch, max_wait_ms: u64) -> Option<(BrokerId, Message)> {
    let (tp, leo, last_epoch, current) = (r.tp.clone(), r.log.log_end_offset(), r.last_fetched_epoch(), r.leader_epoch);
    let Role::Follower(f) = &mut r.role else { return None };
    if f.in_flight.is_some() {
        return None;
    }
    r.correlation += 1;
    let correlation_id = r.correlation;
    f.in_flight = Some(correlation_id);
    let msg = match f.phase {
        FetchPhase::Truncating => Message::OffsetsForLeaderEpochRequest {
            correlation_id,
            tp,
            replica_id: r.broker,
            leader_epoch: last_epoch,
            current_leader_epoch: current,
        },
        FetchPhase::Fetching => Message::FetchRequest {
            correlation_id,
            tp,
            replica_id: r.broker,
            replica_epoch: broker_epoch,
            fetch_offset: leo,
            last_fetched_epoch: last_epoch,
            current_leader_epoch: current,
            max_wait_ms,
        },
    };
    Some((f.leader, msg))
}

/// The fields of a fetch response the follower reads.
pub struct FetchResponseFields {
    /// The request's correlation id.
    pub correlation_id: u64,
    /// The offset the request fetched at.
    pub fetch_offset: Offset,
    /// The epoch the request carried.
    pub current_leader_epoch: LeaderEpoch,
    /// An error, if any.
    pub error: Option<KafkaError>,
    /// L4's answer.
    pub diverging_epoch: Option<(LeaderEpoch, Offset)>,
    /// Records from `fetch_offset` on.
    pub records: Vec<Record>,
    /// The leader's HW (HW0, L3).
    pub high_watermark: Offset,
    /// The leader's LEO.
    pub log_end_offset: Offset,
    /// The leader's log start offset.
    pub log_start_offset: Offset,
}

/// R1: is this the response to the request on the wire (by correlation id), and is it
/// still for our epoch and fetch offset? `None`: not ours, ignore it. `Some(false)`: ours but
/// stale, discard it and fetch again. `Some(true)`: process it.
fn accept_response(r: &mut Replica, correlation_id: u64, fetch_offset: Option<Offset>, current_leader_epoch: LeaderEpoch) -> Option<bool> {
    let (leo, epoch) = (r.log.log_end_offset(), r.leader_epoch);
    let Role::Follower(f) = &mut r.role else { return None };
    if f.in_flight != Some(correlation_id) {
        return None;
    }
    f.in_flight = None;
    Some(current_leader_epoch == epoch && fetch_offset.is_none_or(|o| o == leo))
}

/// When the fetcher should send again: now, or after the error back-off.
fn schedule_next(r: &Replica, ctx: &Ctx, out: &mut Outbox, backoff: bool) {
    if ctx.cfg.auto.fetch && r.follower_state().is_some() {
        let at = if backoff { ctx.now + ctx.cfg.replica_fetch_backoff_ms } else { ctx.now };
        out.timer(at, Timer::FollowerFetch { broker: r.broker, incarnation: ctx.incarnation, tp: r.tp.clone() });
    }
}

/// R1–R4: the follower handles a fetch response.
pub fn handle_fetch_response(r: &mut Replica, ctx: &Ctx, out: &mut Outbox, resp: FetchResponseFields) {
    match accept_response(r, resp.correlation_id, Some(resp.fetch_offset), resp.current_leader_epoch) {
        None => return, // R1: not a follower any more, or not the request on the wire
        Some(false) => {
            schedule_next(r, ctx, out, false);
            return; // R1: not at our fetch offset
        }
        Some(true) => {}
    }
    if let Some(error) = resp.error {
        if error == KafkaError::OffsetOutOfRange {
            fetch_offset_and_truncate(r, out, resp.log_end_offset, resp.log_start_offset);
            schedule_next(r, ctx, out, false);
        } else {
            schedule_next(r, ctx, out, true); // R2: back off, wait for metadata
        }
        return;
    }
    if let Some((leader_epoch, leader_end)) = resp.diverging_epoch {
        truncate_on_divergence(r, out, leader_epoch, leader_end); // R3
        schedule_next(r, ctx, out, false);
        return;
    }
    // R4
    if let (Some(first), Some(last)) = (resp.records.first(), resp.records.last()) {
        let (from, to) = (first.offset, last.offset.plus(1));
        // SG2: the response is one append: one time-roll decision, against its largest timestamp.
        let max_ts = resp.records.iter().map(|x| x.timestamp_ms).max().unwrap_or(0);
        for (i, record) in resp.records.into_iter().enumerate() {
            if r.log.rolls_before_in(&record, max_ts, i == 0) {
                out.event(Event::SegmentRolled { broker: r.broker, tp: r.tp.clone(), base_offset: record.offset });
            }
            r.epoch_cache.assign(record.epoch, record.offset);
            r.log.append_in(record, max_ts, i == 0);
        }
        out.event(Event::Replicated { broker: r.broker, tp: r.tp.clone(), from, to });
    }
    let old = r.log.high_watermark();
    let start = r.log.log_start_offset();
    r.log.advance_log_start_offset(resp.log_start_offset.min(old.max(resp.high_watermark)));
    if r.log.log_start_offset() > start {
        // C4 / RT6: the log start advanced (LF1: the leader's, learned from this response).
        r.epoch_cache.truncate_from_start(r.log.log_start_offset());
        out.event(Event::LogStartRaised { broker: r.broker, tp: r.tp.clone(), from: start, to: r.log.log_start_offset() });
    }
    r.log.set_high_watermark(resp.high_watermark);
    let new = r.log.high_watermark();
    if new != old {
        out.event(Event::HighWatermark { broker: r.broker, tp: r.tp.clone(), from: old, to: new, leader: false });
    }
    schedule_next(r, ctx, out, false);
}

/// R2 `fetchOffsetAndTruncate`: the leader's log ends before ours → truncate to its LEO;
/// its log starts after ours → start over at its log start offset.
fn fetch_offset_and_truncate(r: &mut Replica, out: &mut Outbox, leader_leo: Offset, leader_lso: Offset) {
    let leo = r.log.log_end_offset();
    if leader_leo < leo {
        truncate(r, out, leader_leo, TruncationRule::R2, LeaderEpoch::UNDEFINED, leader_leo);
    } else if leader_lso > leo {
        r.log.truncate_fully_and_start_at(leader_lso);
        r.epoch_cache = Default::default();
        out.event(Event::Truncated {
            broker: r.broker,
            tp: r.tp.clone(),
            from: leo,
            to: leader_lso,
            rule: TruncationRule::R2,
            leader_epoch: LeaderEpoch::UNDEFINED,
            leader_end_offset: leader_lso,
        });
    }
}

/// The outcome of `getOffsetTruncationState`: where to truncate, by which rule, and
/// whether truncation is complete.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TruncationState {
    /// Truncate to this offset.
    pub offset: Offset,
    /// The rule that decided.
    pub rule: TruncationRule,
    /// False for T4: step back one epoch and ask again.
    pub done: bool,
}

/// R3 `getOffsetTruncationState`, rules T1–T5.
pub fn offset_truncation_state(r: &Replica, leader_epoch: LeaderEpoch, leader_end: Offset) -> TruncationState {
    let leo = r.log.log_end_offset();
    if leader_end == Offset::UNKNOWN {
        return TruncationState { offset: r.log.high_watermark(), rule: TruncationRule::T1, done: true };
    }
    if leader_epoch == LeaderEpoch::UNDEFINED {
        return TruncationState { offset: leader_end.min(leo), rule: TruncationRule::T2, done: true };
    }
    let (own_epoch, own_end) = r.epoch_cache.end_offset_for(leader_epoch, leo);
    if own_end == Offset::UNKNOWN {
        return TruncationState { offset: leader_end.min(leo), rule: TruncationRule::T3, done: true };
    }
    if own_epoch != leader_epoch {
        return TruncationState { offset: own_end.min(leo), rule: TruncationRule::T4, done: false };
    }
    TruncationState { offset: own_end.min(leader_end).min(leo), rule: TruncationRule::T5, done: true }
}

/// R3 in FETCH mode: truncate; the next fetch (with the new LastFetchedEpoch) re-checks.
fn truncate_on_divergence(r: &mut Replica, out: &mut Outbox, leader_epoch: LeaderEpoch, leader_end: Offset) {
    let st = offset_truncation_state(r, leader_epoch, leader_end);
    truncate(r, out, st.offset, st.rule, leader_epoch, leader_end);
}

/// Truncates (R3: log, cache — always, C4 — and HW) and records the event if the LEO moved.
fn truncate(r: &mut Replica, out: &mut Outbox, to: Offset, rule: TruncationRule, leader_epoch: LeaderEpoch, leader_end: Offset) {
    let from = r.log.log_end_offset();
    r.truncate_to(to);
    if to < from {
        out.event(Event::Truncated {
            broker: r.broker,
            tp: r.tp.clone(),
            from,
            to,
            rule,
            leader_epoch,
            leader_end_offset: leader_end,
        });
    }
}

/// F3 legacy modes: the follower handles the OffsetsForLeaderEpoch answer. KIP-101
/// truncates once to `min(end, LEO)`; KIP-279 applies T1–T5 and asks again after T4.
pub fn handle_offsets_for_leader_epoch_response(
    r: &mut Replica,
    ctx: &Ctx,
    out: &mut Outbox,
    correlation_id: u64,
    current_leader_epoch: LeaderEpoch,
    answer: Result<(LeaderEpoch, Offset), KafkaError>,
) {
    match accept_response(r, correlation_id, None, current_leader_epoch) {
        None => return, // R1
        Some(false) => {
            schedule_next(r, ctx, out, false);
            return;
        }
        Some(true) => {}
    }
    let Ok((epoch, end)) = answer else {
        schedule_next(r, ctx, out, true);
        return;
    };
    let done = match ctx.cfg.truncation_mode {
        TruncationMode::Kip101 => {
            let to = end.min(r.log.log_end_offset());
            truncate(r, out, to, TruncationRule::Kip101, epoch, end);
            true
        }
        _ => {
            let st = offset_truncation_state(r, epoch, end);
            truncate(r, out, st.offset, st.rule, epoch, end);
            st.done
        }
    };
    if done {
        if let Role::Follower(f) = &mut r.role {
            f.phase = FetchPhase::Fetching;
        }
    }
    schedule_next(r, ctx, out, false);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::epoch_cache::{EpochCache, EpochEntry};
    use crate::ids::{BrokerId, TopicPartition};
    use crate::log::LogConfig;

    fn replica(log: &[(i64, i32)]) -> Replica {
        let mut r = Replica::new(TopicPartition::new("t", 0), BrokerId(1), LogConfig::default());
        for &(o, e) in log {
            r.epoch_cache.assign(LeaderEpoch(e), Offset(o));
            r.log.append(Record { offset: Offset(o), epoch: LeaderEpoch(e), key: None, value: format!("v{o}").into(), timestamp_ms: 0 });
        }
        r
    }

    #[test]
    fn t5_same_epoch_truncates_to_the_smaller_end() {
        // S8 step 6: follower 1 has epoch 1 up to LEO 2; the leader says epoch 1 ends at 1.
        let r = replica(&[(0, 1), (1, 1)]);
        let st = offset_truncation_state(&r, LeaderEpoch(1), Offset(1));
        assert_eq!(st, TruncationState { offset: Offset(1), rule: TruncationRule::T5, done: true });
    }

    #[test]
    fn t4_unknown_leader_epoch_steps_back() {
        // The follower has epochs {0:0, 2:2}; the leader answers epoch 1 ending at 3.
        let r = replica(&[(0, 0), (1, 0), (2, 2), (3, 2)]);
        let st = offset_truncation_state(&r, LeaderEpoch(1), Offset(3));
        assert_eq!(st, TruncationState { offset: Offset(2), rule: TruncationRule::T4, done: false });
    }

    #[test]
    fn t3_follower_tracks_no_epoch_at_or_below_the_leaders() {
        let mut r = replica(&[(0, 3)]);
        r.epoch_cache = EpochCache::from_entries(vec![EpochEntry { epoch: LeaderEpoch(3), start_offset: Offset(0) }]);
        let st = offset_truncation_state(&r, LeaderEpoch(5), Offset(0));
        assert_eq!(st.rule, TruncationRule::T3);
        assert_eq!(st.offset, Offset(0));
    }

    #[test]
    fn t1_undefined_end_falls_back_to_the_hw() {
        let mut r = replica(&[(0, 0), (1, 0)]);
        r.log.set_high_watermark(Offset(1));
        let st = offset_truncation_state(&r, LeaderEpoch::UNDEFINED, Offset::UNKNOWN);
        assert_eq!((st.offset, st.rule), (Offset(1), TruncationRule::T1));
    }

    #[test]
    fn t2_undefined_leader_epoch_uses_the_end_offset() {
        let r = replica(&[(0, 0), (1, 0), (2, 0)]);
        let st = offset_truncation_state(&r, LeaderEpoch::UNDEFINED, Offset(1));
        assert_eq!((st.offset, st.rule), (Offset(1), TruncationRule::T2));
    }
}
