//! The toolbar: play, pause, step, step back, reset, speed, the timeline scrubber, the
//! language switch, help, and session export / import.

use crate::i18n::{t, tr, Lang, Ui};
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

/// The speed select's options, as markup.
fn speed_options() -> String {
    SPEEDS.iter().map(|(l, _)| format!(r#"<option value="{l}">{l}×</option>"#)).collect()
}

/// The toolbar. Its fixed buttons are markup with one click listener per group (as the stage
/// is drawn: a reactive element per button cost the bundle several kilobytes); what changes
/// while playing (play / pause, the speed, the clock, the scrubber) is reactive.
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
            let opened = text.ok_or_else(|| "the file could not be read".to_string()).and_then(|t| sim.open_text(&t));
            if let Err(e) = opened {
                sim.error.set(Some(format!("{name}: {e}")));
            }
        });
        reader.set_onloadend(Some(on_loadend.unchecked_ref()));
        if reader.read_as_text(&file).is_err() {
            sim.error.set(Some(format!("{}: the file could not be read", file.name())));
        }
        input.set_value("");
    };
    // Play and Pause are one button that changes its role.
    view! {
        <nav class="controls" aria-label="Playback">
            <button class="primary" title="Space" data-testid=move || if sim.playing.get() { "pause" } else { "play" } on:click=move |_| if sim.playing.get_untracked() { sim.pause() } else { sim.playing.set(true) }>
                {move || if sim.playing.get() { format!("❚❚ {}", t(lang.get(), Ui::Pause)) } else { format!("▶ {}", t(lang.get(), Ui::Play)) }}
            </button>
            <span class="group" inner_html=move || {
                let l = lang.get();
                format!(r#"<button data-testid="step-back" title="←">◀ {}</button><button data-testid="step" title="→">{} ▶</button><button data-testid="reset">{}</button>"#, t(l, Ui::StepBack), t(l, Ui::Step), t(l, Ui::Reset))
            } on:click=move |ev| match crate::stage::markup::clicked_testid(&ev).as_deref() {
                Some("step-back") => { sim.playing.set(false); sim.step_back(); }
                Some("step") => { sim.playing.set(false); sim.step_forward(); }
                Some("reset") => sim.reset(),
                _ => {}
            }></span>
            <label class="speed">
                {tr(lang, Ui::Speed)}
                <select data-testid="speed" inner_html=speed_options() prop:value=move || SPEEDS.iter().find(|(_, s)| *s == sim.speed.get()).map_or("1", |(l, _)| *l) on:change=move |ev| {
                    let v = event_target_value(&ev);
                    sim.speed.set(SPEEDS.iter().find(|(label, _)| *label == v).map_or(1.0, |(_, s)| *s));
                }></select>
            </label>
            <label class="scrubber">
                <span class="clock" data-testid="clock" data-trace=move || { sim.step.get(); sim.with_session(|s| format!("{:016x}", s.timeline.cluster().trace_hash())) }>
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
            <span class="group" inner_html=move || {
                let l = lang.get();
                let active = |x: Lang| if l == x { r#" class="active""# } else { "" };
                format!(
                    r#"<button data-testid="export">{}</button><label class="button">{}<input type="file" accept=".json,application/json" data-testid="import" class="visually-hidden"></label><button data-testid="help">{}</button><span class="lang" role="group" aria-label="Language"><button data-testid="lang-en"{}>EN</button><button data-testid="lang-ko"{}>한국어</button></span>"#,
                    t(l, Ui::Export), t(l, Ui::Import), t(l, Ui::Help), active(Lang::En), active(Lang::Ko)
                )
            } on:click=move |ev| match crate::stage::markup::clicked_testid(&ev).as_deref() {
                Some("export") => sim.with_session(|s| download("kplay-session.json", &s.to_json())),
                Some("help") => help.update(|h| *h = !*h),
                Some("lang-en") => sim.set_lang(Lang::En),
                Some("lang-ko") => sim.set_lang(Lang::Ko),
                _ => {}
            } on:change=import></span>
            <crate::embed::panel::ShareMenu />
        </nav>
        {move || help.get().then(|| view! {
            <div class="help" role="dialog" data-testid="help-text">
                <p>{tr(lang, Ui::HelpText)}</p>
                {help_compaction(lang)}
                <button on:click=move |_| help.set(false)>{tr(lang, Ui::Close)}</button>
            </div>
        })}
    }
}

/// The extended page's word on how its cleaner differs from Kafka's (docs/fidelity.md).
#[cfg(feature = "compaction")]
fn help_compaction(lang: RwSignal<Lang>) -> impl IntoView {
    view! { <p data-testid="help-compaction">{tr(lang, Ui::HelpCompaction)}</p> <p data-testid="help-elr">{tr(lang, Ui::HelpElr)}</p> <p data-testid="help-racks">{tr(lang, Ui::HelpRacks)}</p> }
}
#[cfg(not(feature = "compaction"))]
fn help_compaction(_: RwSignal<Lang>) -> impl IntoView {}
