//! A benchmark of the rules engine as the checker runs it, compiled like the widgets
//! (`wasm-release`, wasm-opt) and run in Chromium by `cargo xtask bench wasm`. Never in
//! the widget bundle: the feature `bench` is not one of the loader's widgets.

use eligibility::facts::Answers;
use eligibility::{decide, evaluate, Date, Lang, Rulebook};
use wasm_bindgen::prelude::*;

/// Milliseconds per evaluation of `answers` (JSON) on `date` against `rules` (a rulebook)
/// with its benefits repeated up to `size`, over `iterations`. `reasons`: `words` (each
/// written in Italian, what the checker shows), `data` (as `evaluate` gives them) or
/// `none` (`decide`).
#[wasm_bindgen]
pub fn bench_evaluation(
    rules: &str,
    size: usize,
    answers: &str,
    date: &str,
    iterations: u32,
    reasons: &str,
) -> Result<f64, JsValue> {
    let mut book = Rulebook::parse(rules).map_err(|e| JsValue::from_str(&e.message(Lang::En)))?;
    let originals = book.benefits.clone();
    for i in 0..size.saturating_sub(originals.len()) {
        let mut b = originals[i % originals.len()].clone();
        b.id = format!("{}_{i}", b.id);
        book.benefits.push(b);
    }
    book.benefits.truncate(size);
    let answers: Answers = serde_json::from_str(answers).map_err(|e| JsValue::from_str(&e.to_string()))?;
    let situation = answers.check().map_err(|_| JsValue::from_str("invalid answers"))?;
    let date = Date::parse(date).ok_or_else(|| JsValue::from_str("bad date"))?;
    let clock = js_sys::Reflect::get(&js_sys::global(), &"performance".into())?;
    let now = || -> Result<f64, JsValue> {
        let f: js_sys::Function = js_sys::Reflect::get(&clock, &"now".into())?.dyn_into()?;
        f.call0(&clock)?.as_f64().ok_or_else(|| JsValue::from_str("performance.now"))
    };
    let mut eligible = 0;
    let started = now()?;
    for _ in 0..iterations {
        let out = if reasons == "none" { decide(&book, &situation, date) } else { evaluate(&book, &situation, date) };
        let out = out.map_err(|e| JsValue::from_str(&e.parameter))?;
        eligible += out.iter().filter(|o| o.status == eligibility::Status::Eligible).count();
        if reasons == "words" {
            eligible += out.iter().flat_map(|o| &o.reasons).map(|r| r.text(Lang::It).len()).sum::<usize>();
        }
    }
    let elapsed = now()? - started;
    // Keeps the work from being optimised away.
    if eligible == usize::MAX {
        return Err(JsValue::from_str("unreachable"));
    }
    Ok(elapsed / f64::from(iterations.max(1)))
}
