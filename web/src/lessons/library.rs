//! The library view: lessons as cards, grouped by level, each with its topics, in the page's
//! language, with a search box and topic filters. The cards are markup (lesson texts escaped:
//! a title with `<script>` shows as text); one listener opens the clicked card's lesson.

use super::{Card, Index};
use crate::i18n::{level, t, topic, tr, Lang, Ui};
use crate::stage::markup::{clicked, escape};
use crate::sim::Sim;
use leptos::prelude::*;
use std::fmt::Write;

const LEVELS: [&str; 3] = ["intro", "intermediate", "advanced"];

fn card_html(h: &mut String, c: &Card, l: Lang, featured: bool) {
    let code = l.code();
    // A lesson with consumers is a link to the extended page, which has them (the first page
    // does not: docs/embed.md § Bundle); everything else opens here.
    let elsewhere = c.groups && cfg!(not(feature = "groups"));
    let tag = if elsewhere { "a" } else { "button" };
    let href = if elsewhere { format!(r#" href="full/?lesson={}""#, escape(&c.id)) } else { String::new() };
    let _ = write!(
        h,
        r#"<{tag}{href} class="lesson-card{}" data-testid="{}{}" data-file="{}"><span class="level {}">{}</span><strong>{}</strong><span class="summary">{}</span><span class="topics">"#,
        if featured { " featured" } else { "" },
        if featured { "start-" } else { "lesson-" },
        escape(&c.id),
        escape(&c.file),
        escape(&c.level),
        t(l, level(&c.level)),
        escape(c.title.get(code)),
        escape(c.summary.get(code)),
    );
    for tp in &c.topics {
        let _ = write!(h, r#"<span class="chip">{}</span>"#, t(l, topic(tp)));
    }
    let _ = write!(h, r#"</span><span class="stops">{}</span></{tag}>"#, t(l, Ui::StopsWord).replace("{}", &c.stops.to_string()));
}

/// The cards matching `query` and `topic_filter`, by level; the first lesson of the library
/// leads as "start here" when nothing is filtered.
pub fn library_html(index: &Index, query: &str, topic_filter: &str, l: Lang) -> String {
    let mut h = String::new();
    let cards: Vec<&Card> = index.search(query).into_iter().filter(|c| topic_filter.is_empty() || c.topics.iter().any(|t| t == topic_filter)).collect();
    if cards.is_empty() {
        let _ = write!(h, r#"<p class="muted">{}</p>"#, t(l, Ui::NoMatch));
        return h;
    }
    if query.is_empty() && topic_filter.is_empty() {
        if let Some(first) = index.cards.first() {
            let _ = write!(h, r#"<h3>{}</h3><div class="cards start">"#, t(l, Ui::StartHere));
            card_html(&mut h, first, l, true);
            h.push_str("</div>");
        }
    }
    for lv in LEVELS {
        let of_level: Vec<&&Card> = cards.iter().filter(|c| c.level == lv).collect();
        if of_level.is_empty() {
            continue;
        }
        let _ = write!(h, r#"<h3>{}</h3><div class="cards">"#, t(l, level(lv)));
        for c in of_level {
            card_html(&mut h, c, l, false);
        }
        h.push_str("</div>");
    }
    h
}

/// The library view.
#[component]
pub fn Library() -> impl IntoView {
    let sim = expect_context::<Sim>();
    let lang = sim.lang;
    sim.fetch_index();
    let query = RwSignal::new(String::new());
    let filter = RwSignal::new(String::new());
    let html = move || match sim.index.get() {
        None => format!(r#"<p class="muted">{}</p>"#, t(lang.get(), Ui::Loading)),
        Some(Err(e)) => format!(r#"<p class="status error" role="alert">{}</p>"#, escape(&e)),
        Some(Ok(index)) => library_html(&index, &query.get(), &filter.get(), lang.get()),
    };
    let topics = move || {
        let l = lang.get();
        let mut h = String::new();
        if let Some(Ok(index)) = sim.index.get() {
            let f = filter.get();
            for id in &index.topics {
                if !index.cards.iter().any(|c| c.topics.contains(id)) {
                    continue;
                }
                let _ = write!(h, r#"<button class="chip{}" data-topic="{}" aria-pressed="{}">{}</button>"#, if *id == f { " active" } else { "" }, escape(id), *id == f, t(l, topic(id)));
            }
        }
        h
    };
    let open = move |ev: leptos::ev::MouseEvent| {
        if let Some(file) = clicked(&ev, "data-file").and_then(|e| e.get_attribute("data-file")) {
            sim.fetch_lesson(file);
        }
    };
    let pick_topic = move |ev: leptos::ev::MouseEvent| {
        if let Some(id) = clicked(&ev, "data-topic").and_then(|e| e.get_attribute("data-topic")) {
            filter.update(|f| *f = if *f == id { String::new() } else { id });
        }
    };
    view! {
        <section class="library" data-testid="library" aria-label=tr(lang, Ui::Lessons)>
            <div class="library-head" inner_html=move || {
                let l = lang.get();
                let back = if sim.lesson.with(Option::is_some) { format!(r#"<button data-testid="back-to-lesson">{}</button>"#, t(l, Ui::BackToLesson)) } else { String::new() };
                let search = t(l, Ui::Search);
                format!(r#"<h2>{}</h2><input type="search" data-testid="library-search" aria-label="{search}" placeholder="{search}" value="{}">{back}"#, t(l, Ui::Lessons), escape(&query.get_untracked()))
            } on:input=move |ev| query.set(event_target_value(&ev)) on:click=move |ev| if crate::stage::markup::clicked_testid(&ev).as_deref() == Some("back-to-lesson") { sim.show_lesson() }></div>
            <p class="intro" inner_html=move || t(lang.get(), Ui::LibraryIntro)></p>
            <div class="topic-filter" role="group" on:click=pick_topic inner_html=topics></div>
            <div class="library-cards" on:click=open inner_html=html></div>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use kplay_core::lesson::Text;

    fn index() -> Index {
        let card = |id: &str, level: &str, title: &str| Card {
            file: format!("{id}.json"),
            id: id.into(),
            title: Text { en: title.into(), ko: format!("{title} (ko)") },
            summary: Text { en: "s".into(), ko: "요약".into() },
            level: level.into(),
            topics: vec!["isr".into()],
            stops: 3,
            groups: false,
        };
        Index { cards: vec![card("a", "intro", "First"), card("b", "advanced", "<script>alert(1)</script>")], topics: vec!["isr".into()] }
    }

    #[test]
    fn cards_are_grouped_by_level_with_the_first_leading_and_html_shown_as_text() {
        let h = library_html(&index(), "", "", Lang::En);
        assert!(h.starts_with(r#"<h3>Start here</h3><div class="cards start"><button class="lesson-card featured" data-testid="start-a" data-file="a.json">"#), "{h}");
        assert!(h.contains("<h3>Intro</h3>") && h.contains("<h3>Advanced</h3>") && !h.contains("<h3>Intermediate</h3>"), "{h}");
        assert!(h.contains("&lt;script&gt;alert(1)&lt;/script&gt;") && !h.contains("<script>"), "{h}");
        let ko = library_html(&index(), "", "", Lang::Ko);
        assert!(ko.contains("First (ko)") && ko.contains("요약"), "{ko}");
        let found = library_html(&index(), "FIRST", "", Lang::En);
        assert!(found.contains("lesson-a") && !found.contains("lesson-b"), "{found}");
        assert!(library_html(&index(), "zzz", "", Lang::En).contains("No lesson matches"));
        assert!(!library_html(&index(), "", "acks", Lang::En).contains("lesson-a"));
    }
}
