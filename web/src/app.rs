//! The root component: the page's layout, the play loop and the keyboard shortcuts.

use crate::panels::actions::{ConsumerPanel, ProducePanel, SettingsPanel};
use crate::stage::cluster_view::{Brokers, NetworkStrip, Partitions};
use crate::controls::Controls;
use crate::i18n::{tr, Ui};
use crate::panels::inspector::Inspector;
use crate::lessons::compare::CompareView;
use crate::lessons::library::Library;
use crate::lessons::tour::TourPanel;
use crate::panels::events::{EventLog, InvariantPanel};
use crate::sim::{Mode, Sim};
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

/// The playground page.
#[component]
pub fn App() -> impl IntoView {
    let (params, errors) = crate::embed::params::from_location();
    let embedded = params.embed;
    let sim = if embedded { Sim::embedded() } else { Sim::new() };
    provide_context(sim);
    sim.apply_params(params, errors);
    // Embedded: the side panels fold away; a link opens the full playground in a new tab.
    let panels = RwSignal::new(false);
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
    let tab = move |m: Mode| if mode.get() == m { "tab active" } else { "tab" };
    let app_class = move || match (embedded, panels.get()) {
        (false, _) => "app",
        (true, false) => "app embed",
        (true, true) => "app embed panels-open",
    };
    view! {
        <div class=app_class data-testid="app" data-mode=if embedded { "embed" } else { "full" }>
        <header class=move || if mode.get() == Mode::Library { "top library-mode" } else { "top" }>
            <div class="title-row">
                <h1>{tr(lang, Ui::Title)}</h1>
                {full.map(|href| view! {
                    <a class="open-full" data-testid="open-full" href=href target="_blank" rel="noopener">{tr(lang, Ui::OpenFull)}" ↗"</a>
                    <button class="panels-toggle" data-testid="panels-toggle" aria-pressed=move || panels.get().to_string() on:click=move |_| panels.update(|p| *p = !*p)>{tr(lang, Ui::PanelsToggle)}</button>
                })}
                <nav class="tabs" aria-label="Views">
                    <button class=move || tab(Mode::Library) data-testid="open-library" aria-pressed=move || (mode.get() == Mode::Library).to_string() on:click=move |_| sim.show_library()>{tr(lang, Ui::Lessons)}</button>
                    <button class=move || tab(Mode::Sandbox) data-testid="open-sandbox" aria-pressed=move || (mode.get() == Mode::Sandbox).to_string() on:click=move |_| sim.show_sandbox()>{tr(lang, Ui::Sandbox)}</button>
                </nav>
            </div>
            <Controls />
        </header>
        {move || sim.param_error.get().map(|e| view! {
            <div class="status error" role="alert" data-testid="param-error">
                <span>{e}</span>
                <button class="link" on:click=move |_| sim.param_error.set(None)>{tr(lang, Ui::Close)}</button>
            </div>
        })}
        {move || sim.error.get().map(|e| view! {
            <div class="status error" role="alert" data-testid="error">
                <span>{e}</span>
                <button class="link" on:click=move |_| sim.error.set(None)>{tr(lang, Ui::Close)}</button>
            </div>
        })}
        {move || match mode.get() {
            Mode::Library => view! { <Library /> }.into_any(),
            Mode::Lesson if sim.compare.with(Option::is_some) => view! {
                <div class="compare-layout">
                    <TourPanel />
                    <CompareView />
                </div>
            }.into_any(),
            m => view! {
                {(m == Mode::Sandbox).then(|| view! { <p class="hint">{tr(lang, Ui::Hint)}</p> })}
                <div class="layout">
                    <main class="stage">
                        {(m == Mode::Lesson).then(|| view! { <TourPanel /> })}
                        <Brokers />
                        <NetworkStrip />
                        <Partitions />
                        <SpaceTime open=m == Mode::Lesson />
                    </main>
                    <aside class="side">
                        <ProducePanel />
                        <ConsumerPanel />
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
