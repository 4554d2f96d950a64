//! The lesson library (`scenarios/library/`): every lesson runs to the end state its `expect`
//! block pins, every stop of its tour happens, in order (`Tour::resolve`), the library covers
//! every seed-note topic, and `index.json` (what the page's library view fetches) is the one
//! `kplay library` writes from the files. A tour can never drift silently from the engine.

use kplay_core::lesson::{Tour, TOPICS};
use kplay_core::report::Report;
use kplay_core::scenario::{check_expectations, Scenario};
use std::path::PathBuf;

fn dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../scenarios/library")
}

fn lesson_files() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir())
        .expect("scenarios/library exists")
        .map(|e| e.expect("readable").path())
        .filter(|p| p.extension().is_some_and(|e| e == "json") && p.file_name().is_some_and(|n| n != "index.json"))
        .collect();
    files.sort();
    files
}

#[test]
fn every_lesson_meets_its_expectations_and_every_stop_happens_in_order() {
    let files = lesson_files();
    assert!(files.len() >= 18, "{} lessons; the library needs at least 18", files.len());
    let mut failures = Vec::new();
    for f in &files {
        let name = f.file_name().unwrap().to_string_lossy().into_owned();
        let s = Scenario::from_json(&std::fs::read_to_string(f).unwrap()).unwrap_or_else(|e| panic!("{name}: {e}"));
        let lesson = s.lesson.clone().unwrap_or_else(|| panic!("{name} has no lesson block"));
        assert_eq!(s.name, lesson.id, "{name}: the scenario's name is the lesson's id");
        assert!(name.len() > 3 && name[3..] == format!("{}.json", lesson.id), "{name}: files are named NN-<id>.json");
        let expect = s.expect.clone().unwrap_or_else(|| panic!("{name} has no expect block"));
        let timeline = s.timeline().unwrap_or_else(|e| panic!("{name}: {e}"));
        match Tour::resolve(&lesson, &timeline) {
            Ok(t) => assert_eq!(t.steps.len(), lesson.tour.len()),
            Err((p, m)) => failures.push(format!("{name}: {p}: {m}")),
        }
        for bad in check_expectations(&Report::of(timeline.cluster()), &expect) {
            failures.push(format!("{name}: {bad}"));
        }
        if !lesson.tour.iter().any(|s| s.question.is_some() && s.answer.is_some()) {
            failures.push(format!("{name}: no stop asks the student to predict (a question with an answer)"));
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

#[test]
fn the_library_covers_every_seed_note_topic() {
    let mut covered = Vec::new();
    for f in lesson_files() {
        let s = Scenario::from_json(&std::fs::read_to_string(&f).unwrap()).unwrap();
        covered.extend(s.lesson.unwrap().topics);
    }
    for (topic, seed) in TOPICS {
        assert!(covered.iter().any(|t| t == topic), "no lesson covers `{topic}` (seed note {seed})");
    }
}

#[test]
fn the_committed_index_is_the_one_kplay_library_writes() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_kplay"))
        .arg("library")
        .args(lesson_files())
        .output()
        .expect("kplay runs");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let committed = std::fs::read_to_string(dir().join("index.json")).expect("scenarios/library/index.json");
    // Not assert_eq: the whole index twice would bury the message.
    assert!(String::from_utf8_lossy(&out.stdout).trim_end() == committed.trim_end(), "scenarios/library/index.json is out of date: run scripts/library-index.sh");
}

#[test]
fn kplay_tour_prints_each_stop_with_the_state_there() {
    let first = lesson_files().into_iter().next().expect("a lesson");
    let s = Scenario::from_json(&std::fs::read_to_string(&first).unwrap()).unwrap();
    let lesson = s.lesson.clone().unwrap();
    for lang in ["en", "ko"] {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_kplay")).args(["tour", "--lang", lang]).arg(&first).output().unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let text = String::from_utf8_lossy(&out.stdout);
        let n = lesson.tour.len();
        assert!(text.contains(&format!("== stop {n}/{n} · step ")), "{text}");
        assert!(text.contains(lesson.tour[0].caption.get(lang)), "{text}");
        assert!(text.contains("leader epoch") && text.contains("LEO"), "the state at each stop: {text}");
    }
}

/// Compare mode's lessons: side a is the file itself (so its tour and `expect` are side a's),
/// both sides run the same steps, and they end differently — the point of comparing.
#[test]
fn a_compared_lesson_is_its_side_a_and_its_two_sides_end_differently() {
    let mut compared = 0;
    for f in lesson_files() {
        let name = f.file_name().unwrap().to_string_lossy().into_owned();
        let s = Scenario::from_json(&std::fs::read_to_string(&f).unwrap()).unwrap();
        let Some(c) = s.lesson.as_ref().and_then(|l| l.compare.clone()) else { continue };
        compared += 1;
        let a = c.a.apply(&s);
        assert_eq!((&a.config, &a.steps), (&s.config, &s.steps), "{name}: side a must be the file's own settings");
        let b = c.b.apply(&s);
        let tb = b.timeline().unwrap_or_else(|e| panic!("{name}: side b does not run: {e}"));
        let ra = Report::of(s.timeline().unwrap().cluster());
        let rb = Report::of(tb.cluster());
        let key = |r: &Report| {
            let logs: Vec<String> = r.partitions.iter().flat_map(|p| p.replicas.iter().map(|x| kplay_core::report::log_text(&x.log, true))).collect();
            let produced: Vec<String> = r.produced.iter().map(|p| p.result.clone()).collect();
            let mut v: Vec<String> = r.violations.iter().map(|v| v.invariant.clone()).collect();
            v.sort();
            v.dedup();
            (logs, produced, v)
        };
        assert_ne!(key(&ra), key(&rb), "{name}: the two sides end alike: nothing to compare");
    }
    assert!(compared >= 2, "only {compared} lessons compare two configurations");
}
