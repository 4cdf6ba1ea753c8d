//! `cargo bench -p eligibility`: one household against 200 benefits (goal < 100 µs), and
//! a batch of 100 000 households against the national catalogue (the future
//! re-evaluation of subscribers). Each is measured as `evaluate` gives it (the reasons as
//! data) and without reasons (`decide`: statuses and amounts); the single household also
//! with every reason then written in Italian, as the public evaluation endpoint sends
//! them. The 200 benefits are the national rulebook's, repeated under other names;
//! households vary in size, ages, ISEE and tenure.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a benchmark: a failed unwrap is a failed run

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion};
use eligibility::facts::Answers;
use eligibility::{decide, evaluate, Date, Lang, Rulebook, Situation};
use serde_json::json;

const NATIONAL: &str = include_str!("../rules/national.json");

fn catalogue(size: usize) -> Rulebook {
    let mut book = Rulebook::parse(NATIONAL).unwrap();
    let originals = book.benefits.clone();
    let mut i = 0;
    while book.benefits.len() < size {
        let mut b = originals[i % originals.len()].clone();
        b.id = format!("{}_{i}", b.id);
        book.benefits.push(b);
        i += 1;
    }
    book.benefits.truncate(size);
    book
}

fn household(n: u64) -> Situation {
    let size = 1 + n % 5;
    let mut members = vec![json!({"relationship": "applicant", "age": 25 + n % 50, "citizenship": "italian",
        "disability": false, "non_self_sufficient": false})];
    for k in 1..size {
        members.push(json!({"relationship": "child", "age": (n + k * 3) % 22, "dependent": true,
            "disability": false, "non_self_sufficient": false, "in_nursery": k == 1}));
    }
    let answers = json!({
        "household": {"isee": (n * 7919) % 40_000, "residence_years_italy": 3 + n % 10, "residence_continuous_years": 2 + n % 5,
            "family_income": (n * 104_729) % 12_000, "movable_assets": (n * 31) % 9000, "real_estate_assets": 0,
            "housing_tenure": if n.is_multiple_of(3) { "rent" } else { "owner" }, "monthly_rent": 350,
            "energy_contract": true, "receives_income_support": n.is_multiple_of(4)},
        "members": members
    });
    serde_json::from_value::<Answers>(answers).unwrap().check().unwrap()
}

fn bench(c: &mut Criterion) {
    let date = Date::parse("2026-03-01").unwrap();
    let book200 = catalogue(200);
    let one = household(3);
    c.bench_function("one household, 200 benefits", |b| {
        b.iter(|| evaluate(black_box(&book200), black_box(&one), date).unwrap())
    });
    c.bench_function("one household, 200 benefits, reasons in words", |b| {
        b.iter(|| {
            let out = evaluate(black_box(&book200), black_box(&one), date).unwrap();
            let texts: Vec<String> = out.iter().flat_map(|o| &o.reasons).map(|r| r.text(Lang::It)).collect();
            texts
        })
    });
    c.bench_function("one household, 200 benefits, no reasons", |b| {
        b.iter(|| decide(black_box(&book200), black_box(&one), date).unwrap())
    });
    let national = catalogue(7);
    let households: Vec<Situation> = (0..100_000).map(household).collect();
    let mut group = c.benchmark_group("batch");
    group.sample_size(10);
    group.bench_function("100 000 households, national catalogue", |b| {
        b.iter(|| {
            let mut eligible = 0usize;
            for s in &households {
                let out = evaluate(&national, s, date).unwrap();
                eligible += out.iter().filter(|o| o.status == eligibility::Status::Eligible).count();
            }
            black_box(eligible)
        })
    });
    group.bench_function("100 000 households, national catalogue, no reasons", |b| {
        b.iter(|| {
            let mut eligible = 0usize;
            for s in &households {
                let out = decide(&national, s, date).unwrap();
                eligible += out.iter().filter(|o| o.status == eligibility::Status::Eligible).count();
            }
            black_box(eligible)
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
