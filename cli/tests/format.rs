//! The scenario format's reader and writer (`core/src/scenario/read.rs` and `write.rs`,
//! written by hand) held to the published schema (`scenarios/schema.json`, derived from the
//! types and pinned by `cli.rs`): documents generated from the schema — every property, every
//! command, every enum name — read and write back unchanged; a left-out optional field takes
//! the schema's default; a left-out required field, an unknown field and a value of the wrong
//! type are refused with the path of the problem.

use kplay_core::scenario::Scenario;
use serde_json::{json, Map, Value};
use std::path::PathBuf;

fn schema() -> Value {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../scenarios/schema.json");
    serde_json::from_str(&std::fs::read_to_string(path).expect("schema.json")).expect("schema JSON")
}

/// Follows `$ref`s.
fn resolve<'a>(root: &'a Value, s: &'a Value) -> &'a Value {
    match s.get("$ref").and_then(Value::as_str) {
        Some(r) => resolve(root, &root["$defs"][r.trim_start_matches("#/$defs/")]),
        None => s,
    }
}

/// An object met while generating: where it is (in the reader's path notation) and its schema.
struct Site {
    pointer: String,
    path: String,
    schema: Value,
}

impl Site {
    fn required(&self) -> Vec<&str> {
        self.schema.get("required").and_then(Value::as_array).into_iter().flatten().filter_map(Value::as_str).collect()
    }
}

struct Gen<'a> {
    root: &'a Value,
    sites: Vec<Site>,
    /// Varies the choices (enum names, command kinds) between documents.
    pick: usize,
}

impl Gen<'_> {
    fn value(&mut self, s: &Value, pointer: &str, path: &str) -> Value {
        let s = resolve(self.root, s).clone();
        if let Some(c) = s.get("const") {
            return c.clone();
        }
        if let Some(names) = s.get("enum").and_then(Value::as_array) {
            return names[self.pick % names.len()].clone();
        }
        if let Some(any) = s.get("anyOf").and_then(Value::as_array) {
            let some = any.iter().find(|a| a.get("type") != Some(&json!("null"))).expect("a non-null branch");
            return self.value(some, pointer, path);
        }
        if let Some(one) = s.get("oneOf").and_then(Value::as_array) {
            return self.value(&one[self.pick % one.len()], pointer, path);
        }
        let ty = match s.get("type") {
            Some(Value::Array(types)) => types.iter().find(|t| *t != "null").cloned().expect("a type"),
            Some(t) => t.clone(),
            None => panic!("no type in {s}"),
        };
        match ty.as_str().expect("type name") {
            "integer" => json!(2 + self.pick as u64 % 3),
            "number" => json!(0.25 * (1 + self.pick % 3) as f64),
            "string" => json!(format!("s{}", self.pick)),
            "boolean" => json!(self.pick % 2 == 0),
            "array" => {
                json!([self.value(&s["items"], &format!("{pointer}/0"), &format!("{path}[0]"))])
            }
            "object" => {
                let mut m = Map::new();
                if let Some(props) = s.get("properties").and_then(Value::as_object) {
                    for (k, p) in props {
                        let child = if path.is_empty() { k.clone() } else { format!("{path}.{k}") };
                        m.insert(k.clone(), self.value(p, &format!("{pointer}/{k}"), &child));
                    }
                    self.sites.push(Site { pointer: pointer.into(), path: path.into(), schema: s.clone() });
                }
                if let Some(pat) = s.get("patternProperties").and_then(Value::as_object) {
                    let (_, item) = pat.iter().next().expect("one pattern");
                    let child = format!("{path}.1");
                    m.insert("1".into(), self.value(item, &format!("{pointer}/1"), &child));
                }
                Value::Object(m)
            }
            other => panic!("type {other}"),
        }
    }
}

/// A document with every property and, in `steps`, one step of every command.
fn document(root: &Value, pick: usize) -> (Value, Vec<Site>) {
    let mut g = Gen { root, sites: Vec::new(), pick };
    let mut doc = g.value(root, "", "");
    doc["version"] = json!(1);
    g.sites.retain(|s| !s.pointer.starts_with("/steps/"));
    let commands = root["$defs"]["Step"]["oneOf"].as_array().expect("Step is a oneOf").len();
    let steps: Vec<Value> = (0..commands)
        .map(|i| {
            g.pick = pick + i;
            let i_path = format!("steps[{i}]");
            g.value(&root["$defs"]["Step"]["oneOf"][i], &format!("/steps/{i}"), &i_path)
        })
        .collect();
    doc["steps"] = Value::Array(steps);
    (doc, g.sites)
}

fn read_write(doc: &Value) -> Result<Value, String> {
    let s = Scenario::from_json(&doc.to_string()).map_err(|e| e.to_string())?;
    Ok(serde_json::from_str(&s.to_json()).expect("the writer writes JSON"))
}

#[test]
fn every_property_and_every_command_reads_and_writes_back_unchanged() {
    let root = schema();
    let commands = root["$defs"]["Step"]["oneOf"].as_array().unwrap().len();
    assert_eq!(commands, 39, "a command was added or removed: the reader and writer must follow");
    for pick in 0..6 {
        let (doc, _) = document(&root, pick);
        assert_eq!(read_write(&doc).unwrap(), doc, "pick {pick}");
    }
    // An unknown command's error lists every command the schema has.
    let e = read_write(&json!({"version": 1, "steps": [{"do": "zzz"}]})).unwrap_err();
    for variant in root["$defs"]["Step"]["oneOf"].as_array().unwrap() {
        let name = variant["properties"]["do"]["const"].as_str().unwrap();
        assert!(e.contains(&format!("`{name}`")), "{e} does not list {name}");
    }
}

#[test]
fn a_left_out_optional_field_takes_the_schema_default() {
    let root = schema();
    let (doc, sites) = document(&root, 0);
    let mut checked = 0;
    for site in &sites {
        let required = site.required();
        for (k, p) in site.schema["properties"].as_object().unwrap() {
            if required.contains(&k.as_str()) || (site.pointer.is_empty() && k == "steps") {
                continue;
            }
            let mut d = doc.clone();
            d.pointer_mut(&site.pointer).unwrap().as_object_mut().unwrap().remove(k);
            let out = read_write(&d).unwrap_or_else(|e| panic!("{}.{k} left out: {e}", site.path));
            let written = out.pointer(&format!("{}/{k}", site.pointer));
            let default = resolve(&root, p).get("default").or(p.get("default"));
            match default {
                // Written as the default, or (for nothing, none, empty) left out.
                Some(Value::Null) => assert_eq!(written, None, "{}.{k}", site.path),
                Some(Value::Array(a)) if a.is_empty() => assert!(written.is_none_or(|w| w == &json!([])), "{}.{k}", site.path),
                Some(Value::Object(o)) if o.is_empty() => assert!(written.is_none_or(|w| w == &json!({})), "{}.{k}", site.path),
                Some(dv) => assert_eq!(written, Some(dv), "{}.{k}", site.path),
                None => assert!(
                    written.is_none_or(|w| w == &json!([]) || w == &json!({})),
                    "{}.{k} has no default in the schema but was written as {written:?}",
                    site.path
                ),
            }
            checked += 1;
        }
    }
    assert!(checked > 60, "only {checked} optional fields checked");
}

#[test]
fn a_missing_required_field_an_unknown_field_and_a_wrong_type_are_refused_with_their_path() {
    let root = schema();
    let (doc, sites) = document(&root, 1);
    let mut checked = 0;
    for site in &sites {
        let at = if site.path.is_empty() { "$".to_string() } else { site.path.clone() };
        for k in site.required() {
            let mut d = doc.clone();
            d.pointer_mut(&site.pointer).unwrap().as_object_mut().unwrap().remove(k);
            let e = read_write(&d).expect_err(&format!("{at}: {k} is required"));
            let want = format!("{at}: missing field `{k}`");
            assert!(e.contains(&want), "{e} (wanted {want})");
            checked += 1;
        }
        let mut d = doc.clone();
        d.pointer_mut(&site.pointer).unwrap().as_object_mut().unwrap().insert("zzz".into(), json!(1));
        let e = read_write(&d).expect_err("unknown field");
        assert!(e.contains(&format!("{at}: unknown field `zzz`")), "{e}");
        for (k, p) in site.schema["properties"].as_object().unwrap() {
            if k == "do" {
                continue;
            }
            // A string is the wrong type for every field but a free string; `true` for those.
            let free_string = |s: &Value| s.get("type") == Some(&json!("string")) || s.get("type") == Some(&json!(["string", "null"]));
            let wrong = if free_string(resolve(&root, p)) { json!(true) } else { json!("wrong") };
            let mut d = doc.clone();
            *d.pointer_mut(&format!("{}/{k}", site.pointer)).unwrap() = wrong;
            let e = read_write(&d).expect_err("wrong type");
            let field = if site.path.is_empty() { k.clone() } else { format!("{}.{k}", site.path) };
            assert!(e.starts_with(&format!("{field}: expected ")), "{e} (wanted {field}: expected …)");
            checked += 1;
        }
    }
    assert!(checked > 150, "only {checked} cases checked");
}

/// `leader` distinguishes "not given" (left out) from "no leader" (`null`), as the format says;
/// serde's derived reader read both as "not given".
#[test]
fn a_null_leader_means_no_leader() {
    let text = r#"{"version": 1, "config": {"auto": {"fetch": false, "isr_check": false, "heartbeats": false, "flush": false, "controller_failover": false}},
        "initial": {"partitions": [{"topic": "orders", "partition": 0, "leader": null}]}}"#;
    let s = Scenario::from_json(text).unwrap();
    assert_eq!(s.initial.as_ref().unwrap().partitions[0].leader, Some(None));
    let back = Scenario::from_json(&s.to_json()).unwrap();
    assert_eq!(back, s);
    let c = s.build().unwrap();
    let tp = kplay_core::ids::TopicPartition::new("orders", 0);
    assert_eq!(c.controller.partitions[&tp].leader, None);
}

/// A replica list that is not a set of existing brokers is refused with its path (and a valid
/// one in a different order is taken as the assignment).
#[test]
fn initial_replicas_must_be_distinct_existing_brokers() {
    let with = |replicas: &str| {
        let text = format!(r#"{{"version": 1, "initial": {{"partitions": [{{"topic": "orders", "partition": 0, "replicas": {replicas}}}]}}}}"#);
        Scenario::from_json(&text).unwrap().build().map(|c| c.controller.partitions[&kplay_core::ids::TopicPartition::new("orders", 0)].replicas.clone())
    };
    let err = |r: &str| with(r).unwrap_err().to_string();
    assert!(err("[1, 2, 1]").contains("initial.partitions[0].replicas: a broker appears twice"), "{}", err("[1, 2, 1]"));
    assert!(err("[3, 2, 3]").contains("a broker appears twice"));
    assert!(err("[1, 2, 9]").contains("broker 9 does not exist"), "{}", err("[1, 2, 9]"));
    assert!(err("[1, 2]").contains("2 replicas given, replication_factor is 3"), "{}", err("[1, 2]"));
    let ids: Vec<u32> = with("[3, 1, 2]").unwrap().iter().map(|b| b.0).collect();
    assert_eq!(ids, [3, 1, 2]);
}
