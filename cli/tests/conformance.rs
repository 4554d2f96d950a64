//! The scenario conformance suite: every file in `scenarios/conformance/` reproduces a
//! PROTOCOL.md scenario table, and its `expect` block (the table's end state) must hold.

use kplay_core::report::Report;
use kplay_core::scenario::{check_expectations, Scenario};
use std::path::PathBuf;

fn conformance_files() -> Vec<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../scenarios/conformance");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("scenarios/conformance exists")
        .map(|e| e.expect("readable").path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    files
}

#[test]
fn every_conformance_scenario_meets_its_expectations() {
    let files = conformance_files();
    assert!(!files.is_empty());
    let mut failures = Vec::new();
    for f in &files {
        let text = std::fs::read_to_string(f).expect("readable");
        let s = Scenario::from_json(&text).unwrap_or_else(|e| panic!("{}: {e}", f.display()));
        let expect = s.expect.clone().unwrap_or_else(|| panic!("{} has no expect block", f.display()));
        let (cluster, _) = s.run().unwrap_or_else(|e| panic!("{}: {e}", f.display()));
        for bad in check_expectations(&Report::of(&cluster), &expect) {
            failures.push(format!("{}: {bad}", f.file_name().unwrap().to_string_lossy()));
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

#[test]
fn every_conformance_file_name_matches_its_scenario_name() {
    for f in conformance_files() {
        let s = Scenario::from_json(&std::fs::read_to_string(&f).unwrap()).unwrap();
        assert_eq!(format!("{}.json", s.name), f.file_name().unwrap().to_string_lossy());
    }
}
