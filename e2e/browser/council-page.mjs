// What every widget test on the sample council site checks the same way: what the page
// asked for and logged, that it stayed between the page's and the widget's origins, and
// axe-core on a widget.
import fs from "node:fs";
import path from "node:path";

/// Records the page's requests and its errors; `meantToFail` lists URL parts of requests
/// made to fail on purpose (the browser logs those).
export function watch(page, meantToFail = []) {
  const seen = { errors: [], requests: [] };
  page.on("pageerror", (e) => seen.errors.push(String(e)));
  page.on("console", (m) => {
    if (m.type() === "error" && !meantToFail.some((p) => (m.location().url || "").includes(p))) seen.errors.push(m.text());
  });
  page.on("request", (r) => seen.requests.push(r.url()));
  return seen;
}

/// Every request went to the page's origin or the widget's (or a blob: of the page, from
/// which the map starts its worker); no console error or CSP violation; no cookie.
export async function assertStayedHome(page, seen, base, site) {
  const foreign = seen.requests.filter(
    (u) => !u.startsWith(`${base}/`) && !u.startsWith(`${site}/`) && !u.startsWith("data:") && !u.startsWith(`blob:${site}/`),
  );
  if (foreign.length) throw new Error(`requests to other hosts: ${foreign.join(", ")}`);
  if (seen.errors.length) throw new Error(`console errors: ${seen.errors.join("; ")}`);
  const cookies = await page.context().cookies();
  if (cookies.length) throw new Error(`cookies were set: ${cookies.map((c) => c.name).join(", ")}`);
}

/// axe-core's WCAG 2.1 A/AA violations inside `selector`, and how many nodes passed rule
/// `proof` (evidence that axe looked inside the shadow root). Run it last: axe sets inline
/// styles while it checks contrast, which the page's CSP refuses (and reports).
export async function axe(page, selector, proof) {
  if (!(await page.evaluate(() => !!window.axe))) {
    // Evaluated through the devtools protocol: the page's CSP (no inline script) stays on.
    await page.evaluate(fs.readFileSync(path.join(process.env.OW_NODE_MODULES, "axe-core/axe.min.js"), "utf8"));
  }
  return page.evaluate(
    async ([selector, proof]) => {
      const result = await window.axe.run(
        { include: [[selector]] },
        { runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] } },
      );
      const checked = result.passes.find((p) => p.id === proof)?.nodes.length ?? 0;
      return [checked, result.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`)];
    },
    [selector, proof],
  );
}
