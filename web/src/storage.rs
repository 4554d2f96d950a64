//! The browser's localStorage: the session (scenario JSON), its current step, the language.
//! Natively (tests) nothing is stored.

const SESSION: &str = "kplay.session.v1";
const STEP: &str = "kplay.step.v1";
const LANG: &str = "kplay.lang";
const MODE: &str = "kplay.mode";
const LESSON_SOURCE: &str = "kplay.lesson.source.v1";
const LESSON_STEP: &str = "kplay.lesson.step.v1";
const LESSON_FORK: &str = "kplay.lesson.fork.v1";

/// The extended page (`full/`, with consumer groups) keeps its own sessions and lessons: the
/// first page cannot run a session with consumers, and must never lose a reader's work by
/// trying. It starts from the first page's session when it has none of its own.
#[cfg(feature = "groups")]
const OWN: &str = ".groups";
#[cfg(not(feature = "groups"))]
const OWN: &str = "";

fn own(key: &str) -> String {
    format!("{key}{OWN}")
}

#[cfg(target_arch = "wasm32")]
fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok()?
}

#[cfg(target_arch = "wasm32")]
fn get(key: &str) -> Option<String> {
    storage()?.get_item(key).ok()?
}

#[cfg(target_arch = "wasm32")]
fn set(key: &str, value: &str) {
    if let Some(s) = storage() {
        let _ = s.set_item(key, value); // a full quota only loses autosave, never the page
    }
}

#[cfg(not(target_arch = "wasm32"))]
fn get(_key: &str) -> Option<String> {
    None
}

#[cfg(not(target_arch = "wasm32"))]
fn set(_key: &str, _value: &str) {}

/// The saved session, if any.
pub fn load_session() -> Option<String> {
    get(&own(SESSION)).or_else(|| if OWN.is_empty() { None } else { get(SESSION) })
}

/// The saved current step, if any.
pub fn load_step() -> Option<u64> {
    get(&own(STEP)).or_else(|| if OWN.is_empty() { None } else { get(STEP) })?.parse().ok()
}

/// Saves the session and its current step.
pub fn save_session(json: &str, step: u64) {
    set(&own(SESSION), json);
    set(&own(STEP), &step.to_string());
}

/// The saved language code.
pub fn load_lang() -> Option<String> {
    get(LANG)
}

/// Saves the language code.
pub fn save_lang(code: &str) {
    set(LANG, code);
}

/// What the page showed last (`sandbox`, `library`, `lesson`).
pub fn load_mode() -> Option<String> {
    get(&own(MODE))
}

/// Saves what the page shows.
pub fn save_mode(mode: &str) {
    set(&own(MODE), mode);
}

/// The open lesson: its file's text, its step, and the free-play session forked from it.
pub fn load_lesson() -> Option<(String, u64, Option<String>)> {
    let step = get(&own(LESSON_STEP)).and_then(|s| s.parse().ok()).unwrap_or(0);
    Some((get(&own(LESSON_SOURCE))?, step, get(&own(LESSON_FORK)).filter(|f| !f.is_empty())))
}

/// Saves the lesson file being opened (its free play, if any, is forgotten).
pub fn save_lesson_source(text: &str) {
    set(&own(LESSON_SOURCE), text);
    set(&own(LESSON_FORK), "");
    set(&own(LESSON_STEP), "0");
}

/// Saves the lesson's step, and its free-play session once forked. The sandbox's keys are
/// not touched.
pub fn save_lesson_step(step: u64, fork: Option<&str>) {
    set(&own(LESSON_STEP), &step.to_string());
    set(&own(LESSON_FORK), fork.unwrap_or(""));
}

/// The storage keys, for the panic overlay's reset button.
pub const SESSION_KEY: &str = SESSION;

#[cfg(test)]
mod tests {
    use super::SESSION_KEY;

    /// The crash overlay (plain JavaScript, running after the wasm instance has aborted) names
    /// the session keys itself, the first page's and the extended page's; they must be these.
    #[test]
    fn the_crash_overlay_resets_the_session_key() {
        let js = include_str!("../js/crash.js");
        assert!(js.contains(&format!("'{SESSION_KEY}'")) && js.contains(&format!("'{SESSION_KEY}.groups'")), "crash.js must reset both session keys");
    }
}
