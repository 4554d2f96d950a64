//! The wasm entry point: (in debug builds) a panic hook for the crash overlay, then the app.

/// Talc instead of Rust's default dlmalloc: about 4 KB less of the gzipped page, and faster
/// (its WebAssembly benchmarks). The page is single-threaded (no `atomics`).
#[cfg(all(not(target_feature = "atomics"), target_family = "wasm"))]
#[global_allocator]
static TALC: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();

/// A debug build's panic hook: the message on the console and in `<html data-panic>`, where
/// the crash overlay (`web/js/crash.js`) shows it once the instance has aborted. A release
/// build (scripts/build.sh) aborts on a panic without running any hook or formatting any
/// message; the overlay then shows the abort itself.
#[cfg(debug_assertions)]
fn panic_hook(info: &std::panic::PanicHookInfo<'_>) {
    console_error_panic_hook::hook(info);
    if let Some(html) = web_sys::window().and_then(|w| w.document()).and_then(|d| d.document_element()) {
        html.set_attribute("data-panic", &info.to_string()).ok();
    }
}

/// The extended page's own style rules (`style/full.css`), added to the document's head.
#[cfg(feature = "groups")]
fn add_full_css() {
    if let Some(head) = web_sys::window().and_then(|w| w.document()).and_then(|d| d.head()) {
        let css = include_str!("../../style/full.css");
        head.insert_adjacent_html("beforeend", &format!("<style>{css}</style>")).ok();
    }
}

fn main() {
    #[cfg(debug_assertions)]
    std::panic::set_hook(Box::new(panic_hook));
    #[cfg(feature = "groups")]
    add_full_css();
    leptos::mount::mount_to_body(kplay_web::app::App);
    // The e2e suite opens `#panic-test` to check, in the release build, that a panic shows
    // the crash overlay (web/js/crash.js) instead of a blank page.
    if web_sys::window().and_then(|w| w.location().hash().ok()).as_deref() == Some("#panic-test") {
        panic!("a test panic, requested by #panic-test");
    }
}
