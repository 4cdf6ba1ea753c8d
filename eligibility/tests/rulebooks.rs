//! Every shipped rulebook (`rules/*.json`) loads without a problem and passes its test
//! cases (`rules/*.tests.json`); every benefit has cases where it is granted and where
//! it is not. Run by `cargo test` (and so by `cargo xtask test`).

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests: a failed unwrap is a failed test

use std::collections::BTreeSet;
use std::path::Path;

use eligibility::cases::{run, TestFile};
use eligibility::{Lang, Rulebook, Status};

#[test]
fn shipped_rulebooks_pass_their_cases() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("rules");
    let mut books = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        if !name.ends_with(".json") || name.ends_with(".tests.json") {
            continue;
        }
        books += 1;
        let book = Rulebook::parse(&std::fs::read_to_string(&path).unwrap())
            .unwrap_or_else(|e| panic!("{name}: {}", e.message(Lang::En)));
        let tests_path = path.with_extension("tests.json");
        let tests = std::fs::read_to_string(&tests_path).unwrap_or_else(|_| panic!("{name} has no test cases"));
        let failures = run(&book, &tests, Lang::En);
        assert!(
            failures.is_empty(),
            "{name}:\n{}",
            failures
                .iter()
                .map(|f| format!("- {} / {}: {}", f.test, f.benefit, f.message))
                .collect::<Vec<_>>()
                .join("\n")
        );
        // Each benefit is shown both granted and refused.
        let file: TestFile = serde_json::from_str(&tests).unwrap();
        for b in &book.benefits {
            let seen: BTreeSet<Status> =
                file.tests.iter().filter_map(|t| t.expect.get(&b.id).map(|e| e.status)).collect();
            assert!(
                seen.contains(&Status::Eligible) && seen.contains(&Status::NotEligible),
                "{name}: {} needs cases both ways",
                b.id
            );
        }
    }
    assert!(books >= 1, "no rulebook found in {}", dir.display());
}
