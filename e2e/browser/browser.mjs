// Debian's chromium, headless, as docs/ARCHITECTURE.md §7 sets it up (never `playwright install`).
// `webgl: true` swaps `--disable-gpu` for SwiftShader, the software WebGL the map needs;
// `args` adds flags (`--disable-3d-apis`: a browser without WebGL at all).
import { createRequire } from "node:module";
import path from "node:path";

const require = createRequire(path.join(process.env.OW_NODE_MODULES, "noop.js"));
const { chromium } = require("playwright-core");

export function launch({ webgl = false, args = [] } = {}) {
  const gpu = webgl ? ["--use-angle=swiftshader", "--enable-unsafe-swiftshader", "--ignore-gpu-blocklist"] : ["--disable-gpu"];
  return chromium.launch({
    executablePath: "/usr/bin/chromium",
    args: ["--headless", "--no-sandbox", ...gpu, "--disable-quic", "--no-first-run",
           "--disable-background-networking", "--disable-component-update", "--disable-sync", ...args],
  });
}
