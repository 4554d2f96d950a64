//! The page's controller: it owns the session (non-reactive), turns user actions into core
//! commands, and publishes plain views into signals after each change. Components read the
//! signals and call these methods; nothing else touches the simulation.

use crate::i18n::Lang;
use crate::session::Session;
use crate::storage;
use crate::view::ClusterView;
use kplay_core::invariants::Violation;
use kplay_core::ids::TopicPartition;
use kplay_core::Command;
use leptos::prelude::*;

/// What the inspector shows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Selection {
    /// A replica: partition and broker.
    Replica(TopicPartition, u32),
    /// A partition (the controller's view).
    Partition(TopicPartition),
}

/// The page state. `Copy`: signals and a stored value.
#[derive(Clone, Copy)]
pub struct Sim {
    session: StoredValue<Session>,
    /// The cluster as the page draws it.
    pub view: RwSignal<ClusterView>,
    /// The current step.
    pub step: RwSignal<u64>,
    /// The last recorded step.
    pub last_step: RwSignal<u64>,
    /// Changes when the event log should be brought up to date (the log reads the timeline).
    pub log_revision: RwSignal<u64>,
    /// Every violation the checker found so far.
    pub violations: RwSignal<Vec<Violation>>,
    /// Playing or paused.
    pub playing: RwSignal<bool>,
    /// Simulated ms per real ms.
    pub speed: RwSignal<f64>,
    /// The animation clock (simulated ms), at or after the cluster's time while playing.
    pub visual_ms: RwSignal<f64>,
    /// The page's language.
    pub lang: RwSignal<Lang>,
    /// Hide heartbeats in the network view.
    pub hide_heartbeats: RwSignal<bool>,
    /// Show sends and deliveries in the event log.
    pub show_messages: RwSignal<bool>,
    /// The inspector's subject.
    pub selected: RwSignal<Option<Selection>>,
    /// The last command's error, shown to the user.
    pub error: RwSignal<Option<String>>,
    /// Changes on every publish (for derived data such as the inspector).
    pub revision: RwSignal<u64>,
    /// Frames since play started: the event log is rebuilt on every few frames only.
    frames: StoredValue<u64>,
}

/// While playing, the event log is rebuilt once per this many frames (nobody reads it at
/// 60 Hz), in a task after the frame rather than inside it.
const LOG_EVERY_FRAMES: u64 = 8;

impl Sim {
    /// The page state, restored from localStorage when a saved session is there.
    pub fn new() -> Sim {
        let (session, restore_error) = match storage::load_session() {
            Some(text) => match Session::from_json(&text) {
                Ok(mut s) => {
                    if let Some(step) = storage::load_step() {
                        s.timeline.jump_to(step);
                    }
                    (s, None)
                }
                Err(e) => (Session::fresh(), Some(format!("The saved session could not be restored ({e}); a fresh one was started."))),
            },
            None => (Session::fresh(), None),
        };
        let sim = Sim {
            // Filled in by the `publish` below.
            view: RwSignal::new(ClusterView::default()),
            step: RwSignal::new(0),
            last_step: RwSignal::new(0),
            log_revision: RwSignal::new(0),
            violations: RwSignal::new(Vec::new()),
            playing: RwSignal::new(false),
            speed: RwSignal::new(1.0),
            visual_ms: RwSignal::new(0.0),
            lang: RwSignal::new(Lang::from_code(&storage::load_lang().unwrap_or_default())),
            hide_heartbeats: RwSignal::new(true),
            show_messages: RwSignal::new(false),
            selected: RwSignal::new(None),
            error: RwSignal::new(restore_error),
            revision: RwSignal::new(0),
            frames: StoredValue::new(0),
            session: StoredValue::new(session),
        };
        sim.publish();
        sim
    }

    /// Reads the session.
    pub fn with_session<R>(&self, f: impl FnOnce(&Session) -> R) -> R {
        self.session.with_value(f)
    }

    /// Publishes the current state into every signal, the event log included, and saves the
    /// session.
    fn publish(&self) {
        self.publish_frame();
        self.visual_ms.set(self.session.with_value(|s| s.timeline.cluster().now_ms() as f64));
        self.log_revision.update(|r| *r += 1);
        self.save();
    }

    /// What a frame of play must show: the cluster, the step, the violations. Not the event
    /// log, the animation clock or the autosave ([`Sim::tick`] handles those).
    fn publish_frame(&self) {
        self.session.with_value(|s| {
            let t = &s.timeline;
            self.view.set(ClusterView::of_timeline(t));
            self.step.set(t.step());
            self.last_step.set(t.last_step());
            let violations = &t.cluster().checker.violations;
            if self.violations.with_untracked(|v| v != violations) {
                self.violations.set(violations.clone());
            }
        });
        self.revision.update(|r| *r += 1);
    }

    /// Writes the session to localStorage.
    fn save(&self) {
        self.session.with_value(|s| storage::save_session(&s.to_json(), s.timeline.step()));
    }

    /// Runs a user command as the next step.
    pub fn command(&self, cmd: Command) {
        let result = self.session.try_update_value(|s| s.apply(cmd)).unwrap_or(Ok(()));
        self.error.set(result.err());
        self.publish();
    }

    /// Runs several commands, stopping at the first error.
    pub fn commands(&self, cmds: Vec<Command>) {
        let result = self.session.try_update_value(|s| cmds.into_iter().try_for_each(|c| s.apply(c))).unwrap_or(Ok(()));
        self.error.set(result.err());
        self.publish();
    }

    /// One step forward: along the recorded future after a step back (so commands there are
    /// redone too), otherwise the next queued delivery or timer.
    pub fn step_forward(&self) {
        if self.step.get_untracked() < self.last_step.get_untracked() {
            self.session.update_value(|s| s.timeline.jump_to(s.timeline.step() + 1));
            self.publish();
            return;
        }
        let moved = self.session.try_update_value(|s| s.timeline.step_next().is_some()).unwrap_or(false);
        if !moved {
            self.command(Command::Advance { ms: 100 });
            return;
        }
        self.publish();
    }

    /// Stops playing and brings every panel up to date.
    pub fn pause(&self) {
        self.playing.set(false);
        self.publish();
    }

    /// One step back, exactly.
    pub fn step_back(&self) {
        self.session.update_value(|s| s.timeline.step_back());
        self.publish();
    }

    /// Moves to any recorded step.
    pub fn jump(&self, step: u64) {
        self.playing.set(false);
        self.session.update_value(|s| s.timeline.jump_to(step));
        self.publish();
    }

    /// A fresh session with the page's configuration.
    pub fn reset(&self) {
        self.playing.set(false);
        self.selected.set(None);
        self.session.set_value(Session::fresh());
        self.error.set(None);
        self.publish();
    }

    /// Replaces the session (settings changed, or a file imported).
    pub fn replace(&self, s: Session) {
        self.playing.set(false);
        self.selected.set(None);
        self.session.set_value(s);
        self.error.set(None);
        self.publish();
    }

    /// Advances the animation by `real_ms` at the current speed: handles every delivery or
    /// timer due by then, one recorded step each (at most `budget` of them per frame).
    pub fn tick(&self, real_ms: f64, budget: usize) {
        let target = self.visual_ms.get_untracked() + real_ms * self.speed.get_untracked();
        let mut processed = 0;
        self.session.update_value(|s| {
            while processed < budget {
                match s.timeline.cluster().next_event_time() {
                    Some(t) if (t as f64) <= target => {
                        s.timeline.step_next();
                        processed += 1;
                    }
                    _ => break,
                }
            }
        });
        let frame = self.frames.with_value(|f| *f);
        self.frames.set_value(frame + 1);
        if processed > 0 {
            // Saving on every frame would be wasteful: a reload loses at most a second of play.
            let save = self.step.get_untracked() / 64 != (self.step.get_untracked() + processed as u64) / 64;
            let log = frame % LOG_EVERY_FRAMES == 0;
            self.publish_frame();
            // The log and the autosave are not animation: they run after this frame is drawn.
            if save || log {
                let sim = *self;
                set_timeout(
                    move || {
                        if log {
                            sim.log_revision.update(|r| *r += 1);
                        }
                        if save {
                            sim.save();
                        }
                    },
                    std::time::Duration::ZERO,
                );
            }
        }
        let now = self.session.with_value(|s| s.timeline.cluster().now_ms() as f64);
        self.visual_ms.set(if processed == budget { now } else { target.max(now) });
    }

    /// Switches the language (remembered).
    pub fn set_lang(&self, lang: Lang) {
        self.lang.set(lang);
        storage::save_lang(lang.code());
    }
}

impl Default for Sim {
    fn default() -> Self {
        Sim::new()
    }
}
