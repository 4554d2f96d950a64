//! Component tests in headless Chromium: mount the app and assert on the DOM.
#![cfg(target_arch = "wasm32")]

use leptos::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn query_all(selector: &str) -> Vec<web_sys::Element> {
    let list = document().query_selector_all(selector).expect("valid selector");
    (0..list.length()).filter_map(|i| list.item(i)?.dyn_into::<web_sys::Element>().ok()).collect()
}

#[wasm_bindgen_test]
async fn app_shows_three_brokers_one_controller_and_a_leader_per_partition() {
    let _handle = leptos::mount::mount_to_body(kplay_web::app::App);
    leptos::task::tick().await;
    let brokers = query_all("[data-testid^='broker-']");
    assert_eq!(brokers.len(), 3);
    for b in &brokers {
        assert_eq!(b.get_attribute("data-state").as_deref(), Some("alive"));
    }
    assert_eq!(query_all(".broker.controller").len(), 1);
    let partitions = query_all("[data-testid^='partition-orders-']");
    assert_eq!(partitions.len(), 3);
    for p in &partitions {
        let leader = p.get_attribute("data-leader").expect("data-leader");
        let isr = p.get_attribute("data-isr").expect("data-isr");
        assert_eq!(isr.split(',').count(), 3, "full ISR at start");
        assert!(isr.split(',').any(|b| b == leader), "the leader {leader} is in the ISR {isr}");
        assert_eq!(p.get_attribute("data-leader-epoch").as_deref(), Some("0"));
    }
}
