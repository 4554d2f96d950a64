//! Lessons: a scenario file with a `lesson` block is a guided tour of what its steps make the
//! cluster do. The block names the lesson (a stable id used in URLs), says in English and
//! Korean what it teaches, and lists the tour's stops: moments of the run where the page
//! pauses with a caption, highlights and, optionally, a question.
//!
//! A stop is found in the recorded run, not written as a step number where it can be helped:
//! "the first `LeaderElected` event for `t-0` after the previous stop" survives small changes
//! of the engine's timing, and a stop that no longer happens is an error, so a tour cannot
//! drift silently from what the engine does ([`Tour::resolve`], run by `kplay check` and
//! `kplay tour` over `scenarios/library/`).

use crate::command::Command;
use crate::config::TruncationMode;
use crate::event::Event;
use crate::ids::BrokerId;
use crate::message::Acks;
use crate::scenario::Scenario;
use crate::timeline::Timeline;
use serde::Serialize;

/// A text in the page's two languages.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schema", schemars(deny_unknown_fields))]
pub struct Text {
    /// English.
    pub en: String,
    /// Korean (in the seed notes' terms: 리더, 팔로워, 하이 워터마크, 리더 에포크…).
    pub ko: String,
}

impl Text {
    /// The text in a language (`"ko"` or anything else for English).
    pub fn get(&self, lang: &str) -> &str {
        if lang == "ko" {
            &self.ko
        } else {
            &self.en
        }
    }
}

/// How much a lesson assumes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Level {
    /// No Kafka knowledge assumed.
    Intro,
    /// Knows produce, fetch and the ISR.
    Intermediate,
    /// Knows leader epochs and elections.
    Advanced,
}

impl Level {
    /// Its name in files.
    pub fn name(self) -> &'static str {
        match self {
            Level::Intro => "intro",
            Level::Intermediate => "intermediate",
            Level::Advanced => "advanced",
        }
    }
}

/// The topics of the seed notes (`shared/seeds/`) a lesson can cover, with the note each
/// comes from: the library groups its cards by them.
pub const TOPICS: &[(&str, &str)] = &[
    ("produce-fetch", "000"),
    ("partitions-keys", "001"),
    ("segments", "002"),
    ("high-watermark", "003"),
    ("isr", "003"),
    ("acks", "003"),
    ("min-isr", "003"),
    ("leader-epoch", "003"),
    ("failover", "004"),
    ("truncation", "003"),
    ("unclean-election", "004"),
    ("controller", "004"),
    ("crash-recovery", "002"),
    ("consumer-groups", "000"),
];

/// The `lesson` block of a scenario file.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schema", schemars(deny_unknown_fields))]
pub struct Lesson {
    /// A stable slug (`a-z`, `0-9`, `-`): URLs and course notes use it.
    pub id: String,
    /// The card's title.
    pub title: Text,
    /// One or two sentences on the card.
    pub summary: Text,
    /// `intro`, `intermediate` or `advanced`.
    pub level: Level,
    /// Seed-note topics it covers (see [`TOPICS`]).
    #[cfg_attr(feature = "schema", schemars(default))]
    pub topics: Vec<String>,
    /// What the student should learn: 2–4 points.
    #[cfg_attr(feature = "schema", schemars(default))]
    pub learn: Vec<Text>,
    /// The stops, in order.
    #[cfg_attr(feature = "schema", schemars(default))]
    pub tour: Vec<Stop>,
    /// Two configurations to play side by side on the same steps (the page's compare view).
    #[cfg_attr(feature = "schema", schemars(default))]
    pub compare: Option<Compare>,
}

/// Compare mode: the lesson's steps run twice, with side `a`'s and side `b`'s settings; the
/// tour follows side `a`.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schema", schemars(deny_unknown_fields))]
pub struct Compare {
    /// The left side.
    pub a: Side,
    /// The right side.
    pub b: Side,
}

/// One side of a comparison: a name and the settings it changes (the rest is the file's).
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schema", schemars(deny_unknown_fields))]
pub struct Side {
    /// Its name, e.g. "legacy HW truncation".
    pub label: Text,
    /// `config.truncation_mode` on this side.
    #[cfg_attr(feature = "schema", schemars(default))]
    pub truncation_mode: Option<TruncationMode>,
    /// `config.unclean_leader_election` on this side.
    #[cfg_attr(feature = "schema", schemars(default))]
    pub unclean_leader_election: Option<bool>,
    /// `config.min_insync_replicas` on this side.
    #[cfg_attr(feature = "schema", schemars(default))]
    pub min_insync_replicas: Option<u32>,
    /// Every produce's `acks` on this side.
    #[cfg_attr(feature = "schema", schemars(default))]
    pub acks: Option<Acks>,
    /// `config.eligible_leader_replicas` on this side (EL1; the extended page).
    #[cfg(feature = "kraft")]
    #[cfg_attr(feature = "schema", schemars(default))]
    pub eligible_leader_replicas: Option<bool>,
    /// `config.racks` on this side (RK; `{}`: no racks, the rack-unaware placement).
    #[cfg(feature = "kraft")]
    #[cfg_attr(feature = "schema", schemars(default))]
    pub racks: Option<std::collections::BTreeMap<crate::ids::BrokerId, String>>,
}

impl Side {
    /// The scenario with this side's settings: the same steps (the same fault schedule), its
    /// configuration changed.
    pub fn apply(&self, s: &Scenario) -> Scenario {
        let mut v = s.clone();
        if let Some(m) = self.truncation_mode {
            v.config.truncation_mode = m;
        }
        if let Some(u) = self.unclean_leader_election {
            v.config.unclean_leader_election = u;
        }
        if let Some(m) = self.min_insync_replicas {
            v.config.min_insync_replicas = m;
        }
        #[cfg(feature = "kraft")]
        if let Some(e) = self.eligible_leader_replicas {
            v.config.eligible_leader_replicas = e;
        }
        #[cfg(feature = "kraft")]
        if let Some(r) = &self.racks {
            v.config.racks = r.clone();
        }
        if let Some(a) = self.acks {
            for step in &mut v.steps {
                if let Command::Produce { acks, .. } = &mut step.0 {
                    *acks = a;
                }
            }
        }
        v.expect = None;
        v
    }
}

/// The two runs of a comparison, aligned: for each of the file's steps, where it starts in
/// each recorded run (a `step` command can record fewer steps on one side, when that side's
/// queue runs dry first).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Alignment {
    /// `(start in a, start in b)` of each command, then the two last steps.
    pub starts: Vec<(u64, u64)>,
}

impl Alignment {
    /// Aligns two recordings of the same steps, given where each command started in each
    /// (see [`Scenario::timeline_with_starts`]).
    pub fn of(a: &[u64], b: &[u64]) -> Alignment {
        Alignment { starts: a.iter().copied().zip(b.iter().copied()).collect() }
    }

    /// The step of side b that matches step `a` of side a: the same command, as many steps
    /// into it as b has.
    pub fn b_of(&self, a: u64) -> u64 {
        let i = self.starts.partition_point(|(sa, _)| *sa <= a).saturating_sub(1);
        let (sa, sb) = self.starts[i];
        let next_b = self.starts.get(i + 1).map_or(sb, |n| n.1);
        (sb + (a - sa)).min(next_b.max(sb))
    }
}

/// One stop of a tour.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schema", schemars(deny_unknown_fields))]
pub struct Stop {
    /// When the tour pauses; left out: at the end of the run.
    #[cfg_attr(feature = "schema", schemars(default))]
    pub at: StopAt,
    /// What just happened and why (plain text; never read as HTML).
    pub caption: Text,
    /// The rules it shows, by their PROTOCOL.md ids (`L4`, `H2`).
    #[cfg_attr(feature = "schema", schemars(default))]
    pub rules: Vec<String>,
    /// What to look at: the page's `data-testid`s (`broker-1`, `replica-t-0-2`,
    /// `log-cell-t-0-1-3`, `hw-t-0-1`, `messages`, `event-log`).
    #[cfg_attr(feature = "schema", schemars(default))]
    pub look: Vec<String>,
    /// A question to think about before going on.
    #[cfg_attr(feature = "schema", schemars(default))]
    pub question: Option<Text>,
    /// Its answer, revealed on request.
    #[cfg_attr(feature = "schema", schemars(default))]
    pub answer: Option<Text>,
}

/// A moment of the run: the `nth` event of kind `event` (on `partition`, on `broker`) after
/// the previous stop; or a step number; or, with neither, the end of the run.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schema", schemars(deny_unknown_fields))]
pub struct StopAt {
    /// An event kind, as [`Event::kind`] names it (`LeaderElected`, `Truncated`).
    #[cfg_attr(feature = "schema", schemars(default))]
    pub event: Option<String>,
    /// The event's partition, `topic-partition` (`t-0`).
    #[cfg_attr(feature = "schema", schemars(default))]
    pub partition: Option<String>,
    /// The event's broker (see [`Event::broker`]).
    #[cfg_attr(feature = "schema", schemars(default))]
    pub broker: Option<BrokerId>,
    /// Which matching event after the previous stop (default 1: the first).
    #[cfg_attr(feature = "schema", schemars(default))]
    pub nth: Option<u32>,
    /// A step number (with `event`: search from this step on).
    #[cfg_attr(feature = "schema", schemars(default))]
    pub step: Option<u64>,
}

/// A page id a stop may highlight: letters, digits and `-` (so it is safe in a CSS selector).
fn is_slug(s: &str, upper: bool) -> bool {
    !s.is_empty() && s.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || (upper && c.is_ascii_alphanumeric()))
}

impl Lesson {
    /// Checks what the reader cannot: the id and highlight targets are slugs, the level's
    /// topics are known, 2–4 learning points, no empty text, known event kinds. The error
    /// names the path (`lesson.tour[2].look[0]`).
    pub fn validate(&self) -> Result<(), (String, String)> {
        let bad = |path: String, m: String| Err((path, m));
        if !is_slug(&self.id, false) {
            return bad("lesson.id".into(), format!("`{}` must be a slug: a-z, 0-9 and -", self.id));
        }
        for (name, t) in [("title", &self.title), ("summary", &self.summary)] {
            if t.en.trim().is_empty() || t.ko.trim().is_empty() {
                return bad(format!("lesson.{name}"), "needs both `en` and `ko`".into());
            }
        }
        for (i, topic) in self.topics.iter().enumerate() {
            if !TOPICS.iter().any(|(t, _)| t == topic) {
                let list: Vec<&str> = TOPICS.iter().map(|(t, _)| *t).collect();
                return bad(format!("lesson.topics[{i}]"), format!("unknown topic `{topic}`, expected one of {}", list.join(", ")));
            }
        }
        if !(2..=4).contains(&self.learn.len()) {
            return bad("lesson.learn".into(), format!("{} points given, a lesson says what it teaches in 2 to 4", self.learn.len()));
        }
        if self.tour.is_empty() {
            return bad("lesson.tour".into(), "a lesson needs at least one stop".into());
        }
        for (i, s) in self.tour.iter().enumerate() {
            let path = format!("lesson.tour[{i}]");
            if s.caption.en.trim().is_empty() || s.caption.ko.trim().is_empty() {
                return bad(format!("{path}.caption"), "needs both `en` and `ko`".into());
            }
            if let Some((j, l)) = s.look.iter().enumerate().find(|(_, l)| !is_slug(l, true)) {
                return bad(format!("{path}.look[{j}]"), format!("`{l}` is not a page id (letters, digits and -)"));
            }
            if s.answer.is_some() && s.question.is_none() {
                return bad(format!("{path}.answer"), "an answer needs a question".into());
            }
            if let Some(e) = s.at.event.as_deref().filter(|e| !Event::KINDS.contains(e)) {
                return bad(format!("{path}.at.event"), format!("unknown event kind `{e}`, expected one of {}", Event::KINDS.join(", ")));
            }
            if s.at.event.is_none() && (s.at.partition.is_some() || s.at.broker.is_some() || s.at.nth.is_some()) {
                return bad(format!("{path}.at"), "`partition`, `broker` and `nth` need an `event`".into());
            }
        }
        Ok(())
    }
}

/// A tour with each stop's step in a recorded run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Tour {
    /// The step of each stop, strictly increasing.
    pub steps: Vec<u64>,
}

impl Tour {
    /// Finds every stop in `timeline`'s recorded run (from step 0 to its last step). A stop
    /// that does not happen, or happens no later than the stop before it, is an error naming
    /// it: a lesson whose engine changed under it fails its test instead of pausing at the
    /// wrong moment.
    pub fn resolve(lesson: &Lesson, timeline: &Timeline) -> Result<Tour, (String, String)> {
        let last = timeline.last_step();
        let mut steps: Vec<u64> = Vec::with_capacity(lesson.tour.len());
        for (i, stop) in lesson.tour.iter().enumerate() {
            let path = format!("lesson.tour[{i}].at");
            let after = steps.last().copied();
            let at = &stop.at;
            let step = match &at.event {
                None => at.step.unwrap_or(last),
                Some(kind) => {
                    let from = at.step.unwrap_or(0).max(after.map_or(0, |a| a + 1));
                    let want = at.nth.unwrap_or(1).max(1);
                    let mut seen = 0;
                    let found = (from.max(1)..=last).find(|s| {
                        seen += timeline.events_of(*s).iter().filter(|e| matches(&e.event, kind, at)).count() as u32;
                        seen >= want
                    });
                    let Some(s) = found else {
                        let on = at.partition.as_ref().map_or(String::new(), |p| format!(" for {p}"));
                        let by = at.broker.map_or(String::new(), |b| format!(" on broker {b}"));
                        return Err((path, format!("no {kind} event #{want}{on}{by} from step {from} to the last step {last}")));
                    };
                    s
                }
            };
            if step > last {
                return Err((path, format!("step {step} is after the last step {last}")));
            }
            if let Some(a) = after.filter(|a| step <= *a) {
                return Err((path, format!("this stop (step {step}) is not after the previous one (step {a})")));
            }
            steps.push(step);
        }
        Ok(Tour { steps })
    }
}

fn matches(e: &Event, kind: &str, at: &StopAt) -> bool {
    e.kind() == kind
        && at.partition.as_ref().is_none_or(|p| e.partition().is_some_and(|tp| tp.to_string() == *p))
        && at.broker.is_none_or(|b| e.broker() == Some(b))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lesson_json(tour: &str) -> String {
        format!(
            r#"{{"version": 1, "config": {{"brokers": 3, "topics": [{{"name": "t", "partitions": 1, "replication_factor": 3}}]}},
            "steps": [{{"do": "produce", "topic": "t", "value": "a"}}, {{"do": "step", "count": 40}}, {{"do": "crash", "broker": 1}}, {{"do": "step", "count": 200}}],
            "lesson": {{"id": "x", "title": {{"en": "T", "ko": "티"}}, "summary": {{"en": "S", "ko": "에스"}}, "level": "intro",
              "topics": ["failover"], "learn": [{{"en": "a", "ko": "가"}}, {{"en": "b", "ko": "나"}}], "tour": {tour}}}}}"#
        )
    }

    fn resolve(tour: &str) -> Result<Vec<u64>, String> {
        let s = Scenario::from_json(&lesson_json(tour)).map_err(|e| e.to_string())?;
        let (timeline, lesson) = s.lesson_timeline().map_err(|e| e.to_string())?;
        Tour::resolve(&lesson, &timeline).map(|t| t.steps).map_err(|(p, m)| format!("{p}: {m}"))
    }

    #[test]
    fn a_stop_is_the_first_matching_event_after_the_previous_stop() {
        let caption = r#""caption": {"en": "c", "ko": "씨"}"#;
        let steps = resolve(&format!(
            r#"[{{"at": {{"step": 0}}, {caption}}}, {{"at": {{"event": "BrokerCrashed", "broker": 1}}, {caption}}},
               {{"at": {{"event": "LeaderElected", "partition": "t-0"}}, {caption}}}, {{{caption}}}]"#
        ))
        .unwrap();
        assert_eq!(steps[0], 0);
        // produce (1) + 40 steps, then the crash command is step 42.
        assert_eq!(steps[1], 42);
        assert!(steps[2] > 42 && steps[2] < steps[3], "{steps:?}");
        assert_eq!(steps[3], 42 + 200, "no event: the end of the run");
    }

    #[test]
    fn the_two_sides_of_a_comparison_run_the_same_steps_and_align_by_command() {
        let tour = r#"[{"caption": {"en": "c", "ko": "씨"}}]"#;
        let s = Scenario::from_json(&lesson_json(tour)).unwrap();
        let side = |acks: &str| format!(r#"{{"label": {{"en": "{acks}", "ko": "{acks}"}}, "acks": "{acks}", "unclean_leader_election": true}}"#);
        let text = lesson_json(&format!(r#"{tour}, "compare": {{"a": {}, "b": {}}}"#, side("1"), side("all")));
        let c = Scenario::from_json(&text).unwrap().lesson.unwrap().compare.unwrap();
        let (a, b) = (c.a.apply(&s), c.b.apply(&s));
        assert_eq!(a.steps.len(), s.steps.len());
        assert!(a.config.unclean_leader_election && a.expect.is_none());
        assert!(matches!(a.steps[0].0, Command::Produce { acks: Acks::Leader, .. }));
        assert!(matches!(b.steps[0].0, Command::Produce { acks: Acks::All, .. }));
        let ((ta, sa), (_, sb)) = (a.timeline_with_starts().unwrap(), b.timeline_with_starts().unwrap());
        let tb = b.timeline().unwrap();
        let al = Alignment::of(&sa, &sb);
        // produce, 40 steps, crash, 200 steps: the crash is command 2 on both sides.
        assert_eq!(al.starts[2], (41, 41));
        assert_eq!(al.b_of(41), 41);
        assert_eq!(al.b_of(0), 0);
        assert_eq!(al.b_of(ta.last_step()), tb.last_step().min(ta.last_step()));
    }

    #[test]
    fn a_stop_that_never_happens_or_goes_back_is_an_error_naming_it() {
        let caption = r#""caption": {"en": "c", "ko": "씨"}"#;
        let e = resolve(&format!(r#"[{{"at": {{"event": "Truncated", "partition": "t-0"}}, {caption}}}]"#)).unwrap_err();
        assert!(e.starts_with("lesson.tour[0].at: no Truncated event #1 for t-0 from step 0"), "{e}");
        let e = resolve(&format!(r#"[{{"at": {{"step": 50}}, {caption}}}, {{"at": {{"step": 10}}, {caption}}}]"#)).unwrap_err();
        assert!(e.contains("lesson.tour[1].at: this stop (step 10) is not after the previous one (step 50)"), "{e}");
        let e = resolve(&format!(r#"[{{"at": {{"event": "Elected"}}, {caption}}}]"#)).unwrap_err();
        assert!(e.contains("lesson.tour[0].at.event: unknown event kind `Elected`"), "{e}");
        let e = resolve(&format!(r#"[{{"look": ["broker-1\"]"], {caption}}}]"#)).unwrap_err();
        assert!(e.contains("lesson.tour[0].look[0]: `broker-1\"]` is not a page id"), "{e}");
    }
}
