//! The page's controller: it owns the session (non-reactive), turns user actions into core
//! commands, and publishes plain views into signals after each change. Components read the
//! signals and call these methods; nothing else touches the simulation.

use crate::i18n::{t, Lang, Ui};
use crate::embed::params::Params;
use crate::lessons::{self, Index, OpenLesson};
use kplay_core::lesson::{Alignment, Text};
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

/// What the page shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// The user's own cluster.
    Sandbox,
    /// The lessons, as cards.
    Library,
    /// A lesson, with its tour panel.
    Lesson,
}

impl Mode {
    fn code(self) -> &'static str {
        match self {
            Mode::Sandbox => "sandbox",
            Mode::Library => "library",
            Mode::Lesson => "lesson",
        }
    }
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
    /// The language last asked for (`use_lang`): a catalogue that arrives after the reader
    /// chose again is not applied.
    lang_wanted: StoredValue<Lang>,
    /// Hide heartbeats in the network view.
    pub hide_heartbeats: RwSignal<bool>,
    /// Show sends and deliveries in the event log.
    pub show_messages: RwSignal<bool>,
    /// The inspector's subject.
    pub selected: RwSignal<Option<Selection>>,
    /// The last command's error, shown to the user.
    pub error: RwSignal<Option<String>>,
    /// What was wrong with the page's URL parameters, shown until dismissed.
    pub param_error: RwSignal<Option<String>>,
    /// Changes on every publish (for derived data such as the inspector).
    pub revision: RwSignal<u64>,
    /// Frames since play started: the event log is rebuilt on every few frames only.
    frames: StoredValue<u64>,
    /// What the page shows.
    pub mode: RwSignal<Mode>,
    /// The open lesson, if any (its session is the one on the stage).
    pub lesson: RwSignal<Option<OpenLesson>>,
    /// The library's index, once fetched (or why it could not be).
    pub index: RwSignal<Option<Result<Index, String>>>,
    /// The user's sandbox session while a lesson is on the stage: never overwritten by one.
    sandbox: StoredValue<Option<Session>>,
    /// Where "Next" stops playing.
    play_until: StoredValue<Option<u64>>,
    /// Compare mode's other side, if open.
    pub compare: RwSignal<Option<CompareState>>,
    /// False for compare mode's side b, an embedded page and a session opened from a link:
    /// they never touch storage (a link's session can be kept: [`Sim::keep`]).
    persist: StoredValue<bool>,
    /// A session opened from a link (a share link or pinned settings), not saved until kept.
    pub from_link: RwSignal<bool>,
    /// An embedded page (`embed=1`): the compact layout.
    pub embedded: bool,
    /// The owner the page's state was made under: side b's signals are made there too, not
    /// under the panel whose click opened it (which a re-render disposes).
    owner: StoredValue<Option<Owner>>,
}

/// What a link opens ([`Sim::open_link`]).
#[derive(Clone, Debug, Default)]
pub struct Opening {
    /// A library lesson's id.
    pub lesson: Option<String>,
    /// A sandbox session, or the lesson's free play when `forked`.
    pub session: Option<Session>,
    /// The session is the lesson's free play.
    pub forked: bool,
    /// A tour stop, from 1.
    pub stop: Option<usize>,
    /// A step.
    pub step: Option<u64>,
    /// Open the lesson's comparison.
    pub compare: bool,
    /// Play from there.
    pub autoplay: bool,
}

/// Compare mode: side b's `Sim`, how its steps align with side a's, and the sides' names.
#[derive(Clone)]
pub struct CompareState {
    /// Side b (side a is the page's own `Sim`).
    pub b: Sim,
    /// Side a's step → side b's.
    pub align: Alignment,
    /// The sides' names.
    pub labels: (Text, Text),
}

/// While playing, the event log is rebuilt once per this many frames (about twice a second:
/// nobody reads it at 60 Hz), in a task after the frame rather than inside it. Every 8th
/// frame made those frames the slowest twentieth with Chromium's CPU throttled 4×.
const LOG_EVERY_FRAMES: u64 = 30;

impl Sim {
    /// The page state, restored from localStorage when a saved session is there.
    pub fn new() -> Sim {
        Sim::with_storage(true)
    }

    /// The page state of an embedded page (`embed=1`): it writes nothing to the browser's
    /// storage and opens none of the reader's sessions (it reads only their language), so an
    /// embedded lesson never touches the reader's own work.
    pub fn embedded() -> Sim {
        Sim::with_storage(false)
    }

    /// The full page opened from a link that brings its own session: like an embedded page it
    /// neither reads nor writes the reader's sessions until they keep it.
    pub fn from_link() -> Sim {
        let sim = Sim::with_storage(false);
        Sim { embedded: false, ..sim }
    }

    fn with_storage(persist: bool) -> Sim {
        let lang = Lang::from_code(&storage::load_lang().unwrap_or_default());
        let (sandbox, mut restore_error) = match storage::load_session().filter(|_| persist) {
            Some(text) => match Session::from_json(&text) {
                Ok(mut s) => {
                    if let Some(step) = storage::load_step() {
                        s.timeline.jump_to(step);
                    }
                    (Some(s), None)
                }
                Err(e) => (None, Some((Ui::SessionNotRestored, e.to_string()))),
            },
            None => (None, None),
        };
        // A newcomer (nothing saved) starts with the lessons, not an empty sandbox.
        let mut mode = match storage::load_mode().filter(|_| persist).as_deref() {
            _ if !persist => Mode::Sandbox,
            Some("lesson") => Mode::Lesson,
            Some("library") => Mode::Library,
            Some(_) => Mode::Sandbox,
            None if sandbox.is_some() => Mode::Sandbox,
            None => Mode::Library,
        };
        let mut lesson = None;
        let mut session = None;
        if mode == Mode::Lesson {
            match storage::load_lesson().map(|(source, step, forked)| (lessons::open(&source), step, forked)) {
                Some((Ok((mut s, mut open)), step, forked)) => {
                    if let Some(f) = forked.and_then(|text| Session::from_json(&text).ok()) {
                        s = f;
                        open.forked = true;
                    }
                    s.timeline.jump_to(step);
                    session = Some(s);
                    lesson = Some(open);
                }
                Some((Err(e), ..)) => restore_error = Some((Ui::LessonNotReopened, e.to_string())),
                None => {}
            }
            if lesson.is_none() {
                mode = Mode::Library;
            }
        }
        let (session, sandbox) = match session {
            Some(s) => (s, sandbox),
            None => (sandbox.unwrap_or_else(Session::fresh), None),
        };
        let mut sim = Sim::blank(session, persist);
        sim.mode = RwSignal::new(mode);
        sim.lesson = RwSignal::new(lesson);
        sim.sandbox = StoredValue::new(sandbox);
        sim.publish();
        // The reader's language (its catalogue may have to be fetched first); a session that
        // could not be restored is said in it.
        sim.use_lang(lang, false, restore_error);
        sim
    }

    /// A page state around `session` with every signal at its start (nothing published yet).
    fn blank(session: Session, persist: bool) -> Sim {
        Sim {
            view: RwSignal::new(ClusterView::default()),
            step: RwSignal::new(0),
            last_step: RwSignal::new(0),
            log_revision: RwSignal::new(0),
            violations: RwSignal::new(Vec::new()),
            playing: RwSignal::new(false),
            speed: RwSignal::new(1.0),
            visual_ms: RwSignal::new(0.0),
            lang: RwSignal::new(Lang::En),
            embedded: !persist,
            from_link: RwSignal::new(false),
            hide_heartbeats: RwSignal::new(true),
            show_messages: RwSignal::new(false),
            selected: RwSignal::new(None),
            error: RwSignal::new(None),
            param_error: RwSignal::new(None),
            revision: RwSignal::new(0),
            frames: StoredValue::new(0),
            session: StoredValue::new(session),
            mode: RwSignal::new(Mode::Sandbox),
            lesson: RwSignal::new(None),
            index: RwSignal::new(None),
            sandbox: StoredValue::new(None),
            play_until: StoredValue::new(None),
            compare: RwSignal::new(None),
            persist: StoredValue::new(persist),
            lang_wanted: StoredValue::new(Lang::En),
            owner: StoredValue::new(Owner::current()),
        }
    }

    /// Compare mode's side b: its own session, the main page's language, speed and filters,
    /// and no storage.
    fn side(main: &Sim, session: Session) -> Sim {
        let mut sim = Sim::blank(session, false);
        sim.mode = RwSignal::new(Mode::Lesson);
        (sim.speed, sim.lang, sim.lang_wanted, sim.embedded, sim.hide_heartbeats, sim.show_messages) = (main.speed, main.lang, main.lang_wanted, main.embedded, main.hide_heartbeats, main.show_messages);
        (sim.error, sim.param_error, sim.index, sim.owner) = (main.error, main.param_error, main.index, main.owner);
        sim.publish();
        sim
    }

    /// Opens the open lesson's comparison: side a (its tour) here, side b beside it, both on
    /// the lesson's steps.
    pub fn open_compare(&self) {
        let Some(source) = self.lesson.with_untracked(|l| l.as_ref().map(|l| l.source.clone())) else { return };
        match lessons::open_compare(&source) {
            Ok((a, open, b, align, labels)) => {
                self.playing.set(false);
                self.play_until.set_value(None);
                self.session.set_value(a);
                self.lesson.set(Some(open));
                let owner = self.owner.get_value();
                let side = match owner {
                    Some(o) => o.with(|| Sim::side(self, b)),
                    None => Sim::side(self, b),
                };
                self.compare.set(Some(CompareState { b: side, align, labels }));
                self.publish();
            }
            Err(e) => self.error.set(Some(e)),
        }
    }

    /// Leaves compare mode: the lesson as its file sets it, at the same stop.
    pub fn close_compare(&self) {
        if self.compare.get_untracked().is_some() {
            self.compare.set(None);
            self.back_to_tour();
        }
    }

    /// Side b follows side a to the matching step.
    fn follow(&self) {
        if let Some(c) = self.compare.get_untracked() {
            let target = c.align.b_of(self.step.get_untracked());
            c.b.session.update_value(|s| s.timeline.jump_to(target));
            c.b.publish_frame();
            c.b.visual_ms.set(self.visual_ms.get_untracked());
        }
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
        self.follow();
    }

    /// Writes the session to localStorage: a lesson in its own keys, so that it never
    /// overwrites the user's sandbox.
    fn save(&self) {
        if !self.persist.get_value() {
            return;
        }
        storage::save_mode(self.mode.get_untracked().code());
        let lesson = self.lesson.with_untracked(|l| l.as_ref().map(|l| l.forked));
        self.session.with_value(|s| match lesson {
            None => storage::save_session(&s.to_json(), s.timeline.step()),
            Some(forked) => storage::save_lesson_step(s.timeline.step(), forked.then(|| s.to_json()).as_deref()),
        });
    }

    /// A user's command in a lesson is free play from that moment: the tour is set aside.
    fn fork_on_command(&self) {
        if self.compare.get_untracked().is_some() {
            self.compare.set(None);
        }
        if self.lesson.with_untracked(|l| l.as_ref().is_some_and(|l| !l.forked)) {
            self.fork();
        }
    }

    /// Runs a user command as the next step.
    pub fn command(&self, cmd: Command) {
        self.fork_on_command();
        let result = self.session.try_update_value(|s| s.apply(cmd)).unwrap_or(Ok(()));
        self.error.set(result.err());
        self.publish();
    }

    /// Runs several commands, stopping at the first error.
    pub fn commands(&self, cmds: Vec<Command>) {
        self.fork_on_command();
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
        // In a lesson, Reset is the lesson from its start (a fresh sandbox under the lesson's
        // tour would be saved as the lesson's step and reopen as another run: the monkey's find).
        if let Some(source) = self.lesson.with_untracked(|l| l.as_ref().map(|l| l.source.clone())) {
            self.open_lesson(&source);
            return;
        }
        self.playing.set(false);
        self.selected.set(None);
        self.session.set_value(Session::fresh());
        self.error.set(None);
        self.publish();
    }

    /// Replaces the session (settings changed, or a file imported).
    pub fn replace(&self, s: Session) {
        // A new session (an imported file, applied settings) is the sandbox, even from a lesson:
        // it replaces the one set aside.
        if self.lesson.with_untracked(Option::is_some) {
            self.lesson.set(None);
            self.sandbox.set_value(None);
            self.compare.set(None);
            self.mode.set(Mode::Sandbox);
        }
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
        // A lesson plays its recorded run (paced by the cluster's clock, commands at once)
        // until the next stop or the end; free play handles the queue.
        let replay = self.lesson.with_untracked(|l| l.as_ref().is_some_and(|l| !l.forked));
        let until = self.play_until.get_value();
        let mut arrived = false;
        self.session.update_value(|s| {
            while processed < budget {
                if until.is_some_and(|u| s.timeline.step() >= u) {
                    arrived = true;
                    break;
                }
                if replay {
                    match s.timeline.next_input() {
                        None => {
                            arrived = true;
                            break;
                        }
                        Some(Command::Step { .. }) if s.timeline.cluster().next_event_time().is_none_or(|t| t as f64 > target) => break,
                        Some(_) => {}
                    }
                    let next = s.timeline.step() + 1;
                    s.timeline.jump_to(next);
                    processed += 1;
                    continue;
                }
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
        if arrived {
            self.play_until.set_value(None);
            self.pause();
        }
    }

    /// Opens a lesson file's text (from the library or a link): the user's sandbox is kept
    /// aside, untouched, until they go back to it.
    pub fn open_lesson(&self, source: &str) {
        match lessons::open(source) {
            Ok((session, open)) => {
                self.playing.set(false);
                self.play_until.set_value(None);
                self.compare.set(None);
                // Swapped, not cloned: a session's clone would copy its whole history.
                let previous = self.session.try_update_value(|s| std::mem::replace(s, session));
                if self.lesson.with_untracked(Option::is_none) {
                    self.sandbox.set_value(previous);
                }
                if self.persist.get_value() {
                    storage::save_lesson_source(source);
                }
                self.selected.set(None);
                self.lesson.set(Some(open));
                self.mode.set(Mode::Lesson);
                self.error.set(None);
                self.publish();
            }
            Err(e) => self.error.set(Some(e)),
        }
    }

    /// Opens a scenario file's text (an imported file, a host's `load`): a lesson file as a
    /// lesson (its tour), any other scenario as the sandbox. The error names the problem.
    pub fn open_text(&self, text: &str) -> Result<(), String> {
        if text.contains("\"lesson\"") && kplay_core::Scenario::from_json(text).is_ok_and(|s| s.lesson.is_some()) {
            self.open_lesson(text);
            return self.error.get_untracked().map_or(Ok(()), Err);
        }
        self.replace(Session::from_json(text)?);
        if self.mode.get_untracked() == Mode::Library {
            self.mode.set(Mode::Sandbox);
        }
        Ok(())
    }

    /// Fetches a lesson of the library by its file name and opens it.
    pub fn fetch_lesson(&self, file: String) {
        let sim = *self;
        leptos::task::spawn_local(async move {
            match lessons::fetch_text(&format!("{}{file}", lessons::LIBRARY_DIR)).await {
                Ok(text) => sim.open_lesson(&text),
                Err(e) => sim.error.set(Some(e)),
            }
        });
    }

    /// Applies the page's URL parameters: the language and speed at once (the language is not
    /// remembered), then what the link opens. Every problem is named in `param_error`.
    pub fn apply_params(&self, p: Params, pinned: Option<Session>, errors: Vec<String>) {
        if let Some(l) = p.lang {
            self.use_lang(l, false, None);
        }
        if let Some(s) = p.speed {
            self.speed.set(s);
        }
        let o = Opening { lesson: p.lesson, session: pinned, stop: p.stop, step: p.step, compare: p.compare, autoplay: p.autoplay, forked: false };
        self.open_link(o, errors);
    }

    /// Opens what a link points at — a library lesson (fetched by its id through the index)
    /// at its stop or step, forked or compared, or a session — playing if asked; the problems
    /// are named in `param_error`, and what could be opened is.
    pub fn open_link(&self, o: Opening, mut errors: Vec<String>) {
        let show = move |sim: Sim, errors: &[String]| sim.param_error.set((!errors.is_empty()).then(|| errors.join(" · ")));
        let Some(id) = o.lesson.clone() else {
            if let Some(session) = o.session {
                self.show_sandbox();
                self.replace(session);
            }
            if let Some(step) = o.step {
                self.jump(step);
            }
            if o.autoplay {
                self.playing.set(true);
            }
            show(*self, &errors);
            return;
        };
        show(*self, &errors);
        let sim = *self;
        leptos::task::spawn_local(async move {
            if let Err(e) = sim.load_lesson_id(&id).await {
                errors.push(e);
                show(sim, &errors);
                sim.from_link.set(false); // nothing of the link's to keep
                return;
            }
            if let (true, Some(s)) = (o.forked, o.session) {
                sim.session.set_value(s);
                sim.lesson.update(|l| {
                    if let Some(l) = l {
                        l.forked = true;
                    }
                });
                sim.publish();
            }
            if o.compare {
                if sim.lesson.with_untracked(|l| l.as_ref().is_some_and(|l| l.lesson.compare.is_some())) {
                    sim.open_compare();
                } else {
                    errors.push(format!("URL parameter `compare`: the lesson `{id}` has no comparison"));
                }
            }
            let steps = sim.lesson.with_untracked(|l| l.as_ref().map(|l| l.steps.clone()).unwrap_or_default());
            if let Some(n) = o.stop {
                match steps.get(n - 1) {
                    Some(step) => sim.jump(*step),
                    None => errors.push(format!("URL parameter `stop`: the lesson has {} stops, not {n}", steps.len())),
                }
            } else if let Some(step) = o.step {
                sim.jump(step);
            }
            if o.autoplay {
                sim.next_stop();
            }
            show(sim, &errors);
        });
    }

    /// Fetches a library lesson by its id (through the index) and opens it.
    pub async fn load_lesson_id(&self, id: &str) -> Result<(), String> {
        let index = lessons::fetch_text(&format!("{}index.json", lessons::LIBRARY_DIR)).await.and_then(|t| Index::parse(&t));
        #[cfg(not(feature = "groups"))]
        if index.as_ref().is_ok_and(|i| i.cards.iter().any(|c| c.id == id && c.groups)) {
            // A lesson with consumers runs on the extended page: go there, with the same link.
            if let Some(w) = web_sys::window() {
                let search = w.location().search().unwrap_or_default();
                let _ = w.location().replace(&format!("full/{search}"));
            }
            return Ok(());
        }
        let file = match &index {
            Ok(i) => i.cards.iter().find(|c| c.id == id).map(|c| c.file.clone()).ok_or_else(|| format!("the library has no lesson `{id}`")),
            Err(e) => Err(e.clone()),
        };
        self.index.set(Some(index));
        let text = lessons::fetch_text(&format!("{}{}", lessons::LIBRARY_DIR, file?)).await?;
        self.open_lesson(&text);
        match self.lesson.with_untracked(|l| l.as_ref().is_some_and(|l| l.lesson.id == id)) {
            true => Ok(()),
            false => Err(self.error.get_untracked().unwrap_or_else(|| format!("the lesson `{id}` did not open"))),
        }
    }

    /// Several steps forward at once ([`Sim::step_forward`]'s rule for each), drawn once.
    pub fn steps(&self, n: u64) {
        self.playing.set(false);
        self.fork_on_command_if_needed(n);
        self.session.update_value(|s| {
            for _ in 0..n {
                if s.timeline.step() < s.timeline.last_step() {
                    s.timeline.jump_to(s.timeline.step() + 1);
                } else if s.timeline.step_next().is_none() {
                    let _ = s.apply(Command::Advance { ms: 100 });
                }
            }
        });
        self.publish();
    }

    /// A step past a lesson's recorded end is free play ([`Sim::step_forward`] does the same
    /// through [`Sim::command`]).
    fn fork_on_command_if_needed(&self, n: u64) {
        if self.step.get_untracked() + n > self.last_step.get_untracked() {
            self.fork_on_command();
        }
    }

    /// Keeps the session a link opened as the reader's own: saved from now on.
    pub fn keep(&self) {
        self.persist.set_value(true);
        self.from_link.set(false);
        // What a link's page set aside is an empty session, not the reader's sandbox: drop it,
        // so that "Sandbox" brings back the reader's own from storage.
        self.sandbox.set_value(None);
        if let Some(source) = self.lesson.with_untracked(|l| l.as_ref().map(|l| l.source.clone())) {
            storage::save_lesson_source(&source);
        }
        self.save();
    }

    /// Fetches the library's index once.
    pub fn fetch_index(&self) {
        if self.index.with_untracked(|i| matches!(i, Some(Ok(_)))) {
            return;
        }
        let sim = *self;
        leptos::task::spawn_local(async move {
            let url = format!("{}index.json", lessons::LIBRARY_DIR);
            let index = lessons::fetch_text(&url).await.and_then(|t| Index::parse(&t));
            sim.index.set(Some(index));
        });
    }

    /// Shows the library (a lesson stays open behind it).
    pub fn show_library(&self) {
        self.playing.set(false);
        self.mode.set(Mode::Library);
        self.fetch_index();
        if self.persist.get_value() {
            storage::save_mode(Mode::Library.code());
        }
    }

    /// Back to the open lesson from the library.
    pub fn show_lesson(&self) {
        if self.lesson.with_untracked(Option::is_some) {
            self.mode.set(Mode::Lesson);
            if self.persist.get_value() {
                storage::save_mode(Mode::Lesson.code());
            }
        }
    }

    /// Back to the user's own sandbox, as they left it.
    pub fn show_sandbox(&self) {
        self.playing.set(false);
        self.play_until.set_value(None);
        self.compare.set(None);
        if self.lesson.with_untracked(Option::is_some) {
            let sandbox = self.sandbox.try_update_value(Option::take).flatten();
            let s = sandbox
                .or_else(|| storage::load_session().filter(|_| self.persist.get_value()).and_then(|t| Session::from_json(&t).ok()))
                .unwrap_or_else(Session::fresh);
            self.session.set_value(s);
            self.lesson.set(None);
            self.selected.set(None);
        }
        self.mode.set(Mode::Sandbox);
        self.publish();
    }

    /// "Next": plays, at the chosen speed, until the next stop.
    pub fn next_stop(&self) {
        let Some(target) = self.lesson.with_untracked(|l| l.as_ref().and_then(|l| l.next_after(self.step.get_untracked()))) else { return };
        self.play_until.set_value(Some(target));
        self.playing.set(true);
    }

    /// "Back": to the previous stop, exactly.
    pub fn back_stop(&self) {
        let now = self.step.get_untracked();
        if let Some(target) = self.lesson.with_untracked(|l| l.as_ref().and_then(|l| l.back_before(now))) {
            self.play_until.set_value(None);
            self.jump(target);
        }
    }

    /// Back to the tour's first stop.
    pub fn restart_tour(&self) {
        if let Some(first) = self.lesson.with_untracked(|l| l.as_ref().map(|l| l.steps[0])) {
            self.play_until.set_value(None);
            self.jump(first);
        }
    }

    /// "Try it yourself": free play from this exact moment. The lesson's recorded future is
    /// dropped by the first command; "back to the tour" reopens the lesson.
    pub fn fork(&self) {
        self.playing.set(false);
        self.play_until.set_value(None);
        self.lesson.update(|l| {
            if let Some(l) = l {
                l.forked = true;
            }
        });
        self.save();
    }

    /// Leaves free play: the lesson again, at the stop where it was left.
    pub fn back_to_tour(&self) {
        let Some((source, step)) = self.lesson.with_untracked(|l| l.as_ref().map(|l| (l.source.clone(), l.stop_at(self.step.get_untracked()).map(|i| l.steps[i])))) else { return };
        self.open_lesson(&source);
        if let Some(step) = step {
            self.jump(step);
        }
    }

    /// Switches the language (remembered).
    pub fn set_lang(&self, lang: Lang) {
        self.use_lang(lang, true, None);
    }

    /// Switches to `lang` once its catalogue is at hand (Korean is fetched the first time:
    /// `i18n::load`), so the page never shows a half-translated moment; `remember` saves the
    /// choice, `then` is an error to show in the new language. A catalogue that cannot be
    /// fetched leaves the language as it is and says why.
    pub fn use_lang(&self, lang: Lang, remember: bool, then: Option<(Ui, String)>) {
        let sim = *self;
        sim.lang_wanted.set_value(lang);
        let apply = move |result: Result<(), String>| {
            match result {
                Ok(()) if sim.lang_wanted.get_value() != lang => {}
                Ok(()) => {
                    sim.lang.set(lang);
                    if remember && sim.persist.get_value() {
                        storage::save_lang(lang.code());
                    }
                }
                Err(e) => sim.error.set(Some(e)),
            }
            if let Some((k, detail)) = then {
                sim.error.set(Some(format!("{} ({detail})", t(sim.lang.get_untracked(), k))));
            }
        };
        if crate::i18n::ready(lang) {
            apply(Ok(()));
        } else {
            leptos::task::spawn_local(async move { apply(crate::i18n::load(lang).await) });
        }
    }
}

impl Default for Sim {
    fn default() -> Self {
        Sim::new()
    }
}
