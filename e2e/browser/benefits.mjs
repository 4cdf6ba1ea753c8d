// The benefits checker on the sample council website (page /aiuti, another origin, a
// strict CSP): a household's answers given from the keyboard, step by step; the results
// evaluated in the browser equal the server's evaluation of the same answers; "what if";
// a field error; no request carries the answers (only GETs, nothing posted); English;
// 320 px; axe-core with no WCAG 2.1 A/AA violation.
import os from "node:os";
import path from "node:path";
import { launch } from "./browser.mjs";
import { assertStayedHome, axe, watch } from "./council-page.mjs";
const base = process.env.BASE_URL;
const site = process.env.SITE_URL;
const tenant = "comune-di-brescia";

const browser = await launch({});
const page = await browser.newPage({ locale: "it-IT" });
const seen = watch(page);
const sent = [];
page.on("request", (r) => sent.push({ method: r.method(), url: r.url(), body: r.postData() }));
const step = (name) => console.log(`step: ${name}`);
const checker = "ow-benefits-checker:not(#english)";
// What the household says, by input id; the ids a rule needs are asked, the others are not.
const answers = { household: {}, members: [{ relationship: "applicant" }] };

// The element inside the checker that has the focus.
const focused = () =>
  page.evaluate((sel) => {
    const e = document.querySelector(sel).shadowRoot.activeElement;
    return e ? `${e.tagName}#${e.id}|${e.textContent.slice(0, 40)}` : "";
  }, checker);

async function exists(id) {
  return (await page.locator(`${checker} #${id}`).count()) > 0;
}

// Types into a text field from the keyboard (what was there is erased first).
async function type(id, text, fact, member) {
  if (!(await exists(id))) return;
  await page.focus(`${checker} #${id}`);
  const before = await page.inputValue(`${checker} #${id}`);
  await page.keyboard.press("End");
  for (let i = 0; i < before.length; i++) await page.keyboard.press("Backspace");
  await page.keyboard.type(text);
  record(fact, member, Number(text));
}

async function choose(id, value, fact, member, recorded = value) {
  if (!(await exists(id))) return;
  await page.focus(`${checker} #${id}`);
  await page.selectOption(`${checker} #${id}`, value);
  record(fact, member, recorded);
}

function record(fact, member, value) {
  if (member === undefined) answers.household[fact] = value;
  else (answers.members[member] ??= {})[fact] = value;
}

try {
  step("the checker loads the comune's catalogue (national, Lombardy's, Brescia's)");
  const started = Date.now();
  await page.goto(`${site}/aiuti`);
  await page.waitForSelector(`${checker}[data-state=ready]`);
  console.log(`measure: checker ready ${Date.now() - started} ms after navigation`);
  await page.locator(`${checker} legend`, { hasText: "Passo 1 di 4: Dove vivi" }).waitFor();

  step("step 1 from the keyboard: residence; Enter goes on and the focus follows");
  await choose("ow-h-residence_comune", "017029", "residence_comune");
  await type("ow-h-residence_years_italy", "12", "residence_years_italy");
  await type("ow-h-residence_continuous_years", "12", "residence_continuous_years");
  await type("ow-h-residence_years_comune", "6", "residence_years_comune");
  await page.keyboard.press("Enter");
  await page.locator(`${checker} legend`, { hasText: "Passo 2 di 4" }).waitFor();
  if (!(await focused()).startsWith("LEGEND")) throw new Error(`focus after Enter: ${await focused()}`);

  step("step 2: the household, people added from the keyboard");
  await type("ow-m0-age", "38", "age", 0);
  await choose("ow-m0-citizenship", "italian", "citizenship", 0);
  await choose("ow-m0-employment", "unemployed", "employment", 0);
  const people = [
    ["spouse", "36", [["citizenship", "italian"], ["employment", "employed"]]],
    ["child", "7", []],
    ["child", "0", [["in_nursery", "true", true]]],
  ];
  for (const [i, [relationship, age, more]] of people.entries()) {
    const m = i + 1;
    await page.focus(`${checker} button[data-action=add-member]`);
    await page.keyboard.press("Enter");
    await page.waitForSelector(`${checker} #ow-m${m}-relationship`);
    if (!(await focused()).includes(`ow-m${m}-`)) throw new Error(`focus after adding: ${await focused()}`);
    await choose(`ow-m${m}-relationship`, relationship, "relationship", m);
    await type(`ow-m${m}-age`, age, "age", m);
    for (const [fact, value, recorded] of more) await choose(`ow-m${m}-${fact}`, value, fact, m, recorded ?? value);
  }
  await page.locator(`${checker} legend`, { hasText: "Persona 4" }).waitFor();
  await page.focus(`${checker} #ow-m3-age`);
  await page.keyboard.press("Enter");
  await page.locator(`${checker} legend`, { hasText: "Passo 3 di 4" }).waitFor();

  step("step 3: a word where a number goes is said on the field, and the answer is kept");
  await type("ow-h-isee", "novemila", "isee");
  await page.keyboard.press("Enter");
  await page.locator(`${checker} legend`, { hasText: "Passo 4 di 4" }).waitFor();
  await page.focus(`${checker} fieldset[data-step="3"] button[type=submit]`);
  await page.keyboard.press("Enter");
  await page.locator(`${checker} #ow-h-isee-error`, { hasText: "Scrivi un numero" }).waitFor();
  if ((await page.getAttribute(`${checker} #ow-h-isee`, "aria-invalid")) !== "true") throw new Error("no aria-invalid");
  if ((await page.inputValue(`${checker} #ow-h-isee`)) !== "novemila") throw new Error("the answer was lost");
  if (!(await focused()).includes("ow-h-isee")) throw new Error(`focus on the error: ${await focused()}`);
  await type("ow-h-isee", "9000", "isee");
  await choose("ow-h-isee_current", "true", "isee_current", undefined, true);
  await type("ow-h-family_income", "5000", "family_income");
  await type("ow-h-movable_assets", "2000", "movable_assets");
  await type("ow-h-real_estate_assets", "0", "real_estate_assets");
  await page.keyboard.press("Enter");
  await page.locator(`${checker} legend`, { hasText: "Passo 4 di 4" }).waitFor();

  step("step 4 and the results, grouped by administration, focus on their heading");
  await choose("ow-h-housing_tenure", "rent", "housing_tenure");
  await type("ow-h-monthly_rent", "550", "monthly_rent");
  await page.keyboard.press("Enter");
  await page.waitForSelector(`${checker}[data-state=results]`);
  if (!(await focused()).startsWith("H3")) throw new Error(`focus on results: ${await focused()}`);
  for (const admin of ["Misure nazionali", "Provincia di Brescia", "Comune di Brescia"]) {
    await page.locator(`${checker} .ow-admin h4`, { hasText: admin }).first().waitFor();
  }
  const eligible = Number(await page.getAttribute(checker, "data-eligible"));
  if (!(eligible >= 2)) throw new Error(`eligible: ${eligible}`);

  step("the browser's results are the server's for the same answers (wasm = native)");
  const local = await page.evaluate((sel) => {
    const items = document.querySelector(sel).shadowRoot.querySelectorAll("li[data-code]");
    return [...items].map((li) => [li.dataset.owner, li.dataset.code, li.dataset.status, li.dataset.amount ?? null]);
  }, checker);
  const today = await page.evaluate(() => {
    const d = new Date();
    return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}-${String(d.getDate()).padStart(2, "0")}`;
  });
  const reply = await page.request.post(`${base}/api/public/v1/${tenant}/benefits/evaluate`, {
    data: { date: today, answers },
  });
  if (!reply.ok()) throw new Error(`server evaluation: ${reply.status()} ${await reply.text()}`);
  const server = (await reply.json()).results.map((r) => [
    r.owner ?? "",
    r.benefit.code,
    r.status,
    r.amount === null || r.amount === undefined ? null : String(r.amount),
  ]);
  const key = (x) => x.join("|");
  const a = local.map(key).sort();
  const b = server.map(key).sort();
  if (JSON.stringify(a) !== JSON.stringify(b)) throw new Error(`browser ${a.join("; ")}\nserver ${b.join("; ")}`);
  console.log(`measure: ${a.length} benefits, the same in the browser and on the server`);

  step("what if: a higher ISEE changes results, and they say so");
  await page.locator(`${checker} button[data-action=back]`).last().click();
  await page.locator(`${checker} legend`, { hasText: "Passo 3 di 4" }).waitFor();
  await type("ow-h-isee", "60000", "isee");
  await page.keyboard.press("Tab");
  // Now refused, they are in the folded list.
  await page.locator(`${checker} .ow-changed`).first().waitFor({ state: "attached" });
  await page.locator(`${checker} .ow-summary`, { hasText: "cambiati" }).waitFor();
  const after = Number(await page.getAttribute(checker, "data-eligible"));
  if (!(after < eligible)) throw new Error(`ISEE 60 000 still fits ${after} of ${eligible}`);

  step("no request carried the answers: nothing posted, only the catalogue and the theme asked for");
  const fromWidget = sent.filter((r) => r.url.startsWith(base) && !r.url.includes("/benefits/evaluate"));
  const posted = fromWidget.filter((r) => r.method !== "GET" || r.body);
  if (posted.length) throw new Error(`the widget sent: ${posted.map((r) => `${r.method} ${r.url}`).join(", ")}`);
  const api = fromWidget.filter((r) => r.url.includes("/api/")).map((r) => new URL(r.url).pathname);
  const allowed = [`/api/public/v1/${tenant}/benefits`, `/api/public/v1/${tenant}/theme`, `/api/public/v1/${tenant}/logo`];
  const other = api.filter((p) => !allowed.includes(p));
  if (other.length) throw new Error(`unexpected API requests: ${other.join(", ")}`);
  if (fromWidget.some((r) => /9000|60000|isee/i.test(r.url))) throw new Error("an answer in a URL");

  step("at 320 px wide nothing spills sideways");
  await page.setViewportSize({ width: 320, height: 800 });
  const overflow = await page.evaluate((sel) => {
    const root = document.querySelector(sel).shadowRoot;
    return [...root.querySelectorAll("*")].filter((e) => e.getBoundingClientRect().right > 321).map((e) => e.tagName);
  }, checker);
  if (overflow.length) throw new Error(`wider than 320 px: ${overflow.join(", ")}`);
  await page.setViewportSize({ width: 1280, height: 800 });

  step("in English");
  await page.evaluate((tenant) => {
    const english = document.createElement("ow-benefits-checker");
    english.id = "english";
    english.setAttribute("tenant", tenant);
    english.setAttribute("lang", "en");
    document.querySelector("main").append(english);
  }, tenant);
  await page.waitForSelector("#english[data-state=ready]");
  await page.locator("#english legend", { hasText: "Step 1 of 4: Where you live" }).waitFor();

  step("every request went to the page's origin or the widget's; no errors, no cookies");
  await assertStayedHome(page, seen, base, site);

  step("axe-core: no WCAG 2.1 A/AA violation, with the results open, in Italian and in English");
  await page.evaluate((sel) => {
    for (const d of document.querySelector(sel).shadowRoot.querySelectorAll("details")) d.open = true;
  }, checker);
  for (const target of [checker, "#english"]) {
    const [labels, found] = await axe(page, target, "label");
    if (labels < 2) throw new Error(`axe did not see the checker's form on ${target} (${labels})`);
    if (found.length) throw new Error(`axe on ${target}: ${found.join("; ")}`);
  }
  console.log("benefits.mjs: all steps passed");
} catch (e) {
  await page.screenshot({ path: path.join(process.env.OW_SCREENSHOT_DIR || os.tmpdir(), "ow-benefits-failure.png"), fullPage: true }).catch(() => {});
  console.error(e);
  console.error(`page errors: ${seen.errors.join("; ")}`);
  // The field errors the checker shows, if any.
  const shown = await page
    .evaluate((sel) =>
      [...document.querySelector(sel).shadowRoot.querySelectorAll(".ow-error:not(:empty), [aria-invalid]")].map(
        (e) => `${e.id}: ${e.textContent}`,
      ),
    checker)
    .catch(() => []);
  console.error(`field errors: ${shown.join("; ")}; answers given: ${JSON.stringify(answers)}`);
  process.exitCode = 1;
} finally {
  await browser.close();
}
