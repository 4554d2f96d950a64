//! The postMessage API wired to the window: requests from the embedding page are read by
//! [`api::parse`], carried out on the page's [`Sim`], and answered to the request's origin;
//! the page's events go to the embedding window's origin only. Nothing from a message is
//! evaluated, and nothing in one is rendered as HTML (a loaded scenario's text is shown as text,
//! like an imported file's).

use crate::embed::api::{self, ApiError, Goto, Load, Method, Request};
use crate::sim::{Mode, Sim};
use leptos::prelude::*;
use crate::embed::api::text;
use std::fmt::Write;
use serde_json::Value;
use wasm_bindgen::JsCast;

/// `null` or the number.
fn or_null(n: Option<i64>) -> String {
    n.map_or_else(|| "null".into(), |n| n.to_string())
}

/// The page's state as `getState` answers it, as JSON text.
pub fn state(sim: &Sim) -> String {
    let step = sim.step.get_untracked();
    let (lesson, stop, stops) = sim.lesson.with_untracked(|l| match l {
        Some(l) => (text(&l.lesson.id), or_null(l.stop_at(step).map(|i| i as i64 + 1)), l.steps.len().to_string()),
        None => ("null".into(), "null".into(), "null".into()),
    });
    let mut partitions = String::new();
    sim.view.with_untracked(|v| {
        for p in &v.partitions {
            let hw = p.leader.and_then(|l| p.replicas.iter().find(|r| r.broker == l)).map(|r| r.hw);
            let _ = write!(
                partitions,
                r#"{}{{"topic":{},"partition":{},"leader":{},"leaderEpoch":{},"isr":[{}],"hw":{}}}"#,
                if partitions.is_empty() { "" } else { "," },
                text(&p.topic),
                p.partition,
                or_null(p.leader.map(i64::from)),
                p.leader_epoch,
                p.isr,
                or_null(hw)
            );
        }
    });
    let violations = sim.violations.with_untracked(|v| v.iter().map(violation).collect::<Vec<_>>().join(","));
    let mode = match sim.mode.get_untracked() {
        Mode::Sandbox => "sandbox",
        Mode::Library => "library",
        Mode::Lesson => "lesson",
    };
    let (time, hash) = sim.with_session(|s| (s.timeline.cluster().now_ms(), s.timeline.cluster().trace_hash()));
    format!(
        r#"{{"step":{step},"lastStep":{},"time":{time},"traceHash":"{hash:016x}","playing":{},"lang":"{}","mode":"{mode}","lesson":{lesson},"stop":{stop},"stops":{stops},"partitions":[{partitions}],"violations":[{violations}]}}"#,
        sim.last_step.get_untracked(),
        sim.playing.get_untracked(),
        sim.lang.get_untracked().code(),
    )
}

fn violation(v: &kplay_core::invariants::Violation) -> String {
    format!(
        r#"{{"invariant":{},"step":{},"partition":{},"explained":{},"detail":{}}}"#,
        text(&v.invariant),
        v.step,
        v.tp.as_ref().map_or_else(|| "null".into(), |t| text(&t.to_string())),
        v.explained,
        text(&v.detail)
    )
}

/// Carries out a request that needs no waiting; `None` for one that does (`load` of a lesson,
/// `setLang` to a language whose catalogue is still to be fetched).
fn carry_out(sim: &Sim, method: Method) -> Option<Result<String, ApiError>> {
    let failed = |m: String| Err(ApiError::new("failed", m));
    Some(match method {
        Method::Load(Load::Lesson(_)) => return None,
        Method::Load(Load::Scenario(text)) => match sim.open_text(&text) {
            Ok(()) => Ok(state(sim)),
            Err(e) => Err(ApiError::new("bad_args", format!("load: args.scenario: {e}"))),
        },
        Method::Play => {
            sim.playing.set(true);
            Ok(state(sim))
        }
        Method::Pause => {
            sim.pause();
            Ok(state(sim))
        }
        Method::Step(n) => {
            sim.steps(n);
            Ok(state(sim))
        }
        Method::Back(n) => {
            sim.jump(sim.step.get_untracked().saturating_sub(n));
            Ok(state(sim))
        }
        Method::Goto(Goto::Step(n)) => {
            if n > sim.last_step.get_untracked() {
                return Some(failed(format!("goto: step {n} is not recorded yet (the last is {})", sim.last_step.get_untracked())));
            }
            sim.jump(n);
            Ok(state(sim))
        }
        Method::Goto(Goto::Stop(n)) => match sim.lesson.with_untracked(|l| l.as_ref().map(|l| l.steps.clone())) {
            None => failed("goto: no lesson is open, so there are no stops".into()),
            Some(steps) => match steps.get(n - 1) {
                Some(step) => {
                    sim.jump(*step);
                    Ok(state(sim))
                }
                None => failed(format!("goto: the lesson has {} stops, not {n}", steps.len())),
            },
        },
        Method::SetSpeed(s) => {
            sim.speed.set(s);
            Ok(state(sim))
        }
        Method::SetLang(_) => return None,
        Method::Command(c) => {
            sim.command(c);
            match sim.error.get_untracked() {
                Some(e) => failed(format!("command: {e}")),
                None => Ok(state(sim)),
            }
        }
        Method::GetState => Ok(state(sim)),
    })
}

fn post(target: &web_sys::Window, message: &str, origin: &str) {
    if let Ok(v) = js_sys::JSON::parse(message) {
        let _ = target.post_message(&v, origin);
    }
}

/// The embedding window's origin, as far as the page can know it before a request arrives:
/// the one allowed origin, else `location.ancestorOrigins[0]`, else the referrer's origin.
fn parent_origin(allowed: &[String]) -> Option<String> {
    if let [only] = allowed {
        return Some(only.clone());
    }
    let window = web_sys::window()?;
    // `location.ancestorOrigins` (Chromium, Safari; web-sys does not bind it).
    let ancestor = js_sys::Reflect::get(&window.location(), &"ancestorOrigins".into())
        .ok()
        .filter(|l| !l.is_undefined())
        .and_then(|l| js_sys::Reflect::get(&l, &0.into()).ok())
        .and_then(|o| o.as_string());
    let referrer = || {
        let r = window.document()?.referrer();
        let (scheme, rest) = r.split_once("://")?;
        Some(format!("{scheme}://{}", rest.split('/').next()?))
    };
    ancestor.or_else(referrer).filter(|o| api::origin_allowed(allowed, o))
}

/// Listens for requests from the embedding window and sends it the page's events. Does
/// nothing on a page that is not in a frame.
pub fn install(sim: Sim, allowed: Vec<String>) {
    let Some(window) = web_sys::window() else { return };
    let Some(parent) = window.parent().ok().flatten().filter(|p| !js_sys::Object::is(p, &window)) else { return };
    let origin = StoredValue::new(parent_origin(&allowed));
    let send_event = {
        let parent = parent.clone();
        move |name: &str, data: String| {
            if let Some(o) = origin.get_value() {
                post(&parent, &api::event(name, &data), &o);
            }
        }
    };
    let listener = {
        let parent = parent.clone();
        window_event_listener(leptos::ev::message, move |ev: web_sys::MessageEvent| {
            let from_parent = ev.source().is_some_and(|s| js_sys::Object::is(&s, &parent));
            let from = ev.origin();
            if !from_parent || !api::origin_allowed(&allowed, &from) {
                return; // not the embedding window, or an origin the page was told to refuse
            }
            let data = js_sys::JSON::stringify(&ev.data()).ok().and_then(|s| s.as_string()).and_then(|s| serde_json::from_str::<Value>(&s).ok());
            let Some(parsed) = data.and_then(api::parse) else { return };
            if origin.with_value(Option::is_none) {
                origin.set_value(Some(from.clone()));
            }
            let reply = {
                let parent = parent.clone();
                move |id: Value, result: Result<String, ApiError>| post(&parent, &api::answer(id, result), &from)
            };
            match parsed {
                Err((id, e)) => reply(id, Err(e)),
                Ok(Request { id, method: Method::Load(Load::Lesson(lesson)) }) => {
                    leptos::task::spawn_local(async move {
                        let result = sim.load_lesson_id(&lesson).await.map(|()| state(&sim)).map_err(|e| ApiError::new("failed", format!("load: {e}")));
                        reply(id, result);
                    });
                }
                Ok(Request { id, method: Method::SetLang(lang) }) => {
                    // Answered once the page speaks it, so the answer's `lang` is the new one.
                    leptos::task::spawn_local(async move {
                        let result = crate::i18n::load(lang).await.map(|()| {
                            sim.use_lang(lang, false, None); // not remembered: a host does not change the reader's choice
                            state(&sim)
                        });
                        reply(id, result.map_err(|e| ApiError::new("failed", format!("setLang: {e}"))));
                    });
                }
                Ok(Request { id, method }) => {
                    if let Some(result) = carry_out(&sim, method) {
                        reply(id, result);
                    }
                }
            }
        })
    };
    on_cleanup(move || listener.remove());

    // Events: `step` on every change of step, `stop` when a tour stop is reached, `violation`
    // for each new one (one effect for the three: each effect is code), `resize` below.
    let sent = StoredValue::new(sim.violations.with_untracked(Vec::len));
    let ev = send_event.clone();
    Effect::new(move |last: Option<u64>| {
        let step = sim.step.get();
        if last != Some(step) {
            ev("step", format!(r#"{{"step":{step},"time":{}}}"#, sim.with_session(|s| s.timeline.cluster().now_ms())));
            let stop = sim.lesson.with_untracked(|l| l.as_ref().and_then(|l| l.steps.iter().position(|s| *s == step).map(|i| (i + 1, l.steps.len(), l.lesson.id.clone()))));
            if let Some((n, of, lesson)) = stop {
                ev("stop", format!(r#"{{"stop":{n},"of":{of},"step":{step},"lesson":{}}}"#, text(&lesson)));
            }
        }
        sim.violations.with(|v| {
            for x in v.get(sent.get_value()..).unwrap_or_default() {
                ev("violation", violation(x));
            }
            sent.set_value(v.len());
        });
        step
    });
    let ev = send_event.clone();
    let last_height = StoredValue::new(0);
    let measure = wasm_bindgen::closure::Closure::<dyn FnMut()>::new(move || {
        let height = document().document_element().map_or(0, |e| e.scroll_height());
        if height != last_height.get_value() {
            last_height.set_value(height);
            ev("resize", format!(r#"{{"height":{height}}}"#));
        }
    });
    if let (Ok(observer), Some(root)) = (web_sys::ResizeObserver::new(measure.as_ref().unchecked_ref()), document().body()) {
        observer.observe(&root);
    }
    measure.forget(); // lives as long as the page
    let methods = api::METHODS.iter().map(|m| format!("\"{m}\"")).collect::<Vec<_>>().join(",");
    send_event("ready", format!(r#"{{"version":{},"mode":"{}","methods":[{methods}]}}"#, api::VERSION, if sim.embedded { "embed" } else { "full" }));
}
