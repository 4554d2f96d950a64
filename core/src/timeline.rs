//! A recorded run: the cluster at step 0, every input since, snapshots for fast jumps, and
//! every event. Jumping to any step — back or forward along the recorded inputs — is exact:
//! it replays from the nearest snapshot. A new input after a jump back discards the old future.
//!
//! This is what the page's step-back button and timeline scrubber use, and what a session
//! file stores (the initial cluster's scenario plus the inputs).

use crate::cluster::CommandError;
use crate::command::Command;
use crate::event::TimedEvent;
use crate::Cluster;
use litemap::LiteMap;

/// Steps between two snapshots: a jump replays at most this many steps.
pub const SNAPSHOT_EVERY: u64 = 128;

/// A cluster with its history.
#[derive(Clone, Debug)]
pub struct Timeline {
    /// Inputs, one per step: a command, or `Step { count: 1 }` for one queued item.
    inputs: Vec<Command>,
    /// Events by step: `events[i]` are step `i + 1`'s.
    events: Vec<Vec<TimedEvent>>,
    /// The cluster after step `k`, for `k` a multiple of [`SNAPSHOT_EVERY`] (0 included).
    snapshots: LiteMap<u64, Cluster>,
    current: Cluster,
}

impl Timeline {
    /// A timeline starting from `initial` (usually at step 0).
    pub fn new(initial: Cluster) -> Self {
        let mut snapshots = LiteMap::new_vec();
        snapshots.insert(initial.step_count(), initial.clone());
        Timeline { inputs: Vec::new(), events: Vec::new(), snapshots, current: initial }
    }

    /// The cluster now.
    pub fn cluster(&self) -> &Cluster {
        &self.current
    }

    /// The current step (0 before any input).
    pub fn step(&self) -> u64 {
        self.current.step_count()
    }

    /// The last recorded step (the end of the scrubber).
    pub fn last_step(&self) -> u64 {
        self.base_step() + self.inputs.len() as u64
    }

    fn base_step(&self) -> u64 {
        *self.snapshots.first().expect("the initial snapshot").0
    }

    /// The recorded inputs, one per step.
    pub fn inputs(&self) -> &[Command] {
        &self.inputs
    }

    /// The recorded input of the step after the current one, when the current step is behind
    /// the last recorded one (after a jump back, or in a recorded lesson).
    pub fn next_input(&self) -> Option<&Command> {
        self.inputs.get((self.step() - self.base_step()) as usize)
    }

    /// The events of step `step` (1-based), if recorded.
    pub fn events_of(&self, step: u64) -> &[TimedEvent] {
        step.checked_sub(self.base_step() + 1)
            .and_then(|i| self.events.get(i as usize))
            .map_or(&[], Vec::as_slice)
    }

    /// Every recorded event up to and including the current step.
    pub fn events_until_now(&self) -> impl Iterator<Item = &TimedEvent> {
        let n = (self.step() - self.base_step()) as usize;
        self.events[..n].iter().flatten()
    }

    fn forget_future(&mut self) {
        let n = (self.step() - self.base_step()) as usize;
        self.inputs.truncate(n);
        self.events.truncate(n);
        let now = self.step();
        self.snapshots.retain(|k, _| *k <= now);
    }

    fn record(&mut self, input: Command, events: Vec<TimedEvent>) {
        self.inputs.push(input);
        self.events.push(events);
        let step = self.step();
        if step % SNAPSHOT_EVERY == 0 {
            self.snapshots.insert(step, self.current.clone());
        }
    }

    /// Applies a command as the next step (discarding any future after a jump back).
    pub fn apply(&mut self, cmd: Command) -> Result<&[TimedEvent], CommandError> {
        if let Command::Step { count } = cmd {
            for _ in 0..count {
                if self.step_next().is_none() {
                    break;
                }
            }
            return Ok(self.events_of(self.step()));
        }
        self.forget_future();
        let events = self.current.apply(&cmd)?;
        self.record(cmd, events);
        Ok(self.events_of(self.step()))
    }

    /// Handles the next queued delivery or timer as the next step. `None` if nothing is queued.
    pub fn step_next(&mut self) -> Option<&[TimedEvent]> {
        self.forget_future();
        let events = self.current.step_next()?;
        self.record(Command::Step { count: 1 }, events);
        Some(self.events_of(self.step()))
    }

    /// Moves to `step` exactly (clamped to the recorded range), replaying recorded inputs from
    /// the nearest snapshot at or before it (or from now, when going forward a little).
    pub fn jump_to(&mut self, step: u64) {
        let target = step.clamp(self.base_step(), self.last_step());
        if target == self.step() {
            return;
        }
        // The newest snapshot at or before the target.
        let at = match self.snapshots.find_index(&target) {
            Ok(i) => i,
            Err(i) => i.checked_sub(1).expect("the initial snapshot"),
        };
        let (&from, snapshot) = self.snapshots.get_indexed(at).expect("an index from find_index");
        if !(target > self.step() && self.step() >= from) {
            self.current = snapshot.clone();
        }
        while self.step() < target {
            let i = (self.step() - self.base_step()) as usize;
            match &self.inputs[i] {
                Command::Step { .. } => {
                    self.current.step_next().expect("a recorded step replays");
                }
                cmd => {
                    self.current.apply(cmd).expect("a recorded command replays");
                }
            }
            let step = self.step();
            if step % SNAPSHOT_EVERY == 0 {
                self.snapshots.entry(step).or_insert_with(|| self.current.clone());
            }
        }
    }

    /// One step back, exactly.
    pub fn step_back(&mut self) {
        if self.step() > self.base_step() {
            self.jump_to(self.step() - 1);
        }
    }

    /// The inputs as a compact command list: runs of single steps merged into one
    /// `Step { count }` (for session and scenario files).
    pub fn compact_inputs(&self) -> Vec<Command> {
        let mut out: Vec<Command> = Vec::new();
        for cmd in &self.inputs {
            match (out.last_mut(), cmd) {
                (Some(Command::Step { count }), Command::Step { count: n }) => *count += n,
                _ => out.push(cmd.clone()),
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::message::Acks;
    use crate::ClusterConfig;

    fn produce(v: &str) -> Command {
        Command::Produce { topic: "orders".into(), partition: Some(0), key: None, value: v.into(), acks: Acks::All, to: None }
    }

    fn run(t: &mut Timeline, n: usize) {
        for i in 0..n {
            if i % 7 == 0 {
                t.apply(produce(&format!("v{i}"))).expect("valid");
            } else if t.step_next().is_none() {
                t.apply(Command::Advance { ms: 10 }).expect("valid");
            }
        }
    }

    #[test]
    fn jumping_back_and_forward_restores_the_exact_state() {
        let mut t = Timeline::new(Cluster::new(ClusterConfig::default(), 7).expect("valid"));
        run(&mut t, 600);
        let end = t.cluster().clone();
        let mut mid = t.clone();
        mid.jump_to(300);
        let at_300 = mid.cluster().clone();
        assert_eq!(at_300.step_count(), 300);
        mid.jump_to(600);
        assert_eq!(mid.cluster(), &end, "forward again reaches the same state");
        mid.jump_to(300);
        assert_eq!(mid.cluster(), &at_300, "back again is exact");
        mid.step_back();
        assert_eq!(mid.step(), 299);
    }

    #[test]
    fn a_new_input_after_a_jump_back_discards_the_future() {
        let mut t = Timeline::new(Cluster::new(ClusterConfig::default(), 7).expect("valid"));
        run(&mut t, 50);
        t.jump_to(20);
        t.apply(produce("other")).expect("valid");
        assert_eq!(t.last_step(), 21);
        assert_eq!(t.step(), 21);
    }

    #[test]
    fn compact_inputs_replay_to_the_same_trace() {
        let mut t = Timeline::new(Cluster::new(ClusterConfig::default(), 3).expect("valid"));
        run(&mut t, 200);
        let mut replay = Cluster::new(ClusterConfig::default(), 3).expect("valid");
        for cmd in t.compact_inputs() {
            replay.apply(&cmd).expect("replays");
        }
        assert_eq!(replay.trace_hash(), t.cluster().trace_hash());
        assert_eq!(&replay, t.cluster());
    }
}
