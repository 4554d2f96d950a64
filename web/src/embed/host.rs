//! The postMessage API wired to the window: requests from the embedding page are read by
//! [`api::parse`], carried out on the page's [`Sim`], and answered to the request's origin;
//! the page's events go to the embedding window's origin only. Nothing from a message is
//! evaluated, and nothing in one is rendered as HTML (a loaded scenario's text is shown as text,
//! like an imported file's).

use crate::embed::api::{self, ApiError, Goto, Load, Method, Request};
use crate::session::Session;
use crate::sim::{Mode, Sim};
use leptos::prelude::*;
use crate::embed::api::obj;
use serde_json::Value;
use wasm_bindgen::JsCast;

/// The page's state as `getState` answers it.
pub fn state(sim: &Sim) -> Value {
    let (lesson, stop, stops) = sim.lesson.with_untracked(|l| match l {
        Some(l) => (Value::from(l.lesson.id.as_str()), Value::from(l.stop_at(sim.step.get_untracked()).map(|i| i as u64 + 1)), Value::from(l.steps.len() as u64)),
        None => (Value::Null, Value::Null, Value::Null),
    });
    let partitions: Vec<Value> = sim.view.with_untracked(|v| {
        v.partitions
            .iter()
            .map(|p| {
                let hw = p.leader.and_then(|l| p.replicas.iter().find(|r| r.broker == l)).map(|r| r.hw);
                let isr: Vec<u32> = p.isr.split(',').filter_map(|b| b.trim().parse().ok()).collect();
                obj(vec![("topic", p.topic.as_str().into()), ("partition", p.partition.into()), ("leader", p.leader.into()), ("leaderEpoch", p.leader_epoch.into()), ("isr", isr.into()), ("hw", hw.into())])
            })
            .collect()
    });
    let violations: Vec<Value> = sim.violations.with_untracked(|v| v.iter().map(violation).collect());
    let mode = match sim.mode.get_untracked() {
        Mode::Sandbox => "sandbox",
        Mode::Library => "library",
        Mode::Lesson => "lesson",
    };
    obj(vec![
        ("step", sim.step.get_untracked().into()),
        ("lastStep", sim.last_step.get_untracked().into()),
        ("time", sim.with_session(|s| s.timeline.cluster().now_ms()).into()),
        ("traceHash", sim.with_session(|s| format!("{:016x}", s.timeline.cluster().trace_hash())).into()),
        ("playing", sim.playing.get_untracked().into()),
        ("lang", sim.lang.get_untracked().code().into()),
        ("mode", mode.into()),
        ("lesson", lesson),
        ("stop", stop),
        ("stops", stops),
        ("partitions", partitions.into()),
        ("violations", violations.into()),
    ])}

fn violation(v: &kplay_core::invariants::Violation) -> Value {
    obj(vec![("invariant", v.invariant.as_str().into()), ("step", v.step.into()), ("partition", v.tp.as_ref().map(|t| t.to_string()).into()), ("explained", v.explained.into()), ("detail", v.detail.as_str().into())])
}

/// Carries out a request that needs no waiting; `None` for one that does (`load` of a lesson,
/// `setLang` to a language whose catalogue is still to be fetched).
fn carry_out(sim: &Sim, method: Method) -> Option<Result<Value, ApiError>> {
    let failed = |m: String| Err(ApiError::new("failed", m));
    Some(match method {
        Method::Load(Load::Lesson(_)) => return None,
        Method::Load(Load::Scenario(text)) => {
            let lesson = kplay_core::Scenario::from_json(&text).map(|s| s.lesson.is_some());
            match lesson {
                Ok(true) => {
                    sim.open_lesson(&text);
                    match sim.lesson.with_untracked(|l| l.as_ref().map(|l| l.source == text)) {
                        Some(true) => Ok(state(sim)),
                        _ => failed(format!("load: {}", sim.error.get_untracked().unwrap_or_default())),
                    }
                }
                Ok(false) => match Session::from_json(&text) {
                    Ok(s) => {
                        sim.show_sandbox();
                        sim.replace(s);
                        Ok(state(sim))
                    }
                    Err(e) => Err(ApiError::new("bad_args", format!("load: args.scenario: {e}"))),
                },
                Err(e) => Err(ApiError::new("bad_args", format!("load: args.scenario: {e}"))),
            }
        }
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

fn post(target: &web_sys::Window, message: &Value, origin: &str) {
    if let Ok(v) = js_sys::JSON::parse(&message.to_string()) {
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
        move |name: &str, data: Value| {
            if let Some(o) = origin.get_value() {
                post(&parent, &api::event(name, data), &o);
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
            let Some(parsed) = data.as_ref().and_then(api::parse) else { return };
            if origin.with_value(Option::is_none) {
                origin.set_value(Some(from.clone()));
            }
            let reply = {
                let parent = parent.clone();
                move |id: &Value, result: Result<Value, ApiError>| post(&parent, &api::answer(id, result), &from)
            };
            match parsed {
                Err((id, e)) => reply(&id, Err(e)),
                Ok(Request { id, method: Method::Load(Load::Lesson(lesson)) }) => {
                    leptos::task::spawn_local(async move {
                        let result = sim.load_lesson_id(&lesson).await.map(|()| state(&sim)).map_err(|e| ApiError::new("failed", format!("load: {e}")));
                        reply(&id, result);
                    });
                }
                Ok(Request { id, method: Method::SetLang(lang) }) => {
                    // Answered once the page speaks it, so the answer's `lang` is the new one.
                    leptos::task::spawn_local(async move {
                        let result = crate::i18n::load(lang).await.map(|()| {
                            sim.use_lang(lang, false, None); // not remembered: a host does not change the reader's choice
                            state(&sim)
                        });
                        reply(&id, result.map_err(|e| ApiError::new("failed", format!("setLang: {e}"))));
                    });
                }
                Ok(Request { id, method }) => {
                    if let Some(result) = carry_out(&sim, method) {
                        reply(&id, result);
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
            ev("step", obj(vec![("step", step.into()), ("time", sim.with_session(|s| s.timeline.cluster().now_ms()).into())]));
            let stop = sim.lesson.with_untracked(|l| l.as_ref().and_then(|l| l.steps.iter().position(|s| *s == step).map(|i| (i + 1, l.steps.len(), l.lesson.id.clone()))));
            if let Some((n, of, lesson)) = stop {
                ev("stop", obj(vec![("stop", (n as u64).into()), ("of", (of as u64).into()), ("step", step.into()), ("lesson", lesson.into())]));
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
            ev("resize", obj(vec![("height", height.into())]));
        }
    });
    if let (Ok(observer), Some(root)) = (web_sys::ResizeObserver::new(measure.as_ref().unchecked_ref()), document().body()) {
        observer.observe(&root);
    }
    measure.forget(); // lives as long as the page
    let methods: Vec<Value> = api::METHODS.iter().map(|m| Value::from(*m)).collect();
    send_event("ready", obj(vec![("version", api::VERSION.into()), ("mode", if sim.embedded { "embed" } else { "full" }.into()), ("methods", methods.into())]));
}
