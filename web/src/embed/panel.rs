//! The share menu: "Copy link" (the whole session in the fragment, [`share`]) and "Copy embed
//! code" (an `<iframe>` snippet at the current lesson and stop); and the banner of a session
//! opened from a link.

use crate::embed::share::{self, Embedded, Shared};
use crate::i18n::{t, Ui};
use crate::sim::Sim;
use leptos::prelude::*;

/// The page's address without its query or fragment.
fn base() -> String {
    let l = window().location();
    format!("{}{}", l.origin().unwrap_or_default(), l.pathname().unwrap_or_default())
}

/// The session as a share link's fragment value.
pub fn shared(sim: &Sim) -> Shared {
    let step = sim.step.get_untracked();
    let (lesson, forked) = sim.lesson.with_untracked(|l| l.as_ref().map_or((None, false), |l| (Some(l.lesson.id.clone()), l.forked)));
    // A lesson the library does not hold (an imported file) travels as its session.
    let lesson = lesson.filter(|id| sim.index.with_untracked(|i| matches!(i, Some(Ok(i)) if i.cards.iter().any(|c| c.id == *id))));
    let session = (lesson.is_none() || forked).then(|| sim.with_session(|s| s.to_json()));
    Shared { step, lesson, forked, compare: sim.compare.with_untracked(Option::is_some), session }
}

/// The share link: the page's address and `#s=v1.…`.
pub fn link(sim: &Sim) -> String {
    format!("{}#s={}", base(), shared(sim).encode())
}

/// The embed snippet for what the page shows.
pub fn embed(sim: &Sim) -> String {
    let step = sim.step.get_untracked();
    let compare = sim.compare.with_untracked(Option::is_some);
    let lang = sim.lang.get_untracked();
    let lesson = sim.lesson.with_untracked(|l| {
        l.as_ref().filter(|l| !l.forked).map(|l| (l.lesson.id.clone(), l.lesson.title.get(lang.code()).to_string(), l.steps.iter().position(|s| *s == step).map(|i| i + 1)))
    });
    match lesson {
        Some((id, title, stop)) => share::embed_code(&base(), &Embedded::Lesson { id: &id, title: &title, stop, step, compare }),
        None => share::embed_code(&base(), &Embedded::Session(&shared(sim).encode())),
    }
}

/// Puts `text` on the clipboard when the browser allows it (a failure is not awaited: the
/// text is in its box either way, and a future per button cost the bundle a kilobyte).
fn copy(text: &str, status: web_sys::Element, lang: crate::i18n::Lang) {
    let navigator = window().navigator();
    // `navigator.clipboard` exists only on secure pages (https, localhost).
    if js_sys::Reflect::has(&navigator, &"clipboard".into()).unwrap_or(false) {
        let _ = navigator.clipboard().write_text(text);
    }
    status.set_text_content(Some(t(lang, Ui::Copied)));
}

/// The share menu in the toolbar. Markup with one click listener, as the stage is drawn: a
/// component per button and field cost the bundle several kilobytes.
#[component]
pub fn ShareMenu() -> impl IntoView {
    use wasm_bindgen::JsCast;
    let sim = expect_context::<Sim>();
    let lang = sim.lang;
    let html = move || {
        let l = lang.get();
        format!(
            r#"<summary data-testid="share">{share}</summary><div class="share-box"><p class="muted">{note}</p><button data-testid="copy-link">{link}</button><input readonly data-testid="share-link" aria-label="{link}"><button data-testid="copy-embed">{embed}</button><textarea readonly rows="3" data-testid="embed-code" aria-label="{embed}"></textarea><p class="muted" role="status" data-testid="share-status"></p></div>"#,
            share = t(l, Ui::Share),
            note = t(l, Ui::ShareNote),
            link = t(l, Ui::CopyLink),
            embed = t(l, Ui::CopyEmbed),
        )
    };
    let click = move |ev: leptos::ev::MouseEvent| {
        let Some(button) = ev.target().and_then(|t| t.dyn_into::<web_sys::Element>().ok()) else { return };
        let (text, field) = match button.get_attribute("data-testid").as_deref() {
            Some("copy-link") => (link(&sim), "share-link"),
            Some("copy-embed") => (embed(&sim), "embed-code"),
            _ => return,
        };
        let Some(menu) = button.closest(".share-menu").ok().flatten() else { return };
        let find = |id: &str| menu.query_selector(&format!(r#"[data-testid="{id}"]"#)).ok().flatten();
        if let Some(f) = find(field) {
            // `value` is a property on both an input and a textarea.
            let _ = js_sys::Reflect::set(&f, &"value".into(), &text.as_str().into());
        }
        if let Some(status) = find("share-status") {
            copy(&text, status, lang.get_untracked());
        }
    };
    view! { <details class="share-menu" inner_html=html on:click=click></details> }
}

/// Above a session opened from a link: it is not saved; keep it, or open the reader's own.
#[component]
pub fn LinkBanner() -> impl IntoView {
    let sim = expect_context::<Sim>();
    let lang = sim.lang;
    let html = move || {
        let l = lang.get();
        format!(
            r#"<span>{}</span><button data-testid="keep-session">{}</button><a class="button" data-testid="own-session" href="{}">{}</a>"#,
            t(l, Ui::LinkSession),
            t(l, Ui::KeepSession),
            crate::embed::share::attribute(&base()),
            t(l, Ui::OwnSession)
        )
    };
    let click = move |ev: leptos::ev::MouseEvent| {
        if crate::stage::markup::clicked_testid(&ev).as_deref() == Some("keep-session") {
            sim.keep();
        }
    };
    view! { <div class="status" role="status" data-testid="link-banner" hidden=move || !sim.from_link.get() inner_html=html on:click=click></div> }
}
