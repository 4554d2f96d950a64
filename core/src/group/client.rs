//! A client of the group coordinator that is not a member (PROTOCOL-GROUPS.md §2.1 CP2, CP4;
//! §2.6 OC2, OC5): an admin or manual-assignment client committing and fetching a group's
//! offsets with generation -1. It finds the coordinator (FindCoordinator to a bootstrap
//! broker), sends its request there, and retries as Kafka's clients do:
//!
//! * NOT_COORDINATOR and COORDINATOR_NOT_AVAILABLE: forget the coordinator, look it up again
//!   after `retry.backoff.ms` (CP4);
//! * COORDINATOR_LOAD_IN_PROGRESS: the same coordinator again after the back-off (CP4);
//! * no answer within `request.timeout.ms` (a lost or held request): the next bootstrap
//!   broker, as the client's `leastLoadedNode` would pick another connection;
//! * past `default.api.timeout.ms` (60000) from the command: give up, REQUEST_TIMED_OUT.
//!
//! Sans-IO: [`OffsetsClient::start`], [`OffsetsClient::found`], [`OffsetsClient::answered`],
//! [`OffsetsClient::retry`] and [`OffsetsClient::timed_out`] return what to send or arm.

use super::GroupError;
use crate::ids::{BrokerId, TimeMs, TopicPartition};
use serde::Serialize;

/// `default.api.timeout.ms` (60000): how long a commit or fetch keeps retrying.
pub const DEFAULT_API_TIMEOUT_MS: u64 = 60_000;

/// What the client is asked to do.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub enum Operation {
    /// OffsetCommit of these next-offsets-to-read (OC1, OC2).
    Commit(Vec<(TopicPartition, i64)>),
    /// OffsetFetch of these partitions (OC5).
    Fetch(Vec<TopicPartition>),
}

/// The result of an operation, as the client reports it.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub enum Outcome {
    /// The commit is acknowledged: committed on the offsets partition (CP6).
    Committed,
    /// The committed offsets, -1 where there is none (OC5).
    Fetched(Vec<(TopicPartition, i64)>),
    /// A non-retriable error, or REQUEST_TIMED_OUT after `default.api.timeout.ms`.
    Failed(GroupError),
}

/// What the client asks of the cluster.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Action {
    /// Send FindCoordinator(group) to `to`, tagged `attempt`.
    FindCoordinator {
        /// The bootstrap broker asked.
        to: BrokerId,
        /// The attempt (a late answer to an older one is ignored).
        attempt: u32,
    },
    /// Send the operation to the coordinator `to`, tagged `attempt`.
    Send {
        /// The coordinator.
        to: BrokerId,
        /// The attempt.
        attempt: u32,
        /// What to send.
        op: Operation,
    },
    /// Arm the retry timer (the back-off) for `attempt`, after `error`.
    RetryAt {
        /// When.
        at: TimeMs,
        /// The attempt it belongs to.
        attempt: u32,
        /// The retriable error that caused it.
        error: GroupError,
    },
    /// Arm `request.timeout.ms` for the request of `attempt`.
    TimeoutAt {
        /// When.
        at: TimeMs,
        /// The attempt it belongs to.
        attempt: u32,
    },
    /// The operation is over.
    Done(Outcome),
}

/// The retry settings a client runs with.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct ClientConfig {
    /// `retry.backoff.ms`.
    pub retry_backoff_ms: u64,
    /// `request.timeout.ms`.
    pub request_timeout_ms: u64,
    /// The bootstrap brokers, 1..=n, asked in turn.
    pub brokers: u32,
}

/// One offsets client of one group, with at most one operation in flight.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct OffsetsClient {
    /// Its name (`client.id`).
    pub name: String,
    /// The group it commits for.
    pub group: String,
    /// The coordinator it knows, if any.
    pub coordinator: Option<BrokerId>,
    /// The operation in flight.
    pub op: Option<Operation>,
    /// The current attempt; answers and timers of other attempts are stale.
    pub attempt: u32,
    /// Where FindCoordinator went last (the bootstrap broker index).
    bootstrap: u32,
    /// When the operation gives up.
    deadline: TimeMs,
    /// The last retriable error, reported if the deadline passes.
    last_error: Option<GroupError>,
}

impl OffsetsClient {
    /// A client with nothing in flight.
    pub fn new(name: impl Into<String>, group: impl Into<String>) -> OffsetsClient {
        OffsetsClient { name: name.into(), group: group.into(), coordinator: None, op: None, attempt: 0, bootstrap: 0, deadline: 0, last_error: None }
    }

    /// Starts `op` (replacing one still in flight, as a new call would after a timeout).
    pub fn start(&mut self, now: TimeMs, cfg: &ClientConfig, op: Operation) -> Vec<Action> {
        self.op = Some(op);
        self.deadline = now + DEFAULT_API_TIMEOUT_MS;
        self.last_error = None;
        self.next_attempt(now, cfg)
    }

    fn next_attempt(&mut self, now: TimeMs, cfg: &ClientConfig) -> Vec<Action> {
        let Some(op) = self.op.clone() else { return Vec::new() };
        self.attempt += 1;
        let attempt = self.attempt;
        let timeout = Action::TimeoutAt { at: now + cfg.request_timeout_ms, attempt };
        match self.coordinator {
            Some(to) => vec![Action::Send { to, attempt, op }, timeout],
            None => {
                let to = BrokerId(self.bootstrap % cfg.brokers.max(1) + 1);
                vec![Action::FindCoordinator { to, attempt }, timeout]
            }
        }
    }

    /// CP4: a retriable error; back off, then try again (after a fresh lookup unless the
    /// coordinator is only loading).
    fn back_off(&mut self, now: TimeMs, cfg: &ClientConfig, error: GroupError) -> Vec<Action> {
        if error != GroupError::CoordinatorLoadInProgress {
            self.coordinator = None;
        }
        self.last_error = Some(error);
        if now + cfg.retry_backoff_ms > self.deadline {
            return self.finish(Outcome::Failed(GroupError::RequestTimedOut));
        }
        self.attempt += 1;
        vec![Action::RetryAt { at: now + cfg.retry_backoff_ms, attempt: self.attempt, error }]
    }

    fn finish(&mut self, outcome: Outcome) -> Vec<Action> {
        self.op = None;
        self.attempt += 1;
        vec![Action::Done(outcome)]
    }

    /// CP2: FindCoordinator's answer for `attempt`.
    pub fn found(&mut self, now: TimeMs, cfg: &ClientConfig, attempt: u32, answer: Result<BrokerId, GroupError>) -> Vec<Action> {
        if attempt != self.attempt || self.op.is_none() {
            return Vec::new();
        }
        match answer {
            Ok(b) => {
                self.coordinator = Some(b);
                self.next_attempt(now, cfg)
            }
            Err(e) => self.back_off(now, cfg, e),
        }
    }

    /// The coordinator's answer for `attempt`.
    pub fn answered(&mut self, now: TimeMs, cfg: &ClientConfig, attempt: u32, answer: Result<Outcome, GroupError>) -> Vec<Action> {
        if attempt != self.attempt || self.op.is_none() {
            return Vec::new();
        }
        match answer {
            Ok(outcome) => self.finish(outcome),
            Err(e @ (GroupError::NotCoordinator | GroupError::CoordinatorNotAvailable | GroupError::CoordinatorLoadInProgress)) => self.back_off(now, cfg, e),
            Err(e) => self.finish(Outcome::Failed(e)),
        }
    }

    /// The back-off of `attempt` is over.
    pub fn retry(&mut self, now: TimeMs, cfg: &ClientConfig, attempt: u32) -> Vec<Action> {
        if attempt != self.attempt || self.op.is_none() {
            return Vec::new();
        }
        self.next_attempt(now, cfg)
    }

    /// `request.timeout.ms` passed without an answer to `attempt` (or its request was lost):
    /// the connection is given up; the next lookup goes to the next bootstrap broker.
    pub fn timed_out(&mut self, now: TimeMs, cfg: &ClientConfig, attempt: u32) -> Vec<Action> {
        if attempt != self.attempt || self.op.is_none() {
            return Vec::new();
        }
        self.bootstrap += 1;
        self.back_off(now, cfg, GroupError::CoordinatorNotAvailable)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CFG: ClientConfig = ClientConfig { retry_backoff_ms: 100, request_timeout_ms: 30_000, brokers: 3 };

    fn tp(p: u32) -> TopicPartition {
        TopicPartition::new("t", p)
    }

    /// CP2 then CP4: no coordinator known → FindCoordinator; COORDINATOR_NOT_AVAILABLE (the
    /// topic was just created) → look up again after the back-off; then the request goes to
    /// the coordinator found.
    #[test]
    fn cp2_cp4_lookup_retry_then_send() {
        let mut c = OffsetsClient::new("admin", "g");
        let a = c.start(0, &CFG, Operation::Commit(vec![(tp(0), 5)]));
        assert_eq!(a[0], Action::FindCoordinator { to: BrokerId(1), attempt: 1 });
        let a = c.found(10, &CFG, 1, Err(GroupError::CoordinatorNotAvailable));
        assert_eq!(a, vec![Action::RetryAt { at: 110, attempt: 2, error: GroupError::CoordinatorNotAvailable }]);
        let a = c.retry(110, &CFG, 2);
        assert_eq!(a[0], Action::FindCoordinator { to: BrokerId(1), attempt: 3 });
        let a = c.found(120, &CFG, 3, Ok(BrokerId(2)));
        assert_eq!(a[0], Action::Send { to: BrokerId(2), attempt: 4, op: Operation::Commit(vec![(tp(0), 5)]) });
        assert_eq!(c.answered(130, &CFG, 4, Ok(Outcome::Committed)), vec![Action::Done(Outcome::Committed)]);
        assert!(c.op.is_none());
    }

    /// CP4: LOAD_IN_PROGRESS retries the same coordinator; NOT_COORDINATOR looks it up again.
    #[test]
    fn cp4_load_in_progress_keeps_the_coordinator_not_coordinator_forgets_it() {
        let mut c = OffsetsClient::new("admin", "g");
        c.coordinator = Some(BrokerId(3));
        c.start(0, &CFG, Operation::Fetch(vec![tp(1)]));
        c.answered(5, &CFG, 1, Err(GroupError::CoordinatorLoadInProgress));
        assert_eq!(c.coordinator, Some(BrokerId(3)));
        assert!(matches!(c.retry(105, &CFG, 2)[0], Action::Send { to: BrokerId(3), .. }));
        c.answered(110, &CFG, 3, Err(GroupError::NotCoordinator));
        assert_eq!(c.coordinator, None);
        assert!(matches!(c.retry(210, &CFG, 4)[0], Action::FindCoordinator { .. }));
    }

    /// A stale answer (an earlier attempt's) changes nothing; a non-retriable error ends it.
    #[test]
    fn stale_answers_are_ignored_and_other_errors_end_the_operation() {
        let mut c = OffsetsClient::new("admin", "g");
        c.coordinator = Some(BrokerId(1));
        c.start(0, &CFG, Operation::Commit(vec![(tp(0), 1)]));
        assert!(c.answered(5, &CFG, 7, Ok(Outcome::Committed)).is_empty());
        assert_eq!(c.answered(6, &CFG, 1, Err(GroupError::UnknownMemberId)), vec![Action::Done(Outcome::Failed(GroupError::UnknownMemberId))]);
    }

    /// A request with no answer moves the lookup to the next bootstrap broker; past
    /// default.api.timeout.ms the operation fails with REQUEST_TIMED_OUT.
    #[test]
    fn timeouts_rotate_the_bootstrap_broker_and_end_at_the_api_timeout() {
        let mut c = OffsetsClient::new("admin", "g");
        c.start(0, &CFG, Operation::Commit(vec![(tp(0), 1)]));
        c.timed_out(30_000, &CFG, 1);
        assert_eq!(c.retry(30_100, &CFG, 2)[0], Action::FindCoordinator { to: BrokerId(2), attempt: 3 });
        assert_eq!(c.timed_out(60_000, &CFG, 3), vec![Action::Done(Outcome::Failed(GroupError::RequestTimedOut))]);
    }
}
