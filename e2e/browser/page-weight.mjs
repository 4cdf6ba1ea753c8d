// What a staff page costs a browser with an empty cache and on a second visit: the bytes
// transferred (headers and bodies as they came over the wire, compressed or not) and the
// time from navigation to interactive (`main[data-hydrated=true]`), for the sign-in
// page, the case list and a case page, as the demo's social worker. Given several
// servers (BASE_URLS, space-separated), it measures them in turns in one run, so the
// figures compare on a noisy machine. Prints one line per page and server: the median
// of RUNS (default 5).
import { launch, passSecondFactor } from "./browser.mjs";

const bases = (process.env.BASE_URLS || process.env.BASE_URL).split(/\s+/).filter(Boolean);
const runs = Number(process.env.RUNS || 5);
const browser = await launch();

async function visit(context, url) {
  const page = await context.newPage();
  const sizes = [];
  page.on("requestfinished", (r) => sizes.push(r.sizes().then((s) => s.responseBodySize + s.responseHeadersSize).catch(() => 0)));
  const started = Date.now();
  await page.goto(url);
  await page.waitForSelector("main[data-hydrated=true]", { timeout: 30000 });
  const ms = Date.now() - started;
  await page.waitForLoadState("networkidle");
  const bytes = (await Promise.all(sizes)).reduce((a, b) => a + b, 0);
  return { page, ms, bytes };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const results = {};
for (let i = 0; i < runs; i++) {
  for (const base of bases) {
    // A fresh context: an empty cache and no cookies.
    const context = await browser.newContext({ locale: "it-IT" });
    const signIn = await visit(context, `${base}/sign-in`);
    await signIn.page.fill("#email", "assistente.sociale@demo.openwelfare.it");
    await signIn.page.fill("#password", "demo-openwelfare-2026");
    await signIn.page.click("#sign-in-submit");
    // Each server has its own accounts: a code used on one does not block the other.
    await passSecondFactor(signIn.page, `${base} assistente.sociale@demo.openwelfare.it`);
    // Signed in, the cache emptied again: each page as a first visit.
    const fresh = await browser.newContext({ locale: "it-IT", storageState: await context.storageState() });
    const list = await visit(fresh, `${base}/cases?mine=true&status=open`);
    const first = await list.page.locator("#cases a").first().getAttribute("href");
    const cold = await browser.newContext({ locale: "it-IT", storageState: await context.storageState() });
    const casePage = await visit(cold, `${base}${first}`);
    // The same pages again, with what the browser kept.
    const listAgain = await visit(cold, `${base}/cases?mine=true&status=open`);
    const caseAgain = await visit(cold, `${base}${first}`);
    const pages = [["sign-in", signIn], ["case list", list], ["case page", casePage],
      ["case list, second visit", listAgain], ["case page, second visit", caseAgain]];
    for (const [name, r] of pages) {
      const key = `${base} ${name}`;
      (results[key] ||= { ms: [], bytes: [] }).ms.push(r.ms);
      results[key].bytes.push(r.bytes);
    }
    await Promise.all([context.close(), fresh.close(), cold.close()]);
  }
}
for (const [key, r] of Object.entries(results)) {
  console.log(`measure: ${key}: interactive after ${median(r.ms)} ms, ${Math.round(median(r.bytes) / 1024)} KiB transferred (median of ${runs})`);
}
await browser.close();
