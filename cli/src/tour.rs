//! `kplay tour` and `kplay library`: a lesson's tour as text (so a course author can check a
//! lesson without a browser), and the library's index, which the page's library view fetches.

use kplay_core::lesson::{Tour, TOPICS};
use kplay_core::report::{cache_text, log_text, Report};
use kplay_core::scenario::Scenario;
use serde_json::{json, Value};
use std::fmt::Write;

fn ids(v: &[kplay_core::ids::BrokerId]) -> String {
    let v: Vec<String> = v.iter().map(|b| b.to_string()).collect();
    format!("{{{}}}", v.join(","))
}

/// The tour, stop by stop: when, the caption, the rules and highlights, the question and its
/// answer, and every partition's state at that moment.
pub fn text(s: &Scenario, lang: &str) -> Result<String, String> {
    let (mut timeline, lesson) = s.lesson_timeline().map_err(|e| e.to_string())?;
    let tour = Tour::resolve(&lesson, &timeline).map_err(|(p, m)| format!("{p}: {m}"))?;
    let mut out = String::new();
    let _ = writeln!(out, "{} [{}] ({})", lesson.title.get(lang), lesson.id, lesson.level.name());
    let _ = writeln!(out, "{}", lesson.summary.get(lang));
    for l in &lesson.learn {
        let _ = writeln!(out, "  - {}", l.get(lang));
    }
    for (i, (stop, step)) in lesson.tour.iter().zip(&tour.steps).enumerate() {
        timeline.jump_to(*step);
        let c = timeline.cluster();
        let _ = writeln!(out, "\n== stop {}/{} · step {step} · t={} ms", i + 1, tour.steps.len(), c.now_ms());
        let _ = writeln!(out, "{}", stop.caption.get(lang));
        if !stop.rules.is_empty() {
            let _ = writeln!(out, "rules: {}", stop.rules.join(", "));
        }
        if !stop.look.is_empty() {
            let _ = writeln!(out, "look at: {}", stop.look.join(", "));
        }
        if let Some(q) = &stop.question {
            let _ = writeln!(out, "question: {}", q.get(lang));
        }
        if let Some(a) = &stop.answer {
            let _ = writeln!(out, "answer: {}", a.get(lang));
        }
        for e in timeline.events_of(*step) {
            let _ = writeln!(out, "  event: {}", e.event);
        }
        let r = Report::of(c);
        for p in &r.partitions {
            let leader = p.leader.map_or("none".into(), |b| b.to_string());
            let _ = writeln!(out, "  {}-{}: leader {leader}, leader epoch {}, ISR {}", p.topic, p.partition, p.leader_epoch, ids(&p.isr));
            for rr in &p.replicas {
                let _ = writeln!(
                    out,
                    "    broker {} {}: LEO {}, HW {}, log {}, epochs {}",
                    rr.broker,
                    rr.state,
                    rr.leo,
                    rr.hw,
                    log_text(&rr.log, false),
                    cache_text(&rr.epoch_cache)
                );
            }
        }
        if !r.violations.is_empty() {
            let v: Vec<String> = r.violations.iter().map(|v| format!("{}{}", v.invariant, if v.explained { " explained" } else { "" })).collect();
            let _ = writeln!(out, "  violations: {}", v.join(", "));
        }
    }
    Ok(out)
}

/// A lesson's comparison (`lesson.compare`): both sides run on the same steps; prints each
/// side's end state and the records one side's replica holds and the other's does not, and
/// checks that the tour's stops happen on side a (the side the page's tour follows).
pub fn compare_text(s: &Scenario) -> Result<String, String> {
    let lesson = s.lesson.clone().ok_or("this file has no `lesson` block")?;
    let c = lesson.compare.clone().ok_or("lesson.compare: this lesson has no comparison")?;
    let mut out = String::new();
    let mut reports = Vec::new();
    for (name, side) in [("a", &c.a), ("b", &c.b)] {
        let v = side.apply(s);
        let t = v.timeline().map_err(|e| format!("side {name} ({}): {e}", side.label.en))?;
        if name == "a" {
            Tour::resolve(&lesson, &t).map_err(|(p, m)| format!("side a ({}): {p}: {m}", side.label.en))?;
        }
        let r = Report::of(t.cluster());
        let _ = writeln!(out, "== side {name}: {} · {} steps", side.label.en, t.last_step());
        for p in &r.partitions {
            let leader = p.leader.map_or("none".into(), |b| b.to_string());
            let _ = writeln!(out, "  {}-{}: leader {leader}, leader epoch {}, ISR {}", p.topic, p.partition, p.leader_epoch, ids(&p.isr));
            for rr in &p.replicas {
                let _ = writeln!(out, "    broker {}: {}", rr.broker, log_text(&rr.log, false));
            }
        }
        let mut v: Vec<String> = r.violations.iter().map(|v| v.invariant.clone()).collect();
        v.sort();
        v.dedup();
        let produced: Vec<&str> = r.produced.iter().map(|p| p.result.as_str()).collect();
        let _ = writeln!(out, "  violations: [{}] · produced: [{}]", v.join(", "), produced.join(", "));
        reports.push(r);
    }
    let mut differ = 0;
    for pa in &reports[0].partitions {
        let Some(pb) = reports[1].partitions.iter().find(|p| p.topic == pa.topic && p.partition == pa.partition) else { continue };
        for ra in &pa.replicas {
            let Some(rb) = pb.replicas.iter().find(|r| r.broker == ra.broker) else { continue };
            for (mine, other, side) in [(&ra.log, &rb.log, "a"), (&rb.log, &ra.log, "b")] {
                for e in mine.iter().filter(|e| !other.iter().any(|o| o.offset == e.offset && o.value == e.value)) {
                    differ += 1;
                    let _ = writeln!(out, "differs: broker {}'s {}-{} holds {} at offset {} only on side {side}", ra.broker, pa.topic, pa.partition, e.value, e.offset);
                }
            }
        }
    }
    if differ == 0 {
        let _ = writeln!(out, "the two sides end with the same records");
    }
    Ok(out)
}

/// The library's index: each lesson's file, id, texts, level, topics and stop count, in the
/// order given, and the topics with the seed note each comes from. Every lesson's tour is
/// resolved first, so an index is never written for a lesson that does not run.
pub fn index(lessons: &[(String, Scenario)]) -> Result<String, String> {
    let mut items = Vec::new();
    let text = |t: &kplay_core::lesson::Text| json!({"en": t.en, "ko": t.ko});
    for (file, s) in lessons {
        let (timeline, lesson) = s.lesson_timeline().map_err(|e| format!("{file}: {e}"))?;
        let tour = Tour::resolve(&lesson, &timeline).map_err(|(p, m)| format!("{file}: {p}: {m}"))?;
        if items.iter().any(|i: &Value| i["id"] == lesson.id.as_str()) {
            return Err(format!("{file}: lesson.id `{}` is used twice", lesson.id));
        }
        items.push(json!({
            "file": file,
            "id": lesson.id,
            "title": text(&lesson.title),
            "summary": text(&lesson.summary),
            "level": lesson.level.name(),
            "topics": lesson.topics,
            "stops": tour.steps.len(),
        }));
        // A lesson with consumers, compaction, ELR or racks (either side) opens on the extended page
        // (docs/embed.md § Bundle).
        let consumers = s.steps.iter().any(|st| matches!(st.0, kplay_core::Command::StartConsumer { .. }));
        let compaction = s.config.log.cleanup_policy.compacts() || s.config.topics.iter().any(|t| s.config.log_for(&t.name).cleanup_policy.compacts());
        let compare = lesson.compare.iter().flat_map(|c| [&c.a, &c.b]);
        let elr = s.config.eligible_leader_replicas || compare.into_iter().any(|side| side.eligible_leader_replicas == Some(true) || side.racks.as_ref().is_some_and(|r| !r.is_empty()));
        let racks = !s.config.racks.is_empty();
        if consumers || compaction || elr || racks {
            items.last_mut().expect("pushed")["groups"] = json!(true);
        }
    }
    let topics: Vec<Value> = TOPICS.iter().map(|(t, seed)| json!({"id": t, "seed": seed})).collect();
    let doc = json!({"version": 1, "lessons": items, "topics": topics});
    Ok(serde_json::to_string_pretty(&doc).expect("JSON prints"))
}
