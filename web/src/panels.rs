//! The side panels that explain: the event narration and the invariant checker (the
//! inspector is in [`crate::inspector`]).

use crate::i18n::{narrate, t, tr, Lang, Narration, Ui};
use kplay_core::timeline::Timeline;
use crate::markup::escape;
use crate::sim::Sim;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

/// One row of the event log.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
struct LogRow {
    step: u64,
    /// Its place among its step's events (with `step`, what makes the row unique).
    seq: usize,
    time_ms: u64,
    narration: Narration,
}

/// The most rows the log draws.
const LOG_ROWS: usize = 120;
/// The most events the log reads back through (sends and deliveries are many but hidden).
const LOG_EVENTS: usize = 400;

/// The log's rows, newest first, and what they were worded for.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Rows {
    lang: Lang,
    messages: bool,
    rows: Vec<LogRow>,
}

/// The newest rows up to the timeline's current step. Rows `reuse` already has (same step and
/// place in it) are taken from there instead of being worded again: while playing, a refresh
/// words only the steps since the last one.
fn log_rows(t: &Timeline, lang: Lang, messages: bool, reuse: Option<&Rows>) -> Rows {
    let mut rows = Vec::new();
    let (mut step, mut read) = (t.step(), 0);
    let mut old = reuse.map(|r| r.rows.iter().peekable());
    'steps: while step > 0 && read < LOG_EVENTS {
        let events = t.events_of(step);
        for (seq, e) in events.iter().enumerate().rev() {
            read += 1;
            // Old rows are newest first too: skip those newer than this event (after a step back).
            let known = old.as_mut().and_then(|it| {
                while it.peek().is_some_and(|r| (r.step, r.seq) > (step, seq)) {
                    it.next();
                }
                it.next_if(|r| (r.step, r.seq) == (step, seq)).cloned()
            });
            if let Some(row) = known.or_else(|| narrate(lang, &e.event, messages).map(|narration| LogRow { step, seq, time_ms: e.time_ms, narration })) {
                rows.push(row);
                if rows.len() == LOG_ROWS {
                    break 'steps;
                }
            }
        }
        step -= 1;
    }
    Rows { lang, messages, rows }
}

/// Each event in plain language with its rule and a short why; a click jumps there. Rows
/// are keyed, so a step adds its new rows and leaves the others alone.
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
    view! {
        <section class="panel events" aria-label="Events">
            <h3>{tr(lang, Ui::Events)}</h3>
            <label class="toggle">
                <input type="checkbox" prop:checked=move || sim.show_messages.get() on:change=move |ev| sim.show_messages.set(event_target_checked(&ev)) />
                {tr(lang, Ui::ShowMessages)}
            </label>
            // The current step's rows are marked by one rule, rewritten on each step, instead of
            // a class effect on each of the rows.
            <style>{move || format!(".event-log li[data-step=\"{}\"] {{ background: var(--current) }}", sim.step.get())}</style>
            <ol class="event-log" data-testid="event-log">
                <For each=move || rows.with(|r| r.rows.clone()) key=|r| r.clone() children=move |r| log_row(sim, r) />
            </ol>
        </section>
    }
}

fn log_row(sim: Sim, r: LogRow) -> impl IntoView {
    let LogRow { step, time_ms, narration: n, .. } = r;
    view! {
        <li class=format!("ev {}", n.tone) data-step=step>
            <button class="link jump" title=tr(sim.lang, Ui::Jump) on:click=move |_| sim.jump(step)>
                {format!("#{step} · {}.{:02}s", time_ms / 1000, time_ms % 1000 / 10)}
            </button>
            {(!n.rule.is_empty()).then(|| view! { <span class="rule">{n.rule}</span> })}
            <span class="text">{n.text}</span>
            {(!n.why.is_empty()).then(|| view! { <span class="why">{n.why}</span> })}
        </li>
    }
}

/// The checker: all good, or every violation with its evidence and a jump to its step.
#[component]
pub fn InvariantPanel() -> impl IntoView {
    let sim = expect_context::<Sim>();
    let lang = sim.lang;
    let body = move || {
        let l = lang.get();
        sim.violations.with(|vs| {
            if vs.is_empty() {
                return format!(r#"<p class="ok" data-testid="invariants-ok">✔ {}</p>"#, t(l, Ui::NoViolations));
            }
            let items: String = vs
                .iter()
                .map(|v| {
                    format!(
                        r#"<li class="violation" data-invariant="{0}"><strong>⚠ {0}</strong>{1}<span class="why">{2}</span><span class="text">{3}</span><button class="link" data-jump="{4}">→ #{4}</button></li>"#,
                        escape(&v.invariant),
                        v.tp.as_ref().map_or(String::new(), |tp| format!(" · {}", escape(&tp.to_string()))),
                        if v.explained { "explained by an unclean election or a lossy crash" } else { "protocol fault" },
                        escape(&v.detail),
                        v.step
                    )
                })
                .collect();
            format!("<ul>{items}</ul>")
        })
    };
    // The jump buttons are markup: one listener here.
    let jump = move |ev: leptos::ev::MouseEvent| {
        let step = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            .and_then(|e| e.closest("[data-jump]").ok().flatten())
            .and_then(|b| b.get_attribute("data-jump"))
            .and_then(|s| s.parse().ok());
        if let Some(step) = step {
            sim.jump(step);
        }
    };
    view! {
        <section class=move || if sim.violations.with(|v| v.is_empty()) { "panel invariants" } else { "panel invariants violated" } data-testid="invariants" aria-live="polite" on:click=jump>
            <h3>{tr(lang, Ui::Invariants)}" (I1–I27)"</h3>
            <div inner_html=body></div>
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
                s.apply(Command::Produce { topic: "orders".into(), partition: None, key: None, value: format!("v{i}"), acks: Acks::Leader, to: None }).unwrap();
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
}
