//! The leader side of a partition (Kafka's `Partition.scala`): produce (P1–P5), follower
//! fetches (L1–L8), the high-watermark rule (H1–H4), ISR expansion and shrink (S1–S3, S5),
//! and the role transitions of §2.9.

use crate::config::TruncationMode;
use crate::event::{Event, IsrChangeReason};
use crate::ids::{BrokerId, LeaderEpoch, Offset, ProduceId};
use crate::log::{Record, Value};
use crate::message::{Acks, KafkaError, Message, Node, PartitionState};
use crate::outbox::{Ctx, Outbox, Timer};
use crate::replica::{FetchPhase, FollowerRecord, FollowerState, LeaderState, ParkedFetch, PendingProduce, Replica, Role};

/// A produce's outcome as the leader decided it now; `None` while it waits in purgatory.
pub type ProduceOutcome = Option<Result<Offset, KafkaError>>;

/// P1–P5: a produce arrives at `r`. Returns what to answer now (None: acks=0 or parked).
pub fn handle_produce(
    r: &mut Replica,
    ctx: &Ctx,
    out: &mut Outbox,
    id: ProduceId,
    key: Option<String>,
    value: Value,
    acks: Acks,
) -> ProduceOutcome {
    let rf = r.replicas.len();
    let epoch = r.leader_epoch;
    let Some(leader) = r.leader_state() else {
        return Some(Err(KafkaError::NotLeaderOrFollower)); // P1
    };
    if acks == Acks::All && leader.isr.len() < ctx.cfg.effective_min_isr(rf) {
        return Some(Err(KafkaError::NotEnoughReplicas)); // P2: nothing appended
    }
    if key.is_none() && r.log.config().cleanup_policy.compacts() {
        return Some(Err(KafkaError::InvalidRecord)); // CC18: LogValidator, after P2; nothing appended
    }
    let offset = r.log.log_end_offset();
    let record = Record { offset, epoch, key, value: value.clone(), timestamp_ms: ctx.now };
    append_as_leader(r, out, record, acks);
    complete_parked_fetches(r, out, false);
    maybe_increment_hw(r, ctx, out); // P4
    match acks {
        Acks::None => None,
        Acks::Leader => Some(Ok(offset)),
        Acks::All => {
            let leader = r.leader_state_mut().expect("still leader");
            leader.pending_produces.push(PendingProduce { id, required_offset: offset.plus(1) });
            let done = check_pending_produces(r, ctx);
            done.into_iter().find(|(pid, _)| *pid == id).map(|(_, res)| res)
        }
    }
}

/// CP6: the group coordinator appends keyed records to the `__consumer_offsets` partition it
/// leads, locally (requiredAcks=1: it waits for the HW itself). Returns the offset after the
/// last record, or NOT_LEADER_OR_FOLLOWER when `r` does not lead.
pub fn append_coordinator_records(r: &mut Replica, ctx: &Ctx, out: &mut Outbox, records: Vec<(String, String)>) -> Result<Offset, KafkaError> {
    if r.leader_state().is_none() {
        return Err(KafkaError::NotLeaderOrFollower);
    }
    let epoch = r.leader_epoch;
    for (key, value) in records {
        let record = Record { offset: r.log.log_end_offset(), epoch, key: Some(key), value: value.into(), timestamp_ms: ctx.now };
        append_as_leader(r, out, record, Acks::Leader);
    }
    complete_parked_fetches(r, out, false);
    maybe_increment_hw(r, ctx, out);
    Ok(r.log.log_end_offset())
}

/// P3: stamp the leader epoch, append at the LEO, `assign(epoch, offset)`.
fn append_as_leader(r: &mut Replica, out: &mut Outbox, record: Record, acks: Acks) {
    if r.log.rolls_before(&record) {
        out.event(Event::SegmentRolled { broker: r.broker, tp: r.tp.clone(), base_offset: record.offset });
    }
    r.epoch_cache.assign(record.epoch, record.offset);
    out.event(Event::Appended {
        broker: r.broker,
        tp: r.tp.clone(),
        offset: record.offset,
        epoch: record.epoch,
        value: record.value.clone(),
        acks,
        isr: r.leader_state().map(|l| l.isr.clone()).unwrap_or_default(),
    });
    r.log.append(record);
}

/// P5 `checkEnoughReplicasReachOffset` over every parked acks=all produce; returns those
/// that completed, and removes them.
pub fn check_pending_produces(r: &mut Replica, ctx: &Ctx) -> Vec<(ProduceId, Result<Offset, KafkaError>)> {
    let hw = r.log.high_watermark();
    let min_isr = ctx.cfg.effective_min_isr(r.replicas.len());
    let Some(leader) = r.leader_state_mut() else { return Vec::new() };
    let mut done = Vec::new();
    leader.pending_produces.retain(|p| {
        if hw < p.required_offset {
            return true;
        }
        let result = if leader.maximal_isr.len() >= min_isr {
            Ok(p.required_offset.plus(-1))
        } else {
            Err(KafkaError::NotEnoughReplicasAfterAppend)
        };
        done.push((p.id, result));
        false
    });
    done
}

/// H2: the leader's HW = the smallest LEO over itself and the maximal ISR (plus caught-up,
/// ISR-eligible followers about to join). Only moves forward. Returns true if it moved.
pub fn maybe_increment_hw(r: &mut Replica, ctx: &Ctx, out: &mut Outbox) -> bool {
    let leo = r.log.log_end_offset();
    let rf = r.replicas.len();
    let Some(leader) = r.leader_state() else { return false };
    if ctx.cfg.hw_requires_min_isr && leader.isr.len() < ctx.cfg.effective_min_isr(rf) {
        return false; // KAFKA-15583: HW frozen under min ISR (I26)
    }
    let mut candidate = leo;
    for (id, f) in &leader.followers {
        let counts = leader.maximal_isr.contains(id)
            || (f.is_caught_up(leo, ctx.now, ctx.cfg.replica_lag_time_max_ms) && ctx.isr_eligible(*id, f.broker_epoch));
        if f.leo < candidate && counts {
            candidate = f.leo;
        }
    }
    let old = r.log.high_watermark();
    if candidate > old {
        r.log.set_high_watermark(candidate);
        out.event(Event::HighWatermark { broker: r.broker, tp: r.tp.clone(), from: old, to: candidate, leader: true });
        true
    } else {
        false
    }
}

/// What a leader answers to a follower fetch: a response now, or parked until data arrives.
pub enum FetchAnswer {
    /// Send this response.
    Respond(Message),
    /// Parked (long poll); answered on append or after `max_wait_ms`.
    Parked,
}

fn error_response(r: &Replica, correlation_id: u64, fetch_offset: Offset, current_leader_epoch: LeaderEpoch, error: KafkaError) -> Message {
    Message::FetchResponse {
        correlation_id,
        tp: r.tp.clone(),
        fetch_offset,
        current_leader_epoch,
        error: Some(error),
        diverging_epoch: None,
        records: Vec::new(),
        high_watermark: r.log.high_watermark(),
        log_end_offset: r.log.log_end_offset(),
        log_start_offset: r.log.log_start_offset(),
    }
}

/// L1: `checkCurrentLeaderEpoch`, then the leader check.
pub fn check_current_leader_epoch(r: &Replica, requested: LeaderEpoch) -> Result<(), KafkaError> {
    if requested < r.leader_epoch {
        return Err(KafkaError::FencedLeaderEpoch);
    }
    if requested > r.leader_epoch {
        return Err(KafkaError::UnknownLeaderEpoch);
    }
    if r.leader_state().is_none() {
        return Err(KafkaError::NotLeaderOrFollower);
    }
    Ok(())
}

/// The fields of a follower's fetch request the leader reads.
pub struct FetchFields {
    /// The request's correlation id.
    pub correlation_id: u64,
    /// The follower.
    pub replica_id: BrokerId,
    /// Its broker epoch.
    pub replica_epoch: crate::ids::BrokerEpoch,
    /// Its LEO.
    pub fetch_offset: Offset,
    /// Its latest cached epoch.
    pub last_fetched_epoch: LeaderEpoch,
    /// The epoch it believes current.
    pub current_leader_epoch: LeaderEpoch,
    /// How long the leader may park an empty fetch.
    pub max_wait_ms: u64,
}

/// L1–L8: the leader handles a follower's fetch.
pub fn handle_follower_fetch(r: &mut Replica, ctx: &Ctx, out: &mut Outbox, req: FetchFields) -> FetchAnswer {
    let cur = req.current_leader_epoch;
    if let Err(e) = check_current_leader_epoch(r, cur) {
        return FetchAnswer::Respond(error_response(r, req.correlation_id, req.fetch_offset, cur, e)); // L1
    }
    if !r.replicas.contains(&req.replica_id) {
        return FetchAnswer::Respond(error_response(r, req.correlation_id, req.fetch_offset, cur, KafkaError::UnknownLeaderEpoch)); // L2
    }
    let newer_epoch_known = ctx
        .registrations
        .get(&req.replica_id)
        .is_some_and(|reg| req.replica_epoch.0 != -1 && reg.broker_epoch > req.replica_epoch);
    if newer_epoch_known {
        return FetchAnswer::Respond(error_response(r, req.correlation_id, req.fetch_offset, cur, KafkaError::NotLeaderOrFollower)); // L2
    }
    // L3: snapshot before reading.
    let (hw0, leo0, lso0) = (r.log.high_watermark(), r.log.log_end_offset(), r.log.log_start_offset());
    // L4: divergence check (only in FETCH mode: the legacy modes had no LastFetchedEpoch).
    if ctx.cfg.truncation_mode == TruncationMode::Fetch && req.last_fetched_epoch.0 >= 0 {
        let (e, end) = r.epoch_cache.end_offset_for(req.last_fetched_epoch, leo0);
        if end == Offset::UNKNOWN || req.fetch_offset < lso0 {
            return FetchAnswer::Respond(error_response(r, req.correlation_id, req.fetch_offset, cur, KafkaError::OffsetOutOfRange));
        }
        if e < req.last_fetched_epoch || end < req.fetch_offset {
            out.event(Event::DivergenceDetected {
                leader: r.broker,
                follower: req.replica_id,
                tp: r.tp.clone(),
                epoch: e,
                end_offset: end,
            });
            // KAFKA-13141: no follower state update on a diverging fetch.
            return FetchAnswer::Respond(Message::FetchResponse {
                correlation_id: req.correlation_id,
                tp: r.tp.clone(),
                fetch_offset: req.fetch_offset,
                current_leader_epoch: cur,
                error: None,
                diverging_epoch: Some((e, end)),
                records: Vec::new(),
                high_watermark: hw0,
                log_end_offset: leo0,
                log_start_offset: lso0,
            });
        }
    }
    // L5
    if req.fetch_offset > leo0 || req.fetch_offset < lso0 {
        return FetchAnswer::Respond(error_response(r, req.correlation_id, req.fetch_offset, cur, KafkaError::OffsetOutOfRange));
    }
    let records = r.log.read(req.fetch_offset, leo0, usize::MAX);
    update_follower_fetch_state(r, ctx, out, &req, leo0); // L6, L7
    if records.is_empty() && req.max_wait_ms > 0 {
        let leader = r.leader_state_mut().expect("checked by L1");
        leader.park_seq += 1;
        let seq = leader.park_seq;
        leader.parked_fetches.retain(|p| p.follower != req.replica_id);
        leader.parked_fetches.push(ParkedFetch {
            correlation_id: req.correlation_id,
            follower: req.replica_id,
            fetch_offset: req.fetch_offset,
            current_leader_epoch: cur,
            seq,
        });
        out.timer(
            ctx.now + req.max_wait_ms,
            Timer::FetchExpire { broker: r.broker, incarnation: ctx.incarnation, tp: r.tp.clone(), seq },
        );
        return FetchAnswer::Parked;
    }
    // L8
    FetchAnswer::Respond(Message::FetchResponse {
        correlation_id: req.correlation_id,
        tp: r.tp.clone(),
        fetch_offset: req.fetch_offset,
        current_leader_epoch: cur,
        error: None,
        diverging_epoch: None,
        records,
        high_watermark: hw0,
        log_end_offset: leo0,
        log_start_offset: lso0,
    })
}

/// L6 `updateFetchStateOrThrow`, then L7: ISR expansion, the HW rule, delayed produces.
fn update_follower_fetch_state(r: &mut Replica, ctx: &Ctx, out: &mut Outbox, req: &FetchFields, leader_end: Offset) {
    let now = ctx.now;
    let leader = r.leader_state_mut().expect("checked by L1");
    let f = leader.followers.entry(req.replica_id).or_insert_with(|| FollowerRecord::unknown(None));
    if req.fetch_offset >= leader_end {
        f.last_caught_up_time_ms = Some(f.last_caught_up_time_ms.map_or(now, |t| t.max(now)));
    } else if req.fetch_offset >= f.last_fetch_leader_leo {
        if let Some(last_fetch) = f.last_fetch_time_ms {
            f.last_caught_up_time_ms = Some(f.last_caught_up_time_ms.map_or(last_fetch, |t| t.max(last_fetch)));
        }
    }
    let leo_changed = f.leo != req.fetch_offset;
    f.leo = req.fetch_offset;
    f.last_fetch_leader_leo = f.last_fetch_leader_leo.max(leader_end);
    f.last_fetch_time_ms = Some(now);
    f.broker_epoch = req.replica_epoch;
    maybe_expand_isr(r, ctx, out, req.replica_id);
    if leo_changed {
        maybe_increment_hw(r, ctx, out);
    }
}

/// S2: add a follower that reached both the HW and the LESO, when nothing is in flight.
fn maybe_expand_isr(r: &mut Replica, ctx: &Ctx, out: &mut Outbox, follower: BrokerId) {
    let hw = r.log.high_watermark();
    let Some(leader) = r.leader_state() else { return };
    if leader.pending_isr.is_some() || leader.isr.contains(&follower) {
        return;
    }
    // A RECOVERING leader expands too: its request reports RECOVERED (Partition.prepareIsrExpand),
    // so the S4 check "a RECOVERING partition may not get ISR > 1" lets it through (KIP-704).
    let Some(f) = leader.followers.get(&follower) else { return };
    if f.leo < hw || f.leo < leader.leso || !ctx.isr_eligible(follower, f.broker_epoch) {
        return;
    }
    let mut new_isr = leader.isr.clone();
    new_isr.push(follower);
    propose_isr(r, ctx, out, new_isr, IsrChangeReason::CaughtUp);
}

/// S3: send AlterPartition; `maximalIsr := isr ∪ newIsr` at once.
pub fn propose_isr(r: &mut Replica, ctx: &Ctx, out: &mut Outbox, new_isr: Vec<BrokerId>, reason: IsrChangeReason) {
    let (broker, tp) = (r.broker, r.tp.clone());
    r.correlation += 1; // ids never repeat across leadership terms
    let proposal_id = r.correlation;
    let leader = r.leader_state_mut().expect("only a leader proposes");
    let mut maximal = leader.isr.clone();
    for b in &new_isr {
        if !maximal.contains(b) {
            maximal.push(*b);
        }
    }
    out.event(Event::IsrProposed { broker, tp, from: leader.isr.clone(), to: new_isr.clone(), reason });
    leader.maximal_isr = maximal;
    leader.pending_isr = Some(new_isr);
    leader.proposal_id = proposal_id;
    send_alter_partition(r, ctx, out);
    maybe_increment_hw(r, ctx, out);
}

/// An AlterPartition got no answer in time: send it again (Kafka's AlterPartitionManager
/// keeps the request pending until it is answered; the maximal ISR stays as it is).
pub fn retry_alter_partition(r: &mut Replica, ctx: &Ctx, out: &mut Outbox) -> bool {
    if r.leader_state().is_none_or(|l| l.pending_isr.is_none()) {
        return false;
    }
    send_alter_partition(r, ctx, out);
    true
}

fn send_alter_partition(r: &Replica, ctx: &Ctx, out: &mut Outbox) {
    let (broker, tp, leader_epoch, partition_epoch) = (r.broker, r.tp.clone(), r.leader_epoch, r.partition_epoch);
    let Some((new_isr, proposal_id)) = r.leader_state().and_then(|l| Some((l.pending_isr.clone()?, l.proposal_id))) else { return };
    let with_epochs = new_isr
        .iter()
        .map(|b| (*b, ctx.registrations.get(b).map_or(crate::ids::BrokerEpoch(-1), |reg| reg.broker_epoch)))
        .collect();
    if let Some(controller) = ctx.controller {
        out.send(
            Node::Broker(broker),
            Node::Broker(controller),
            Message::AlterPartition { proposal_id, tp: tp.clone(), leader_id: broker, leader_epoch, partition_epoch, new_isr: with_epochs },
        );
    }
    out.timer(
        ctx.now + ctx.cfg.request_timeout_ms.min(5_000),
        Timer::AlterPartitionTimeout { broker, incarnation: ctx.incarnation, tp },
    );
}

/// S1: the ISR-expiration check. Proposes removing every out-of-sync follower.
pub fn maybe_shrink_isr(r: &mut Replica, ctx: &Ctx, out: &mut Outbox) {
    let leo = r.log.log_end_offset();
    let Some(leader) = r.leader_state() else { return };
    if leader.pending_isr.is_some() {
        return; // no shrink while an AlterPartition is in flight
    }
    let lag = ctx.cfg.replica_lag_time_max_ms;
    let out_of_sync: Vec<BrokerId> = leader
        .isr
        .iter()
        .filter(|b| **b != r.broker)
        .filter(|b| !leader.followers.get(b).is_some_and(|f| f.is_caught_up(leo, ctx.now, lag)))
        .copied()
        .collect();
    if out_of_sync.is_empty() {
        return;
    }
    let new_isr: Vec<BrokerId> = leader.isr.iter().filter(|b| !out_of_sync.contains(b)).copied().collect();
    propose_isr(r, ctx, out, new_isr, IsrChangeReason::OutOfSync);
}

/// S5: the controller answered an AlterPartition (`state = None` on an error). A response to
/// anything but the pending proposal is out of date and ignored (Partition.scala: "this
/// response is out of date so we ignore it").
pub fn handle_alter_partition_response(
    r: &mut Replica,
    ctx: &Ctx,
    out: &mut Outbox,
    proposal_id: u64,
    state: Option<PartitionState>,
) -> Vec<(ProduceId, Result<Offset, KafkaError>)> {
    let known_epoch = r.partition_epoch;
    let leader_epoch = r.leader_epoch;
    let Some(leader) = r.leader_state_mut() else { return Vec::new() };
    if leader.pending_isr.is_none() || leader.proposal_id != proposal_id {
        return Vec::new();
    }
    leader.pending_isr = None;
    match state {
        Some(s) if s.partition_epoch > known_epoch && s.leader_epoch == leader_epoch => {
            leader.isr = s.isr.clone();
            leader.maximal_isr = s.isr.clone();
            r.partition_epoch = s.partition_epoch;
            r.replicas = s.replicas.clone();
            sync_followers(r);
        }
        _ => leader.maximal_isr = leader.isr.clone(),
    }
    maybe_increment_hw(r, ctx, out);
    check_pending_produces(r, ctx)
}

/// Answers every parked fetch that has data now (or all of them when `force`).
pub fn complete_parked_fetches(r: &mut Replica, out: &mut Outbox, force: bool) {
    let leo = r.log.log_end_offset();
    let Some(leader) = r.leader_state_mut() else { return };
    let (ready, waiting): (Vec<ParkedFetch>, Vec<ParkedFetch>) =
        leader.parked_fetches.drain(..).partition(|p| force || p.fetch_offset < leo);
    leader.parked_fetches = waiting;
    for p in ready {
        respond_parked(r, out, &p);
    }
}

/// Answers one parked fetch whose `max_wait_ms` passed.
pub fn expire_parked_fetch(r: &mut Replica, out: &mut Outbox, seq: u64) {
    let Some(leader) = r.leader_state_mut() else { return };
    let Some(pos) = leader.parked_fetches.iter().position(|p| p.seq == seq) else { return };
    let p = leader.parked_fetches.remove(pos);
    respond_parked(r, out, &p);
}

/// A parked fetch's response reads the log and HW as they are when it completes.
fn respond_parked(r: &Replica, out: &mut Outbox, p: &ParkedFetch) {
    let leo = r.log.log_end_offset();
    out.send(
        Node::Broker(r.broker),
        Node::Broker(p.follower),
        Message::FetchResponse {
            correlation_id: p.correlation_id,
            tp: r.tp.clone(),
            fetch_offset: p.fetch_offset,
            current_leader_epoch: p.current_leader_epoch,
            error: None,
            diverging_epoch: None,
            records: r.log.read(p.fetch_offset, leo, usize::MAX),
            high_watermark: r.log.high_watermark(),
            log_end_offset: leo,
            log_start_offset: r.log.log_start_offset(),
        },
    );
}

/// What a replica must answer to clients after a role change: the produces it can no
/// longer complete (T-follow step 2) and its parked fetches.
pub type Orphaned = Vec<(ProduceId, Result<Offset, KafkaError>)>;

/// §2.9: apply partition state learned from the controller. Returns orphaned produces.
pub fn apply_partition_state(r: &mut Replica, ctx: &Ctx, out: &mut Outbox, s: &PartitionState) -> Orphaned {
    let fresh = r.awaiting_state;
    let newer = s.partition_epoch > r.partition_epoch || (fresh && s.partition_epoch >= r.partition_epoch);
    if !newer || s.leader_epoch < r.leader_epoch {
        if s.partition_epoch < r.partition_epoch || s.leader_epoch < r.leader_epoch {
            out.event(Event::StaleStateIgnored { broker: r.broker, tp: r.tp.clone(), error: KafkaError::FencedLeaderEpoch });
        }
        return Vec::new(); // E4, I2
    }
    r.awaiting_state = false;
    let new_epoch = s.leader_epoch > r.leader_epoch || fresh;
    r.replicas = s.replicas.clone();
    r.partition_epoch = s.partition_epoch;
    let was_leader = r.leader_state().is_some();
    match s.leader {
        Some(l) if l == r.broker => {
            if new_epoch || !was_leader {
                r.leader_epoch = s.leader_epoch;
                r.leader = Some(l);
                become_leader(r, ctx, out, s, was_leader && !fresh);
                Vec::new()
            } else {
                // T-lead-same-epoch (RA3/RA4: the assignment may have grown at this epoch)
                sync_followers(r);
                let leader = r.leader_state_mut().expect("was leader");
                leader.isr = s.isr.clone();
                leader.maximal_isr = s.isr.clone();
                leader.pending_isr = None;
                maybe_increment_hw(r, ctx, out);
                check_pending_produces(r, ctx)
            }
        }
        Some(l) => {
            let changed = new_epoch || r.leader != Some(l) || r.follower_state().is_none();
            r.leader_epoch = s.leader_epoch;
            r.leader = Some(l);
            if changed {
                become_follower(r, ctx, out, l)
            } else {
                Vec::new() // T-follow-same-epoch
            }
        }
        None => {
            r.leader_epoch = s.leader_epoch;
            r.leader = None;
            drop_leadership(r, ctx, out) // T-none: stop fetching, keep the log
        }
    }
}

/// RA4: at the same leader epoch the assignment can grow (a move's adding replicas) or, at
/// completion without a bump, stay: the leader keeps one follower record per other replica of
/// it, a new one starting unknown (not caught up, not in the ISR).
fn sync_followers(r: &mut Replica) {
    let (me, replicas) = (r.broker, r.replicas.clone());
    let Some(leader) = r.leader_state_mut() else { return };
    leader.followers.retain(|b, _| replicas.contains(b));
    for b in replicas.iter().filter(|b| **b != me) {
        if !leader.followers.contains_key(b) {
            leader.followers.insert(*b, FollowerRecord::unknown(None));
        }
    }
}

/// T-lead: `LESO := LEO`, `assign(newEpoch, LEO)` (C2), reset follower records (H4), HW rule.
fn become_leader(r: &mut Replica, ctx: &Ctx, out: &mut Outbox, s: &PartitionState, re_elected: bool) {
    let leo = r.log.log_end_offset();
    if ctx.cfg.leader_assigns_epoch_on_election {
        r.epoch_cache.assign(s.leader_epoch, leo);
    }
    let old = std::mem::replace(&mut r.role, Role::None);
    let old_leader = match old {
        Role::Leader(l) => Some(l),
        _ => None,
    };
    let mut followers = litemap::LiteMap::new_vec();
    for b in s.replicas.iter().filter(|b| **b != r.broker) {
        let in_isr = s.isr.contains(b);
        let rec = match old_leader.as_ref().and_then(|l| l.followers.get(b)).filter(|_| re_elected) {
            Some(prev) => FollowerRecord {
                last_fetch_time_ms: in_isr.then_some(ctx.now),
                last_caught_up_time_ms: in_isr.then_some(ctx.now),
                ..prev.clone()
            },
            None => FollowerRecord::unknown(in_isr.then_some(ctx.now)),
        };
        followers.insert(*b, rec);
    }
    let pending_produces = old_leader.map(|l| l.pending_produces).unwrap_or_default();
    r.role = Role::Leader(Box::new(LeaderState {
        isr: s.isr.clone(),
        maximal_isr: s.isr.clone(),
        pending_isr: None,
        proposal_id: 0,
        leso: leo,
        followers,
        pending_produces,
        parked_fetches: Vec::new(),
        park_seq: 0,
    }));
    out.event(Event::BecameLeader { broker: r.broker, tp: r.tp.clone(), leader_epoch: s.leader_epoch, leso: leo });
    // KIP-704: a leader elected uncleanly stays RECOVERING until its first AlterPartition, which
    // reports RECOVERED together with the ISR change (Partition.prepareIsrExpand / prepareIsrShrink
    // always send RECOVERED); it sends no AlterPartition of its own for it. Checked against Kafka
    // 4.4 by the oracle (tests/oracle/scenarios/o5-unclean-election.json: no partition-epoch bump
    // between the unclean election and the first ISR expansion).
    maybe_increment_hw(r, ctx, out);
}

/// T-follow: clear leader state, fail pending produces, start fetching from `leader`.
/// Legacy HW mode truncates to the local HW first (F3, B4).
fn become_follower(r: &mut Replica, ctx: &Ctx, out: &mut Outbox, leader: BrokerId) -> Orphaned {
    let orphaned = drop_leadership(r, ctx, out);
    let phase = match ctx.cfg.truncation_mode {
        TruncationMode::Fetch => FetchPhase::Fetching,
        TruncationMode::Hw => {
            let (from, hw) = (r.log.log_end_offset(), r.log.high_watermark());
            if hw < from {
                out.event(Event::Truncated {
                    broker: r.broker,
                    tp: r.tp.clone(),
                    from,
                    to: hw,
                    rule: crate::event::TruncationRule::HwTruncation,
                    leader_epoch: LeaderEpoch::UNDEFINED,
                    leader_end_offset: Offset::UNKNOWN,
                });
            }
            r.truncate_to(hw);
            FetchPhase::Fetching
        }
        TruncationMode::Kip101 | TruncationMode::Kip279 => FetchPhase::Truncating,
    };
    r.role = Role::Follower(FollowerState { leader, phase, in_flight: None });
    out.event(Event::BecameFollower { broker: r.broker, tp: r.tp.clone(), leader, leader_epoch: r.leader_epoch });
    if ctx.cfg.auto.fetch {
        out.timer(ctx.now, Timer::FollowerFetch { broker: r.broker, incarnation: ctx.incarnation, tp: r.tp.clone() });
    }
    orphaned
}

/// Leaves the leader role (if held): parked fetches are answered with an error and pending
/// produces fail with NOT_LEADER_OR_FOLLOWER (P5, T-follow step 2).
pub fn drop_leadership(r: &mut Replica, _ctx: &Ctx, out: &mut Outbox) -> Orphaned {
    let old = std::mem::replace(&mut r.role, Role::None);
    let Role::Leader(leader) = old else { return Vec::new() };
    for p in &leader.parked_fetches {
        out.send(
            Node::Broker(r.broker),
            Node::Broker(p.follower),
            error_response(r, p.correlation_id, p.fetch_offset, p.current_leader_epoch, KafkaError::NotLeaderOrFollower),
        );
    }
    leader.pending_produces.iter().map(|p| (p.id, Err(KafkaError::NotLeaderOrFollower))).collect()
}

/// The leader's answer to OffsetsForLeaderEpoch (legacy F3): KIP-101 returns only an end
/// offset (the start of the next epoch, or the LEO); KIP-279 also returns the epoch (C3).
pub fn handle_offsets_for_leader_epoch(
    r: &Replica,
    mode: TruncationMode,
    requested: LeaderEpoch,
    current: LeaderEpoch,
) -> Result<(LeaderEpoch, Offset), KafkaError> {
    check_current_leader_epoch(r, current)?;
    let leo = r.log.log_end_offset();
    let (epoch, end) = r.epoch_cache.end_offset_for(requested, leo);
    Ok(match mode {
        TruncationMode::Kip101 => (LeaderEpoch::UNDEFINED, if end == Offset::UNKNOWN { leo } else { end }),
        _ => (epoch, end),
    })
}
