// Debian's chromium, headless, as DESIGN.md §7 sets it up (never `playwright install`).
import { createRequire } from "node:module";
import path from "node:path";

const require = createRequire(path.join(process.env.OW_NODE_MODULES, "noop.js"));
const { chromium } = require("playwright-core");

export function launch() {
  return chromium.launch({
    executablePath: "/usr/bin/chromium",
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
           "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
}
