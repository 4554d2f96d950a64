//! A consumer in a classic group, client side (PROTOCOL-GROUPS.md §1.3, CL10–CL16; §2.6 OC1,
//! OC6–OC10): the Java `KafkaConsumer` with `group.protocol=classic`, Kafka 4.x's default
//! (§0). Two actors, as §5.2 asks: the application thread ([`ClassicMember::poll`] every
//! `poll_interval_ms`, the time one batch takes to process) and the heartbeat thread
//! ([`ClassicMember::heartbeat_due`] every `heartbeat.interval.ms`).
//!
//! * CL10: the rebalance protocol is COOPERATIVE only if every assignor in the list supports
//!   it, so the default `[range, cooperative-sticky]` is EAGER and the group votes `range`.
//! * CL11 `onJoinPrepare` (in `poll`, before each JoinGroup): with auto-commit, commit every
//!   position and wait for the answer; after an error reset the owned partitions are *lost*
//!   (no commit); else EAGER revokes everything, COOPERATIVE nothing.
//! * CL12: the leader runs the selected assignor over the members' subscriptions.
//! * CL13: EAGER takes its assignment; COOPERATIVE revokes owned − assigned and rejoins.
//! * CL14: heartbeat errors — REBALANCE_IN_PROGRESS rejoins, ILLEGAL_GENERATION resets the
//!   generation, UNKNOWN_MEMBER_ID the generation and the member id, FENCED_INSTANCE_ID is fatal.
//! * CL15: `max.poll.interval.ms` without a poll: the heartbeat thread sends LeaveGroup (dynamic
//!   members only) and resets the generation; the partitions are lost at the next poll.
//! * CL16: a member that cannot reach its coordinator keeps fetching what it owns (a zombie).
//! * OC6: a partition's first position is its committed offset, else `auto.offset.reset`
//!   (earliest = log start, latest = the HW); OC7: out of range resets the same way.
//! * OC8: auto-commit at `poll()` entry once the interval has passed, of the positions of
//!   records returned by earlier polls (OC1: every owned partition with a position).
//!
//! Commit disciplines besides auto-commit ([`CommitMode`]): *after processing* commits at the
//! next poll's entry (the batch was processed in between), *before processing* right after the
//! fetch (a crash mid-batch skips its rest, OC9). Neither commits in the revoke callback, so a
//! rebalance replays from the last commit (GS1's variant).
//!
//! Sans-IO: every entry point returns [`Action`]s; the hub (`cluster/groups.rs`) sends, arms,
//! reads. Reads (Fetch, ListOffsets) are answered at once, as the cluster's other consumer's
//! are (Q1), through [`ClassicMember::fetched`] and [`ClassicMember::reset_to`].

use super::assignor::{self, Assignor, MemberSpec};
use super::classic::{JoinGroup, JoinResponse, Response, Subscription};
use super::coordinator::{Request, Response as CoordinatorResponse};
use super::GroupError;
use crate::ids::{BrokerId, TimeMs, TopicPartition};
use serde::Serialize;
use std::collections::BTreeMap;

/// `auto.offset.reset` (OC6).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum OffsetReset {
    /// The log start offset.
    Earliest,
    /// The HW (Kafka's default).
    Latest,
    /// No position: `poll()` fails for that partition (NoOffsetForPartitionException).
    None,
}

/// When the application commits (OC8, OC9).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum CommitMode {
    /// `enable.auto.commit=true` (the default): at poll entry every `auto.commit.interval.ms`,
    /// and before a rebalance (CL11).
    Auto,
    /// `commitSync()` after processing a batch: at the next poll's entry.
    AfterProcessing,
    /// `commitSync()` before processing: right after the fetch.
    BeforeProcessing,
}

/// A member's settings (§2.7's client defaults in [`MemberConfig::default`]).
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct MemberConfig {
    /// Subscribed topics.
    pub topics: Vec<String>,
    /// `partition.assignment.strategy`, preferred first.
    pub assignors: Vec<Assignor>,
    /// `group.instance.id` (static membership, ST1).
    pub instance_id: Option<String>,
    /// `session.timeout.ms` (45000).
    pub session_timeout_ms: u64,
    /// `heartbeat.interval.ms` (3000).
    pub heartbeat_interval_ms: u64,
    /// `max.poll.interval.ms` (300000), sent as the rebalance timeout.
    pub max_poll_interval_ms: u64,
    /// How it commits.
    pub commit: CommitMode,
    /// `auto.commit.interval.ms` (5000).
    pub auto_commit_interval_ms: u64,
    /// `auto.offset.reset` (latest).
    pub auto_offset_reset: OffsetReset,
    /// `max.poll.records` (500).
    pub max_poll_records: u32,
    /// The application's loop: how long processing one batch takes until the next `poll()`.
    pub poll_interval_ms: u64,
    /// `retry.backoff.ms` (100).
    pub retry_backoff_ms: u64,
    /// `request.timeout.ms` (30000).
    pub request_timeout_ms: u64,
}

impl Default for MemberConfig {
    fn default() -> Self {
        MemberConfig {
            topics: Vec::new(),
            assignors: vec![Assignor::Range, Assignor::CooperativeSticky],
            instance_id: None,
            session_timeout_ms: 45_000,
            heartbeat_interval_ms: 3000,
            max_poll_interval_ms: 300_000,
            commit: CommitMode::Auto,
            auto_commit_interval_ms: 5000,
            auto_offset_reset: OffsetReset::Latest,
            max_poll_records: 500,
            poll_interval_ms: 1000,
            retry_backoff_ms: 100,
            request_timeout_ms: 30_000,
        }
    }
}

impl MemberConfig {
    /// CL10: COOPERATIVE only if every configured assignor supports it.
    pub fn cooperative(&self) -> bool {
        !self.assignors.is_empty() && self.assignors.iter().all(|a| a.supports_cooperative())
    }
}

/// The client's view of its membership (§1.3), plus the ends of its life.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub enum MemberState {
    /// Not in a generation.
    Unjoined,
    /// A JoinGroup is on its way (or its onJoinPrepare commit).
    PreparingRebalance,
    /// Joined; waiting for SyncGroup's assignment.
    CompletingRebalance,
    /// Has its assignment.
    Stable,
    /// Closed, or crashed: does nothing until restarted.
    Stopped,
    /// A fatal error (FENCED_INSTANCE_ID, …): the application gave up.
    Fatal,
}

impl MemberState {
    /// The name Kafka's client uses (or ours for the last two).
    pub fn name(self) -> &'static str {
        match self {
            MemberState::Unjoined => "UNJOINED",
            MemberState::PreparingRebalance => "PREPARING_REBALANCE",
            MemberState::CompletingRebalance => "COMPLETING_REBALANCE",
            MemberState::Stable => "STABLE",
            MemberState::Stopped => "STOPPED",
            MemberState::Fatal => "FATAL",
        }
    }
}

/// The member's request lines: the application thread's blocking calls, the heartbeat
/// thread, and asynchronous commits. Each waits for at most one answer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum Channel {
    /// FindCoordinator, JoinGroup, SyncGroup, OffsetFetch, onJoinPrepare's commit, LeaveGroup.
    Main,
    /// Heartbeats (and the LeaveGroup of CL15).
    Heartbeat,
    /// Commits outside a rebalance.
    Commit,
}

impl Channel {
    /// The suffix the channel's requests carry in their client name (`c1`, `c1/hb`, `c1/ac`).
    pub fn suffix(self) -> &'static str {
        match self {
            Channel::Main => "",
            Channel::Heartbeat => "/hb",
            Channel::Commit => "/ac",
        }
    }

    /// `(member, channel)` of a tagged client name (a commit's also carries `#n`, its
    /// correlation id on the wire).
    pub fn untag(client: &str) -> (&str, Channel) {
        let client = client.split_once('#').map_or(client, |(c, _)| c);
        match client.rsplit_once('/') {
            Some((m, "hb")) => (m, Channel::Heartbeat),
            Some((m, "ac")) => (m, Channel::Commit),
            _ => (client, Channel::Main),
        }
    }
}

/// The member's timers, each carrying the incarnation (a restart makes the old ones stale)
/// and, for a request's, its sequence number.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum MemberTimer {
    /// The application's next `poll()`.
    Poll {
        /// The process it belongs to.
        incarnation: u32,
    },
    /// The heartbeat thread's next beat.
    Heartbeat {
        /// The process.
        incarnation: u32,
    },
    /// A back-off ends: send the channel's request again.
    Retry {
        /// The process.
        incarnation: u32,
        /// The line.
        channel: Channel,
        /// The request it belongs to.
        seq: u32,
    },
    /// `request.timeout.ms` (for JoinGroup: the rebalance timeout + 5 s) with no answer.
    Request {
        /// The process.
        incarnation: u32,
        /// The line.
        channel: Channel,
        /// The request.
        seq: u32,
    },
}

/// What a member asks of the hub.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Action {
    /// FindCoordinator to a bootstrap broker, on `channel`, tagged `seq`.
    FindCoordinator {
        /// The broker asked.
        to: BrokerId,
        /// The line.
        channel: Channel,
        /// The request's number.
        seq: u32,
    },
    /// A request to the coordinator.
    Send {
        /// The coordinator.
        to: BrokerId,
        /// The request (its client names the member and channel).
        request: Request,
    },
    /// Arm a timer.
    Timer {
        /// When.
        at: TimeMs,
        /// Which.
        timer: MemberTimer,
    },
    /// Fetch `tp` from `offset` from its leader, at most [`ClassicMember::budget`] records
    /// (answered by [`ClassicMember::fetched`]).
    Fetch {
        /// The partition.
        tp: TopicPartition,
        /// The position.
        offset: i64,
    },
    /// ListOffsets for `auto.offset.reset` (answered by [`ClassicMember::reset_to`]).
    ListOffsets {
        /// The partition.
        tp: TopicPartition,
        /// Earliest (log start) or latest (HW).
        earliest: bool,
    },
    /// Something to narrate.
    Note(Note),
}

/// What a member did, for the narration, the page's lane and the checker.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub enum Note {
    /// A JoinGroup answered: the generation, the leader and the protocol.
    Joined {
        /// The member id.
        member_id: String,
        /// The generation.
        generation: i32,
        /// Whether this member is the leader (it assigns, CL12).
        leader: bool,
        /// The selected assignor.
        protocol: String,
    },
    /// SyncGroup answered: its assignment for the generation.
    Assigned {
        /// The generation.
        generation: i32,
        /// The whole assignment.
        partitions: Vec<TopicPartition>,
        /// Those new to it.
        added: Vec<TopicPartition>,
    },
    /// `onPartitionsRevoked` (a clean hand-over, CL11/CL13).
    Revoked {
        /// The partitions.
        partitions: Vec<TopicPartition>,
    },
    /// `onPartitionsLost`: after an error reset, no commit is possible (CL14, OC10).
    Lost {
        /// The partitions.
        partitions: Vec<TopicPartition>,
    },
    /// A partition's position from its committed offset or the reset policy (OC6).
    Positioned {
        /// The partition.
        tp: TopicPartition,
        /// The position.
        offset: i64,
        /// Whether it came from `auto.offset.reset` (no commit, or out of range).
        reset: bool,
    },
    /// `auto.offset.reset=none` and no committed offset: `poll()` fails (OC6).
    NoOffset {
        /// The partition.
        tp: TopicPartition,
    },
    /// A commit was sent.
    Committing {
        /// The offsets.
        offsets: Vec<(TopicPartition, i64)>,
        /// Its generation.
        generation: i32,
    },
    /// A commit's answer.
    Committed {
        /// `None` is success.
        error: Option<GroupError>,
    },
    /// A heartbeat's error, and what the client does about it (CL14).
    HeartbeatError {
        /// The error.
        error: GroupError,
    },
    /// CL15: no `poll()` within `max.poll.interval.ms`.
    PollTimeout {
        /// Whether a LeaveGroup was sent (dynamic members only).
        left: bool,
    },
    /// CL16: no heartbeat answer within the session timeout: the coordinator is marked
    /// unknown, nothing is revoked.
    CoordinatorUnknown,
    /// A fatal error; the application stops.
    Fatal {
        /// The error.
        error: GroupError,
    },
    /// `close()`: committed (auto-commit) and left (dynamic members).
    Closed,
    /// The process started (again).
    Started {
        /// A restart of a crashed or closed one.
        restarted: bool,
    },
    /// The process died: no LeaveGroup, no commit.
    Crashed,
    /// The application slowed down (each batch now outlasts `max.poll.interval.ms`) or recovered.
    Slowed {
        /// Slow now.
        slow: bool,
    },
}

fn tps(list: &[TopicPartition]) -> String {
    list.iter().map(ToString::to_string).collect::<Vec<_>>().join(", ")
}

impl std::fmt::Display for Note {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Note::Joined { member_id, generation, leader, protocol } => {
                write!(f, "CL5 joined as {member_id}, generation {generation}, protocol {protocol}{}", if *leader { ", leader (assigns, CL12)" } else { "" })
            }
            Note::Assigned { generation, partitions, added } => write!(f, "CL13 generation {generation} assigns [{}], new [{}]", tps(partitions), tps(added)),
            Note::Revoked { partitions } => write!(f, "CL11 onPartitionsRevoked [{}]", tps(partitions)),
            Note::Lost { partitions } => write!(f, "CL14 onPartitionsLost [{}]: no commit possible", tps(partitions)),
            Note::Positioned { tp, offset, reset: false } => write!(f, "OC6 {tp} resumes at its committed offset {offset}"),
            Note::Positioned { tp, offset, reset: true } => write!(f, "OC6 {tp} has no usable commit: auto.offset.reset gives {offset}"),
            Note::NoOffset { tp } => write!(f, "OC6 {tp}: no committed offset and auto.offset.reset=none"),
            Note::Committing { offsets, generation } => write!(f, "OC1 commits {} (generation {generation})", crate::message::offsets_str(offsets)),
            Note::Committed { error: None } => write!(f, "OC2 commit acknowledged"),
            Note::Committed { error: Some(e) } => write!(f, "OC2 commit refused: {}", e.name()),
            Note::HeartbeatError { error } => write!(f, "CL14 heartbeat answered {}", error.name()),
            Note::PollTimeout { left } => write!(f, "CL15 no poll within max.poll.interval.ms{}", if *left { ": LeaveGroup, generation reset" } else { ": generation reset (static: no LeaveGroup)" }),
            Note::CoordinatorUnknown => write!(f, "CL16 no heartbeat answer within the session timeout: coordinator unknown, partitions kept"),
            Note::Fatal { error } => write!(f, "fatal {}: the consumer stops", error.name()),
            Note::Closed => write!(f, "close(): left the group"),
            Note::Started { restarted: false } => write!(f, "starts"),
            Note::Started { restarted: true } => write!(f, "restarts (a new process)"),
            Note::Crashed => write!(f, "crashes: no LeaveGroup, no commit"),
            Note::Slowed { slow: true } => write!(f, "processing slows past max.poll.interval.ms"),
            Note::Slowed { slow: false } => write!(f, "processing is fast again"),
        }
    }
}

/// What the application thread is waiting for on [`Channel::Main`].
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
enum MainOp {
    /// CL11 step 1: onJoinPrepare's commit; JoinGroup follows.
    PrepareCommit(Vec<(TopicPartition, i64)>),
    /// JoinGroup.
    Join,
    /// SyncGroup of a generation (the leader's carries the assignment).
    Sync(Option<BTreeMap<String, Vec<TopicPartition>>>),
    /// OffsetFetch for new partitions (OC6).
    FetchOffsets(Vec<TopicPartition>),
    /// `close()`: the commit, then the LeaveGroup.
    CloseCommit(Vec<(TopicPartition, i64)>),
    /// `close()`: the LeaveGroup.
    Leave,
}

/// One request line's state.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize)]
struct Line {
    /// The request's number; answers and timers of others are stale.
    seq: u32,
    /// Waiting for an answer (or a back-off).
    busy: bool,
}

/// A consumer of a classic group.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct ClassicMember {
    /// `client.id`, also the member's name in the page.
    pub name: String,
    /// `group.id`.
    pub group: String,
    /// Its settings.
    pub cfg: MemberConfig,
    /// Its state.
    pub state: MemberState,
    /// Its member id ("" before the first join, CL2).
    pub member_id: String,
    /// Its generation (-1: none).
    pub generation: i32,
    /// Whether it led the last join.
    pub leader: bool,
    /// The coordinator it knows.
    pub coordinator: Option<BrokerId>,
    /// What it owns (fetches and processes).
    pub owned: Vec<TopicPartition>,
    /// The next offset to process, per owned partition with a position.
    pub positions: BTreeMap<TopicPartition, i64>,
    /// A rebalance is needed (CL14's REBALANCE_IN_PROGRESS, CL13's cooperative second round).
    pub rejoin_needed: bool,
    /// The generation was reset by an error: the next onJoinPrepare loses what it owns (CL14).
    pub needs_lost: bool,
    /// Processing is slow: each batch takes longer than `max.poll.interval.ms` (GS6).
    pub slow: bool,
    /// The process: a restart is a new one.
    pub incarnation: u32,
    /// The last `poll()`.
    pub last_poll: TimeMs,
    /// The last successful heartbeat (or join), for CL16.
    pub last_heard: TimeMs,
    /// The last auto-commit (OC8).
    pub last_auto_commit: TimeMs,
    /// Records delivered since the last commit was sent (for the manual modes).
    pub uncommitted: bool,
    /// What is left of this poll's `max.poll.records`.
    pub budget: u32,
    main: Line,
    main_op: Option<MainOp>,
    heartbeat: Line,
    heartbeat_generation: i32,
    commit: Line,
    /// The bootstrap broker to ask next.
    bootstrap: u32,
    brokers: u32,
}

impl ClassicMember {
    /// A consumer process starting at `now` (its first poll at `now`): returns the timers to arm.
    pub fn new(name: impl Into<String>, group: impl Into<String>, cfg: MemberConfig, brokers: u32, incarnation: u32, now: TimeMs) -> (ClassicMember, Vec<Action>) {
        let m = ClassicMember {
            name: name.into(),
            group: group.into(),
            cfg,
            state: MemberState::Unjoined,
            member_id: String::new(),
            generation: -1,
            leader: false,
            coordinator: None,
            owned: Vec::new(),
            positions: BTreeMap::new(),
            rejoin_needed: true,
            needs_lost: false,
            slow: false,
            incarnation,
            last_poll: now,
            last_heard: now,
            last_auto_commit: now,
            uncommitted: false,
            budget: 0,
            main: Line::default(),
            main_op: None,
            heartbeat: Line::default(),
            heartbeat_generation: -1,
            commit: Line::default(),
            bootstrap: incarnation,
            brokers,
        };
        let timers = vec![
            Action::Timer { at: now, timer: MemberTimer::Poll { incarnation } },
            Action::Timer { at: now + m.cfg.heartbeat_interval_ms, timer: MemberTimer::Heartbeat { incarnation } },
        ];
        (m, timers)
    }

    /// Whether the process runs.
    pub fn is_running(&self) -> bool {
        !matches!(self.state, MemberState::Stopped | MemberState::Fatal)
    }

    fn client(&self, channel: Channel) -> String {
        format!("{}{}", self.name, channel.suffix())
    }

    fn line(&mut self, channel: Channel) -> &mut Line {
        match channel {
            Channel::Main => &mut self.main,
            Channel::Heartbeat => &mut self.heartbeat,
            Channel::Commit => &mut self.commit,
        }
    }

    /// The time to wait for an answer on `channel` (Kafka's JoinGroup waits out the rebalance
    /// timeout plus 5 s, as the coordinator may park it that long).
    fn timeout(&self, channel: Channel) -> u64 {
        match (channel, &self.main_op) {
            (Channel::Main, Some(MainOp::Join)) => self.cfg.request_timeout_ms.max(self.cfg.max_poll_interval_ms + 5000),
            _ => self.cfg.request_timeout_ms,
        }
    }

    /// Sends `request` on `channel` (after a FindCoordinator if the coordinator is unknown).
    fn send(&mut self, now: TimeMs, channel: Channel, request: Option<Request>, out: &mut Vec<Action>) {
        let incarnation = self.incarnation;
        let timeout = self.timeout(channel);
        let coordinator = self.coordinator;
        let to_bootstrap = BrokerId(self.bootstrap % self.brokers.max(1) + 1);
        let line = self.line(channel);
        line.seq += 1;
        line.busy = true;
        let seq = line.seq;
        match (coordinator, request) {
            (Some(to), Some(request)) => out.push(Action::Send { to, request }),
            _ => out.push(Action::FindCoordinator { to: to_bootstrap, channel, seq }),
        }
        out.push(Action::Timer { at: now + timeout, timer: MemberTimer::Request { incarnation, channel, seq } });
    }

    fn back_off(&mut self, now: TimeMs, channel: Channel, out: &mut Vec<Action>) {
        let incarnation = self.incarnation;
        let at = now + self.cfg.retry_backoff_ms;
        let line = self.line(channel);
        line.seq += 1;
        line.busy = true;
        out.push(Action::Timer { at, timer: MemberTimer::Retry { incarnation, channel, seq: line.seq } });
    }

    fn done(&mut self, channel: Channel) {
        let line = self.line(channel);
        line.seq += 1;
        line.busy = false;
    }

    /// The request the main line's operation sends.
    fn main_request(&self) -> Option<Request> {
        let client = self.client(Channel::Main);
        let instance_id = self.cfg.instance_id.clone();
        Some(match self.main_op.as_ref()? {
            MainOp::PrepareCommit(offsets) | MainOp::CloseCommit(offsets) => {
                Request::Commit { client, member_id: self.member_id.clone(), instance_id, generation: self.generation, offsets: offsets.clone() }
            }
            MainOp::Join => Request::Join(JoinGroup {
                client,
                member_id: self.member_id.clone(),
                instance_id,
                session_timeout_ms: self.cfg.session_timeout_ms,
                rebalance_timeout_ms: self.cfg.max_poll_interval_ms,
                protocols: self
                    .cfg
                    .assignors
                    .iter()
                    .map(|a| (a.name().to_string(), Subscription { topics: self.cfg.topics.clone(), owned: self.owned.clone(), generation: self.generation }))
                    .collect(),
            }),
            MainOp::Sync(assignments) => Request::Sync {
                client,
                member_id: self.member_id.clone(),
                instance_id,
                generation: self.generation,
                assignments: assignments.as_ref().map(|a| a.iter().map(|(k, v)| (k.clone(), v.clone())).collect()),
            },
            MainOp::FetchOffsets(tps) => Request::Fetch { client, partitions: tps.clone() },
            MainOp::Leave => Request::Leave { client, member_id: self.member_id.clone() },
        })
    }

    fn start_main(&mut self, now: TimeMs, op: MainOp, out: &mut Vec<Action>) {
        self.main_op = Some(op);
        let request = self.main_request();
        self.send(now, Channel::Main, request, out);
    }

    fn positions_of_owned(&self) -> Vec<(TopicPartition, i64)> {
        self.owned.iter().filter_map(|tp| self.positions.get(tp).map(|o| (tp.clone(), *o))).collect()
    }

    fn commit_async(&mut self, now: TimeMs, out: &mut Vec<Action>) {
        let offsets = self.positions_of_owned();
        if offsets.is_empty() || self.commit.busy || self.generation < 0 {
            return;
        }
        self.uncommitted = false;
        out.push(Action::Note(Note::Committing { offsets: offsets.clone(), generation: self.generation }));
        let request = Request::Commit { client: self.client(Channel::Commit), member_id: self.member_id.clone(), instance_id: self.cfg.instance_id.clone(), generation: self.generation, offsets };
        self.send(now, Channel::Commit, Some(request), out);
    }

    /// The application's `poll()`: OC8's auto-commit or the manual commit at entry, CL11's
    /// onJoinPrepare and JoinGroup if a rebalance is needed, then the fetches of what it owns
    /// (CL16: whether or not the coordinator is reachable). The next poll comes after the
    /// batch's processing time.
    pub fn poll(&mut self, now: TimeMs, incarnation: u32) -> Vec<Action> {
        let mut out = Vec::new();
        if incarnation != self.incarnation || !self.is_running() || matches!(self.main_op, Some(MainOp::CloseCommit(_) | MainOp::Leave)) {
            return out;
        }
        self.last_poll = now;
        let interval = if self.slow { self.cfg.max_poll_interval_ms + self.cfg.max_poll_interval_ms / 3 } else { self.cfg.poll_interval_ms };
        out.push(Action::Timer { at: now + interval.max(1), timer: MemberTimer::Poll { incarnation } });
        if self.state == MemberState::Stable && self.generation >= 0 {
            match self.cfg.commit {
                CommitMode::Auto if now >= self.last_auto_commit + self.cfg.auto_commit_interval_ms => {
                    self.last_auto_commit = now;
                    self.commit_async(now, &mut out);
                }
                CommitMode::AfterProcessing if self.uncommitted => self.commit_async(now, &mut out),
                _ => {}
            }
        }
        if !self.main.busy && (self.state == MemberState::Unjoined || self.rejoin_needed) {
            self.prepare_join(now, &mut out);
        }
        // Owned partitions without a position (new, or whose lookup failed) look it up.
        let missing: Vec<TopicPartition> = self.owned.iter().filter(|tp| !self.positions.contains_key(*tp)).cloned().collect();
        if !missing.is_empty() && !self.main.busy && self.state == MemberState::Stable {
            self.start_main(now, MainOp::FetchOffsets(missing), &mut out);
        }
        self.budget = self.cfg.max_poll_records;
        for tp in &self.owned {
            if let Some(&offset) = self.positions.get(tp) {
                out.push(Action::Fetch { tp: tp.clone(), offset });
            }
        }
        out
    }

    /// The fetch of `tp` answered `records` (their offsets, ascending) or an error.
    /// Returns the actions of OC7 (out of range: reset) — the delivery itself is the hub's.
    pub fn fetched(&mut self, tp: &TopicPartition, result: Result<Vec<i64>, crate::message::KafkaError>) -> Vec<Action> {
        let mut out = Vec::new();
        if !self.owned.contains(tp) {
            return out;
        }
        match result {
            Ok(offsets) => {
                if let Some(last) = offsets.last() {
                    self.positions.insert(tp.clone(), last + 1);
                    self.uncommitted = true;
                    self.budget = self.budget.saturating_sub(offsets.len() as u32);
                }
            }
            Err(crate::message::KafkaError::OffsetOutOfRange) => self.reset(tp.clone(), &mut out),
            Err(_) => {} // no leader now: the next poll tries again
        }
        out
    }

    /// After the poll's fetches: the before-processing discipline commits now.
    pub fn polled(&mut self, now: TimeMs) -> Vec<Action> {
        let mut out = Vec::new();
        if self.cfg.commit == CommitMode::BeforeProcessing && self.uncommitted && self.state == MemberState::Stable {
            self.commit_async(now, &mut out);
        }
        out
    }

    /// OC6 / OC7: the reset policy for `tp`.
    fn reset(&mut self, tp: TopicPartition, out: &mut Vec<Action>) {
        self.positions.remove(&tp);
        match self.cfg.auto_offset_reset {
            OffsetReset::Earliest => out.push(Action::ListOffsets { tp, earliest: true }),
            OffsetReset::Latest => out.push(Action::ListOffsets { tp, earliest: false }),
            OffsetReset::None => out.push(Action::Note(Note::NoOffset { tp })),
        }
    }

    /// ListOffsets answered `offset` for `tp` (`None`: no leader, tried again at the next poll).
    pub fn reset_to(&mut self, tp: &TopicPartition, offset: Option<i64>) -> Vec<Action> {
        match offset {
            Some(o) if self.owned.contains(tp) && !self.positions.contains_key(tp) => {
                self.positions.insert(tp.clone(), o);
                vec![Action::Note(Note::Positioned { tp: tp.clone(), offset: o, reset: true })]
            }
            _ => Vec::new(),
        }
    }

    /// CL11: onJoinPrepare, then JoinGroup.
    fn prepare_join(&mut self, now: TimeMs, out: &mut Vec<Action>) {
        self.rejoin_needed = false;
        self.state = MemberState::PreparingRebalance;
        if self.needs_lost {
            // CL11 step 2 / CL14: the generation is gone; nothing can be committed.
            self.needs_lost = false;
            if !self.owned.is_empty() {
                out.push(Action::Note(Note::Lost { partitions: std::mem::take(&mut self.owned) }));
            }
            self.positions.clear();
            return self.start_main(now, MainOp::Join, out);
        }
        let commit = if self.cfg.commit == CommitMode::Auto && self.generation >= 0 { self.positions_of_owned() } else { Vec::new() };
        if !self.cfg.cooperative() && !self.owned.is_empty() {
            // EAGER: revoke everything (no more records from here on).
            out.push(Action::Note(Note::Revoked { partitions: std::mem::take(&mut self.owned) }));
            self.positions.clear();
        }
        if commit.is_empty() {
            self.start_main(now, MainOp::Join, out);
        } else {
            out.push(Action::Note(Note::Committing { offsets: commit.clone(), generation: self.generation }));
            self.start_main(now, MainOp::PrepareCommit(commit), out);
        }
    }

    /// `close()`: auto-commit, then LeaveGroup (dynamic members; a static member's close does
    /// not leave, ST), then the process ends.
    pub fn close(&mut self, now: TimeMs) -> Vec<Action> {
        let mut out = Vec::new();
        if !self.is_running() {
            return out;
        }
        let commit = if self.cfg.commit == CommitMode::Auto && self.generation >= 0 && self.state == MemberState::Stable { self.positions_of_owned() } else { Vec::new() };
        if !commit.is_empty() {
            out.push(Action::Note(Note::Committing { offsets: commit.clone(), generation: self.generation }));
            self.start_main(now, MainOp::CloseCommit(commit), &mut out);
        } else {
            self.leave_or_stop(now, &mut out);
        }
        out
    }

    fn leave_or_stop(&mut self, now: TimeMs, out: &mut Vec<Action>) {
        if self.cfg.instance_id.is_none() && !self.member_id.is_empty() && self.coordinator.is_some() {
            self.main_op = Some(MainOp::Leave);
            let request = self.main_request();
            self.send(now, Channel::Main, request, out);
        }
        self.stop();
        out.push(Action::Note(Note::Closed));
    }

    fn stop(&mut self) {
        self.state = MemberState::Stopped;
        self.owned.clear();
        self.positions.clear();
        self.incarnation += 1;
    }

    /// The process dies (no LeaveGroup, no commit).
    pub fn crash(&mut self) {
        self.stop();
    }

    /// The heartbeat thread's beat: CL15's poll timeout, CL16's coordinator check, then a
    /// Heartbeat in CompletingRebalance or Stable.
    pub fn heartbeat_due(&mut self, now: TimeMs, incarnation: u32) -> Vec<Action> {
        let mut out = Vec::new();
        if incarnation != self.incarnation || !self.is_running() {
            return out;
        }
        out.push(Action::Timer { at: now + self.cfg.heartbeat_interval_ms, timer: MemberTimer::Heartbeat { incarnation } });
        let joined = matches!(self.state, MemberState::CompletingRebalance | MemberState::Stable);
        // The heartbeat thread runs only once joined (Java's `hasNotJoinedGroup()`: UNJOINED and
        // PREPARING_REBALANCE disable it), and so does its poll-timeout check.
        if joined && self.generation >= 0 && now > self.last_poll + self.cfg.max_poll_interval_ms {
            // CL15: leave (dynamic members), reset the generation; poll() will find it lost.
            let left = self.cfg.instance_id.is_none() && self.coordinator.is_some() && !self.member_id.is_empty();
            if left {
                let request = Request::Leave { client: self.client(Channel::Heartbeat), member_id: self.member_id.clone() };
                if let Some(to) = self.coordinator {
                    out.push(Action::Send { to, request });
                }
            }
            out.push(Action::Note(Note::PollTimeout { left }));
            self.reset_generation(true);
            return out;
        }
        if joined && self.coordinator.is_some() && now > self.last_heard + self.cfg.session_timeout_ms {
            // CL16: the coordinator is unknown; nothing is revoked.
            self.coordinator = None;
            out.push(Action::Note(Note::CoordinatorUnknown));
        }
        if joined && !self.heartbeat.busy {
            self.heartbeat_generation = self.generation;
            let request = Request::Heartbeat { client: self.client(Channel::Heartbeat), member_id: self.member_id.clone(), instance_id: self.cfg.instance_id.clone(), generation: self.generation };
            self.send(now, Channel::Heartbeat, Some(request), &mut out);
        }
        out
    }

    /// CL14: an error reset; `member_id` too for UNKNOWN_MEMBER_ID (and CL15's leave).
    fn reset_generation(&mut self, member_id: bool) {
        self.generation = -1;
        if member_id {
            self.member_id.clear();
        }
        self.needs_lost = !self.owned.is_empty();
        self.state = MemberState::Unjoined;
        self.leader = false;
        self.rejoin_needed = true;
    }

    /// A timer of this member fired.
    pub fn fire(&mut self, now: TimeMs, timer: &MemberTimer) -> Vec<Action> {
        match *timer {
            MemberTimer::Poll { incarnation } => self.poll(now, incarnation),
            MemberTimer::Heartbeat { incarnation } => self.heartbeat_due(now, incarnation),
            MemberTimer::Retry { incarnation, channel, seq } | MemberTimer::Request { incarnation, channel, seq } => {
                let mut out = Vec::new();
                if incarnation != self.incarnation || !self.is_running() || self.line(channel).seq != seq {
                    return out;
                }
                if matches!(timer, MemberTimer::Request { .. }) {
                    // No answer: the connection is given up; look the coordinator up again
                    // through the next bootstrap broker.
                    self.coordinator = None;
                    self.bootstrap += 1;
                }
                self.resend(now, channel, &mut out);
                out
            }
        }
    }

    fn resend(&mut self, now: TimeMs, channel: Channel, out: &mut Vec<Action>) {
        match channel {
            Channel::Main if self.main_op.is_some() => {
                let request = self.main_request();
                self.send(now, Channel::Main, request, out);
            }
            // A heartbeat or an async commit is not repeated: the next beat or poll sends anew.
            _ => self.done(channel),
        }
    }

    /// A request of this member could not be sent (its broker is down): as a timeout, now.
    pub fn lost(&mut self, now: TimeMs, channel: Channel) -> Vec<Action> {
        let mut out = Vec::new();
        if !self.is_running() || !self.line(channel).busy {
            return out;
        }
        self.coordinator = None;
        self.bootstrap += 1;
        match channel {
            Channel::Main => self.back_off(now, channel, &mut out),
            _ => self.done(channel),
        }
        out
    }

    /// FindCoordinator's answer on `channel` for request `seq`.
    pub fn found(&mut self, now: TimeMs, channel: Channel, seq: u32, answer: Result<BrokerId, GroupError>) -> Vec<Action> {
        let mut out = Vec::new();
        if !self.is_running() || self.line(channel).seq != seq || !self.line(channel).busy {
            return out;
        }
        match answer {
            Ok(b) => {
                self.coordinator = Some(b);
                self.last_heard = now;
                match channel {
                    Channel::Main => self.resend(now, channel, &mut out),
                    _ => self.done(channel),
                }
            }
            Err(_) => match channel {
                Channel::Main => self.back_off(now, channel, &mut out),
                _ => self.done(channel),
            },
        }
        out
    }

    /// The coordinator's answer to a request of this member on `channel`. `topics` gives the
    /// partition counts the leader assigns over (its metadata).
    pub fn answered(&mut self, now: TimeMs, channel: Channel, response: CoordinatorResponse, topics: &BTreeMap<String, u32>) -> Vec<Action> {
        let mut out = Vec::new();
        if !self.is_running() || !self.line(channel).busy {
            return out;
        }
        match channel {
            Channel::Heartbeat => self.heartbeat_answered(now, response, &mut out),
            Channel::Commit => {
                let error = match response {
                    CoordinatorResponse::Commit(r) => r.err(),
                    CoordinatorResponse::Refused(e) => Some(e),
                    _ => return out,
                };
                self.done(Channel::Commit);
                if matches!(error, Some(GroupError::NotCoordinator | GroupError::CoordinatorNotAvailable)) {
                    self.coordinator = None;
                }
                out.push(Action::Note(Note::Committed { error }));
            }
            Channel::Main => self.main_answered(now, response, topics, &mut out),
        }
        out
    }

    fn heartbeat_answered(&mut self, now: TimeMs, response: CoordinatorResponse, out: &mut Vec<Action>) {
        let error = match response {
            CoordinatorResponse::Classic(Response::Heartbeat(e)) => e,
            CoordinatorResponse::Refused(e) => Some(e),
            _ => return,
        };
        self.done(Channel::Heartbeat);
        if error.is_none() {
            self.last_heard = now;
            return;
        }
        let error = error.expect("checked");
        // An answer about a generation the member has already left changes nothing.
        if self.heartbeat_generation != self.generation || !matches!(self.state, MemberState::CompletingRebalance | MemberState::Stable) {
            return;
        }
        out.push(Action::Note(Note::HeartbeatError { error }));
        match error {
            GroupError::RebalanceInProgress => {
                self.last_heard = now;
                if self.state == MemberState::Stable {
                    self.rejoin_needed = true;
                }
            }
            GroupError::IllegalGeneration => self.reset_generation(false),
            GroupError::UnknownMemberId => self.reset_generation(true),
            GroupError::FencedInstanceId => self.fatal(error, out),
            GroupError::NotCoordinator | GroupError::CoordinatorNotAvailable => self.coordinator = None,
            _ => {}
        }
    }

    fn fatal(&mut self, error: GroupError, out: &mut Vec<Action>) {
        out.push(Action::Note(Note::Fatal { error }));
        self.owned.clear();
        self.positions.clear();
        self.state = MemberState::Fatal;
        self.incarnation += 1;
    }

    /// A retriable error on the main line: forget the coordinator (unless it is only loading),
    /// back off, send again.
    fn main_retry(&mut self, now: TimeMs, error: GroupError, out: &mut Vec<Action>) {
        if error != GroupError::CoordinatorLoadInProgress {
            self.coordinator = None;
        }
        self.back_off(now, Channel::Main, out);
    }

    fn main_answered(&mut self, now: TimeMs, response: CoordinatorResponse, topics: &BTreeMap<String, u32>, out: &mut Vec<Action>) {
        let Some(op) = self.main_op.clone() else { return };
        let coordinator_error = |e: GroupError| matches!(e, GroupError::NotCoordinator | GroupError::CoordinatorNotAvailable | GroupError::CoordinatorLoadInProgress);
        match (op, response) {
            (_, CoordinatorResponse::Refused(e)) => self.main_retry(now, e, out),
            (MainOp::PrepareCommit(_), CoordinatorResponse::Commit(r)) => {
                out.push(Action::Note(Note::Committed { error: r.err() }));
                // Whatever the answer, the rebalance goes on (the commit is best effort).
                self.start_main(now, MainOp::Join, out);
            }
            (MainOp::CloseCommit(_), CoordinatorResponse::Commit(r)) => {
                out.push(Action::Note(Note::Committed { error: r.err() }));
                self.leave_or_stop(now, out);
            }
            (MainOp::Join, CoordinatorResponse::Classic(Response::Join(j))) => self.join_answered(now, j, topics, out),
            (MainOp::Sync(_), CoordinatorResponse::Classic(Response::Sync(r))) => match r {
                Ok(assignment) => self.assigned(now, assignment, out),
                Err(e) if coordinator_error(e) => {
                    self.coordinator = None;
                    self.main_op = Some(MainOp::Join);
                    self.back_off(now, Channel::Main, out);
                }
                Err(e @ (GroupError::UnknownMemberId | GroupError::IllegalGeneration)) => {
                    self.reset_generation(e == GroupError::UnknownMemberId);
                    self.state = MemberState::PreparingRebalance;
                    self.rejoin_needed = false;
                    self.main_op = Some(MainOp::Join);
                    self.back_off(now, Channel::Main, out);
                }
                Err(GroupError::FencedInstanceId) => self.fatal(GroupError::FencedInstanceId, out),
                Err(_) => {
                    // REBALANCE_IN_PROGRESS: join again.
                    self.state = MemberState::PreparingRebalance;
                    self.main_op = Some(MainOp::Join);
                    self.back_off(now, Channel::Main, out);
                }
            },
            (MainOp::FetchOffsets(_), CoordinatorResponse::Fetch(r)) => match r {
                Ok(list) => {
                    self.main_op = None;
                    self.done(Channel::Main);
                    for (tp, offset) in list {
                        if !self.owned.contains(&tp) || self.positions.contains_key(&tp) {
                            continue;
                        }
                        if offset >= 0 {
                            self.positions.insert(tp.clone(), offset);
                            out.push(Action::Note(Note::Positioned { tp, offset, reset: false }));
                        } else {
                            self.reset(tp, out);
                        }
                    }
                }
                Err(e) => self.main_retry(now, e, out),
            },
            _ => {}
        }
    }

    fn join_answered(&mut self, now: TimeMs, j: JoinResponse, topics: &BTreeMap<String, u32>, out: &mut Vec<Action>) {
        match j.error {
            None => {}
            Some(GroupError::MemberIdRequired) => {
                // CL2: rejoin at once with the id handed out.
                self.member_id = j.member_id;
                return self.start_main(now, MainOp::Join, out);
            }
            Some(e @ (GroupError::NotCoordinator | GroupError::CoordinatorNotAvailable | GroupError::CoordinatorLoadInProgress | GroupError::RebalanceInProgress)) => {
                return self.main_retry(now, e, out);
            }
            Some(GroupError::UnknownMemberId) => {
                self.member_id.clear();
                self.generation = -1;
                return self.back_off(now, Channel::Main, out);
            }
            Some(GroupError::IllegalGeneration) => {
                self.generation = -1;
                return self.back_off(now, Channel::Main, out);
            }
            Some(e) => return self.fatal(e, out),
        }
        self.member_id = j.member_id;
        self.generation = j.generation;
        self.leader = j.leader.as_deref() == Some(self.member_id.as_str());
        self.state = MemberState::CompletingRebalance;
        self.last_heard = now;
        let protocol = j.protocol.clone().unwrap_or_default();
        out.push(Action::Note(Note::Joined { member_id: self.member_id.clone(), generation: self.generation, leader: self.leader, protocol: protocol.clone() }));
        // CL12: the leader assigns with the selected protocol.
        let assignments = self.leader.then(|| {
            let members: Vec<MemberSpec> = j
                .members
                .iter()
                .map(|(id, instance, sub)| MemberSpec { member_id: id.clone(), instance_id: instance.clone(), topics: sub.topics.clone(), owned: sub.owned.clone(), generation: sub.generation })
                .collect();
            let assignor = Assignor::from_name(&protocol).unwrap_or(Assignor::Range);
            let mut a = assignor::assign(assignor, &members, topics);
            for m in &members {
                a.entry(m.member_id.clone()).or_default();
            }
            a
        });
        self.start_main(now, MainOp::Sync(assignments), out);
    }

    /// CL13: the generation's assignment arrived.
    fn assigned(&mut self, now: TimeMs, assignment: Vec<TopicPartition>, out: &mut Vec<Action>) {
        self.main_op = None;
        self.done(Channel::Main);
        self.state = MemberState::Stable;
        self.last_heard = now;
        self.last_auto_commit = now;
        let revoked: Vec<TopicPartition> = self.owned.iter().filter(|tp| !assignment.contains(tp)).cloned().collect();
        let added: Vec<TopicPartition> = assignment.iter().filter(|tp| !self.owned.contains(tp)).cloned().collect();
        if !revoked.is_empty() {
            // COOPERATIVE's first round: give these up, then rejoin so that they can move.
            for tp in &revoked {
                self.positions.remove(tp);
            }
            out.push(Action::Note(Note::Revoked { partitions: revoked }));
            self.rejoin_needed = true;
        }
        out.push(Action::Note(Note::Assigned { generation: self.generation, partitions: assignment.clone(), added: added.clone() }));
        self.owned = assignment;
        if !added.is_empty() {
            self.start_main(now, MainOp::FetchOffsets(added), out);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::group::classic::{ClassicConfig, ClassicGroup, Effect};

    fn tp(p: u32) -> TopicPartition {
        TopicPartition::new("t", p)
    }

    fn topics() -> BTreeMap<String, u32> {
        BTreeMap::from([("t".to_string(), 4)])
    }

    fn cfg() -> MemberConfig {
        MemberConfig { topics: vec!["t".into()], assignors: vec![Assignor::Range], ..MemberConfig::default() }
    }

    fn sends(actions: &[Action]) -> Vec<Request> {
        actions.iter().filter_map(|a| if let Action::Send { request, .. } = a { Some(request.clone()) } else { None }).collect()
    }

    /// Delivers the member's requests to a classic group, and the answers back, until
    /// nothing moves; returns every note.
    fn exchange(g: &mut ClassicGroup, members: &mut [&mut ClassicMember], now: TimeMs, mut pending: Vec<(usize, Request)>) -> Vec<(usize, Note)> {
        let mut notes = Vec::new();
        let mut guard = 0;
        while let Some((_, req)) = pending.pop() {
            guard += 1;
            assert!(guard < 100, "no end");
            let effects = match req {
                Request::Join(j) => g.join(now, j),
                Request::Sync { client, member_id, instance_id, generation, assignments } => g.sync(now, &client, &member_id, instance_id.as_deref(), generation, assignments),
                Request::Heartbeat { client, member_id, instance_id, generation } => g.heartbeat(now, &client, &member_id, instance_id.as_deref(), generation),
                Request::Leave { client, member_id } => g.leave(now, &client, &member_id),
                Request::Commit { .. } | Request::Fetch { .. } => Vec::new(),
            };
            let mut queue: std::collections::VecDeque<Effect> = effects.into();
            while let Some(e) = queue.pop_front() {
                match e {
                    Effect::Respond { client, response } => {
                        let (name, channel) = Channel::untag(&client);
                        let Some(k) = members.iter().position(|m| m.name == name) else { continue };
                        let actions = members[k].answered(now, channel, CoordinatorResponse::Classic(response), &topics());
                        for a in &actions {
                            if let Action::Note(n) = a {
                                notes.push((k, n.clone()));
                            }
                        }
                        pending.extend(sends(&actions).into_iter().map(|r| (k, r)));
                    }
                    // CP6 at once: the record is committed, the SyncGroups are answered.
                    Effect::Persist(_) => queue.extend(g.sync_persisted(g.generation)),
                    _ => {}
                }
            }
        }
        notes
    }

    /// CL10: the default list is EAGER; only all-cooperative lists are COOPERATIVE.
    #[test]
    fn cl10_rebalance_protocol_of_the_assignor_list() {
        assert!(!MemberConfig::default().cooperative());
        assert!(MemberConfig { assignors: vec![Assignor::CooperativeSticky], ..MemberConfig::default() }.cooperative());
        assert!(!MemberConfig { assignors: vec![Assignor::Sticky], ..MemberConfig::default() }.cooperative());
    }

    /// CL2 then CL5/CL12/CL6 from the member's side: the first JoinGroup gets
    /// MEMBER_ID_REQUIRED and is sent again with the id; the lone member leads, assigns every
    /// partition with range, and is Stable with all four; then it asks for their offsets.
    #[test]
    fn cl2_cl12_first_member_joins_leads_and_assigns() {
        let mut g = ClassicGroup::new("g", ClassicConfig { initial_rebalance_delay_ms: 0, ..ClassicConfig::default() });
        let (mut m, _) = ClassicMember::new("c1", "g", cfg(), 3, 0, 0);
        m.coordinator = Some(BrokerId(1));
        let first = m.poll(0, 0);
        let reqs = sends(&first);
        assert!(matches!(&reqs[0], Request::Join(j) if j.member_id.is_empty()));
        let effects = g.join(0, match &reqs[0] { Request::Join(j) => j.clone(), _ => unreachable!() });
        let Effect::Respond { response, .. } = &effects[0] else { panic!("{effects:?}") };
        let again = m.answered(0, Channel::Main, CoordinatorResponse::Classic(response.clone()), &topics());
        assert!(matches!(&sends(&again)[0], Request::Join(j) if j.member_id == "c1-1"), "{again:?}");
        // The initial delay is 0 here: the join completes when its timer fires.
        let effects = g.join(0, match &sends(&again)[0] { Request::Join(j) => j.clone(), _ => unreachable!() });
        let mut fired = Vec::new();
        for e in &effects {
            if let Effect::Timer { timer: timer @ crate::group::classic::Timer::InitialDelay { .. }, .. } = e {
                fired.extend(g.fire(0, timer.clone()));
            }
        }
        let Some(Effect::Respond { response, .. }) = fired.iter().find(|e| matches!(e, Effect::Respond { .. })) else { panic!("{fired:?}") };
        let sync = m.answered(0, Channel::Main, CoordinatorResponse::Classic(response.clone()), &topics());
        assert!(m.leader && m.generation == 1 && m.state == MemberState::CompletingRebalance, "{m:?} {response:?} {sync:?}");
        let reqs = sends(&sync);
        let Request::Sync { assignments: Some(a), .. } = &reqs[0] else { panic!("{reqs:?}") };
        assert_eq!(a.get("c1-1"), Some(&vec![tp(0), tp(1), tp(2), tp(3)]));
        let notes = exchange(&mut g, &mut [&mut m], 0, vec![(0, reqs[0].clone())]);
        assert!(notes.iter().any(|(_, n)| matches!(n, Note::Assigned { generation: 1, .. })), "{notes:?}");
        assert_eq!(m.state, MemberState::Stable);
        assert_eq!(m.owned, vec![tp(0), tp(1), tp(2), tp(3)]);
    }

    fn stable_member(name: &str, generation: i32, owned: &[u32], positions: &[i64], c: MemberConfig) -> ClassicMember {
        let (mut m, _) = ClassicMember::new(name, "g", c, 3, 0, 0);
        m.coordinator = Some(BrokerId(1));
        m.member_id = format!("{name}-1");
        m.generation = generation;
        m.state = MemberState::Stable;
        m.rejoin_needed = false;
        m.owned = owned.iter().map(|p| tp(*p)).collect();
        for (p, o) in owned.iter().zip(positions) {
            m.positions.insert(tp(*p), *o);
        }
        m
    }

    /// GS1 step 3–4 (CL14, CL11): REBALANCE_IN_PROGRESS on a heartbeat makes the next poll
    /// commit every position (auto-commit) and revoke everything (EAGER) before JoinGroup,
    /// which is sent only once the commit is answered.
    #[test]
    fn cl11_eager_commits_then_revokes_all_before_joining() {
        let mut m = stable_member("c1", 1, &[0, 1, 2, 3], &[60, 70, 80, 90], cfg());
        let hb = m.heartbeat_due(3000, 0);
        assert!(matches!(&sends(&hb)[0], Request::Heartbeat { generation: 1, .. }));
        m.answered(3001, Channel::Heartbeat, CoordinatorResponse::Classic(Response::Heartbeat(Some(GroupError::RebalanceInProgress))), &topics());
        assert!(m.rejoin_needed);
        m.last_auto_commit = 3000; // the interval has not passed: only onJoinPrepare commits
        let p = m.poll(3100, 0);
        let reqs = sends(&p);
        assert_eq!(reqs.len(), 1, "{p:?}");
        let Request::Commit { generation: 1, offsets, .. } = &reqs[0] else { panic!("{reqs:?}") };
        assert_eq!(offsets, &vec![(tp(0), 60), (tp(1), 70), (tp(2), 80), (tp(3), 90)]);
        assert!(p.iter().any(|a| matches!(a, Action::Note(Note::Revoked { partitions }) if partitions.len() == 4)));
        assert!(m.owned.is_empty());
        assert!(!p.iter().any(|a| matches!(a, Action::Fetch { .. })), "no records after revoking");
        let j = m.answered(3110, Channel::Main, CoordinatorResponse::Commit(Ok(())), &topics());
        assert!(matches!(&sends(&j)[0], Request::Join(jg) if jg.member_id == "c1-1" && jg.protocols[0].1.owned.is_empty()));
    }

    /// CL13 COOPERATIVE: owned − assigned is revoked and the member rejoins; the rest keeps
    /// its position (no pause).
    #[test]
    fn cl13_cooperative_revokes_only_what_moves_and_rejoins() {
        let c = MemberConfig { assignors: vec![Assignor::CooperativeSticky], ..cfg() };
        let mut m = stable_member("c1", 1, &[0, 1, 2, 3], &[60, 70, 80, 90], c);
        m.state = MemberState::CompletingRebalance;
        m.generation = 2;
        m.main_op = Some(MainOp::Sync(None));
        m.main.busy = true;
        let a = m.answered(10, Channel::Main, CoordinatorResponse::Classic(Response::Sync(Ok(vec![tp(0), tp(1)]))), &topics());
        assert!(a.iter().any(|x| matches!(x, Action::Note(Note::Revoked { partitions }) if partitions == &vec![tp(2), tp(3)])));
        assert!(m.rejoin_needed);
        assert_eq!(m.positions.get(&tp(0)), Some(&60));
        assert_eq!(m.positions.get(&tp(2)), None);
        // The second round's JoinGroup reports the owned set; no commit of revoked partitions.
        m.cfg.commit = CommitMode::AfterProcessing;
        let p = m.poll(20, 0);
        let Request::Join(j) = &sends(&p)[0] else { panic!("{p:?}") };
        assert_eq!(j.protocols[0].1.owned, vec![tp(0), tp(1)]);
        assert!(p.iter().any(|x| matches!(x, Action::Fetch { tp: t, offset: 60, .. } if *t == tp(0))), "cooperative keeps fetching");
    }

    /// CL14: UNKNOWN_MEMBER_ID resets the id and the generation; the next poll loses (no
    /// commit) and rejoins with an empty id.
    #[test]
    fn cl14_unknown_member_loses_partitions_without_commit() {
        let mut m = stable_member("c2", 2, &[2, 3], &[85, 95], cfg());
        m.heartbeat_due(3000, 0);
        m.answered(3001, Channel::Heartbeat, CoordinatorResponse::Classic(Response::Heartbeat(Some(GroupError::UnknownMemberId))), &topics());
        assert_eq!((m.member_id.as_str(), m.generation, m.state), ("", -1, MemberState::Unjoined));
        let p = m.poll(3100, 0);
        assert!(p.iter().any(|a| matches!(a, Action::Note(Note::Lost { partitions }) if partitions.len() == 2)));
        let reqs = sends(&p);
        assert!(matches!(&reqs[..], [Request::Join(j)] if j.member_id.is_empty()), "{reqs:?}");
    }

    /// CL15: no poll within max.poll.interval.ms → LeaveGroup from the heartbeat thread
    /// (dynamic) and a local reset; a static member sends none.
    #[test]
    fn cl15_poll_timeout_leaves_when_dynamic() {
        let mut m = stable_member("c2", 2, &[2], &[80], cfg());
        m.last_heard = 299_000;
        let a = m.heartbeat_due(300_001, 0);
        assert!(matches!(&sends(&a)[..], [Request::Leave { member_id, .. }] if member_id == "c2-1"));
        assert!(a.contains(&Action::Note(Note::PollTimeout { left: true })));
        assert_eq!(m.generation, -1);
        assert!(m.needs_lost);
        assert_eq!(m.owned, vec![tp(2)], "still owned (and fetched) until the next poll");
        let mut s = stable_member("s", 2, &[2], &[80], MemberConfig { instance_id: Some("i".into()), ..cfg() });
        s.last_heard = 299_000;
        let a = s.heartbeat_due(300_001, 0);
        assert!(sends(&a).is_empty());
        assert!(a.contains(&Action::Note(Note::PollTimeout { left: false })));
    }

    /// CL16: past the session timeout with no heartbeat answer, the coordinator is marked
    /// unknown; the member keeps its partitions and keeps fetching.
    #[test]
    fn cl16_zombie_keeps_fetching() {
        let mut m = stable_member("c2", 2, &[2, 3], &[85, 95], cfg());
        m.last_heard = 0;
        m.last_poll = 45_500;
        let a = m.heartbeat_due(45_001, 0);
        assert!(a.contains(&Action::Note(Note::CoordinatorUnknown)));
        assert_eq!(m.coordinator, None);
        let p = m.poll(46_000, 0);
        assert!(p.iter().any(|x| matches!(x, Action::Fetch { offset: 85, .. })));
    }

    /// OC8: auto-commit at poll entry once the interval has passed, of earlier polls'
    /// positions; OC9's manual disciplines commit after (next entry) or before (right after
    /// the fetch).
    #[test]
    fn oc8_oc9_commit_disciplines() {
        let mut m = stable_member("c1", 1, &[0], &[100], cfg());
        assert!(sends(&m.poll(4999, 0)).is_empty());
        m.fetched(&tp(0), Ok(vec![100, 101, 102]));
        let p = m.poll(5000, 0);
        assert!(matches!(&sends(&p)[..], [Request::Commit { offsets, .. }] if offsets == &vec![(tp(0), 103)]));
        let mut before = stable_member("c1", 1, &[0], &[100], MemberConfig { commit: CommitMode::BeforeProcessing, ..cfg() });
        before.poll(10, 0);
        before.fetched(&tp(0), Ok(vec![100, 101]));
        assert!(matches!(&sends(&before.polled(10))[..], [Request::Commit { offsets, .. }] if offsets == &vec![(tp(0), 102)]));
        let mut after = stable_member("c1", 1, &[0], &[100], MemberConfig { commit: CommitMode::AfterProcessing, ..cfg() });
        after.poll(10, 0);
        after.fetched(&tp(0), Ok(vec![100, 101]));
        assert!(sends(&after.polled(10)).is_empty());
        assert!(matches!(&sends(&after.poll(1010, 0))[..], [Request::Commit { offsets, .. }] if offsets == &vec![(tp(0), 102)]));
    }

    /// OC6: no committed offset → the reset policy; OC7: out of range → the same.
    #[test]
    fn oc6_oc7_positions_from_commit_or_reset() {
        let mut m = stable_member("c1", 1, &[0, 1], &[], MemberConfig { auto_offset_reset: OffsetReset::Earliest, ..cfg() });
        m.main_op = Some(MainOp::FetchOffsets(vec![tp(0), tp(1)]));
        m.main.busy = true;
        let a = m.answered(0, Channel::Main, CoordinatorResponse::Fetch(Ok(vec![(tp(0), 42), (tp(1), -1)])), &topics());
        assert_eq!(m.positions.get(&tp(0)), Some(&42));
        assert!(a.contains(&Action::ListOffsets { tp: tp(1), earliest: true }));
        m.reset_to(&tp(1), Some(40));
        assert_eq!(m.positions.get(&tp(1)), Some(&40));
        let a = m.fetched(&tp(0), Err(crate::message::KafkaError::OffsetOutOfRange));
        assert_eq!(a, vec![Action::ListOffsets { tp: tp(0), earliest: true }]);
        let mut none = stable_member("c1", 1, &[0], &[], MemberConfig { auto_offset_reset: OffsetReset::None, ..cfg() });
        none.main_op = Some(MainOp::FetchOffsets(vec![tp(0)]));
        none.main.busy = true;
        let a = none.answered(0, Channel::Main, CoordinatorResponse::Fetch(Ok(vec![(tp(0), -1)])), &topics());
        assert!(a.contains(&Action::Note(Note::NoOffset { tp: tp(0) })));
    }

    /// A restarted process's timers and answers of the old one are stale.
    #[test]
    fn crash_makes_old_timers_stale() {
        let mut m = stable_member("c1", 1, &[0], &[5], cfg());
        m.crash();
        assert!(m.poll(10, 0).is_empty());
        assert!(m.heartbeat_due(10, 0).is_empty());
        assert!(m.owned.is_empty());
    }
}
