//! The tour panel: the stop's caption (read out by screen readers: a live region), its rules
//! and question, "3 / 9", Back / Next / Restart / Try it yourself; and the highlights, drawn
//! by one style rule over the stop's `data-testid`s (an outline that pulses, not colour
//! alone), so the stage's markup is untouched and a redraw keeps them.

use super::OpenLesson;
use crate::i18n::{t, tr, Lang, Ui};
use crate::stage::markup::{clicked, escape};
use crate::sim::Sim;
use leptos::prelude::*;
use std::fmt::Write;

/// The style rule that highlights `look` (ids are slugs: `Lesson::validate` checks them, so
/// they are safe inside a selector).
pub fn highlight_css(look: &[String]) -> String {
    if look.is_empty() {
        return String::new();
    }
    let selectors: Vec<String> = look.iter().map(|id| format!("[data-testid=\"{id}\"]")).collect();
    format!("{} {{ outline: 3px solid var(--accent); outline-offset: 2px; animation: kplay-pulse 1.4s ease-in-out 3; }}", selectors.join(", "))
}

/// A highlight target in words, for screen readers: `broker-2` → "broker 2".
pub fn describe(id: &str) -> String {
    id.replace('-', " ")
}

/// What the panel shows at `step`: the stop reached (0-based) and whether the tour is
/// exactly at it.
fn position(open: &OpenLesson, step: u64) -> (Option<usize>, bool) {
    let at = open.stop_at(step);
    (at, at.is_some_and(|i| open.steps[i] == step))
}

/// Everything the panel shows, as plain data (so it is tested natively).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TourView {
    /// The lesson's id.
    pub id: String,
    /// Its title in the page's language.
    pub title: String,
    /// The stop reached, 1-based (0 before the first).
    pub stop: usize,
    /// How many stops.
    pub stops: usize,
    /// Exactly at the stop (not between two).
    pub exact: bool,
    /// Free play.
    pub forked: bool,
    /// Playing towards the next stop.
    pub moving: bool,
    /// The stop's caption, rules, highlights, question and answer.
    pub caption: String,
    /// Its rules, `L4 · T5`.
    pub rules: String,
    /// Its highlight targets (only while exactly at it, outside free play).
    pub look: Vec<String>,
    /// Its question and answer.
    pub question: Option<(String, String)>,
    /// The lesson can be compared; compare mode is open.
    pub compare: (bool, bool),
}

impl TourView {
    /// The panel at `step` of the open lesson, in language `code`.
    pub fn of(l: &OpenLesson, step: u64, playing: bool, comparing: bool, code: &str) -> TourView {
        let (at, exact) = position(l, step);
        let stop = at.map(|i| &l.lesson.tour[i]);
        TourView {
            id: l.lesson.id.clone(),
            title: l.lesson.title.get(code).into(),
            stop: at.map_or(0, |i| i + 1),
            stops: l.steps.len(),
            exact,
            forked: l.forked,
            moving: playing && !exact,
            caption: stop.map_or(String::new(), |s| s.caption.get(code).into()),
            rules: stop.map_or(String::new(), |s| s.rules.join(" · ")),
            look: stop.filter(|_| exact && !l.forked).map_or(Vec::new(), |s| s.look.clone()),
            question: stop.and_then(|s| s.question.as_ref().map(|q| (q.get(code).into(), s.answer.as_ref().map_or(String::new(), |a| a.get(code).into())))),
            compare: (l.lesson.compare.is_some(), comparing),
        }
    }

    /// At the last stop.
    pub fn at_end(&self) -> bool {
        self.stop == self.stops && self.exact
    }
}

fn button(h: &mut String, action: &str, testid: &str, label: &str, class: &str, disabled: bool) {
    let _ = write!(
        h,
        r#"<button class="{class}" data-testid="{testid}" data-tour="{action}"{}>{label}</button>"#,
        if disabled { " disabled" } else { "" }
    );
}

/// The panel's head (title, progress, rules), as markup; lesson texts escaped.
pub fn head_html(v: &TourView) -> String {
    let mut h = format!(r#"<strong class="tour-title">{}</strong><span class="progress" data-testid="tour-progress">{} / {}</span>"#, escape(&v.title), v.stop, v.stops);
    if !v.rules.is_empty() {
        let _ = write!(h, r#"<span class="rule">{}</span>"#, escape(&v.rules));
    }
    h
}

/// The panel's body below the caption: who to look at (for screen readers), the question,
/// the end, and the buttons (`data-tour` names the action).
pub fn body_html(v: &TourView, l: Lang) -> String {
    let mut h = String::new();
    if !v.look.is_empty() {
        let words: Vec<String> = v.look.iter().map(|id| describe(id)).collect();
        let _ = write!(h, r#"<p class="visually-hidden">{}: {}</p>"#, t(l, Ui::LookAt), escape(&words.join(", ")));
    }
    if let Some((q, a)) = v.question.as_ref().filter(|_| !v.moving) {
        let _ = write!(
            h,
            r#"<details class="question" data-testid="tour-question"><summary><span class="q-label">{}: </span>{} <span class="reveal">{}</span></summary><p data-testid="tour-answer">{}</p></details>"#,
            t(l, Ui::Question),
            escape(q),
            t(l, Ui::ShowAnswer),
            escape(a)
        );
    }
    if v.at_end() && !v.forked {
        let _ = write!(h, r#"<p class="muted">{}</p>"#, t(l, Ui::TourEnd));
    }
    h.push_str(r#"<div class="tour-buttons">"#);
    if v.forked {
        let _ = write!(h, r#"<span class="muted">{}</span>"#, t(l, Ui::FreePlay));
        button(&mut h, "resume", "tour-resume", t(l, Ui::TourResume), "primary", false);
    } else {
        button(&mut h, "back", "tour-back", &format!("◀ {}", t(l, Ui::TourBack)), "", v.stop <= 1 && v.exact);
        button(&mut h, "next", "tour-next", &format!("{} ▶", t(l, Ui::TourNext)), "primary", v.at_end());
        button(&mut h, "restart", "tour-restart", t(l, Ui::TourRestart), "", false);
        button(&mut h, "fork", "tour-fork", t(l, Ui::TourFork), "", false);
        match v.compare {
            (true, false) => button(&mut h, "compare", "compare-toggle", t(l, Ui::Compare), "", false),
            (true, true) => button(&mut h, "uncompare", "compare-toggle", t(l, Ui::CompareLeave), "active", false),
            _ => {}
        }
    }
    h.push_str("</div>");
    h
}

/// The tour panel (shown while a lesson is open). Markup from one memo, one listener for
/// its buttons; the caption is a stable live region, so screen readers read each new one.
#[component]
pub fn TourPanel() -> impl IntoView {
    let sim = expect_context::<Sim>();
    let lang = sim.lang;
    let v = Memo::new(move |_| {
        let (step, playing, comparing, code) = (sim.step.get(), sim.playing.get(), sim.compare.with(Option::is_some), lang.get().code());
        sim.lesson.with(|l| l.as_ref().map(|l| TourView::of(l, step, playing, comparing, code)).unwrap_or_default())
    });
    let click = move |ev: leptos::ev::MouseEvent| {
        let Some(action) = clicked(&ev, "data-tour").and_then(|e| e.get_attribute("data-tour")) else { return };
        match action.as_str() {
            "next" => sim.next_stop(),
            "back" => sim.back_stop(),
            "restart" => sim.restart_tour(),
            "fork" => sim.fork(),
            "resume" => sim.back_to_tour(),
            "compare" => sim.open_compare(),
            _ => sim.close_compare(),
        }
    };
    view! {
        <section class="tour" data-testid="tour" aria-label=tr(lang, Ui::Lessons) on:click=click
            data-lesson=move || v.with(|v| v.id.clone())
            data-stop=move || v.with(|v| v.stop.to_string())
            data-stops=move || v.with(|v| v.stops.to_string())
            data-forked=move || v.with(|v| v.forked.to_string())>
            <div class="tour-head" inner_html=move || v.with(head_html)></div>
            <p class="tour-caption" data-testid="tour-caption" aria-live="polite">
                {move || v.with(|v| if v.moving { t(lang.get(), Ui::Moving).to_string() } else { v.caption.clone() })}
            </p>
            <div inner_html=move || v.with(|v| body_html(v, lang.get()))></div>
            <style>{move || v.with(|v| highlight_css(&v.look))}</style>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn highlights_are_one_rule_over_the_stop_testids() {
        assert_eq!(highlight_css(&[]), "");
        let css = highlight_css(&["broker-1".into(), "hw-t-0-2".into()]);
        assert!(css.starts_with(r#"[data-testid="broker-1"], [data-testid="hw-t-0-2"] { outline: 3px solid"#), "{css}");
        assert!(css.contains("animation: kplay-pulse"), "not colour alone: an outline that pulses");
        assert_eq!(describe("replica-t-0-2"), "replica t 0 2");
    }

    #[test]
    fn the_panel_says_where_the_tour_is_and_shows_lesson_text_as_text() {
        use kplay_core::lesson::{Lesson, Level, Stop, StopAt, Text};
        let text = |s: &str| Text { en: s.into(), ko: format!("{s}(ko)") };
        let stop = |c: &str, q: bool| Stop {
            at: StopAt::default(),
            caption: text(c),
            rules: vec!["L4".into(), "T5".into()],
            look: vec!["broker-1".into()],
            question: q.then(|| text("<b>why?</b>")),
            answer: q.then(|| text("because")),
        };
        let lesson = Lesson {
            id: "x".into(),
            title: text("<script>t</script>"),
            summary: text("s"),
            level: Level::Intro,
            topics: vec![],
            learn: vec![],
            tour: vec![stop("one", false), stop("two", true)],
            compare: None,
        };
        let open = OpenLesson { lesson, steps: vec![0, 10], source: String::new(), forked: false };
        let v = TourView::of(&open, 0, false, false, "en");
        assert_eq!((v.stop, v.stops, v.exact, v.look.len()), (1, 2, true, 1));
        let body = body_html(&v, Lang::En);
        assert!(body.contains(r#"data-testid="tour-back" data-tour="back" disabled"#), "no Back at the first stop: {body}");
        assert!(!body.contains(r#"data-tour="next" disabled"#));
        assert!(!body.contains("compare-toggle"), "no comparison in this lesson");
        assert!(head_html(&v).contains("&lt;script&gt;t&lt;/script&gt;") && head_html(&v).contains(">1 / 2<") && head_html(&v).contains("L4 · T5"));
        // Between stops while playing: no highlight, the question waits.
        let moving = TourView::of(&open, 5, true, false, "en");
        assert!(moving.moving && moving.look.is_empty() && moving.stop == 1);
        let end = TourView::of(&open, 10, false, false, "ko");
        assert!(end.at_end() && end.caption == "two(ko)");
        let body = body_html(&end, Lang::Ko);
        assert!(body.contains("&lt;b&gt;why?&lt;/b&gt;(ko)") && !body.contains("<b>"), "{body}");
        assert!(body.contains(r#"data-tour="next" disabled"#), "no Next after the last stop");
        let forked = TourView::of(&OpenLesson { forked: true, ..open }, 10, false, false, "en");
        assert!(forked.look.is_empty() && body_html(&forked, Lang::En).contains(r#"data-testid="tour-resume""#));
    }
}
