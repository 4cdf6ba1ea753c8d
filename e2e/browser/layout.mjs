// Every page as people see it: each role's pages (and the public ones) with the demo data,
// on a desktop (1280×800) and a phone (390×844). A page fails when two visible pieces of
// text or controls overlap, when anything makes it scroll sideways, when it logs a console
// error, or when axe-core finds a WCAG 2.1 A/AA violation. A screenshot of each page at
// each width goes to $OW_ARTEFACTS/layout.
//
// The pages are found as a person finds them: the navigation, then the links inside each
// page (one page per kind of address: /cases/7 and /cases/9 are one kind).
import fs from "node:fs";
import path from "node:path";
import { launch, passSecondFactor } from "./browser.mjs";
import { axe } from "./council-page.mjs";

const base = process.env.BASE_URL;
const shots = path.join(process.env.OW_ARTEFACTS ?? "target/artefacts", "layout");
fs.rmSync(shots, { recursive: true, force: true });
fs.mkdirSync(shots, { recursive: true });
const PASSWORD = "demo-openwelfare-2026";
const WIDTHS = [
  { width: 1280, height: 800 },
  { width: 390, height: 844 },
];
// Each role of the demo (README), and where a citizen lands without signing in.
const VISITORS = [
  { who: "citizen", start: ["/directory", "/checker", "/sign-in", "/forgot-password"] },
  { who: "provincia@demo.openwelfare.it" },
  { who: "osservatorio@demo.openwelfare.it" },
  { who: "admin.brescia@demo.openwelfare.it" },
  { who: "assistente.sociale@demo.openwelfare.it" },
  { who: "sportello@demo.openwelfare.it" },
  { who: "struttura@demo.openwelfare.it" },
  { who: "terzo.settore@demo.openwelfare.it" },
  { who: "admin.bologna@demo.openwelfare.it" },
];
// Addresses that are not pages of the product: files, the API, the sign-out.
const NOT_PAGES = /^\/(api|pkg|assets|widgets|demo|openapi|docs)(\/|$)|\.(csv|json|geojson|png|svg|pdf)$/;
const PAGES_PER_VISITOR = 40;

// One kind of address: numbers and long tokens as `:id`, a tenant's slug after the first
// segment (`/directory/comune-di-brescia`) as `:tenant`, the query's keys without values.
function kind(url) {
  const u = new URL(url);
  const p = u.pathname.split("/")
    .map((s, i) => (/^\d+$|^[0-9a-f-]{16,}$/i.test(s) ? ":id" : i >= 2 && /^[a-z0-9]+(-[a-z0-9]+)+$/.test(s) ? ":tenant" : s))
    .join("/");
  const keys = [...u.searchParams.keys()].filter((k) => k !== "page").sort();
  return keys.length ? `${p}?${keys.join("&")}` : p;
}

// Runs in the page: the problems a person would see.
function inspect() {
  const W = document.documentElement.clientWidth;
  const problems = [];
  if (document.documentElement.scrollWidth > W + 1) {
    // The outermost elements past the edge, leaving out what scrolls inside its own box.
    const scrollsInside = (el) => {
      for (let a = el.parentElement; a; a = a.parentElement) if (/auto|scroll|hidden/.test(getComputedStyle(a).overflowX)) return true;
      return false;
    };
    const wide = [...document.querySelectorAll("body *")]
      .filter((el) => el.getBoundingClientRect().right > W + 1 && el.checkVisibility() && !scrollsInside(el))
      .filter((el) => !el.parentElement || el.parentElement.getBoundingClientRect().right <= W + 1)
      .slice(0, 3)
      .map(describe);
    problems.push(`scrolls sideways (${document.documentElement.scrollWidth} px > ${W} px): ${wide.join(", ")}`);
  }
  function describe(el) {
    const id = el.id ? `#${el.id}` : "";
    const cls = typeof el.className === "string" && el.className ? `.${el.className.trim().split(/\s+/).join(".")}` : "";
    const text = (el.innerText ?? el.textContent ?? "").trim().replace(/\s+/g, " ").slice(0, 40);
    return `<${el.tagName.toLowerCase()}${id}${cls}> "${text}"`;
  }
  // What is left of `rect` once every scrolling or clipping ancestor has cut it.
  function clipped(el, rect) {
    let { left, top, right, bottom } = rect;
    for (let a = el.parentElement; a && a !== document.body; a = a.parentElement) {
      const s = getComputedStyle(a);
      if (s.overflowX !== "visible" || s.overflowY !== "visible") {
        const r = a.getBoundingClientRect();
        left = Math.max(left, r.left);
        right = Math.min(right, r.right);
        top = Math.max(top, r.top);
        bottom = Math.min(bottom, r.bottom);
      }
    }
    return right - left > 1 && bottom - top > 1 ? { left, top, right, bottom } : null;
  }
  const boxes = [];
  const add = (el, rect) => {
    if (rect.width < 2 || rect.height < 2 || rect.right <= 0) return;
    const r = clipped(el, rect);
    if (r) boxes.push({ el, ...r });
  };
  const SKIP = "script, style, template, noscript, option, .maplibregl-map, .visually-hidden, .visually-hidden-focusable";
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const el = n.parentElement;
    if (!n.textContent.trim() || !el || el.closest(SKIP) || !el.checkVisibility({ opacityProperty: true, visibilityProperty: true })) continue;
    const range = document.createRange();
    range.selectNodeContents(n);
    for (const rect of range.getClientRects()) add(el, rect);
  }
  const CONTROLS = "input:not([type=hidden]), select, textarea, button, img, svg, canvas, iframe";
  for (const el of document.querySelectorAll(CONTROLS)) {
    if (el.closest(SKIP) || el.closest("svg") !== el && el.closest("svg")) continue;
    if (!el.checkVisibility({ opacityProperty: true, visibilityProperty: true })) continue;
    add(el, el.getBoundingClientRect());
  }
  boxes.sort((a, b) => a.top - b.top);
  const seen = new Set();
  for (let i = 0; i < boxes.length; i++) {
    const a = boxes[i];
    for (let j = i + 1; j < boxes.length && boxes[j].top < a.bottom; j++) {
      const b = boxes[j];
      if (a.el === b.el || a.el.contains(b.el) || b.el.contains(a.el)) continue;
      const w = Math.min(a.right, b.right) - Math.max(a.left, b.left);
      const h = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
      // Line boxes of neighbouring text touch; a real overlap covers a third of a line.
      if (w > 3 && h > 0.3 * Math.min(a.bottom - a.top, b.bottom - b.top)) {
        const what = `${describe(a.el)} overlaps ${describe(b.el)}`;
        if (!seen.has(what)) problems.push(what);
        seen.add(what);
      }
    }
  }
  return problems.slice(0, 10);
}

// On a phone the navigation is behind Bootstrap Italia's menu button: it opens the panel
// with the links, Escape closes it and gives the focus back to the button.
async function phoneMenu(page, who) {
  await page.setViewportSize(WIDTHS[1]);
  await page.waitForSelector("main[data-hydrated=true]");
  const link = page.locator("#main-nav a.nav-link").first();
  if (await link.isVisible()) failures.push(`${who}: the menu's links show on a phone before it is opened`);
  await page.click(".custom-navbar-toggler");
  await link.waitFor({ state: "visible" });
  if ((await page.getAttribute(".custom-navbar-toggler", "aria-expanded")) !== "true") failures.push(`${who}: the menu button does not say it is open`);
  await page.keyboard.press("Escape");
  await link.waitFor({ state: "hidden" });
  if (!(await page.evaluate(() => document.activeElement?.classList.contains("custom-navbar-toggler")))) {
    failures.push(`${who}: closing the menu does not give the focus back to its button`);
  }
  await page.setViewportSize(WIDTHS[0]);
}

const browser = await launch();
const failures = [];
let visited = 0;
try {
  for (const { who, start } of VISITORS) {
    const context = await browser.newContext({ locale: "it-IT", viewport: WIDTHS[0] });
    const page = await context.newPage();
    let errors = [];
    page.on("pageerror", (e) => errors.push(String(e).slice(0, 300)));
    page.on("console", (m) => { if (m.type() === "error") errors.push(m.text().slice(0, 300)); });
    page.on("response", (r) => { if (r.status() >= 400) errors.push(`${r.status()} ${new URL(r.url()).pathname}`); });
    let queue = start ?? [];
    if (!start) {
      await page.goto(`${base}/sign-in`);
      await page.fill("#email", who);
      await page.fill("#password", PASSWORD);
      await page.click("#sign-in-submit");
      await passSecondFactor(page, who);
      queue = ["/"];
      await phoneMenu(page, who);
    }
    const kinds = new Set();
    const pages = [];
    for (let depth = 0; depth < 3 && queue.length; depth++) {
      const next = [];
      for (const address of queue) {
        const url = new URL(address, base).href;
        if (kinds.has(kind(url)) || pages.length >= PAGES_PER_VISITOR) continue;
        kinds.add(kind(url));
        pages.push(url);
        errors = [];
        await page.setViewportSize(WIDTHS[0]);
        const response = await page.goto(url, { waitUntil: "networkidle" });
        if (!response.ok()) { failures.push(`${who} ${url}: HTTP ${response.status()}`); continue; }
        await page.waitForSelector("main[data-hydrated=true]", { timeout: 15000 }).catch(() => errors.push("never hydrated"));
        const name = `${who.split("@")[0]}-${kind(url).replace(/[^a-z0-9]+/gi, "_").replace(/^_|_$/g, "") || "home"}`;
        for (const size of WIDTHS) {
          await page.setViewportSize(size);
          await page.evaluate(() => document.fonts.ready);
          for (const problem of await page.evaluate(inspect)) failures.push(`${who} ${kind(url)} at ${size.width}: ${problem}`);
          await page.screenshot({ path: path.join(shots, `${name}-${size.width}.jpg`), fullPage: true, type: "jpeg", quality: 60 });
        }
        // Links to pages of the product, before axe changes the page.
        const links = await page.evaluate(() => [...document.querySelectorAll("header nav a[href], main a[href]")]
          .filter((a) => !a.hasAttribute("download") && a.origin === location.origin)
          .map((a) => a.pathname + a.search));
        for (const link of links) if (!NOT_PAGES.test(new URL(link, base).pathname) && !/sign-out/.test(link)) next.push(link);
        for (const e of errors) failures.push(`${who} ${kind(url)}: console ${e}`);
        const [, violations] = await axe(page, "body", "color-contrast");
        for (const v of violations) failures.push(`${who} ${kind(url)}: axe ${v}`);
        visited++;
      }
      queue = next;
    }
    console.log(`${who}: ${pages.length} pages: ${[...kinds].join(" ")}`);
    await context.close();
  }
} finally {
  await browser.close();
}
console.log(`${visited} pages at ${WIDTHS.length} widths; screenshots in ${shots}`);
if (failures.length) {
  console.log(failures.join("\n"));
  throw new Error(`${failures.length} layout problems`);
}
