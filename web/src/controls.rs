//! The toolbar: play, pause, step, step back, reset, speed, the timeline scrubber, the
//! language switch, help, and session export / import.

use crate::i18n::{t, tr, Lang, Ui};
use crate::session::Session;
use crate::sim::Sim;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

/// Speeds offered, simulated ms per real ms (the URL's `speed` takes the same).
use crate::embed::params::SPEEDS;

fn download(name: &str, text: &str) {
    let parts = js_sys::Array::of1(&wasm_bindgen::JsValue::from_str(text));
    let opts = web_sys::BlobPropertyBag::new();
    opts.set_type("application/json");
    let Ok(blob) = web_sys::Blob::new_with_str_sequence_and_options(&parts, &opts) else { return };
    let Ok(url) = web_sys::Url::create_object_url_with_blob(&blob) else { return };
    if let Ok(a) = document().create_element("a") {
        let a: web_sys::HtmlAnchorElement = a.unchecked_into();
        a.set_href(&url);
        a.set_download(name);
        a.click();
    }
    let _ = web_sys::Url::revoke_object_url(&url);
}

/// The toolbar.
#[component]
pub fn Controls() -> impl IntoView {
    let sim = expect_context::<Sim>();
    let lang = sim.lang;
    let help = RwSignal::new(false);
    let import = move |ev: leptos::ev::Event| {
        let Some(input) = ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok()) else { return };
        let Some(file) = input.files().and_then(|f| f.get(0)) else { return };
        let name = file.name();
        // A FileReader callback rather than `file.text()`'s promise: no async runtime in the
        // bundle for one read. `loadend` fires after a success and after a failure.
        let Ok(reader) = web_sys::FileReader::new() else { return };
        let done = reader.clone();
        let on_loadend = wasm_bindgen::closure::Closure::once_into_js(move || {
            let text = done.result().ok().and_then(|v| v.as_string());
            // A lesson file opens as a lesson (its tour), any other scenario as the sandbox.
            match text {
                Some(t) if t.contains("\"lesson\"") && kplay_core::Scenario::from_json(&t).is_ok_and(|s| s.lesson.is_some()) => sim.open_lesson(&t),
                Some(t) => match Session::from_json(&t) {
                    Ok(s) => sim.replace(s),
                    Err(e) => sim.error.set(Some(format!("{name}: {e}"))),
                },
                None => sim.error.set(Some(format!("{name}: the file could not be read"))),
            }
        });
        reader.set_onloadend(Some(on_loadend.unchecked_ref()));
        if reader.read_as_text(&file).is_err() {
            sim.error.set(Some(format!("{}: the file could not be read", file.name())));
        }
        input.set_value("");
    };
    view! {
        <nav class="controls" aria-label="Playback">
            {move || if sim.playing.get() {
                view! {
                    <button data-testid="pause" class="primary" on:click=move |_| sim.pause() title="Space">
                        "❚❚ " {tr(lang, Ui::Pause)}
                    </button>
                }.into_any()
            } else {
                view! {
                    <button data-testid="play" class="primary" on:click=move |_| sim.playing.set(true) title="Space">
                        "▶ " {tr(lang, Ui::Play)}
                    </button>
                }.into_any()
            }}
            <button data-testid="step-back" title="←" on:click=move |_| { sim.playing.set(false); sim.step_back(); }>
                "◀ " {tr(lang, Ui::StepBack)}
            </button>
            <button data-testid="step" title="→" on:click=move |_| { sim.playing.set(false); sim.step_forward(); }>
                {tr(lang, Ui::Step)} " ▶"
            </button>
            <button data-testid="reset" on:click=move |_| sim.reset()>{tr(lang, Ui::Reset)}</button>
            <label class="speed">
                {tr(lang, Ui::Speed)}
                <select data-testid="speed" prop:value=move || SPEEDS.iter().find(|(_, s)| *s == sim.speed.get()).map_or("1", |(l, _)| *l) on:change=move |ev| {
                    let v = event_target_value(&ev);
                    sim.speed.set(SPEEDS.iter().find(|(label, _)| *label == v).map_or(1.0, |(_, s)| *s));
                }>
                    {SPEEDS.iter().map(|&(label, s)| view! { <option value=label selected=s == 1.0>{label}"×"</option> }).collect_view()}
                </select>
            </label>
            <label class="scrubber">
                <span class="clock" data-testid="clock">
                    {move || {
                        let ms = sim.visual_ms.get() as u64;
                        format!("{} {} · {} {}.{}s", t(lang.get(), Ui::StepN), sim.step.get(), t(lang.get(), Ui::Time), ms / 1000, ms % 1000 / 100)
                    }}
                </span>
                <input
                    type="range"
                    data-testid="scrubber"
                    aria-label=tr(lang, Ui::Jump)
                    min="0"
                    max=move || sim.last_step.get().to_string()
                    prop:value=move || sim.step.get().to_string()
                    on:input=move |ev| sim.jump(event_target_value(&ev).parse().unwrap_or(0))
                />
            </label>
            <div class="spacer"></div>
            <button data-testid="export" on:click=move |_| sim.with_session(|s| download("kplay-session.json", &s.to_json()))>
                {tr(lang, Ui::Export)}
            </button>
            <label class="button">
                {tr(lang, Ui::Import)}
                <input type="file" accept=".json,application/json" data-testid="import" class="visually-hidden" on:change=import />
            </label>
            <button data-testid="help" on:click=move |_| help.update(|h| *h = !*h)>{tr(lang, Ui::Help)}</button>
            <div class="lang" role="group" aria-label="Language">
                <button class=move || if lang.get() == Lang::En { "active" } else { "" } data-testid="lang-en" on:click=move |_| sim.set_lang(Lang::En)>"EN"</button>
                <button class=move || if lang.get() == Lang::Ko { "active" } else { "" } data-testid="lang-ko" on:click=move |_| sim.set_lang(Lang::Ko)>"한국어"</button>
            </div>
        </nav>
        {move || help.get().then(|| view! {
            <div class="help" role="dialog" data-testid="help-text">
                <p>{tr(lang, Ui::HelpText)}</p>
                <button on:click=move |_| help.set(false)>{tr(lang, Ui::Close)}</button>
            </div>
        })}
    }
}
