//! The browser's localStorage: the session (scenario JSON), its current step, the language.
//! Natively (tests) nothing is stored.

const SESSION: &str = "kplay.session.v1";
const STEP: &str = "kplay.step.v1";
const LANG: &str = "kplay.lang";

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
    get(SESSION)
}

/// The saved current step, if any.
pub fn load_step() -> Option<u64> {
    get(STEP)?.parse().ok()
}

/// Saves the session and its current step.
pub fn save_session(json: &str, step: u64) {
    set(SESSION, json);
    set(STEP, &step.to_string());
}

/// The saved language code.
pub fn load_lang() -> Option<String> {
    get(LANG)
}

/// Saves the language code.
pub fn save_lang(code: &str) {
    set(LANG, code);
}

/// The storage keys, for the panic overlay's reset button.
pub const SESSION_KEY: &str = SESSION;
