//! The group coordinator runtime of one broker (PROTOCOL-GROUPS.md §2.1 CP2–CP7, §2.6 OC2,
//! OC4, OC5): one *context* per `__consumer_offsets` partition this broker leads, holding the
//! groups and committed offsets that are the replay of that partition's log.
//!
//! * **Placement and routing** (CP1, CP4): a request for group `g` goes to the context of
//!   `partition_for(g)`; no context (or a closed one) answers NOT_COORDINATOR, a loading one
//!   COORDINATOR_LOAD_IN_PROGRESS.
//! * **Loading** (CP3): becoming leader of an offsets partition in epoch `e` starts a load; when
//!   it completes ([`Coordinator::loaded`]) the log's records are replayed, every member's
//!   session restarts from the load time, and the context serves.
//! * **Writes** (CP6): a change is appended to the partition ([`Effect::Append`]); its answer
//!   waits until the partition's HW passes the write ([`Coordinator::hw_advanced`]), so success
//!   always means committed. A failed or timed-out write reverts (the offsets are not applied)
//!   and maps to NOT_COORDINATOR or COORDINATOR_NOT_AVAILABLE.
//! * **Unloading** (CP5): losing leadership closes the context; its pending writes fail with
//!   NOT_COORDINATOR and its classic groups go Dead.
//!
//! Sans-IO: the cluster's hub appends the records to its leader replica, reports the offsets
//! they got, reports HW movements and fires the timers. Records are keyed like Kafka's
//! (`GroupMetadataKey`, `OffsetCommitKey`), so compaction keeps the last of each.

use super::classic::{self, ClassicConfig, ClassicGroup, GroupMetadata, JoinGroup};
use super::{partition_for, GroupError};
use crate::ids::{LeaderEpoch, Offset, TimeMs, TopicPartition};
use serde_json::Value;
use litemap::LiteMap;

/// `offsets.commit.timeout.ms` (5000): how long a write may wait for the HW (CP6).
pub const OFFSETS_COMMIT_TIMEOUT_MS: u64 = 5000;

/// A context's state (§1.1; INITIAL and FAILED are not modelled: a load cannot fail here).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize)]
pub enum ContextState {
    /// Replaying the log (CP3).
    Loading,
    /// Serving.
    Active,
    /// Unloaded (CP5).
    Closed,
}

/// One record of `__consumer_offsets` (key and value, as the log stores them).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum OffsetsRecord {
    /// A classic group's GroupMetadata (§1.2).
    Group {
        /// The group.
        group: String,
        /// Its metadata.
        metadata: GroupMetadata,
    },
    /// A committed offset (§1.6).
    Commit {
        /// The group.
        group: String,
        /// The partition.
        tp: TopicPartition,
        /// The next offset to read (OC1).
        offset: i64,
    },
}

impl OffsetsRecord {
    /// The record's key: one per group, one per (group, partition), as compaction needs.
    pub fn key(&self) -> String {
        match self {
            OffsetsRecord::Group { group, .. } => format!("group:{group}"),
            OffsetsRecord::Commit { group, tp, .. } => format!("offset:{group}:{tp}"),
        }
    }

    /// The record's value, as JSON text.
    pub fn value(&self) -> String {
        // Written by hand, in the order the fields are read (not through `json!`: the page's
        // bundle, docs/embed.md); strings are escaped by serde_json.
        fn js(s: &str) -> String {
            Value::String(s.to_string()).to_string()
        }
        let opt = |s: &Option<String>| s.as_deref().map_or_else(|| "null".to_string(), js);
        match self {
            OffsetsRecord::Group { group, metadata: m } => {
                let members: Vec<String> = m
                    .members
                    .iter()
                    .map(|(id, client, instance, a)| {
                        let a: Vec<String> = a.iter().map(|tp| format!("[{},{}]", js(&tp.topic), tp.partition)).collect();
                        format!(r#"{{"id":{},"client":{},"instance":{},"assignment":[{}]}}"#, js(id), js(client), opt(instance), a.join(","))
                    })
                    .collect();
                format!(
                    r#"{{"type":"group","group":{},"generation":{},"protocol":{},"leader":{},"members":[{}]}}"#,
                    js(group),
                    m.generation,
                    opt(&m.protocol),
                    opt(&m.leader),
                    members.join(",")
                )
            }
            OffsetsRecord::Commit { group, tp, offset } => {
                format!(r#"{{"type":"offset","group":{},"topic":{},"partition":{},"offset":{offset}}}"#, js(group), js(&tp.topic), tp.partition)
            }
        }
    }

    /// Reads a record's value back (`None` for anything else: a coordinator skips what it does
    /// not understand, as Kafka's does for unknown record versions).
    pub fn parse(value: &str) -> Option<OffsetsRecord> {
        let v: Value = serde_json::from_str(value).ok()?;
        let s = |k: &str| v.get(k).and_then(Value::as_str).map(str::to_string);
        let tp = |x: &Value| Some(TopicPartition::new(x.get(0)?.as_str()?, u32::try_from(x.get(1)?.as_u64()?).ok()?));
        match v.get("type")?.as_str()? {
            "group" => {
                let members = v
                    .get("members")?
                    .as_array()?
                    .iter()
                    .map(|m| {
                        let assignment = m.get("assignment")?.as_array()?.iter().map(tp).collect::<Option<Vec<_>>>()?;
                        Some((m.get("id")?.as_str()?.to_string(), m.get("client")?.as_str()?.to_string(), m.get("instance").and_then(Value::as_str).map(str::to_string), assignment))
                    })
                    .collect::<Option<Vec<_>>>()?;
                let metadata = GroupMetadata { generation: i32::try_from(v.get("generation")?.as_i64()?).ok()?, protocol: s("protocol"), leader: s("leader"), members };
                Some(OffsetsRecord::Group { group: s("group")?, metadata })
            }
            "offset" => Some(OffsetsRecord::Commit {
                group: s("group")?,
                tp: TopicPartition::new(s("topic")?, u32::try_from(v.get("partition")?.as_u64()?).ok()?),
                offset: v.get("offset")?.as_i64()?,
            }),
            _ => None,
        }
    }
}

/// A request to the coordinator (the classic protocol and offsets).
#[derive(Clone, Debug, PartialEq, Eq, Hash, serde::Serialize)]
pub enum Request {
    /// JoinGroup.
    Join(JoinGroup),
    /// SyncGroup; `assignments` only from the leader.
    Sync {
        /// The client.
        client: String,
        /// Its member id.
        member_id: String,
        /// Its instance id.
        instance_id: Option<String>,
        /// Its generation.
        generation: i32,
        /// The leader's assignment.
        assignments: Option<LiteMap<String, Vec<TopicPartition>>>,
    },
    /// Heartbeat.
    Heartbeat {
        /// The client.
        client: String,
        /// Its member id.
        member_id: String,
        /// Its instance id.
        instance_id: Option<String>,
        /// Its generation.
        generation: i32,
    },
    /// LeaveGroup.
    Leave {
        /// The client.
        client: String,
        /// Its member id.
        member_id: String,
    },
    /// OffsetCommit (OC2).
    Commit {
        /// The client.
        client: String,
        /// Its member id (empty from outside the group).
        member_id: String,
        /// Its instance id.
        instance_id: Option<String>,
        /// Its generation (-1 from outside the group).
        generation: i32,
        /// What to commit.
        offsets: Vec<(TopicPartition, i64)>,
    },
    /// OffsetFetch (OC5), a non-stable read: only committed offsets.
    Fetch {
        /// The client.
        client: String,
        /// The partitions asked about.
        partitions: Vec<TopicPartition>,
    },
}

impl Request {
    /// Kafka's API name.
    pub fn kind(&self) -> &'static str {
        match self {
            Request::Join(_) => "JoinGroup",
            Request::Sync { .. } => "SyncGroup",
            Request::Heartbeat { .. } => "Heartbeat",
            Request::Leave { .. } => "LeaveGroup",
            Request::Commit { .. } => "OffsetCommit",
            Request::Fetch { .. } => "OffsetFetch",
        }
    }

    /// Its fields in short, for the trace (`c1-1 gen 2`).
    pub fn describe(&self) -> String {
        let who = |id: &str| if id.is_empty() { "no id".to_string() } else { id.to_string() };
        match self {
            Request::Join(j) => format!("{} gen {}", who(&j.member_id), j.protocols.first().map_or(-1, |p| p.1.generation)),
            Request::Sync { member_id, generation, assignments, .. } => match assignments {
                Some(a) => format!("{member_id} gen {generation}, leader's assignment {}", a.iter().map(|(m, tps)| format!("{m}:[{}]", tps.iter().map(ToString::to_string).collect::<Vec<_>>().join(","))).collect::<Vec<_>>().join(" ")),
                None => format!("{member_id} gen {generation}"),
            },
            Request::Heartbeat { member_id, generation, .. } => format!("{} gen {generation}", who(member_id)),
            Request::Leave { member_id, .. } => member_id.clone(),
            Request::Commit { member_id, generation, offsets, .. } => format!("{} gen {generation} {}", who(member_id), crate::message::offsets_str(offsets)),
            Request::Fetch { partitions, .. } => partitions.iter().map(ToString::to_string).collect::<Vec<_>>().join(","),
        }
    }

    /// The client (with its line's tag) an answer goes back to.
    pub fn client(&self) -> &str {
        match self {
            Request::Join(j) => &j.client,
            Request::Sync { client, .. } | Request::Heartbeat { client, .. } | Request::Leave { client, .. } | Request::Commit { client, .. } | Request::Fetch { client, .. } => client,
        }
    }
}

/// An answer of the coordinator.
#[derive(Clone, Debug, PartialEq, Eq, Hash, serde::Serialize)]
pub enum Response {
    /// A classic group's answer.
    Classic(classic::Response),
    /// To an OffsetCommit.
    Commit(Result<(), GroupError>),
    /// To an OffsetFetch: the committed offset per partition, -1 where there is none.
    Fetch(Result<Vec<(TopicPartition, i64)>, GroupError>),
    /// A request refused before reaching a group (CP4).
    Refused(GroupError),
}

impl Response {
    /// Kafka's API name of the answer.
    pub fn kind(&self) -> &'static str {
        match self {
            Response::Classic(classic::Response::Join(_)) => "JoinGroupResponse",
            Response::Classic(classic::Response::Sync(_)) => "SyncGroupResponse",
            Response::Classic(classic::Response::Heartbeat(_)) => "HeartbeatResponse",
            Response::Classic(classic::Response::Leave(_)) => "LeaveGroupResponse",
            Response::Commit(_) => "OffsetCommitResponse",
            Response::Fetch(_) => "OffsetFetchResponse",
            Response::Refused(_) => "GroupResponse",
        }
    }

    /// Its fields in short, for the trace.
    pub fn describe(&self) -> String {
        let err = |e: &Option<GroupError>| e.map_or_else(|| "ok".to_string(), |e| e.name().to_string());
        match self {
            Response::Classic(classic::Response::Join(j)) => match j.error {
                Some(e) => format!("{} {}", e.name(), j.member_id),
                None => format!("{} gen {} leader {}", j.member_id, j.generation, j.leader.as_deref().unwrap_or("-")),
            },
            Response::Classic(classic::Response::Sync(Ok(a))) => format!("[{}]", a.iter().map(ToString::to_string).collect::<Vec<_>>().join(",")),
            Response::Classic(classic::Response::Sync(Err(e))) | Response::Commit(Err(e)) | Response::Fetch(Err(e)) | Response::Refused(e) => e.name().to_string(),
            Response::Classic(classic::Response::Heartbeat(e) | classic::Response::Leave(e)) => err(e),
            Response::Commit(Ok(())) => "ok".to_string(),
            Response::Fetch(Ok(o)) => crate::message::offsets_str(o),
        }
    }
}

/// A write waiting for its records to be committed (CP6).
#[derive(Clone, Debug, PartialEq, Eq)]
enum Write {
    /// A GroupMetadata record of `generation` (the leader's SyncGroup, or others).
    Group { group: String, generation: i32 },
    /// An OffsetCommit, answered and applied once committed.
    Commit { group: String, client: String, offsets: Vec<(TopicPartition, i64)> },
}

/// The runtime's timers.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
pub enum Timer {
    /// A classic group's timer, in the context of `partition` loaded in `epoch`.
    Group {
        /// The offsets partition.
        partition: u32,
        /// The load it belongs to.
        epoch: LeaderEpoch,
        /// The group.
        group: String,
        /// Its timer.
        timer: classic::Timer,
    },
    /// CP6: a write's `offsets.commit.timeout.ms`.
    Write {
        /// The offsets partition.
        partition: u32,
        /// The load it belongs to.
        epoch: LeaderEpoch,
        /// The write.
        write: u64,
    },
}

/// What the runtime asks of the broker hosting it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Effect {
    /// Answer a client.
    Respond {
        /// The client.
        client: String,
        /// The answer.
        response: Response,
    },
    /// Append records to the leader replica of `__consumer_offsets-partition` (acks=1: the
    /// coordinator then waits for the HW itself, CP6), then call [`Coordinator::appended`].
    Append {
        /// The offsets partition.
        partition: u32,
        /// The write they belong to.
        write: u64,
        /// `(key, value)` records.
        records: Vec<(String, String)>,
    },
    /// Arm a timer.
    Timer {
        /// When.
        at: TimeMs,
        /// Which.
        timer: Timer,
    },
    /// Something a student should see, from a group of a context (state changes, removals).
    Group {
        /// The offsets partition.
        partition: u32,
        /// The group.
        group: String,
        /// What happened.
        effect: classic::Effect,
    },
    /// A context changed state (CP3, CP5).
    Context {
        /// The offsets partition.
        partition: u32,
        /// Its new state.
        state: ContextState,
    },
}

/// One offsets partition's context (§1.1).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Context {
    /// Its state.
    pub state: ContextState,
    /// The leader epoch it was loaded in.
    pub epoch: LeaderEpoch,
    /// `lastCommittedOffset`: the partition's HW as the context last saw it.
    pub last_committed: Offset,
    /// Classic groups by id.
    pub groups: LiteMap<String, ClassicGroup>,
    /// Committed offsets: group → partition → offset.
    pub offsets: LiteMap<String, LiteMap<TopicPartition, i64>>,
    /// Writes appended but not yet committed, by id, with the offset after their last record.
    pending: LiteMap<u64, (Write, Option<Offset>)>,
}

/// The coordinator runtime of one broker.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Coordinator {
    /// `offsets.topic.num.partitions`.
    pub partitions: u32,
    /// Contexts by offsets partition.
    pub contexts: LiteMap<u32, Context>,
    /// Classic groups' settings.
    pub config: ClassicConfig,
    /// The session timeout a replayed member restarts with (GroupMetadata stores none here).
    pub replay_session_timeout_ms: u64,
    next_write: u64,
}

impl Coordinator {
    /// A runtime with no contexts.
    pub fn new(partitions: u32, config: ClassicConfig, replay_session_timeout_ms: u64) -> Coordinator {
        Coordinator { partitions, contexts: LiteMap::new(), config, replay_session_timeout_ms, next_write: 0 }
    }

    /// CP3: this broker became leader of offsets partition `partition` in `epoch`. Starts a
    /// load (an older or equal epoch than the last load's is ignored).
    pub fn became_leader(&mut self, partition: u32, epoch: LeaderEpoch) -> Vec<Effect> {
        if self.contexts.get(&partition).is_some_and(|c| c.epoch >= epoch && c.state != ContextState::Closed) {
            return Vec::new();
        }
        self.contexts.insert(partition, Context { state: ContextState::Loading, epoch, last_committed: Offset(0), groups: LiteMap::new(), offsets: LiteMap::new(), pending: LiteMap::new() });
        vec![Effect::Context { partition, state: ContextState::Loading }]
    }

    /// CP3: the load of `partition` in `epoch` completes: `records` (the local log up to its
    /// LEO, in order) are replayed, `hw` becomes `lastCommittedOffset`, sessions restart at
    /// `now`, and the context serves.
    pub fn loaded(&mut self, now: TimeMs, partition: u32, epoch: LeaderEpoch, records: &[String], hw: Offset) -> Vec<Effect> {
        let (config, session) = (self.config, self.replay_session_timeout_ms);
        let Some(ctx) = self.contexts.get_mut(&partition).filter(|c| c.epoch == epoch && c.state == ContextState::Loading) else { return Vec::new() };
        let mut last: LiteMap<String, GroupMetadata> = LiteMap::new();
        for r in records.iter().filter_map(|v| OffsetsRecord::parse(v)) {
            match r {
                OffsetsRecord::Group { group, metadata } => {
                    last.insert(group, metadata);
                }
                OffsetsRecord::Commit { group, tp, offset } => {
                    ctx.offsets.entry(group).or_default().insert(tp, offset);
                }
            }
        }
        let mut out = Vec::new();
        for (group, record) in last {
            let mut effects = Vec::new();
            let g = ClassicGroup::replay(group.clone(), config, &record, session, now, &mut effects);
            ctx.groups.insert(group.clone(), g);
            lift(&mut out, partition, epoch, &group, effects, &mut self.next_write, ctx);
        }
        ctx.last_committed = hw;
        ctx.state = ContextState::Active;
        out.push(Effect::Context { partition, state: ContextState::Active });
        out
    }

    /// CP5: this broker is no longer leader of `partition` (in `epoch` or later).
    pub fn resigned(&mut self, partition: u32, epoch: LeaderEpoch) -> Vec<Effect> {
        let Some(ctx) = self.contexts.get_mut(&partition) else { return Vec::new() };
        if ctx.epoch > epoch || ctx.state == ContextState::Closed {
            return Vec::new(); // an unload for an older epoch is ignored
        }
        let mut out = Vec::new();
        for (_, (write, _)) in std::mem::take(&mut ctx.pending) {
            if let Write::Commit { client, .. } = write {
                out.push(Effect::Respond { client, response: Response::Commit(Err(GroupError::NotCoordinator)) });
            }
        }
        for (group, g) in ctx.groups.iter_mut() {
            for e in g.unload() {
                push_group_effect(&mut out, partition, ctx.epoch, group, e);
            }
        }
        ctx.state = ContextState::Closed;
        out.push(Effect::Context { partition, state: ContextState::Closed });
        out
    }

    /// CP4: the context serving `group`, or why there is none.
    fn route(&mut self, group: &str) -> Result<(u32, &mut Context), GroupError> {
        let p = partition_for(group, self.partitions);
        match self.contexts.get_mut(&p) {
            Some(c) if c.state == ContextState::Active => Ok((p, c)),
            Some(c) if c.state == ContextState::Loading => Err(GroupError::CoordinatorLoadInProgress),
            _ => Err(GroupError::NotCoordinator),
        }
    }

    /// A request for `group` arrives.
    pub fn handle(&mut self, now: TimeMs, group: &str, req: Request) -> Vec<Effect> {
        let config = self.config;
        let mut next_write = self.next_write;
        let mut out = Vec::new();
        let (partition, ctx) = match self.route(group) {
            Ok(x) => x,
            Err(e) => return vec![Effect::Respond { client: req.client().to_string(), response: Response::Refused(e) }],
        };
        let epoch = ctx.epoch;
        match req {
            Request::Fetch { client, partitions } => {
                let committed = ctx.offsets.get(group);
                let answer = partitions.into_iter().map(|tp| (tp.clone(), committed.and_then(|c| c.get(&tp)).copied().unwrap_or(-1))).collect();
                out.push(Effect::Respond { client, response: Response::Fetch(Ok(answer)) });
            }
            Request::Commit { client, member_id, instance_id, generation, offsets } => {
                let g = ctx.groups.get_mut(group);
                let valid = match &g {
                    // OC2: a missing group is created only for a commit from outside it.
                    None if generation < 0 && member_id.is_empty() => Ok(()),
                    None => Err(GroupError::IllegalGeneration),
                    Some(g) => g.validate_commit(&member_id, instance_id.as_deref(), generation),
                };
                if let Err(e) = valid {
                    out.push(Effect::Respond { client, response: Response::Commit(Err(e)) });
                } else {
                    if let Some(g) = g {
                        let effects = g.commit_heard(now, &member_id);
                        lift(&mut out, partition, epoch, group, effects, &mut next_write, ctx);
                    }
                    let records = offsets.iter().map(|(tp, o)| OffsetsRecord::Commit { group: group.to_string(), tp: tp.clone(), offset: *o }).map(|r| (r.key(), r.value())).collect();
                    append(&mut out, partition, epoch, &mut next_write, ctx, Write::Commit { group: group.to_string(), client, offsets }, records, now);
                }
            }
            other => {
                // Only a JoinGroup creates a group; anything else for an unknown group is
                // answered by an empty one that is not kept (UNKNOWN_MEMBER_ID).
                let mut scratch = ClassicGroup::new(group, config);
                let g = match (&other, ctx.groups.contains_key(group)) {
                    (Request::Join(_), false) => ctx.groups.entry(group.to_string()).or_insert(scratch),
                    (_, false) => &mut scratch,
                    (_, true) => ctx.groups.get_mut(group).expect("present"),
                };
                let effects = match other {
                    Request::Join(j) => g.join(now, j),
                    Request::Sync { client, member_id, instance_id, generation, assignments } => g.sync(now, &client, &member_id, instance_id.as_deref(), generation, assignments),
                    Request::Heartbeat { client, member_id, instance_id, generation } => g.heartbeat(now, &client, &member_id, instance_id.as_deref(), generation),
                    Request::Leave { client, member_id } => g.leave(now, &client, &member_id),
                    Request::Fetch { .. } | Request::Commit { .. } => unreachable!("handled above"),
                };
                lift(&mut out, partition, epoch, group, effects, &mut next_write, ctx);
                arm_write_timeouts(&mut out, now, partition, epoch);
            }
        }
        self.next_write = next_write;
        out
    }

    /// The records of `write` were appended; `end` is the offset after the last of them.
    pub fn appended(&mut self, partition: u32, write: u64, end: Offset) {
        if let Some((_, at)) = self.contexts.get_mut(&partition).and_then(|c| c.pending.get_mut(&write)) {
            *at = Some(end);
        }
    }

    /// The append of `write` failed (the replica is no longer leader, or is below min ISR).
    pub fn append_failed(&mut self, now: TimeMs, partition: u32, write: u64, error: GroupError) -> Vec<Effect> {
        self.fail(now, partition, write, error)
    }

    /// CP6: the HW of `partition` is now `hw`: every write wholly below it is committed.
    pub fn hw_advanced(&mut self, partition: u32, hw: Offset) -> Vec<Effect> {
        let mut out = Vec::new();
        let mut next_write = self.next_write;
        let Some(ctx) = self.contexts.get_mut(&partition).filter(|c| c.state == ContextState::Active) else { return out };
        ctx.last_committed = ctx.last_committed.max(hw);
        let done: Vec<u64> = ctx.pending.iter().filter(|(_, (_, end))| end.is_some_and(|e| e <= hw)).map(|(id, _)| *id).collect();
        let epoch = ctx.epoch;
        for id in done {
            let (write, _) = ctx.pending.remove(&id).expect("listed");
            match write {
                Write::Commit { group, client, offsets } => {
                    let committed = ctx.offsets.entry(group).or_default();
                    for (tp, o) in offsets {
                        committed.insert(tp, o);
                    }
                    out.push(Effect::Respond { client, response: Response::Commit(Ok(())) });
                }
                Write::Group { group, generation } => {
                    if let Some(g) = ctx.groups.get_mut(&group) {
                        let effects = g.sync_persisted(generation);
                        lift(&mut out, partition, epoch, &group, effects, &mut next_write, ctx);
                    }
                }
            }
        }
        self.next_write = next_write;
        out
    }

    /// A runtime timer fires; a stale one (another load, a finished write) does nothing.
    pub fn fire(&mut self, now: TimeMs, timer: Timer) -> Vec<Effect> {
        match timer {
            Timer::Write { partition, epoch, write } => {
                if self.contexts.get(&partition).is_some_and(|c| c.epoch == epoch) {
                    // CP6: REQUEST_TIMED_OUT maps to COORDINATOR_NOT_AVAILABLE.
                    return self.fail(now, partition, write, GroupError::CoordinatorNotAvailable);
                }
                Vec::new()
            }
            Timer::Group { partition, epoch, group, timer } => {
                let mut out = Vec::new();
                let mut next_write = self.next_write;
                let Some(ctx) = self.contexts.get_mut(&partition).filter(|c| c.epoch == epoch && c.state == ContextState::Active) else { return out };
                let Some(g) = ctx.groups.get_mut(&group) else { return out };
                let effects = g.fire(now, timer);
                lift(&mut out, partition, epoch, &group, effects, &mut next_write, ctx);
                arm_write_timeouts(&mut out, now, partition, epoch);
                self.next_write = next_write;
                out
            }
        }
    }

    /// CP6: a write failed: nothing is applied; a commit is answered with the error, a
    /// leader's assignment makes the group rebalance again.
    fn fail(&mut self, now: TimeMs, partition: u32, write: u64, error: GroupError) -> Vec<Effect> {
        let mut out = Vec::new();
        let mut next_write = self.next_write;
        let Some(ctx) = self.contexts.get_mut(&partition) else { return out };
        let Some((w, _)) = ctx.pending.remove(&write) else { return out };
        let epoch = ctx.epoch;
        match w {
            Write::Commit { client, .. } => out.push(Effect::Respond { client, response: Response::Commit(Err(error)) }),
            Write::Group { group, generation } => {
                if let Some(g) = ctx.groups.get_mut(&group) {
                    let effects = g.sync_persist_failed(now, generation, error);
                    lift(&mut out, partition, epoch, &group, effects, &mut next_write, ctx);
                }
            }
        }
        arm_write_timeouts(&mut out, now, partition, epoch);
        self.next_write = next_write;
        out
    }
}

/// Registers a write and asks for its append.
#[allow(clippy::too_many_arguments)] // the pieces of one write
fn append(out: &mut Vec<Effect>, partition: u32, epoch: LeaderEpoch, next_write: &mut u64, ctx: &mut Context, write: Write, records: Vec<(String, String)>, now: TimeMs) {
    *next_write += 1;
    ctx.pending.insert(*next_write, (write, None));
    out.push(Effect::Append { partition, write: *next_write, records });
    out.push(Effect::Timer { at: now + OFFSETS_COMMIT_TIMEOUT_MS, timer: Timer::Write { partition, epoch, write: *next_write } });
}

/// Timeouts for the group writes `lift` registered (commits arm theirs in `append`).
fn arm_write_timeouts(out: &mut Vec<Effect>, now: TimeMs, partition: u32, epoch: LeaderEpoch) {
    let missing: Vec<u64> = out
        .iter()
        .filter_map(|e| match e {
            Effect::Append { write, .. } if !out.iter().any(|t| matches!(t, Effect::Timer { timer: Timer::Write { write: w, .. }, .. } if w == write)) => Some(*write),
            _ => None,
        })
        .collect();
    for write in missing {
        out.push(Effect::Timer { at: now + OFFSETS_COMMIT_TIMEOUT_MS, timer: Timer::Write { partition, epoch, write } });
    }
}

fn push_group_effect(out: &mut Vec<Effect>, partition: u32, epoch: LeaderEpoch, group: &str, e: classic::Effect) {
    match e {
        classic::Effect::Respond { client, response } => out.push(Effect::Respond { client, response: Response::Classic(response) }),
        classic::Effect::Timer { at, timer } => out.push(Effect::Timer { at, timer: Timer::Group { partition, epoch, group: group.to_string(), timer } }),
        other => out.push(Effect::Group { partition, group: group.to_string(), effect: other }),
    }
}

/// A classic group's effects in runtime terms: a Persist becomes a pending write.
fn lift(out: &mut Vec<Effect>, partition: u32, epoch: LeaderEpoch, group: &str, effects: Vec<classic::Effect>, next_write: &mut u64, ctx: &mut Context) {
    for e in effects {
        match e {
            classic::Effect::Persist(metadata) => {
                let generation = metadata.generation;
                let r = OffsetsRecord::Group { group: group.to_string(), metadata };
                *next_write += 1;
                ctx.pending.insert(*next_write, (Write::Group { group: group.to_string(), generation }, None));
                out.push(Effect::Append { partition, write: *next_write, records: vec![(r.key(), r.value())] });
            }
            other => push_group_effect(out, partition, epoch, group, other),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::group::classic::{GroupState, Subscription};

    /// The records read back as written (the hand-written JSON), names that need escaping
    /// included, and a commit's value is the JSON the log shows.
    #[test]
    fn offsets_records_round_trip() {
        let tp = TopicPartition::new("t\"x", 3);
        let metadata = GroupMetadata { generation: 4, protocol: Some("range".into()), leader: None, members: vec![("m\\1".into(), "c,1".into(), Some("i:1".into()), vec![tp.clone()])] };
        for r in [OffsetsRecord::Group { group: "g \"1\"".into(), metadata }, OffsetsRecord::Commit { group: "g".into(), tp: tp.clone(), offset: -1 }] {
            assert_eq!(OffsetsRecord::parse(&r.value()), Some(r.clone()), "{}", r.value());
        }
        let c = OffsetsRecord::Commit { group: "g".into(), tp: TopicPartition::new("t", 0), offset: 5 };
        assert_eq!(c.value(), r#"{"type":"offset","group":"g","topic":"t","partition":0,"offset":5}"#);
    }

    const GROUP: &str = "orders"; // CP1: hashCode -1008770331: partition 31 of 50, 0 of 3

    fn join(client: &str, member_id: &str) -> Request {
        let sub = Subscription { topics: vec!["t".into()], owned: Vec::new(), generation: -1 };
        Request::Join(JoinGroup { client: client.into(), member_id: member_id.into(), instance_id: None, session_timeout_ms: 45_000, rebalance_timeout_ms: 300_000, protocols: vec![("range".into(), sub)] })
    }

    fn active() -> (Coordinator, u32) {
        let mut c = Coordinator::new(3, ClassicConfig::default(), 45_000);
        let p = partition_for(GROUP, 3);
        c.became_leader(p, LeaderEpoch(0));
        c.loaded(0, p, LeaderEpoch(0), &[], Offset(0));
        (c, p)
    }

    fn answers(out: &[Effect]) -> Vec<(&str, &Response)> {
        out.iter().filter_map(|e| if let Effect::Respond { client, response } = e { Some((client.as_str(), response)) } else { None }).collect()
    }

    fn appends(out: &[Effect]) -> Vec<(u64, Vec<(String, String)>)> {
        out.iter().filter_map(|e| if let Effect::Append { write, records, .. } = e { Some((*write, records.clone())) } else { None }).collect()
    }

    /// Drives one member to Stable generation 1 with t-0..t-3; returns the log written.
    fn stable(c: &mut Coordinator, p: u32) -> Vec<String> {
        c.handle(0, GROUP, join("c1", ""));
        c.handle(0, GROUP, join("c1", "c1-1"));
        let timer = Timer::Group { partition: p, epoch: LeaderEpoch(0), group: GROUP.into(), timer: classic::Timer::InitialDelay { generation: 0 } };
        c.fire(3000, timer);
        let assignment = LiteMap::from_iter([("c1-1".to_string(), (0..4).map(|i| TopicPartition::new("t", i)).collect())]);
        let out = c.handle(3000, GROUP, Request::Sync { client: "c1".into(), member_id: "c1-1".into(), instance_id: None, generation: 1, assignments: Some(assignment) });
        let (write, records) = appends(&out).remove(0);
        c.appended(p, write, Offset(1));
        c.hw_advanced(p, Offset(1));
        records.into_iter().map(|(_, v)| v).collect()
    }

    /// CP1 + CP4: the group's partition decides; no context → NOT_COORDINATOR; a loading one →
    /// COORDINATOR_LOAD_IN_PROGRESS.
    #[test]
    fn cp4_routing_errors() {
        let mut c = Coordinator::new(3, ClassicConfig::default(), 45_000);
        assert_eq!(partition_for(GROUP, 3), 0);
        c.became_leader(1, LeaderEpoch(3)); // another group's partition
        let out = c.handle(0, GROUP, join("c1", ""));
        assert_eq!(answers(&out), vec![("c1", &Response::Refused(GroupError::NotCoordinator))]);
        c.became_leader(0, LeaderEpoch(3));
        let out = c.handle(0, GROUP, join("c1", ""));
        assert_eq!(answers(&out), vec![("c1", &Response::Refused(GroupError::CoordinatorLoadInProgress))]);
        assert!(c.loaded(10, 0, LeaderEpoch(2), &[], Offset(0)).is_empty(), "a load of another epoch is stale");
        c.loaded(10, 0, LeaderEpoch(3), &[], Offset(0));
        let out = c.handle(10, GROUP, join("c1", ""));
        assert!(matches!(answers(&out)[0].1, Response::Classic(classic::Response::Join(j)) if j.error == Some(GroupError::MemberIdRequired)));
    }

    /// CP6: the leader's SyncGroup is answered only once the HW passes its record.
    #[test]
    fn cp6_sync_answered_after_the_hw_passes() {
        let (mut c, p) = active();
        c.handle(0, GROUP, join("c1", ""));
        c.handle(0, GROUP, join("c1", "c1-1"));
        c.fire(3000, Timer::Group { partition: p, epoch: LeaderEpoch(0), group: GROUP.into(), timer: classic::Timer::InitialDelay { generation: 0 } });
        let out = c.handle(3000, GROUP, Request::Sync { client: "c1".into(), member_id: "c1-1".into(), instance_id: None, generation: 1, assignments: Some(LiteMap::new()) });
        assert!(answers(&out).is_empty());
        let (write, _) = appends(&out).remove(0);
        assert!(out.contains(&Effect::Timer { at: 3000 + OFFSETS_COMMIT_TIMEOUT_MS, timer: Timer::Write { partition: p, epoch: LeaderEpoch(0), write } }));
        c.appended(p, write, Offset(5));
        assert!(answers(&c.hw_advanced(p, Offset(4))).is_empty(), "HW 4 has not passed the record ending at 5");
        let out = c.hw_advanced(p, Offset(5));
        assert_eq!(answers(&out), vec![("c1", &Response::Classic(classic::Response::Sync(Ok(Vec::new()))))]);
        assert_eq!(c.contexts[&p].groups.get(GROUP).expect("present").state, GroupState::Stable);
    }

    /// OC2 + CP6 + OC5: a commit is applied and acknowledged once committed; a fetch sees only
    /// committed offsets (-1 where none).
    #[test]
    fn oc2_commit_then_fetch() {
        let (mut c, p) = active();
        stable(&mut c, p);
        let t0 = TopicPartition::new("t", 0);
        let out = c.handle(4000, GROUP, Request::Commit { client: "c1".into(), member_id: "c1-1".into(), instance_id: None, generation: 1, offsets: vec![(t0.clone(), 42)] });
        let (write, records) = appends(&out).remove(0);
        assert_eq!(records[0].0, "offset:orders:t-0");
        let fetch = Request::Fetch { client: "c1".into(), partitions: vec![t0.clone(), TopicPartition::new("t", 1)] };
        let out = c.handle(4001, GROUP, fetch.clone());
        assert_eq!(answers(&out), vec![("c1", &Response::Fetch(Ok(vec![(t0.clone(), -1), (TopicPartition::new("t", 1), -1)])))], "not committed yet");
        c.appended(p, write, Offset(2));
        let out = c.hw_advanced(p, Offset(2));
        assert_eq!(answers(&out), vec![("c1", &Response::Commit(Ok(())))]);
        let out = c.handle(4002, GROUP, fetch);
        assert_eq!(answers(&out), vec![("c1", &Response::Fetch(Ok(vec![(t0, 42), (TopicPartition::new("t", 1), -1)])))]);
        // A stale generation is refused and nothing is written.
        let out = c.handle(4003, GROUP, Request::Commit { client: "c1".into(), member_id: "c1-1".into(), instance_id: None, generation: 0, offsets: vec![] });
        assert_eq!(answers(&out), vec![("c1", &Response::Commit(Err(GroupError::IllegalGeneration)))]);
        assert!(appends(&out).is_empty());
    }

    /// CP6: a write that times out is not applied and answers COORDINATOR_NOT_AVAILABLE.
    #[test]
    fn cp6_timed_out_commit_is_reverted() {
        let (mut c, p) = active();
        stable(&mut c, p);
        let t0 = TopicPartition::new("t", 0);
        let out = c.handle(4000, GROUP, Request::Commit { client: "c1".into(), member_id: "c1-1".into(), instance_id: None, generation: 1, offsets: vec![(t0.clone(), 42)] });
        let (write, _) = appends(&out).remove(0);
        c.appended(p, write, Offset(2));
        let out = c.fire(9000, Timer::Write { partition: p, epoch: LeaderEpoch(0), write });
        assert_eq!(answers(&out), vec![("c1", &Response::Commit(Err(GroupError::CoordinatorNotAvailable)))]);
        assert!(answers(&c.hw_advanced(p, Offset(2))).is_empty(), "a timed-out write stays failed");
        assert!(!c.contexts[&p].offsets.get(GROUP).is_some_and(|o| o.contains_key(&t0)));
    }

    /// CP5: unloading fails pending writes with NOT_COORDINATOR and kills the groups; an
    /// unload for an older epoch is ignored.
    #[test]
    fn cp5_unload() {
        let (mut c, p) = active();
        stable(&mut c, p);
        c.handle(4000, GROUP, Request::Commit { client: "c1".into(), member_id: "c1-1".into(), instance_id: None, generation: 1, offsets: vec![(TopicPartition::new("t", 0), 7)] });
        c.became_leader(p, LeaderEpoch(2));
        assert_eq!(c.contexts[&p].state, ContextState::Loading, "a newer epoch reloads");
        let (mut c, p) = active();
        stable(&mut c, p);
        c.handle(4000, GROUP, Request::Commit { client: "c1".into(), member_id: "c1-1".into(), instance_id: None, generation: 1, offsets: vec![(TopicPartition::new("t", 0), 7)] });
        let out = c.resigned(p, LeaderEpoch(0));
        assert_eq!(answers(&out), vec![("c1", &Response::Commit(Err(GroupError::NotCoordinator)))]);
        assert_eq!(c.contexts[&p].groups.get(GROUP).expect("present").state, GroupState::Dead);
        let out = c.handle(4001, GROUP, Request::Heartbeat { client: "c1".into(), member_id: "c1-1".into(), instance_id: None, generation: 1 });
        assert_eq!(answers(&out), vec![("c1", &Response::Refused(GroupError::NotCoordinator))]);
    }

    /// CP3 + CP7: a new leader replays the log it has: the group comes back Stable at its
    /// persisted generation, the committed offsets with it.
    #[test]
    fn cp7_failover_replays_the_log() {
        let (mut c, p) = active();
        let mut log = stable(&mut c, p);
        log.push(OffsetsRecord::Commit { group: GROUP.into(), tp: TopicPartition::new("t", 2), offset: 80 }.value());
        log.push("not a record".into());
        let mut other = Coordinator::new(3, ClassicConfig::default(), 45_000);
        other.became_leader(p, LeaderEpoch(1));
        let out = other.loaded(60_000, p, LeaderEpoch(1), &log, Offset(2));
        let ctx = &other.contexts[&p];
        assert_eq!(ctx.state, ContextState::Active);
        let g = &ctx.groups.get(GROUP).expect("present");
        assert_eq!((g.state, g.generation, g.leader.as_deref()), (GroupState::Stable, 1, Some("c1-1")));
        assert_eq!(ctx.offsets.get(GROUP).expect("present")[&TopicPartition::new("t", 2)], 80);
        assert!(out.iter().any(|e| matches!(e, Effect::Timer { at: 105_000, timer: Timer::Group { .. } })), "CP3: sessions restart at the load");
    }

    /// Only a JoinGroup creates a group: a heartbeat for an unknown one is answered
    /// UNKNOWN_MEMBER_ID and leaves nothing behind.
    #[test]
    fn only_a_join_creates_a_group() {
        let (mut c, p) = active();
        let out = c.handle(0, GROUP, Request::Heartbeat { client: "x".into(), member_id: "x-1".into(), instance_id: None, generation: 1 });
        assert_eq!(answers(&out), vec![("x", &Response::Classic(classic::Response::Heartbeat(Some(GroupError::UnknownMemberId))))]);
        assert!(c.contexts[&p].groups.is_empty());
    }

    /// Records read back as written.
    #[test]
    fn records_round_trip() {
        let m = GroupMetadata { generation: 3, protocol: Some("range".into()), leader: Some("a-1".into()), members: vec![("a-1".into(), "a".into(), Some("i".into()), vec![TopicPartition::new("t", 1)])] };
        for r in [OffsetsRecord::Group { group: "g".into(), metadata: m }, OffsetsRecord::Commit { group: "g".into(), tp: TopicPartition::new("t", 0), offset: -1 }] {
            assert_eq!(OffsetsRecord::parse(&r.value()), Some(r));
        }
    }
}
