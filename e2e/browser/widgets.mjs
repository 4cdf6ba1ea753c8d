// The service finder on the sample council website: another origin, a strict CSP, the
// council's own CSS. Waits on the state the widget exposes (data-state, data-count).
import os from "node:os";
import path from "node:path";
import { launch } from "./browser.mjs";
import { assertStayedHome, axe, watch } from "./council-page.mjs";
const base = process.env.BASE_URL;
const site = process.env.SITE_URL;

// The sample page has a map too: it needs WebGL.
const browser = await launch({ webgl: true });
// A visitor in Piazza della Loggia who lets the site know their position.
const page = await browser.newPage({
  locale: "it-IT",
  geolocation: { latitude: 45.5397, longitude: 10.2196 },
  permissions: ["geolocation"],
});
// Requests made to fail on purpose (an unknown tenant, a cut connection): the browser
// logs them; anything else in the console is an error of the widget.
const seen = watch(page, ["/api/public/v1/ente-inesistente/", "q=servizio-irraggiungibile"]);
const { errors, requests } = seen;
const step = (name) => console.log(`step: ${name}`);
const finder = "ow-service-finder:not(#other):not(#english)";

try {
  step("the finder loads on the council site and lists the province's facilities");
  const started = Date.now();
  await page.goto(site);
  await page.waitForSelector(`${finder}[data-state=ready]`);
  console.log(`measure: finder shows results ${Date.now() - started} ms after navigation`);
  const total = Number(await page.getAttribute(finder, "data-count"));
  if (!(total >= 105)) throw new Error(`expected the province's 105 RSA at least, got ${total}`);

  step("a text search finds the real RSA, from the keyboard");
  await page.focus("#ow-q");
  await page.keyboard.type("nobile richiedei");
  await page.keyboard.press("Enter");
  await page.waitForSelector(`${finder}[data-state=ready][data-count="1"]`);
  await page.locator(".ow-results a", { hasText: "RICHIEDEI" }).waitFor();
  await page.locator(".ow-status", { hasText: "1 struttura trovata" }).waitFor();
  const href = await page.locator(".ow-results a").first().getAttribute("href");
  if (!href.startsWith(`${base}/directory/`)) throw new Error(`deep link ${href}`);

  step("filters: area, then free places");
  const search = page.locator(`${finder} button[type=submit]`);
  await page.fill("#ow-q", "");
  await page.selectOption("#ow-area", "disabili");
  await search.click();
  await page.waitForSelector(`${finder}[data-state=ready]:not([data-count="1"])`);
  const disabled = Number(await page.getAttribute(finder, "data-count"));
  if (!(disabled < total)) throw new Error(`area filter: ${disabled} of ${total}`);
  await page.selectOption("#ow-area", "anziani");
  await search.click();
  await page.waitForSelector(`${finder}[data-state=ready]:not([data-count="${disabled}"])`);
  const elderly = Number(await page.getAttribute(finder, "data-count"));
  if (!(elderly >= 105)) throw new Error(`the 105 RSA are for older people: ${elderly}`);
  await page.check("#ow-free");
  await search.click();
  await page.waitForSelector(`${finder}[data-state=ready]:not([data-count="${elderly}"])`);

  step("type and comune, from the directory's own lists");
  await page.uncheck("#ow-free");
  await page.selectOption("#ow-area", "");
  await page.selectOption("#ow-type", "rsa");
  await page.selectOption("#ow-comune", { label: "Brescia" });
  await search.click();
  await page.waitForSelector(`${finder}[data-state=ready][data-count="15"]`);

  step("near me: nearest first, with the distance; hours and contacts folded under each result");
  await page.selectOption("#ow-comune", "");
  await page.locator(`${finder} button[aria-pressed]`).click();
  await page.waitForSelector(`${finder} button[aria-pressed="true"]`);
  await page.locator(".ow-results li p", { hasText: /^A [0-9.]+ km$/ }).first().waitFor();
  await page.waitForSelector(`${finder}[data-state=ready]`);
  const distances = await page.locator(".ow-results li p", { hasText: /^A [0-9.]+ km$/ }).allTextContents();
  const km = distances.map((d) => Number(d.replace(/[^0-9.]/g, "")));
  if (!km.length || km.some((d, i) => i && d < km[i - 1]) || km.some((d) => d > 25)) throw new Error(`distances ${km}`);
  await page.locator(".ow-results summary").first().click();
  await page.locator(".ow-results details[open]", { hasText: "Posti autorizzati" }).waitFor();
  await page.locator(`${finder} button[aria-pressed]`).click();
  await page.waitForSelector(`${finder} button[aria-pressed="false"]`);

  step("at 320 px wide nothing spills sideways");
  await page.setViewportSize({ width: 320, height: 800 });
  const overflow = await page.evaluate((sel) => {
    const root = document.querySelector(sel).shadowRoot;
    return [...root.querySelectorAll("*")].filter((e) => e.getBoundingClientRect().right > 321).map((e) => e.tagName);
  }, finder);
  if (overflow.length) throw new Error(`wider than 320 px: ${overflow.join(", ")}`);
  // The council page puts the map under the finder on a phone and beside it on a desktop.
  const boxes = () => Promise.all(["ow-service-finder", "ow-map"].map((s) => page.locator(s).first().boundingBox()));
  const [phoneFinder, phoneMap] = await boxes();
  if (phoneMap.y < phoneFinder.y + phoneFinder.height) throw new Error("on a phone the map is not under the finder");
  await page.setViewportSize({ width: 1280, height: 800 });
  const [wideFinder, wideMap] = await boxes();
  if (wideMap.x < wideFinder.x + wideFinder.width || Math.abs(wideMap.y - wideFinder.y) > 1) {
    throw new Error(`on a desktop the map is not beside the finder: ${JSON.stringify([wideFinder, wideMap])}`);
  }

  step("the council's CSS does not reach inside the widget; its --ow-primary wins over the tenant's colour");
  const transform = await page.locator(".ow-finder h2").evaluate((e) => getComputedStyle(e).textTransform);
  if (transform === "uppercase") throw new Error("host-page CSS leaked into the widget");
  await page.locator(`${finder} h2 img.ow-logo`).waitFor();
  const linkColour = await page.locator(`${finder} .ow-results a`).first().evaluate((e) => getComputedStyle(e).color);
  if (linkColour !== "rgb(122, 31, 31)") throw new Error(`the page's --ow-primary did not apply: ${linkColour}`);

  step("no results, and a service that does not answer, are said inside the widget");
  await page.selectOption("#ow-type", "");
  await page.fill("#ow-q", "nessuna struttura ha questo nome");
  await search.click();
  await page.waitForSelector(`${finder}[data-state=ready][data-count="0"]`);
  await page.locator(".ow-status", { hasText: "Nessuna struttura trovata" }).waitFor();
  await page.route("**/api/public/**", (route) => route.abort("connectionrefused"));
  await page.fill("#ow-q", "servizio-irraggiungibile");
  await search.click();
  await page.waitForSelector(`${finder}[data-state=error]`);
  await page.locator(".ow-status", { hasText: "Il servizio di ricerca non risponde" }).waitFor();
  await page.unroute("**/api/public/**");

  step("an unknown tenant is explained inside the widget, in English");
  await page.evaluate(() => {
    const other = document.createElement("ow-service-finder");
    other.id = "other";
    other.setAttribute("tenant", "ente-inesistente");
    other.setAttribute("lang", "en");
    document.querySelector("main").append(other);
  });
  await page.waitForSelector("#other[data-state=error]");
  await page.locator("#other .ow-status", { hasText: "This list of services is not available" }).waitFor();

  step("the loader keeps its URL and a short cache; the files it names are hashed and cached for good");
  const loader = await page.request.get(`${base}/widgets/v1/openwelfare.js`);
  if (loader.headers()["cache-control"] !== "public, max-age=300") throw new Error(`loader: ${loader.headers()["cache-control"]}`);
  if (loader.headers()["access-control-allow-origin"] !== "*") throw new Error("loader: no CORS header");
  const hashed = requests.find((u) => /\/widgets\/v1\/finder-[0-9a-f]{16}\.wasm$/.test(u));
  if (!hashed) throw new Error(`no hashed wasm among ${requests.join(", ")}`);
  const wasm = await page.request.get(hashed);
  if (!wasm.headers()["cache-control"].includes("immutable")) throw new Error(`wasm: ${wasm.headers()["cache-control"]}`);
  if (wasm.headers()["content-type"] !== "application/wasm") throw new Error(`wasm: ${wasm.headers()["content-type"]}`);
  // Sent as the brotli copy the build wrote beside it (Chromium asks for brotli here).
  if (wasm.headers()["content-encoding"] !== "br") throw new Error(`wasm: ${wasm.headers()["content-encoding"]}`);

  step("every request went to the page's origin or the widget's; no errors, no CSP violations");
  await assertStayedHome(page, seen, base, site);
  // Last: axe itself sets inline styles while it checks contrast, which this page's CSP
  // refuses (and reports); the widget's own record is checked above.
  step("axe-core: no WCAG 2.1 A/AA violation in the finder, in Italian and in English");
  await page.uncheck("#ow-free");
  await page.fill("#ow-q", "rsa almici");
  await search.click();
  await page.waitForSelector(`${finder}[data-state=ready][data-count="1"]`);
  await page.evaluate(() => {
    const english = document.createElement("ow-service-finder");
    english.id = "english";
    english.setAttribute("tenant", document.querySelector("ow-service-finder").getAttribute("tenant"));
    english.setAttribute("lang", "en");
    document.querySelector("main").append(english);
  });
  await page.waitForSelector("#english[data-state=ready]");
  for (const target of [finder, "#english"]) {
    // Proof that axe looked inside the shadow root: the form's labels were checked.
    const [labels, found] = await axe(page, target, "label");
    if (labels < 2) throw new Error(`axe did not see the widget's form on ${target} (${labels} labelled fields)`);
    if (found.length) throw new Error(`axe on ${target}: ${found.join("; ")}`);
  }
  await page.locator("#english .ow-status", { hasText: "facilities found" }).waitFor();

  console.log("widgets.mjs: all steps passed");
} catch (e) {
  await page.screenshot({ path: path.join(process.env.OW_SCREENSHOT_DIR || os.tmpdir(), "ow-widgets-failure.png") }).catch(() => {});
  console.error(e);
  console.error(`page errors: ${errors.join("; ")}`);
  process.exitCode = 1;
} finally {
  await browser.close();
}
