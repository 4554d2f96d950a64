//! The wasm entry point: a panic hook that keeps the page from going blank, then the app.

use wasm_bindgen::JsCast;

/// Talc instead of Rust's default dlmalloc: about 4 KB less of the gzipped page, and faster
/// (its WebAssembly benchmarks). The page is single-threaded (no `atomics`).
#[cfg(all(not(target_feature = "atomics"), target_family = "wasm"))]
#[global_allocator]
static TALC: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();

/// Shows a visible error with a way out. It uses plain DOM (the wasm instance is about to
/// abort, so nothing reactive can run after it): the buttons reload the page, one after
/// clearing the saved session.
fn panic_overlay(info: &std::panic::PanicHookInfo<'_>) {
    console_error_panic_hook::hook(info);
    let Some(doc) = web_sys::window().and_then(|w| w.document()) else { return };
    let Ok(div) = doc.create_element("div") else { return };
    div.set_class_name("crash-overlay");
    div.set_attribute("role", "alertdialog").ok();
    div.set_attribute("data-testid", "panic-overlay").ok();
    let message = info.to_string().replace('&', "&amp;").replace('<', "&lt;");
    div.set_inner_html(&format!(
        "<h2>Something broke inside the playground · 플레이그라운드 내부 오류</h2><pre>{message}</pre>\
         <p><button onclick=\"location.reload()\">Reload · 다시 불러오기</button> \
         <button onclick=\"localStorage.removeItem('{}');location.replace(location.pathname)\">Reset the session · 세션 초기화</button></p>",
        kplay_web::storage::SESSION_KEY
    ));
    if let Some(body) = doc.body() {
        let _ = body.append_child(div.unchecked_ref());
    }
}

fn main() {
    std::panic::set_hook(Box::new(panic_overlay));
    leptos::mount::mount_to_body(kplay_web::app::App);
    // The e2e suite opens `#panic-test` to check, in the release build, that a panic shows
    // the overlay instead of a blank page.
    if web_sys::window().and_then(|w| w.location().hash().ok()).as_deref() == Some("#panic-test") {
        panic!("a test panic, requested by #panic-test");
    }
}
