//! The side panels that explain: the event narration and the invariant checker (the
//! inspector is in [`crate::panels::inspector`]).

use crate::i18n::{narrate, t, Lang, Narration, Ui};
use kplay_core::config::TruncationMode;
use kplay_core::timeline::Timeline;
use crate::stage::markup::{clicked, escape};
use crate::sim::Sim;
use leptos::prelude::*;
use std::fmt::Write;

/// One row of the event log.
#[derive(Clone, Debug, PartialEq, Eq)]
struct LogRow {
    step: u64,
    /// Its place among its step's events (with `step`, what makes the row unique).
    seq: usize,
    time_ms: u64,
    narration: Narration,
}

/// The most rows the log draws: a few screens of the panel; older events are a step back or
/// a scrub away.
const LOG_ROWS: usize = 60;
/// The most events the log reads back through for rows it does not have yet (sends and
/// deliveries are many but hidden: in a quiet cluster hundreds of them pass between two
/// narrated events).
const LOG_EVENTS: usize = 20_000;

/// The log's rows, newest first, and what they were worded for.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Rows {
    lang: Lang,
    messages: bool,
    rows: Vec<LogRow>,
}

/// The newest rows up to the timeline's current step. A refresh words only the events newer
/// than the rows `reuse` already has: the past before the current step never changes (a new
/// command after a step back replaces only the future), so from the first row it already has,
/// the rest are its rows.
fn log_rows(t: &Timeline, lang: Lang, messages: bool, reuse: Option<&Rows>) -> Rows {
    let mut rows = Vec::new();
    let (mut step, mut read) = (t.step(), 0);
    let mut old = reuse.map(|r| r.rows.iter().peekable());
    'steps: while step > 0 && read < LOG_EVENTS {
        let events = t.events_of(step);
        for (seq, e) in events.iter().enumerate().rev() {
            read += 1;
            if let Some(it) = old.as_mut() {
                // Old rows are newest first too: skip those newer than this event (after a step back).
                while it.peek().is_some_and(|r| (r.step, r.seq) > (step, seq)) {
                    it.next();
                }
                if it.peek().is_some_and(|r| (r.step, r.seq) == (step, seq)) {
                    rows.extend(it.take(LOG_ROWS - rows.len()).cloned());
                    break 'steps;
                }
            }
            if let Some(narration) = narrate(lang, &e.event, messages) {
                rows.push(LogRow { step, seq, time_ms: e.time_ms, narration });
                if rows.len() == LOG_ROWS {
                    break 'steps;
                }
            }
        }
        step -= 1;
    }
    Rows { lang, messages, rows }
}

/// The log's markup: a row per event, its jump button carrying `data-jump`.
fn rows_html(rows: &Rows, jump: &str) -> String {
    let mut h = String::new();
    for LogRow { step, time_ms, narration: n, .. } in &rows.rows {
        let _ = write!(
            h,
            r#"<li class="ev {}" data-step="{step}"><button class="link jump" title="{jump}" data-jump="{step}">#{step} · {}.{:02}s</button>"#,
            n.tone,
            time_ms / 1000,
            time_ms % 1000 / 10
        );
        if !n.rule.is_empty() {
            let _ = write!(h, r#"<span class="rule">{}</span>"#, n.rule);
        }
        let _ = write!(h, r#"<span class="text">{}</span>"#, escape(&n.text));
        if !n.why.is_empty() {
            let _ = write!(h, r#"<span class="why">{}</span>"#, escape(n.why));
        }
        h.push_str("</li>");
    }
    h
}

/// The step a click on a `data-jump` button (in the log or the violations) asks for.
fn jump_target(ev: &leptos::ev::MouseEvent) -> Option<u64> {
    clicked(ev, "data-jump")?.get_attribute("data-jump")?.parse().ok()
}

/// The invariants the checker runs in this build.
#[cfg(not(feature = "full"))]
const INVARIANTS: &str = "I1–I27 · K-I17, K-I18 · L-I6, L-I7";
/// The invariants the checker runs in this build (the extended page adds groups and compaction).
#[cfg(feature = "full")]
const INVARIANTS: &str = "I1–I27 · K-I14, K-I15, K-I17, K-I18 · L-I6–L-I14 · G-I1–G-I7, G-I16";

/// Each event in plain language with its rule and a short why; a click jumps there. While
/// playing, a refresh words only the steps since the last one (see [`log_rows`]); the rows
/// are drawn as markup, so a refresh is one DOM write however many rows it brings.
#[component]
pub fn EventLog() -> impl IntoView {
    let sim = expect_context::<Sim>();
    let lang = sim.lang;
    let rows = Memo::new(move |previous: Option<&Rows>| {
        let (l, messages) = (lang.get(), sim.show_messages.get());
        sim.log_revision.track();
        let reuse = previous.filter(|p| p.lang == l && p.messages == messages);
        sim.with_session(|s| log_rows(&s.timeline, l, messages, reuse))
    });
    let html = move || rows.with(|r| rows_html(r, t(r.lang, Ui::Jump)));
    let jump = move |ev: leptos::ev::MouseEvent| {
        if let Some(step) = jump_target(&ev) {
            sim.jump(step);
        }
    };
    view! {
        <section class="panel events" aria-label="Events">
            <div inner_html=move || toggle_html(t(lang.get(), Ui::Events), t(lang.get(), Ui::ShowMessages), sim.show_messages.get_untracked()) on:change=move |ev| sim.show_messages.set(event_target_checked(&ev))></div>
            // The current step's rows are marked by one rule instead of a class on each row. It
            // is rewritten with the log, not on every step: a changed style sheet restyles the
            // whole page, which on every frame of play was a third of a frame's work with the
            // CPU throttled 4×.
            <style>{move || {
                sim.log_revision.track();
                format!(".event-log li[data-step=\"{}\"] {{ background: var(--current) }}", sim.step.get_untracked())
            }}</style>
            <ol class="event-log" data-testid="event-log" on:click=jump inner_html=html></ol>
        </section>
    }
}

/// A panel's heading and one checkbox, as markup (its `change` bubbles to the panel).
pub fn toggle_html(title: &str, label: &str, checked: bool) -> String {
    format!(r#"<h3>{title}</h3><label class="toggle"><input type="checkbox"{}>{label}</label>"#, if checked { " checked" } else { "" })
}

/// The checker: all good, or every violation with its evidence and a jump to its step.
#[component]
pub fn InvariantPanel() -> impl IntoView {
    let sim = expect_context::<Sim>();
    let lang = sim.lang;
    let body = move || {
        let l = lang.get();
        // PROTOCOL §3 (I14, I15): in the legacy truncation modes (F3) even a clean run breaks
        // the starred invariants — the bugs KIP-101 and KIP-279 fixed. Such a fault is labelled
        // as the mode's, and marked so (data-legacy) for a reader and for the monkey test.
        let legacy = sim.with_session(|s| s.origin.config.truncation_mode != TruncationMode::Fetch);
        sim.violations.with(|vs| {
            if vs.is_empty() {
                return format!(r#"<p class="ok" data-testid="invariants-ok">✔ {}</p>"#, t(l, Ui::NoViolations));
            }
            let items: String = vs
                .iter()
                .map(|v| {
                    format!(
                        r#"<li class="violation" data-invariant="{0}" data-explained="{5}" data-legacy="{6}"><strong>⚠ {0}</strong>{1}<span class="why">{2}</span><span class="text">{3}</span><button class="link" data-jump="{4}">→ #{4}</button></li>"#,
                        escape(&v.invariant),
                        v.tp.as_ref().map_or(String::new(), |tp| format!(" · {}", escape(&tp.to_string()))),
                        t(l, match (v.explained, legacy) {
                            (true, _) => Ui::ViolationExplained,
                            (false, true) => Ui::ViolationLegacy,
                            (false, false) => Ui::ViolationFault,
                        }),
                        escape(&v.detail),
                        v.step,
                        v.explained,
                        legacy && !v.explained
                    )
                })
                .collect();
            format!("<ul>{items}</ul>")
        })
    };
    // The jump buttons are markup: one listener here.
    let jump = move |ev: leptos::ev::MouseEvent| {
        if let Some(step) = jump_target(&ev) {
            sim.jump(step);
        }
    };
    view! {
        <section class=move || if sim.violations.with(|v| v.is_empty()) { "panel invariants" } else { "panel invariants violated" } data-testid="invariants" aria-live="polite" on:click=jump>
            <div inner_html=move || format!("<h3>{} ({INVARIANTS})</h3>{}", t(lang.get(), Ui::Invariants), body())></div>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::session::Session;
    use kplay_core::message::Acks;
    use kplay_core::Command;

    /// Rows reused from an earlier refresh are the rows a fresh wording gives, forward and back.
    #[test]
    fn incremental_log_rows_equal_fresh_ones() {
        let mut s = Session::fresh();
        s.apply(Command::Produce { topic: "orders".into(), partition: None, key: None, value: "a".into(), acks: Acks::All, to: None }).unwrap();
        let mut rows = log_rows(&s.timeline, Lang::En, false, None);
        for i in 0..300 {
            if i % 50 == 0 {
                s.apply(Command::Produce { topic: "orders".into(), partition: None, key: None, value: format!("v{i}").into(), acks: Acks::Leader, to: None }).unwrap();
            }
            s.timeline.step_next();
            if i % 7 == 0 {
                rows = log_rows(&s.timeline, Lang::En, false, Some(&rows));
                assert_eq!(rows, log_rows(&s.timeline, Lang::En, false, None), "after step {i}");
            }
        }
        assert!(rows.rows.len() > 20, "{}", rows.rows.len());
        for back in [1, 13, 200] {
            s.timeline.jump_to(s.timeline.step() - back);
            rows = log_rows(&s.timeline, Lang::En, false, Some(&rows));
            assert_eq!(rows, log_rows(&s.timeline, Lang::En, false, None), "after {back} back");
        }
        let ko = log_rows(&s.timeline, Lang::Ko, false, None);
        assert_ne!(ko.rows[0].narration.text, rows.rows[0].narration.text, "a language switch rewords");
    }

    /// In a quiet cluster thousands of fetches pass between two narrated events; the log still
    /// shows the last things that happened.
    #[test]
    fn a_quiet_cluster_still_shows_its_last_events() {
        let mut s = Session::fresh();
        s.apply(Command::Produce { topic: "orders".into(), partition: Some(0), key: None, value: "a".into(), acks: Acks::All, to: None }).unwrap();
        for _ in 0..3000 {
            s.timeline.step_next();
        }
        let rows = log_rows(&s.timeline, Lang::En, false, None);
        assert!(rows.rows.iter().any(|r| r.narration.text.contains("The producer sends")), "{:?}", rows.rows.first());
    }

    /// A row: its step and time on the jump button, the rule, the text (the user's values
    /// escaped) and the why.
    #[test]
    fn log_rows_are_drawn_with_a_jump_and_escaped_text() {
        let mut s = Session::fresh();
        s.apply(Command::Produce { topic: "orders".into(), partition: Some(0), key: None, value: "<b>".into(), acks: Acks::All, to: None }).unwrap();
        let rows = log_rows(&s.timeline, Lang::En, false, None);
        let h = rows_html(&rows, "Jump to step");
        assert!(h.starts_with(r#"<li class="ev normal" data-step="1"><button class="link jump" title="Jump to step" data-jump="1">#1 · 0.00s</button><span class="rule">P1</span>"#), "{h}");
        assert!(h.contains("The producer sends &quot;&lt;b&gt;&quot; to orders-0"), "{h}");
        assert!(!h.contains("<b>"), "{h}");
        assert!(h.contains(r#"<span class="why">Only the leader accepts writes.</span></li>"#), "{h}");
    }
}
