//! The postMessage API (v1) for a page that embeds the playground in an iframe (`docs/embed.md`).
//!
//! A request is `{ns: "kplay", v: 1, id, method, args}`; the answer is `{ns, v, id, result}` or
//! `{ns, v, id, error: {code, message}}`; events are `{ns, v, event, data}`. A message whose `ns`
//! is not `"kplay"` is not of this protocol and is ignored. This module reads requests and
//! writes answers as plain JSON, so it is tested (and fuzzed) natively; `host.rs` wires it to
//! the window.

use crate::i18n::Lang;
use crate::embed::params::SPEEDS;
use kplay_core::command::Step;
use kplay_core::Command;
use serde_json::Value;

/// The protocol's version.
pub const VERSION: u64 = 1;

/// The methods, for `unknown_method`'s message and the docs.
pub const METHODS: &[&str] = &["load", "play", "pause", "step", "back", "goto", "setSpeed", "setLang", "command", "getState"];

/// What to load.
#[derive(Clone, Debug, PartialEq)]
pub enum Load {
    /// A library lesson, by id.
    Lesson(String),
    /// A whole scenario document (a lesson file opens as a lesson), as JSON text.
    Scenario(String),
}

/// Where `goto` goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Goto {
    /// A step number.
    Step(u64),
    /// A tour stop, from 1.
    Stop(usize),
}

/// A request's method and arguments, checked.
#[derive(Clone, Debug, PartialEq)]
pub enum Method {
    /// `load {lesson}` or `load {scenario}`.
    Load(Load),
    /// `play`.
    Play,
    /// `pause`.
    Pause,
    /// `step {n?}`: n steps forward (1 if absent).
    Step(u64),
    /// `back {n?}`: n steps back.
    Back(u64),
    /// `goto {step}` or `goto {stop}`.
    Goto(Goto),
    /// `setSpeed {speed}`.
    SetSpeed(f64),
    /// `setLang {lang}`.
    SetLang(Lang),
    /// `command {command}`: one core command as a scenario step writes it.
    Command(Command),
    /// `getState`.
    GetState,
}

/// An error answer's code and message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApiError {
    /// `bad_request`, `unsupported_version`, `unknown_method`, `bad_args`, `failed`.
    pub code: &'static str,
    /// What was wrong, naming the field.
    pub message: String,
}

impl ApiError {
    /// An error.
    pub fn new(code: &'static str, message: impl Into<String>) -> ApiError {
        ApiError { code, message: message.into() }
    }
}

/// A checked request.
#[derive(Clone, Debug, PartialEq)]
pub struct Request {
    /// The host's id, echoed in the answer (any JSON value; null when absent).
    pub id: Value,
    /// What it asks.
    pub method: Method,
}

/// The most steps one `step` or `back` request may take (a host's typo must not freeze the page).
pub const MAX_STEPS: u64 = 10_000;

fn args_error(method: &str, what: &str) -> ApiError {
    ApiError::new("bad_args", format!("{method}: args.{what}"))
}

fn count(method: &str, args: &Value) -> Result<u64, ApiError> {
    match args.get("n") {
        None | Some(Value::Null) => Ok(1),
        Some(v) => v.as_u64().filter(|n| (1..=MAX_STEPS).contains(n)).ok_or_else(|| args_error(method, &format!("n should be a whole number from 1 to {MAX_STEPS}"))),
    }
}

/// Reads a message. `None`: not of this protocol (ignored). `Some(Err((id, e)))`: of this
/// protocol but malformed; the answer carries `id` and the error.
/// Takes the message by value: its `id` moves into the answer (a `Value` clone is code).
pub fn parse(data: Value) -> Option<Result<Request, (Value, ApiError)>> {
    let Value::Object(mut obj) = data else { return None };
    if obj.get("ns").and_then(Value::as_str) != Some("kplay") {
        return None;
    }
    if obj.contains_key("event") || obj.contains_key("result") || obj.contains_key("error") {
        return None; // one of our own answers or events, echoed back: not a request
    }
    let id = obj.shift_remove("id").unwrap_or(Value::Null);
    Some(match request(&obj, &id) {
        Ok(method) => Ok(Request { id, method }),
        Err(e) => Err((id, e)),
    })
}

fn request(obj: &serde_json::Map<String, Value>, id: &Value) -> Result<Method, ApiError> {
    match obj.get("v") {
        Some(v) if v.as_u64() == Some(VERSION) => {}
        Some(v) => return Err(ApiError::new("unsupported_version", format!("v: this page speaks version {VERSION}, not {}", short(v)))),
        None => return Err(ApiError::new("bad_request", format!("v: missing (this page speaks version {VERSION})"))),
    }
    if id.is_null() {
        return Err(ApiError::new("bad_request", "id: missing (any number or string, echoed in the answer)"));
    }
    let method = match obj.get("method") {
        Some(Value::String(m)) => m.as_str(),
        Some(other) => return Err(ApiError::new("bad_request", format!("method: expected a string, found {}", short(other)))),
        None => return Err(ApiError::new("bad_request", format!("method: missing (one of {})", METHODS.join(", ")))),
    };
    let none = Value::Object(Default::default());
    let args = match obj.get("args") {
        None | Some(Value::Null) => &none,
        Some(a @ Value::Object(_)) => a,
        Some(other) => return Err(ApiError::new("bad_request", format!("args: expected an object, found {}", short(other)))),
    };
    Ok(match method {
        "load" => match (args.get("lesson"), args.get("scenario")) {
            (Some(Value::String(id)), None) if !id.is_empty() && id.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-') => Method::Load(Load::Lesson(id.clone())),
            (None, Some(s @ Value::Object(_))) => Method::Load(Load::Scenario(s.to_string())),
            (None, Some(Value::String(text))) => Method::Load(Load::Scenario(text.clone())),
            (Some(_), None) => return Err(args_error("load", "lesson should be a lesson id (a-z, 0-9 and -)")),
            (None, Some(_)) => return Err(args_error("load", "scenario should be a scenario document (an object or its JSON text)")),
            _ => return Err(args_error("load", "needs either lesson (an id) or scenario (a document)")),
        },
        "play" => Method::Play,
        "pause" => Method::Pause,
        "step" => Method::Step(count("step", args)?),
        "back" => Method::Back(count("back", args)?),
        "goto" => match (args.get("step"), args.get("stop")) {
            (Some(s), None) => Method::Goto(Goto::Step(s.as_u64().ok_or_else(|| args_error("goto", "step should be a step number (0 or more)"))?)),
            (None, Some(s)) => Method::Goto(Goto::Stop(s.as_u64().filter(|n| *n >= 1).ok_or_else(|| args_error("goto", "stop should be a stop number from 1"))? as usize)),
            _ => return Err(args_error("goto", "needs either step or stop")),
        },
        "setSpeed" => {
            let speed = args.get("speed").and_then(Value::as_f64);
            match SPEEDS.iter().find(|(_, s)| Some(*s) == speed) {
                Some((_, s)) => Method::SetSpeed(*s),
                None => return Err(args_error("setSpeed", "speed should be one of 0.1, 0.25, 0.5, 1, 2, 4, 10")),
            }
        }
        "setLang" => match args.get("lang").and_then(Value::as_str) {
            Some("en") => Method::SetLang(Lang::En),
            Some("ko") => Method::SetLang(Lang::Ko),
            _ => return Err(args_error("setLang", "lang should be en or ko")),
        },
        "command" => match args.get("command") {
            Some(c) => Method::Command(Step::from_value(c, "args.command").map_err(|e| ApiError::new("bad_args", format!("command: {e}")))?.0),
            None => return Err(args_error("command", "command is missing (a scenario step, e.g. {\"do\": \"crash\", \"broker\": 1})")),
        },
        "getState" => Method::GetState,
        other => return Err(ApiError::new("unknown_method", format!("method: `{}` is not one of {}", other.chars().take(40).collect::<String>(), METHODS.join(", ")))),
    })
}

/// A value, shortened for a message.
fn short(v: &Value) -> String {
    let s = v.to_string();
    if s.chars().count() > 40 {
        format!("{}…", s.chars().take(40).collect::<String>())
    } else {
        s
    }
}

/// A string as JSON text (quoted, escaped). Answers and events are written as JSON text with
/// `format!`: building `Value`s field by field cost the page's bundle several kilobytes.
pub fn text(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_default()
}

/// The answer to request `id`: `result` is JSON text.
pub fn answer(id: Value, result: Result<String, ApiError>) -> String {
    let (key, value) = match result {
        Ok(r) => ("result", r),
        Err(e) => ("error", format!(r#"{{"code":"{}","message":{}}}"#, e.code, text(&e.message))),
    };
    format!(r#"{{"ns":"kplay","v":{VERSION},"id":{id},"{key}":{value}}}"#)
}

/// An event (`ready`, `step`, `stop`, `violation`, `resize`); `data` is JSON text.
pub fn event(name: &str, data: &str) -> String {
    format!(r#"{{"ns":"kplay","v":{VERSION},"event":"{name}","data":{data}}}"#)
}

/// Whether `origin` may talk to the page: any origin when `allowed` is empty (the `origin`
/// URL parameter restricts it), else one of them exactly.
pub fn origin_allowed(allowed: &[String], origin: &str) -> bool {
    allowed.is_empty() || allowed.iter().any(|a| a == origin)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use kplay_core::ids::BrokerId;

    fn req(v: Value) -> Result<Request, (Value, ApiError)> {
        parse(v).expect("of the protocol")
    }

    #[test]
    fn the_methods_are_read_with_their_arguments() {
        let r = req(json!({"ns": "kplay", "v": 1, "id": 7, "method": "getState"})).unwrap();
        assert_eq!(r, Request { id: json!(7), method: Method::GetState });
        assert_eq!(req(json!({"ns": "kplay", "v": 1, "id": "a", "method": "load", "args": {"lesson": "first-record"}})).unwrap().method, Method::Load(Load::Lesson("first-record".into())));
        assert!(matches!(req(json!({"ns": "kplay", "v": 1, "id": 1, "method": "load", "args": {"scenario": {"version": 1}}})).unwrap().method, Method::Load(Load::Scenario(t)) if t.contains("version")));
        assert_eq!(req(json!({"ns": "kplay", "v": 1, "id": 1, "method": "step"})).unwrap().method, Method::Step(1));
        assert_eq!(req(json!({"ns": "kplay", "v": 1, "id": 1, "method": "back", "args": {"n": 5}})).unwrap().method, Method::Back(5));
        assert_eq!(req(json!({"ns": "kplay", "v": 1, "id": 1, "method": "goto", "args": {"stop": 2}})).unwrap().method, Method::Goto(Goto::Stop(2)));
        assert_eq!(req(json!({"ns": "kplay", "v": 1, "id": 1, "method": "goto", "args": {"step": 0}})).unwrap().method, Method::Goto(Goto::Step(0)));
        assert_eq!(req(json!({"ns": "kplay", "v": 1, "id": 1, "method": "setSpeed", "args": {"speed": 0.25}})).unwrap().method, Method::SetSpeed(0.25));
        assert_eq!(req(json!({"ns": "kplay", "v": 1, "id": 1, "method": "setLang", "args": {"lang": "ko"}})).unwrap().method, Method::SetLang(Lang::Ko));
        let crash = req(json!({"ns": "kplay", "v": 1, "id": 1, "method": "command", "args": {"command": {"do": "restart", "broker": 2}}})).unwrap();
        assert_eq!(crash.method, Method::Command(Command::Restart { broker: BrokerId(2) }));
    }

    #[test]
    fn other_messages_are_ignored_and_bad_ones_are_named() {
        assert!(parse(json!("hello")).is_none());
        assert!(parse(json!({"type": "resize", "height": 3})).is_none());
        assert!(parse(json!({"ns": "kplay", "v": 1, "event": "ready"})).is_none(), "our own event echoed back");
        let err = |v: Value| req(v).unwrap_err();
        assert_eq!(err(json!({"ns": "kplay", "v": 2, "id": 1, "method": "play"})).1.code, "unsupported_version");
        assert_eq!(err(json!({"ns": "kplay", "id": 1, "method": "play"})).1.code, "bad_request");
        assert!(err(json!({"ns": "kplay", "v": 1, "method": "play"})).1.message.starts_with("id: missing"));
        let (id, e) = err(json!({"ns": "kplay", "v": 1, "id": 9, "method": "fly"}));
        assert_eq!((id, e.code), (json!(9), "unknown_method"));
        assert!(e.message.contains("`fly` is not one of load, play"));
        assert!(err(json!({"ns": "kplay", "v": 1, "id": 1, "method": "goto", "args": {"stop": 0}})).1.message.contains("goto: args.stop should be a stop number from 1"));
        assert!(err(json!({"ns": "kplay", "v": 1, "id": 1, "method": "step", "args": {"n": 1e9}})).1.message.contains("from 1 to 10000"));
        assert!(err(json!({"ns": "kplay", "v": 1, "id": 1, "method": "setSpeed", "args": {"speed": 3}})).1.message.contains("one of 0.1"));
        let e = err(json!({"ns": "kplay", "v": 1, "id": 1, "method": "command", "args": {"command": {"do": "crash"}}})).1;
        assert!(e.message.contains("args.command: missing field `broker`"), "{e:?}");
        let e = err(json!({"ns": "kplay", "v": 1, "id": 1, "method": "command", "args": {"command": {"do": "explode"}}})).1;
        assert!(e.message.contains("args.command.do"), "{e:?}");
        assert!(err(json!({"ns": "kplay", "v": 1, "id": 1, "method": "play", "args": [1]})).1.message.starts_with("args: expected an object"));
    }

    #[test]
    fn answers_carry_the_id_and_only_allowed_origins_talk() {
        let read = |t: String| serde_json::from_str::<Value>(&t).expect("JSON");
        assert_eq!(read(answer(json!(7), Ok(r#"{"step":3}"#.into()))), json!({"ns": "kplay", "v": 1, "id": 7, "result": {"step": 3}}));
        assert_eq!(read(answer(json!("x"), Err(ApiError::new("bad_args", "say \"m\"\n")))), json!({"ns": "kplay", "v": 1, "id": "x", "error": {"code": "bad_args", "message": "say \"m\"\n"}}));
        assert_eq!(read(event("step", r#"{"step":2}"#)), json!({"ns": "kplay", "v": 1, "event": "step", "data": {"step": 2}}));
        assert!(origin_allowed(&[], "https://a.example"));
        assert!(origin_allowed(&["https://a.example".into()], "https://a.example"));
        assert!(!origin_allowed(&["https://a.example".into()], "https://a.example.evil"));
    }
}
