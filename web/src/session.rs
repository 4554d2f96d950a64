//! A playground session: a seed, a configuration and a timeline of inputs. It is saved (to
//! localStorage, or exported as a file) in the scenario format, so a session file is a
//! scenario `kplay` can run, and a scenario file can be opened in the page.

use kplay_core::command::Step;
use kplay_core::config::{ClusterConfig, NetworkConfig};
use kplay_core::scenario::{Scenario, FORMAT_VERSION};
use kplay_core::timeline::Timeline;
use kplay_core::Command;

/// The seed of a fresh session.
pub const DEFAULT_SEED: u64 = 1;

/// `leader.imbalance.check.interval.ms` when the page's settings turn the auto leader
/// rebalance on (Kafka's 300 s scaled like the page's other timers).
pub const PAGE_IMBALANCE_CHECK_MS: u64 = 20_000;

/// The page's cluster: Kafka's protocol and defaults, with delays and timeouts scaled so that
/// at 1× a message takes a few hundred milliseconds to cross and the ISR shrinks within
/// seconds rather than the half minute Kafka's defaults take.
pub fn page_config() -> ClusterConfig {
    ClusterConfig {
        network: NetworkConfig { min_delay_ms: 150, max_delay_ms: 350, slow_extra_ms: 1_500 },
        replica_lag_time_max_ms: 10_000,
        replica_fetch_wait_max_ms: 1_500,
        broker_heartbeat_interval_ms: 2_000,
        broker_session_timeout_ms: 6_000,
        request_timeout_ms: 15_000,
        log_flush_interval_ms: 5_000,
        controller_failover_ms: 4_000,
        ..ClusterConfig::default()
    }
}

/// A session.
#[derive(Clone, Debug)]
pub struct Session {
    /// Where it started from (configuration, seed, initial state).
    pub origin: Scenario,
    /// Its history.
    pub timeline: Timeline,
}

impl Session {
    /// A fresh session with the page's configuration.
    pub fn fresh() -> Session {
        Session::new(page_config(), DEFAULT_SEED).expect("the page configuration is valid")
    }

    /// A fresh session with `config` and `seed`.
    pub fn new(config: ClusterConfig, seed: u64) -> Result<Session, String> {
        let origin = Scenario {
            version: FORMAT_VERSION,
            name: "playground session".into(),
            description: String::new(),
            seed,
            config,
            initial: None,
            steps: Vec::new(),
            expect: None,
            lesson: None,
        };
        Session::from_scenario(origin)
    }

    /// Opens a scenario: builds its initial cluster and replays its steps into the timeline.
    /// Its `expect` block is kept, so an imported file exports with its expectations (which
    /// `kplay check` then holds against whatever the user changed).
    pub fn from_scenario(mut s: Scenario) -> Result<Session, String> {
        let timeline = s.timeline().map_err(|e| e.to_string())?;
        s.steps.clear();
        Ok(Session { origin: s, timeline })
    }

    /// Parses and opens a scenario file's text; the error names where the problem is (the
    /// line and column of bad JSON, the path of a bad value: `steps[2].broker`).
    pub fn from_json(text: &str) -> Result<Session, String> {
        let s = Scenario::from_json(text).map_err(|e| e.to_string())?;
        Session::from_scenario(s)
    }

    /// The session as a scenario: its origin plus every recorded input (merged steps).
    pub fn to_scenario(&self) -> Scenario {
        let mut s = self.origin.clone();
        s.steps = self.timeline.compact_inputs().into_iter().map(Step).collect();
        s
    }

    /// The session as scenario JSON.
    pub fn to_json(&self) -> String {
        self.to_scenario().to_json()
    }

    /// Applies a user command (recorded).
    pub fn apply(&mut self, cmd: Command) -> Result<(), String> {
        self.timeline.apply(cmd).map(|_| ()).map_err(|e| e.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use kplay_core::ids::BrokerId;
    use kplay_core::message::Acks;

    #[test]
    fn a_saved_session_reopens_at_the_same_state() {
        let mut s = Session::fresh();
        s.apply(Command::Produce { topic: "orders".into(), partition: None, key: None, value: "a".into(), acks: Acks::All, to: None }).unwrap();
        for _ in 0..40 {
            s.timeline.step_next();
        }
        s.apply(Command::Crash { broker: BrokerId(1), kind: kplay_core::event::CrashKind::Unclean, keep: None }).unwrap();
        let text = s.to_json();
        let back = Session::from_json(&text).expect("reopens");
        assert_eq!(back.timeline.cluster(), s.timeline.cluster());
        assert_eq!(back.timeline.last_step(), s.timeline.last_step());
    }

    #[test]
    fn a_bad_file_names_the_problem() {
        let e = Session::from_json(r#"{"version": 1, "config": {"brokers": 40}}"#).unwrap_err();
        assert!(e.contains("brokers must be between 1 and 12"), "{e}");
        let e = Session::from_json("{\"version\": 1, \"steps\": [{\"do\": \"crash\"}]}").unwrap_err();
        assert!(e.contains("steps[0]: missing field `broker`"), "{e}");
        let e = Session::from_json("{\"version\": 1, \"config\": {\"network\": {\"max_delay_ms\": -5}}}").unwrap_err();
        assert!(e.contains("config.network.max_delay_ms: expected an integer ≥ 0, found -5"), "{e}");
        let e = Session::from_json("{\"version\": 1,\n \"steps\": [}").unwrap_err();
        assert!(e.contains("line 2"), "{e}");
    }

    /// Import then export loses nothing: the exported file runs to the same end state and still
    /// meets the imported file's expectations (conformance S2, FETCH mode).
    #[test]
    fn an_imported_scenario_exports_with_its_expectations() {
        let text = include_str!("../../scenarios/conformance/S2-fetch.json");
        let original = Scenario::from_json(text).unwrap();
        let exported = Scenario::from_json(&Session::from_json(text).unwrap().to_json()).unwrap();
        assert_eq!(exported.expect, original.expect);
        let expect = exported.expect.clone().expect("S2 has expectations");
        let (end, _) = exported.run().unwrap();
        assert_eq!(end, original.run().unwrap().0);
        let unmet = kplay_core::scenario::check_expectations(&kplay_core::report::Report::of(&end), &expect);
        assert!(unmet.is_empty(), "{unmet:?}");
    }
}
