//! The root component: the page's layout, the play loop and the keyboard shortcuts.

use crate::panels::actions::{ConsumerPanel, ProducePanel, SettingsPanel};
use crate::stage::cluster_view::{Brokers, NetworkStrip, Partitions};
use crate::controls::Controls;
use crate::i18n::{t, Ui};
use crate::panels::groups::GroupsPanel;
use crate::panels::inspector::Inspector;
use crate::lessons::compare::CompareView;
use crate::lessons::library::Library;
use crate::lessons::tour::TourPanel;
use crate::panels::events::{EventLog, InvariantPanel};
use crate::embed::panel::LinkBanner;
use crate::session::Session;
use crate::sim::{Mode, Opening, Sim};
use crate::stage::spacetime::SpaceTime;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

/// Real milliseconds since the page loaded.
fn now_ms() -> f64 {
    web_sys::window().and_then(|w| w.performance()).map_or(0.0, |p| p.now())
}

/// Most queued deliveries and timers handled in one animation frame.
const FRAME_BUDGET: usize = 400;

fn run_loop(sim: Sim, last: f64) {
    request_animation_frame(move || {
        if !sim.playing.get_untracked() {
            return;
        }
        let now = now_ms();
        sim.tick((now - last).clamp(0.0, 100.0), FRAME_BUDGET);
        run_loop(sim, now);
    });
}

/// True when a key press is meant for a form field, not for the shortcuts. On a focused
/// button only Space and the arrows are its own (a click, a move); N and B still turn the
/// tour's pages after a click on, say, the language switch.
fn typing(ev: &web_sys::KeyboardEvent) -> bool {
    let key = ev.key();
    ev.target().and_then(|t| t.dyn_into::<web_sys::Element>().ok()).is_some_and(|e| match e.tag_name().as_str() {
        "INPUT" | "SELECT" | "TEXTAREA" => true,
        "BUTTON" | "SUMMARY" => matches!(key.as_str(), " " | "Enter" | "ArrowLeft" | "ArrowRight"),
        _ => false,
    })
}

/// A dismissible message (`param-error`, `error`) as markup, or nothing.
fn banner(message: RwSignal<Option<String>>, testid: &str, l: crate::i18n::Lang) -> String {
    message.with(|m| match m {
        Some(e) => format!(r#"<div class="status error" role="alert" data-testid="{testid}"><span>{}</span><button class="link" data-close="1">{}</button></div>"#, crate::stage::markup::escape(e), t(l, Ui::Close)),
        None => String::new(),
    })
}

/// The playground page.
#[component]
pub fn App() -> impl IntoView {
    let (params, mut errors) = crate::embed::params::from_location();
    let embedded = params.embed;
    // A share link (`#s=v1.…`) or pinned cluster settings bring their own session.
    let hash = window().location().hash().unwrap_or_default();
    let shared = hash.strip_prefix("#s=").map(crate::embed::share::Shared::decode);
    let opening = match shared {
        Some(Ok(sh)) => match sh.session.as_deref().map(Session::from_json).transpose() {
            Ok(session) => Some(Opening { lesson: sh.lesson, session, forked: sh.forked, stop: None, step: Some(sh.step), compare: sh.compare, autoplay: false }),
            Err(e) => {
                errors.push(format!("share link: {e}"));
                None
            }
        },
        Some(Err(e)) => {
            errors.push(e);
            None
        }
        None if params.cluster.any() => match params.cluster.session() {
            Ok(s) => Some(Opening { session: Some(s), step: params.step, autoplay: params.autoplay, ..Opening::default() }),
            Err(e) => {
                errors.push(e);
                None
            }
        },
        None => None,
    };
    let sim = match (embedded, &opening) {
        (true, _) => Sim::embedded(),
        (false, Some(_)) => Sim::from_link(),
        (false, None) => Sim::new(),
    };
    sim.from_link.set(!embedded && opening.is_some());
    provide_context(sim);
    let shown = params.panels.clone();
    let origins = params.origins.clone();
    match opening {
        Some(o) => {
            sim.apply_params(crate::embed::params::Params { lesson: None, step: None, stop: None, autoplay: false, ..params }, None, Vec::new());
            sim.open_link(o, errors);
        }
        None => sim.apply_params(params, None, errors),
    }
    // Only an embedded page answers a host: a full page in someone's frame keeps to itself.
    #[cfg(target_arch = "wasm32")]
    if embedded {
        crate::embed::host::install(sim, origins);
    }
    #[cfg(not(target_arch = "wasm32"))]
    let _ = origins;
    // Embedded: the side panels fold away (open at once when `panels=` names some); a link
    // opens the full playground in a new tab.
    let panels = RwSignal::new(embedded && shown.as_ref().is_some_and(|l| !l.is_empty()));
    // `panels=`: the others are hidden by the style sheet (`.side[data-hide~=…]`).
    let hidden: String = crate::embed::params::PANELS.iter().filter(|p| shown.as_ref().is_some_and(|l| !l.contains(p))).fold(String::new(), |h, p| h + p + " ");
    let full = embedded.then(|| web_sys::window().and_then(|w| w.location().href().ok()).map(|h| crate::embed::params::full_page_url(&h)).unwrap_or_default());
    Effect::new(move |_| {
        if sim.playing.get() {
            run_loop(sim, now_ms());
        }
    });
    Effect::new(move |_| {
        if let Some(html) = document().document_element() {
            let _ = html.set_attribute("lang", sim.lang.get().code());
        }
    });
    let keys = window_event_listener(leptos::ev::keydown, move |ev| {
        if typing(&ev) || ev.ctrl_key() || ev.meta_key() || ev.alt_key() {
            return;
        }
        match ev.key().as_str() {
            " " => {
                ev.prevent_default();
                if sim.playing.get_untracked() {
                    sim.pause();
                } else {
                    sim.playing.set(true);
                }
            }
            "ArrowRight" => {
                ev.prevent_default();
                sim.playing.set(false);
                sim.step_forward();
            }
            "ArrowLeft" => {
                ev.prevent_default();
                sim.playing.set(false);
                sim.step_back();
            }
            // A lesson's stops: N (or Page Down) for Next, B (or Page Up) for Back.
            "n" | "N" | "PageDown" if sim.mode.get_untracked() == Mode::Lesson => {
                ev.prevent_default();
                sim.next_stop();
            }
            "b" | "B" | "PageUp" if sim.mode.get_untracked() == Mode::Lesson => {
                ev.prevent_default();
                sim.playing.set(false);
                sim.back_stop();
            }
            _ => {}
        }
    });
    on_cleanup(move || keys.remove());
    let lang = sim.lang;
    let mode = sim.mode;
    let app_class = move || match (embedded, panels.get()) {
        (false, _) => "app",
        (true, false) => "app embed",
        (true, true) => "app embed panels-open",
    };
    // The title row: the title, an embedded page's links, the views' tabs (markup: see
    // `stage/markup.rs` for why).
    let title_row = move || {
        let (l, m) = (lang.get(), mode.get());
        let tab = |x: Mode, id: &str, label: Ui| {
            let on = m == x;
            format!(r#"<button class="{}" data-testid="{id}" aria-pressed="{on}">{}</button>"#, if on { "tab active" } else { "tab" }, t(l, label))
        };
        let embed = match &full {
            Some(href) => format!(
                r#"<a class="open-full" data-testid="open-full" href="{}" target="_blank" rel="noopener">{} ↗</a><button class="panels-toggle" data-testid="panels-toggle" aria-pressed="{}">{}</button>"#,
                crate::embed::share::attribute(href),
                t(l, Ui::OpenFull),
                panels.get(),
                t(l, Ui::PanelsToggle)
            ),
            None => String::new(),
        };
        format!(r#"<h1>{}</h1>{embed}<nav class="tabs" aria-label="Views">{}{}</nav>"#, t(l, Ui::Title), tab(Mode::Library, "open-library", Ui::Lessons), tab(Mode::Sandbox, "open-sandbox", Ui::Sandbox))
    };
    view! {
        <div class=app_class data-testid="app" data-mode=if embedded { "embed" } else { "full" }>
        <header class=move || if mode.get() == Mode::Library { "top library-mode" } else { "top" }>
            <div class="title-row" inner_html=title_row on:click=move |ev| match crate::stage::markup::clicked_testid(&ev).as_deref() {
                Some("panels-toggle") => panels.update(|p| *p = !*p),
                Some("open-library") => sim.show_library(),
                Some("open-sandbox") => sim.show_sandbox(),
                _ => {}
            }></div>
            <Controls />
        </header>
        <div inner_html=move || banner(sim.param_error, "param-error", lang.get()) on:click=move |ev| if crate::stage::markup::clicked(&ev, "data-close").is_some() { sim.param_error.set(None) }></div>
        <LinkBanner />
        <div inner_html=move || banner(sim.error, "error", lang.get()) on:click=move |ev| if crate::stage::markup::clicked(&ev, "data-close").is_some() { sim.error.set(None) }></div>
        {move || match mode.get() {
            Mode::Library => view! { <Library /> }.into_any(),
            Mode::Lesson if sim.compare.with(Option::is_some) => view! {
                <div class="compare-layout">
                    <TourPanel />
                    <CompareView />
                </div>
            }.into_any(),
            m => view! {
                <p class="hint" hidden=m != Mode::Sandbox inner_html=move || t(lang.get(), Ui::Hint)></p>
                <div class="layout">
                    <main class="stage">
                        {(m == Mode::Lesson).then(|| view! { <TourPanel /> })}
                        <Brokers />
                        <NetworkStrip />
                        <Partitions />
                        <SpaceTime open=m == Mode::Lesson />
                    </main>
                    <aside class="side" data-hide=hidden.clone()>
                        <ProducePanel />
                        <ConsumerPanel />
                        <GroupsPanel />
                        <InvariantPanel />
                        <EventLog />
                        <Inspector />
                        <SettingsPanel />
                    </aside>
                </div>
            }.into_any(),
        }}
        </div>
    }
}
