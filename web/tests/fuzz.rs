//! Fuzzed input (issue 11's hardening): the scenario reader, the share-link decoder, the URL
//! parameters and the postMessage requests get generated and mutated inputs — 25,000 cases
//! each, 100,000 in all, on every run. None may panic, and every error must name where the
//! problem is (a JSON path or line and column, a parameter, a link's character, a field).
#![cfg(not(target_arch = "wasm32"))]

use kplay_core::Scenario;
use kplay_web::embed::{api, params, share::Shared};
use proptest::prelude::*;
use serde_json::{json, Value};

const CASES: u32 = 25_000;

/// Real inputs to mutate: conformance scenarios and lessons.
fn corpus() -> &'static [String] {
    static CORPUS: std::sync::OnceLock<Vec<String>> = std::sync::OnceLock::new();
    CORPUS.get_or_init(|| {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        ["scenarios/conformance/S2-fetch.json", "scenarios/library/01-first-record.json", "scenarios/library/19-unclean-election-on-vs-off.json"]
            .iter()
            .map(|p| std::fs::read_to_string(root.join(p)).expect("the corpus is committed"))
            .collect()
    })
}

/// A mutation of `text`: a few bytes replaced, removed or inserted, or a cut.
fn mutate(text: &str, edits: &[(usize, u8, u8)]) -> String {
    let mut b = text.as_bytes().to_vec();
    for &(at, op, byte) in edits {
        if b.is_empty() {
            break;
        }
        let i = at % b.len();
        match op % 4 {
            0 => b[i] = byte,
            1 => {
                b.remove(i);
            }
            2 => b.insert(i, byte),
            _ => b.truncate(i),
        }
    }
    String::from_utf8_lossy(&b).into_owned()
}

/// Bytes that matter to JSON and to the format.
fn interesting() -> impl Strategy<Value = u8> {
    prop_oneof![Just(b'{'), Just(b'}'), Just(b'['), Just(b']'), Just(b'"'), Just(b','), Just(b':'), Just(b'-'), Just(b'0'), Just(b'9'), Just(b'e'), Just(b'.'), any::<u8>()]
}

fn edits() -> impl Strategy<Value = Vec<(usize, u8, u8)>> {
    prop::collection::vec((any::<usize>(), any::<u8>(), interesting()), 1..6)
}

/// An arbitrary JSON value, a few levels deep.
fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|n| json!(n)),
        any::<f64>().prop_map(|f| serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)),
        "[a-z_]{0,12}".prop_map(Value::String),
        prop_oneof![Just("kplay"), Just("load"), Just("goto"), Just("command"), Just("crash"), Just("produce"), Just("first-record")].prop_map(|s| Value::String(s.into())),
    ];
    leaf.prop_recursive(3, 24, 5, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::btree_map(prop_oneof![Just("ns".to_string()), Just("v".into()), Just("id".into()), Just("method".into()), Just("args".into()), Just("do".into()), Just("broker".into()), Just("n".into()), Just("stop".into()), Just("step".into()), Just("lesson".into()), Just("scenario".into()), "[a-z]{1,6}"], inner, 0..6)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// A scenario error names where: a JSON path, a line and column, `config`, or a step.
fn names_where(e: &str) -> bool {
    e.starts_with("line ") || e.starts_with('$') || e.starts_with("config") || e.starts_with("steps[") || e.split(':').next().is_some_and(|p| !p.is_empty() && !p.contains(' '))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: CASES, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn the_scenario_reader_names_the_problem_in_a_mutated_file(which in 0usize..3, edits in edits(), raw in "\\PC{0,40}", use_raw in prop::bool::weighted(0.1)) {
        let corpus = corpus();
        let text = if use_raw { raw } else { mutate(&corpus[which % corpus.len()], &edits) };
        match Scenario::from_json(&text) {
            Ok(s) => {
                // Read: its initial cluster builds or the error says where.
                if let Err(e) = s.build() {
                    let e = e.to_string();
                    prop_assert!(names_where(&e), "{e}");
                }
            }
            Err(e) => {
                let e = e.to_string();
                prop_assert!(names_where(&e), "{e}");
            }
        }
    }

    #[test]
    fn the_share_link_decoder_names_the_problem(edits in edits(), raw in "[A-Za-z0-9_.v*-]{0,60}", use_raw in prop::bool::weighted(0.3), step in 0u64..1000) {
        let good = Shared { step, lesson: Some("first-record".into()), forked: false, compare: step % 2 == 0, session: None }.encode();
        let link = if use_raw { raw } else { mutate(&good, &edits) };
        match Shared::decode(&link) {
            Ok(s) => prop_assert!(s.lesson.is_some() || s.session.is_some()),
            Err(e) => prop_assert!(e.starts_with("share link: "), "{e}"),
        }
    }

    #[test]
    fn url_parameters_name_the_parameter(query in "[a-zA-Z=&%0-9,.:/+_-]{0,80}", edits in edits()) {
        let q = if query.len() % 3 == 0 { mutate("?lesson=first-record&stop=2&lang=ko&speed=4&brokers=5&panels=produce,events&origin=https://a.example", &edits) } else { query };
        let (_, errors) = params::parse(&q);
        for e in errors {
            prop_assert!(e.starts_with("URL parameter") || e.starts_with("unknown URL parameter"), "{e}");
        }
    }

    #[test]
    fn post_message_requests_are_answered_with_the_field_named(v in json_value(), method in prop::sample::select(api::METHODS), args in json_value(), keep_shape in any::<bool>()) {
        let request = if keep_shape { json!({"ns": "kplay", "v": 1, "id": 1, "method": method, "args": args}) } else { v };
        match api::parse(request.clone()) {
            None => prop_assert!(request.get("ns").and_then(Value::as_str) != Some("kplay") || request.get("event").is_some() || request.get("result").is_some() || request.get("error").is_some()),
            Some(Ok(_)) => {}
            Some(Err((_, e))) => {
                let field = e.message.split(':').next().unwrap_or("");
                prop_assert!(["v", "id", "method", "args"].contains(&field) || api::METHODS.contains(&field), "{e:?}");
                let answer: Value = serde_json::from_str(&api::answer(json!(1), Err(e))).expect("an answer is JSON");
                prop_assert!(answer["error"]["code"].is_string());
            }
        }
    }
}
