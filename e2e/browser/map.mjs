// The map widget on the sample council website (another origin, a strict CSP, the
// council's own CSS), drawn with WebGL through SwiftShader. Waits on what the widget
// exposes: data-state, data-count (facilities on the map), data-clusters / data-points /
// data-rendered (what is drawn), data-idle (the map stands still), data-focused (the
// facility whose popup is open).
import os from "node:os";
import path from "node:path";
import { launch } from "./browser.mjs";
import { assertStayedHome, axe, watch } from "./council-page.mjs";
const base = process.env.BASE_URL;
const site = process.env.SITE_URL;

const browser = await launch({ webgl: true });
const page = await browser.newPage({ locale: "it-IT", viewport: { width: 1280, height: 900 } });
// Requests made to fail on purpose (an unknown tenant, a cut connection): the browser
// logs them; anything else in the console is an error of the widget.
const seen = watch(page, ["/api/public/v1/ente-inesistente/", "area=immigrati"]);
const { errors, requests } = seen;
const step = (name) => console.log(`step: ${name}`);
const map = "ow-map:not(#other):not(#english)";
const attr = async (name) => Number(await page.getAttribute(map, name));

try {
  step("the map loads on the council site and draws every facility of the province");
  const started = Date.now();
  await page.goto(site);
  await page.waitForSelector(`${map}[data-state=ready][data-idle]`);
  console.log(`measure: map drawn ${Date.now() - started} ms after navigation`);
  const total = await attr("data-count");
  if (!(total >= 105)) throw new Error(`expected the province's 105 RSA at least, got ${total}`);
  const [clusters, points, rendered] = [await attr("data-clusters"), await attr("data-points"), await attr("data-rendered")];
  console.log(`measure: ${clusters} clusters and ${points} points drawn for ${total} facilities`);
  if (!(clusters >= 1)) throw new Error(`a whole province should cluster: ${clusters} clusters`);
  if (rendered !== total) throw new Error(`drawn ${rendered} of ${total} facilities`);
  await page.locator(`${map} .ow-status`, { hasText: `${total} strutture sulla mappa` }).waitFor();
  const listed = await page.locator(`${map} .ow-map-list button`).count();
  if (listed !== total) throw new Error(`the list shows ${listed} of ${total}`);

  step("the tenant's look: the province's colour and logo (the council page sets no colour for the map)");
  await page.locator(`${map} h2 img.ow-logo`).waitFor();
  const look = await page.$eval(map, async (host) => {
    const logo = host.shadowRoot.querySelector("h2 img.ow-logo");
    await logo.decode();
    const button = host.shadowRoot.querySelector(".ow-map-list button");
    return { colour: getComputedStyle(button).color, width: logo.naturalWidth, alt: logo.alt };
  });
  if (look.colour !== "rgb(0, 88, 110)") throw new Error(`the tenant's colour #00586e is not applied: ${look.colour}`);
  if (!(look.width > 0) || !look.alt) throw new Error(`logo ${JSON.stringify(look)}`);

  step("the basemap is the product's own: boundaries, font and MapLibre from the widget origin");
  const boundaries = await page.request.get(`${base}/api/public/v1/provincia-di-brescia/boundaries.geojson`);
  const comuni = (await boundaries.json()).features.filter((f) => f.properties.kind === "comune").length;
  if (comuni !== 205) throw new Error(`Brescia has 205 comuni, the basemap ${comuni}`);
  if (!requests.some((u) => /\/widgets\/v1\/titillium-web-600-[0-9a-f]{16}\.woff2$/.test(u))) {
    throw new Error("the cluster labels did not use the shipped font");
  }
  if (!requests.some((u) => /\/widgets\/v1\/maplibre-gl-[0-9a-f]{16}\/maplibre-gl-worker\.mjs/.test(u))) {
    throw new Error("MapLibre's worker did not come from the widget origin");
  }
  const attribution = await page.locator(`${map} .maplibregl-ctrl-attrib`).textContent();
  if (!attribution.includes("ISTAT")) throw new Error(`attribution: ${attribution}`);

  step("the council's CSS does not reach the map's canvas");
  const filter = await page.locator(`${map} canvas`).evaluate((c) => getComputedStyle(c).filter);
  if (filter !== "none") throw new Error(`host-page CSS reached the canvas: ${filter}`);

  step("the area filter redraws only that area, clusters counting only what is shown");
  await page.selectOption("#ow-map-area", "disabili");
  await page.waitForSelector(`${map}[data-state=ready][data-idle]:not([data-count="${total}"])`);
  const disabled = await attr("data-count");
  if (!(disabled < total)) throw new Error(`area filter: ${disabled} of ${total}`);
  if ((await attr("data-rendered")) !== disabled) throw new Error(`drawn ${await attr("data-rendered")} of ${disabled}`);
  await page.selectOption("#ow-map-area", "");
  await page.waitForSelector(`${map}[data-state=ready][data-idle][data-count="${total}"]`);

  step("keyboard: a facility of the list opens its popup on the map, as text, with a link");
  const first = page.locator(`${map} .ow-map-list button`).first();
  const name = await first.textContent();
  const id = await first.getAttribute("data-focus");
  await first.focus();
  await page.keyboard.press("Enter");
  await page.waitForSelector(`${map}[data-focused="${id}"][data-idle]`);
  const popup = page.locator(`${map} .maplibregl-popup .ow-popup`);
  await popup.locator("h3", { hasText: name }).waitFor();
  const link = await popup.locator("a").getAttribute("href");
  if (link !== `${base}/directory/${link.split("/")[4]}/${id}`) throw new Error(`popup link ${link}`);
  const focusInPopup = await page.$eval(map, (host) => !!host.shadowRoot.activeElement?.closest(".maplibregl-popup"));
  if (!focusInPopup) throw new Error("the focus did not move into the popup");
  const htmlInserted = await popup.evaluate((p) => p.querySelectorAll("script, img, iframe").length);
  if (htmlInserted) throw new Error("the popup holds elements that came from data");

  step("closing the popup brings the focus back to the list");
  await page.locator(`${map} .maplibregl-popup-close-button`).click();
  await page.waitForSelector(`${map}:not([data-focused])`);
  const back = await page.$eval(map, (host) => host.shadowRoot.activeElement?.getAttribute("data-focus"));
  if (back !== id) throw new Error(`focus went to ${back}, not back to the list button ${id}`);

  step("a click on the facility's point opens the same popup");
  const box = await page.locator(`${map} .ow-map-canvas`).boundingBox();
  await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
  await page.waitForSelector(`${map}[data-focused="${id}"]`);

  step("a click on a cluster zooms in");
  await page.locator(`${map} .maplibregl-popup-close-button`).click();
  await page.selectOption("#ow-map-area", "anziani");
  await page.waitForSelector(`${map}[data-state=ready][data-idle][data-cluster-at]`);
  const [x, y] = (await page.getAttribute(map, "data-cluster-at")).split(",").map(Number);
  const inView = await attr("data-rendered");
  await page.mouse.click(box.x + x, box.y + y);
  await page.waitForFunction((sel) => !document.querySelector(sel).hasAttribute("data-idle"), map);
  await page.waitForSelector(`${map}[data-idle]`);
  const closer = await attr("data-rendered");
  console.log(`measure: a cluster click zoomed from ${inView} to ${closer} facilities in view`);
  if (!(closer < inView)) throw new Error(`the cluster click did not zoom in (${inView} -> ${closer})`);
  await page.selectOption("#ow-map-area", "");
  await page.waitForSelector(`${map}[data-state=ready][data-idle][data-count="${total}"]`);

  step("choosing a facility in the finder shows it on the map");
  await page.fill("#ow-q", "nobile richiedei");
  await page.keyboard.press("Enter");
  await page.waitForSelector(`ow-service-finder[data-state=ready][data-count="1"]`);
  await page.locator("ow-service-finder .ow-on-map").click();
  await page.locator(`${map} .maplibregl-popup h3`, { hasText: "RICHIEDEI" }).waitFor();
  await page.waitForSelector(`${map}[data-focused][data-idle]`);

  step("at 320 px wide nothing spills sideways");
  await page.setViewportSize({ width: 320, height: 800 });
  // The map follows its box through a ResizeObserver: wait for it, then name what spills.
  const spilling = (sel) => {
    const root = document.querySelector(sel).shadowRoot;
    // A popup is clipped by the map's box (overflow hidden), whatever its own box says.
    return [...root.querySelectorAll(".ow-map *:not(.maplibregl-popup):not(.maplibregl-popup *)")]
      .filter((e) => e.getBoundingClientRect().right > 321)
      .map((e) => e.className || e.tagName);
  };
  const fits = await page.waitForFunction((sel) => {
    const root = document.querySelector(sel).shadowRoot;
    return ![...root.querySelectorAll(".ow-map *:not(.maplibregl-popup):not(.maplibregl-popup *)")].some(
      (e) => e.getBoundingClientRect().right > 321,
    );
  }, map, { timeout: 5000 }).catch(() => null);
  if (!fits) throw new Error(`wider than 320 px: ${(await page.evaluate(spilling, map)).join(", ")}`);
  await page.setViewportSize({ width: 1280, height: 900 });

  step("an area without facilities, and a service that does not answer, are said inside the widget");
  await page.selectOption("#ow-map-area", "dipendenze");
  await page.waitForSelector(`${map}[data-state=ready][data-count="0"]`);
  await page.locator(`${map} .ow-status`, { hasText: "Nessuna struttura da mostrare" }).waitFor();
  await page.route("**/facilities.geojson?area=immigrati", (route) => route.abort("connectionrefused"));
  await page.selectOption("#ow-map-area", "immigrati");
  await page.waitForSelector(`${map}[data-state=error]`);
  await page.locator(`${map} .ow-status`, { hasText: "non risponde" }).waitFor();
  await page.unroute("**/facilities.geojson?area=immigrati");
  await page.selectOption("#ow-map-area", "");
  await page.waitForSelector(`${map}[data-state=ready][data-count="${total}"]`);

  step("an unknown tenant is explained inside the widget");
  await page.evaluate(() => {
    const other = document.createElement("ow-map");
    other.id = "other";
    other.setAttribute("tenant", "ente-inesistente");
    document.querySelector("main").append(other);
  });
  await page.waitForSelector("#other[data-state=error]");
  await page.locator("#other .ow-status", { hasText: "l'ente indicato non esiste" }).waitFor();

  step("every request went to the page's origin or the widget's; no errors, no CSP violations, no cookies");
  await assertStayedHome(page, seen, base, site);

  // Last: axe sets inline styles while it checks contrast, which this page's CSP refuses.
  step("axe-core: no WCAG 2.1 A/AA violation in the map, in Italian and in English");
  await page.evaluate(() => {
    document.querySelector("#other").remove();
    const english = document.createElement("ow-map");
    english.id = "english";
    english.setAttribute("tenant", document.querySelector("ow-map").getAttribute("tenant"));
    english.setAttribute("lang", "en");
    document.querySelector("main").append(english);
  });
  await page.waitForSelector("#english[data-state=ready][data-idle]");
  await page.locator("#english .ow-status", { hasText: "facilities on the map" }).waitFor();
  for (const target of [map, "#english"]) {
    // Proof that axe looked inside the shadow root: the list's buttons were checked.
    const [buttons, found] = await axe(page, target, "button-name");
    if (buttons < 100) throw new Error(`axe did not see the map's list on ${target} (${buttons} buttons)`);
    if (found.length) throw new Error(`axe on ${target}: ${found.join("; ")}`);
  }

  step("without WebGL the map says so and the list links every facility to its page");
  const plain = await launch({ args: ["--disable-3d-apis"] });
  try {
    const other = await plain.newPage({ locale: "it-IT" });
    const seenPlain = watch(other);
    await other.goto(site);
    await other.waitForSelector("ow-map[data-state=ready][data-map=unavailable]");
    await other.locator("ow-map .ow-map-unavailable").waitFor();
    const links = await other.locator("ow-map .ow-map-list a[href*='/directory/']").count();
    if (links !== total) throw new Error(`${links} links for ${total} facilities`);
    if (seenPlain.errors.length) console.log(`note: without WebGL the page logged: ${seenPlain.errors.join("; ")}`);
  } finally {
    await plain.close();
  }

  console.log("map.mjs: all steps passed");
} catch (e) {
  await page.screenshot({ path: path.join(process.env.OW_SCREENSHOT_DIR || os.tmpdir(), "ow-map-failure.png") }).catch(() => {});
  console.error(e);
  console.error(`page errors: ${errors.join("; ")}`);
  process.exitCode = 1;
} finally {
  await browser.close();
}
