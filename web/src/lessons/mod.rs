//! Lessons: the library (`library/index.json`, fetched on demand with each lesson file from
//! `library/`, so no lesson is compiled into the wasm) and a lesson's tour as the page plays
//! it. The tour's stops are found in the lesson's recorded run by the core
//! ([`kplay_core::lesson::Tour::resolve`]); the page only moves between them.

pub mod compare;
pub mod library;
pub mod tour;

use crate::session::Session;
use kplay_core::lesson::{Lesson, Text, Tour};
use kplay_core::scenario::Scenario;
use serde_json::Value;

/// Where the library's files are, relative to the page (so a sub-path deploy works).
pub const LIBRARY_DIR: &str = "library/";

/// A lesson's card in the library.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Card {
    /// Its file in `library/`.
    pub file: String,
    /// Its stable id.
    pub id: String,
    /// Title.
    pub title: Text,
    /// Summary.
    pub summary: Text,
    /// `intro`, `intermediate` or `advanced`.
    pub level: String,
    /// Seed-note topics.
    pub topics: Vec<String>,
    /// How many stops its tour has.
    pub stops: u64,
    /// It has consumers: it opens on the extended page (`full/`).
    pub groups: bool,
}

/// The library's index, as `kplay library` writes it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Index {
    /// Lessons, in the library's order (the first is the one a newcomer starts with).
    pub cards: Vec<Card>,
    /// Topic ids in the library's order.
    pub topics: Vec<String>,
}

fn text(v: &Value) -> Text {
    Text { en: v["en"].as_str().unwrap_or_default().into(), ko: v["ko"].as_str().unwrap_or_default().into() }
}

impl Index {
    /// Reads `index.json`; the error says what is wrong.
    pub fn parse(json: &str) -> Result<Index, String> {
        let v: Value = serde_json::from_str(json).map_err(|e| format!("library/index.json: {e}"))?;
        let lessons = v["lessons"].as_array().ok_or("library/index.json: no `lessons` array")?;
        let mut cards = Vec::new();
        for (i, l) in lessons.iter().enumerate() {
            let field = |k: &str| l[k].as_str().map(String::from).ok_or(format!("library/index.json: lessons[{i}].{k} is missing"));
            cards.push(Card {
                file: field("file")?,
                id: field("id")?,
                title: text(&l["title"]),
                summary: text(&l["summary"]),
                level: field("level")?,
                topics: l["topics"].as_array().into_iter().flatten().filter_map(|t| t.as_str().map(String::from)).collect(),
                stops: l["stops"].as_u64().unwrap_or(0),
                groups: l["groups"].as_bool().unwrap_or(false),
            });
        }
        let topics = v["topics"].as_array().into_iter().flatten().filter_map(|t| t["id"].as_str().map(String::from)).collect();
        Ok(Index { cards, topics })
    }

    /// Cards whose title, summary, id or topic contains `query` (ASCII letters in any case —
    /// Hangul has none; `to_lowercase`'s Unicode tables would cost the bundle ~10 KB —, either
    /// language).
    pub fn search(&self, query: &str) -> Vec<&Card> {
        let q = query.trim().to_ascii_lowercase();
        self.cards
            .iter()
            .filter(|c| {
                q.is_empty()
                    || [&c.id, &c.title.en, &c.title.ko, &c.summary.en, &c.summary.ko].iter().any(|s| s.to_ascii_lowercase().contains(&q))
                    || c.topics.iter().any(|t| t.contains(&q))
            })
            .collect()
    }
}

/// An open lesson: its tour's stops in its recorded run, and the file it came from (to go
/// back to the tour after free play).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OpenLesson {
    /// The lesson block.
    pub lesson: Lesson,
    /// Each stop's step.
    pub steps: Vec<u64>,
    /// The lesson file's text.
    pub source: String,
    /// "Try it yourself": free play from a stop; the tour is set aside.
    pub forked: bool,
}

impl OpenLesson {
    /// The stop reached at `step`: the last one at or before it (0-based), if any.
    pub fn stop_at(&self, step: u64) -> Option<usize> {
        self.steps.iter().rposition(|s| *s <= step)
    }

    /// The step of the next stop after `step`.
    pub fn next_after(&self, step: u64) -> Option<u64> {
        self.steps.iter().copied().find(|s| *s > step)
    }

    /// The step of the stop before `step`.
    pub fn back_before(&self, step: u64) -> Option<u64> {
        self.steps.iter().copied().rev().find(|s| *s < step)
    }
}

/// Opens a lesson file: its run recorded, its tour resolved, the session at its first stop.
pub fn open(source: &str) -> Result<(Session, OpenLesson), String> {
    let s = Scenario::from_json(source).map_err(|e| e.to_string())?;
    let (mut timeline, lesson) = s.lesson_timeline().map_err(|e| e.to_string())?;
    let tour = Tour::resolve(&lesson, &timeline).map_err(|(p, m)| format!("{p}: {m}"))?;
    timeline.jump_to(tour.steps[0]);
    let mut origin = s;
    origin.steps.clear();
    Ok((Session { origin, timeline }, OpenLesson { lesson, steps: tour.steps, source: source.into(), forked: false }))
}

/// Opens a lesson file's comparison: side a (with the tour, resolved on side a's run) and
/// side b, each at the first stop's command, and how their steps align.
#[allow(clippy::type_complexity)]
pub fn open_compare(source: &str) -> Result<(Session, OpenLesson, Session, kplay_core::lesson::Alignment, (Text, Text)), String> {
    let s = Scenario::from_json(source).map_err(|e| e.to_string())?;
    let lesson = s.lesson.clone().ok_or("this file has no lesson")?;
    let c = lesson.compare.clone().ok_or("this lesson has no comparison")?;
    let (a, b) = (c.a.apply(&s), c.b.apply(&s));
    let (mut ta, sa) = a.timeline_with_starts().map_err(|e| e.to_string())?;
    let (mut tb, sb) = b.timeline_with_starts().map_err(|e| e.to_string())?;
    let tour = Tour::resolve(&lesson, &ta).map_err(|(p, m)| format!("{}: {p}: {m}", c.a.label.en))?;
    let align = kplay_core::lesson::Alignment::of(&sa, &sb);
    ta.jump_to(tour.steps[0]);
    tb.jump_to(align.b_of(tour.steps[0]));
    let session = |mut origin: Scenario, timeline| {
        origin.steps.clear();
        Session { origin, timeline }
    };
    let open = OpenLesson { lesson, steps: tour.steps, source: source.into(), forked: false };
    Ok((session(a, ta), open, session(b, tb), align, (c.a.label, c.b.label)))
}

/// Fetches a file next to the page as text.
#[cfg(target_arch = "wasm32")]
pub async fn fetch_text(url: &str) -> Result<String, String> {
    use wasm_bindgen::JsCast;
    let window = web_sys::window().ok_or("no window")?;
    let response = wasm_bindgen_futures::JsFuture::from(window.fetch_with_str(url)).await.map_err(|_| format!("{url}: could not be fetched"))?;
    let response: web_sys::Response = response.unchecked_into();
    if !response.ok() {
        return Err(format!("{url}: HTTP {}", response.status()));
    }
    let text = response.text().map_err(|_| format!("{url}: no text"))?;
    let text = wasm_bindgen_futures::JsFuture::from(text).await.map_err(|_| format!("{url}: could not be read"))?;
    text.as_string().ok_or_else(|| format!("{url}: not text"))
}

/// Natively (tests) there is nothing to fetch from.
#[cfg(not(target_arch = "wasm32"))]
pub async fn fetch_text(url: &str) -> Result<String, String> {
    Err(format!("{url}: nothing is fetched natively"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_committed_library_opens_and_every_lesson_starts_at_its_first_stop() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../scenarios/library");
        let index = Index::parse(&std::fs::read_to_string(dir.join("index.json")).unwrap()).unwrap();
        assert!(index.cards.len() >= 18, "{} lessons", index.cards.len());
        assert!(index.cards.iter().any(|c| c.groups), "a lesson with consumers is flagged for the extended page");
        // Without the `groups` feature this page links those lessons to the extended one.
        for c in index.cards.iter().filter(|c| cfg!(feature = "groups") || !c.groups) {
            let (session, open) = open(&std::fs::read_to_string(dir.join(&c.file)).unwrap()).unwrap_or_else(|e| panic!("{}: {e}", c.file));
            assert_eq!(session.timeline.step(), open.steps[0], "{}", c.id);
            assert_eq!(open.steps.len() as u64, c.stops, "{}: the index is out of date", c.id);
            assert_eq!(open.lesson.id, c.id);
        }
        assert_eq!(index.search("kip-101").len(), index.cards.iter().filter(|c| c.id.contains("kip-101") || c.title.en.to_lowercase().contains("kip-101") || c.summary.en.to_lowercase().contains("kip-101") || c.summary.ko.to_lowercase().contains("kip-101") || c.title.ko.to_lowercase().contains("kip-101")).count());
    }

    #[test]
    fn stops_are_found_around_any_step() {
        let l = OpenLesson {
            lesson: Lesson {
                id: "x".into(),
                title: Text::default(),
                summary: Text::default(),
                level: kplay_core::lesson::Level::Intro,
                topics: vec![],
                learn: vec![],
                tour: vec![],
                compare: None,
            },
            steps: vec![0, 10, 20],
            source: String::new(),
            forked: false,
        };
        assert_eq!(l.stop_at(0), Some(0));
        assert_eq!(l.stop_at(15), Some(1));
        assert_eq!(l.stop_at(99), Some(2));
        assert_eq!(l.next_after(10), Some(20));
        assert_eq!(l.next_after(20), None);
        assert_eq!(l.back_before(15), Some(10));
        assert_eq!(l.back_before(0), None);
    }
}
