// `cargo xtask bench wasm`: the rules engine as the checker ships it, in Chromium. One
// household (the criterion benchmark's) against the national rulebook's benefits repeated
// up to 200: with the reasons written in words (what the checker shows), as data, and
// without; milliseconds per household.
import fs from "node:fs";
import path from "node:path";
import { launch } from "./browser.mjs";

const dir = process.env.OW_BENCH_WASM_DIR;
const rules = fs.readFileSync(process.env.OW_BENCH_RULES, "utf8");
const household = {
  household: { isee: 23757, residence_years_italy: 6, residence_continuous_years: 5, family_income: 2187,
    movable_assets: 93, real_estate_assets: 0, housing_tenure: "rent", monthly_rent: 350, energy_contract: true,
    receives_income_support: false },
  members: [
    { relationship: "applicant", age: 28, citizenship: "italian", disability: false, non_self_sufficient: false },
    { relationship: "child", age: 6, dependent: true, disability: false, non_self_sufficient: false, in_nursery: true },
    { relationship: "child", age: 9, dependent: true, disability: false, non_self_sufficient: false, in_nursery: false },
    { relationship: "child", age: 12, dependent: true, disability: false, non_self_sufficient: false, in_nursery: false },
  ],
};

const browser = await launch();
try {
  const page = await browser.newPage();
  // The files are served from disk to a page of their own origin: no server needed.
  const types = { js: "text/javascript", wasm: "application/wasm" };
  await page.route("http://bench.invalid/**", (route) => {
    const file = new URL(route.request().url()).pathname.slice(1);
    if (!file) return route.fulfill({ contentType: "text/html", body: "<!doctype html><title>bench</title>" });
    return route.fulfill({ path: path.join(dir, file), contentType: types[file.split(".").pop()] });
  });
  await page.goto("http://bench.invalid/");
  const results = await page.evaluate(async ({ rules, answers }) => {
    const m = await import("/bench.js");
    await m.default();
    const run = (reasons, iterations) => m.bench_evaluation(rules, 200, answers, "2026-03-01", iterations, reasons);
    const modes = ["words", "data", "none"];
    modes.forEach((mode) => run(mode, 200)); // warm-up: the engine compiles its tiers
    const best = (mode) => Math.min(...[0, 1, 2, 3, 4].map(() => run(mode, 500)));
    return Object.fromEntries(modes.map((mode) => [mode, best(mode)]));
  }, { rules, answers: JSON.stringify(household) });
  const version = browser.version();
  console.log(`wasm in Chromium ${version}, one household against 200 benefits (best of 5 runs of 500):`);
  const us = (ms) => `${(ms * 1000).toFixed(0)} µs`;
  console.log(`  reasons in words: ${us(results.words)} (goal < 1 ms)`);
  console.log(`  reasons as data:  ${us(results.data)}`);
  console.log(`  no reasons:       ${us(results.none)}`);
} finally {
  await browser.close();
}
