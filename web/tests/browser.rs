//! Component tests in headless Chromium: mount the app and assert on the DOM.
#![cfg(target_arch = "wasm32")]

use leptos::prelude::*;
use leptos::task::tick;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn query_all(host: &web_sys::HtmlElement, selector: &str) -> Vec<web_sys::Element> {
    let list = host.query_selector_all(selector).expect("valid selector");
    (0..list.length()).filter_map(|i| list.item(i)?.dyn_into::<web_sys::Element>().ok()).collect()
}

#[wasm_bindgen_test]
async fn app_shows_three_brokers_one_controller_and_a_leader_per_partition() {
    let storage = web_sys::window().unwrap().local_storage().unwrap().unwrap();
    storage.clear().unwrap();
    storage.set_item("kplay.mode", "sandbox").unwrap();
    let host: web_sys::HtmlElement = document().create_element("div").unwrap().unchecked_into();
    document().body().unwrap().append_child(&host).unwrap();
    let handle = leptos::mount::mount_to(host.clone(), kplay_web::app::App);
    tick().await;
    let brokers = query_all(&host, "[data-testid^='broker-']");
    assert_eq!(brokers.len(), 3);
    for b in &brokers {
        assert_eq!(b.get_attribute("data-state").as_deref(), Some("alive"));
    }
    assert_eq!(query_all(&host, ".broker.controller").len(), 1);
    let partitions = query_all(&host, "[data-testid^='partition-orders-']");
    assert_eq!(partitions.len(), 3);
    for p in &partitions {
        let leader = p.get_attribute("data-leader").expect("data-leader");
        let isr = p.get_attribute("data-isr").expect("data-isr");
        assert_eq!(isr.split(',').count(), 3, "full ISR at start");
        assert!(isr.split(',').any(|b| b == leader), "the leader {leader} is in the ISR {isr}");
        assert_eq!(p.get_attribute("data-leader-epoch").as_deref(), Some("0"));
    }
    drop(handle);
    host.remove();
}

/// A newcomer (nothing saved) is led to the lessons, with the sandbox one click away.
#[wasm_bindgen_test]
async fn a_first_visit_opens_the_library_and_the_sandbox_is_one_click_away() {
    web_sys::window().unwrap().local_storage().unwrap().unwrap().clear().unwrap();
    let host: web_sys::HtmlElement = document().create_element("div").unwrap().unchecked_into();
    document().body().unwrap().append_child(&host).unwrap();
    let handle = leptos::mount::mount_to(host.clone(), kplay_web::app::App);
    tick().await;
    assert!(find(&host, "[data-testid='library']").is_some(), "the library leads");
    assert!(query_all(&host, "[data-testid^='broker-']").is_empty());
    let sandbox: web_sys::HtmlElement = find(&host, "[data-testid='open-sandbox']").unwrap().unchecked_into();
    sandbox.click();
    tick().await;
    assert!(find(&host, "[data-testid='library']").is_none());
    assert_eq!(query_all(&host, "[data-testid^='broker-']").len(), 3);
    drop(handle);
    host.remove();
}

/// Mounts `component` in a fresh element with a fresh `Sim` (nothing saved) in context.
fn mount_with_sim<V: IntoView + 'static>(component: fn() -> V) -> (kplay_web::sim::Sim, web_sys::HtmlElement) {
    web_sys::window().unwrap().local_storage().unwrap().unwrap().clear().unwrap();
    let host: web_sys::HtmlElement = document().create_element("div").unwrap().unchecked_into();
    document().body().unwrap().append_child(&host).unwrap();
    let slot = std::rc::Rc::new(std::cell::Cell::new(None));
    let out = slot.clone();
    let handle = leptos::mount::mount_to(host.clone(), move || {
        let sim = kplay_web::sim::Sim::new();
        provide_context(sim);
        out.set(Some(sim));
        component()
    });
    handle.forget();
    (slot.get().expect("mounted"), host)
}

fn find(host: &web_sys::HtmlElement, selector: &str) -> Option<web_sys::Element> {
    host.query_selector(selector).expect("valid selector")
}

fn produce(sim: &kplay_web::sim::Sim, value: &str) {
    produce_to(sim, 0, value);
}

fn produce_to(sim: &kplay_web::sim::Sim, partition: u32, value: &str) {
    use kplay_core::message::Acks;
    sim.command(kplay_core::Command::Produce { topic: "orders".into(), partition: Some(partition), key: None, value: value.into(), acks: Acks::All, to: None });
}

/// Steps until `done` holds (at most 80 steps).
async fn step_until(sim: &kplay_web::sim::Sim, done: impl Fn() -> bool) {
    for _ in 0..80 {
        if done() {
            return;
        }
        sim.step_forward();
        tick().await;
    }
}

/// A record's cell is hatched while uncommitted and plain once the HW passes it; and the stage
/// is redrawn by partition: a step redraws the cards it changed and leaves the others alone.
#[wasm_bindgen_test]
async fn a_record_cell_loses_its_hatching_when_the_hw_passes_it_and_unchanged_cards_are_kept() {
    let (sim, host) = mount_with_sim(kplay_web::stage::cluster_view::Partitions);
    tick().await;
    let leader = find(&host, "[data-testid='partition-orders-0']").unwrap().get_attribute("data-leader").unwrap();
    let cell = || find(&host, &format!("[data-testid='log-cell-orders-0-{leader}-0']"));
    produce(&sim, "a");
    step_until(&sim, || cell().is_some()).await;
    let appended = cell().expect("the leader appended offset 0");
    assert!(appended.class_list().contains("uncommitted"), "appended, not yet committed: {}", appended.class_name());
    assert_eq!(appended.get_attribute("data-epoch").as_deref(), Some("0"));
    // Looked up each time: a changed card is drawn anew.
    let hw = || find(&host, &format!("[data-testid='replica-orders-0-{leader}']")).and_then(|r| r.get_attribute("data-hw"));
    step_until(&sim, || hw().as_deref() == Some("1")).await;
    assert_eq!(hw().as_deref(), Some("1"), "the HW passed the record");
    let committed = cell().unwrap();
    assert!(!committed.class_list().contains("uncommitted"), "committed: {}", committed.class_name());
    // Partition 0's rows change from here on; partition 1's stay as they are.
    let other = find(&host, "[data-testid='partition-orders-1']").unwrap().get_attribute("data-leader").unwrap();
    let kept = find(&host, &format!("[data-testid='replica-orders-1-{other}'] .marker.hw")).unwrap();
    produce_to(&sim, 0, "b");
    step_until(&sim, || hw().as_deref() == Some("2")).await;
    assert_eq!(hw().as_deref(), Some("2"));
    let now = find(&host, &format!("[data-testid='replica-orders-1-{other}'] .marker.hw")).unwrap();
    assert!(now.is_same_node(Some(&kept)), "an unchanged partition is not redrawn");
    assert!(!cell().unwrap().is_same_node(Some(&committed)), "a changed one is");
    host.remove();
}

/// The event log words events, marks the current step's rows, and a click jumps there.
#[wasm_bindgen_test]
async fn clicking_an_event_jumps_the_page_to_its_step() {
    let (sim, host) = mount_with_sim(kplay_web::panels::events::EventLog);
    produce(&sim, "a");
    for _ in 0..10 {
        sim.step_forward();
    }
    tick().await;
    let rows = host.query_selector_all("[data-testid='event-log'] li").unwrap();
    assert!(rows.length() >= 3, "rows: {}", rows.length());
    let first: web_sys::Element = rows.item(rows.length() - 1).unwrap().unchecked_into();
    assert!(first.text_content().unwrap().contains("producer"), "{:?}", first.text_content());
    let step: u64 = first.get_attribute("data-step").unwrap().parse().unwrap();
    assert_ne!(step, sim.step.get_untracked());
    let button: web_sys::HtmlElement = first.query_selector("button").unwrap().unwrap().unchecked_into();
    button.click();
    tick().await;
    assert_eq!(sim.step.get_untracked(), step, "the click jumped to the event's step");
    // The current step's rows are the ones the log's style rule selects.
    let rule = find(&host, "section.events style").unwrap().text_content().unwrap();
    let selector = rule.split(" {").next().unwrap();
    assert!(rule.contains("background"), "{rule}");
    let current = host.query_selector_all(selector).unwrap();
    assert!(current.length() >= 1, "{rule}");
    for i in 0..current.length() {
        let li: web_sys::Element = current.item(i).unwrap().unchecked_into();
        assert_eq!(li.get_attribute("data-step").unwrap(), step.to_string());
    }
    host.remove();
}

/// Stepping back and forward again gives the same partitions, attribute for attribute.
#[wasm_bindgen_test]
async fn partitions_after_back_and_forward_are_identical() {
    let (sim, host) = mount_with_sim(kplay_web::stage::cluster_view::Partitions);
    produce(&sim, "a");
    produce(&sim, "b");
    for _ in 0..25 {
        sim.step_forward();
    }
    tick().await;
    let (before, at) = (host.inner_html(), sim.step.get_untracked());
    while sim.step.get_untracked() > 2 {
        sim.step_back();
        tick().await;
    }
    assert_ne!(host.inner_html(), before, "going back to step 2 changes the logs");
    while sim.step.get_untracked() < at {
        sim.step_forward();
        tick().await;
    }
    assert_eq!(host.inner_html(), before);
    host.remove();
}

/// The invariant panel starts all green.
#[wasm_bindgen_test]
async fn the_invariant_panel_starts_green() {
    let (_sim, host) = mount_with_sim(kplay_web::panels::events::InvariantPanel);
    tick().await;
    assert!(find(&host, "[data-testid='invariants-ok']").is_some(), "{}", host.inner_html());
    host.remove();
}
