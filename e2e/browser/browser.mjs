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

// The second factor, computed as an authenticator app does (RFC 6238: HMAC-SHA1 of the
// 30-second step, six digits). Every demo account is enrolled with this secret (README).
import { createHmac } from "node:crypto";
export const DEMO_TOTP_SECRET = "JBSWY3DPEHPK3PXP";

function base32(secret) {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  let bits = "";
  for (const c of secret.replace(/[\s=]/g, "").toUpperCase()) bits += alphabet.indexOf(c).toString(2).padStart(5, "0");
  const bytes = [];
  for (let i = 0; i + 8 <= bits.length; i += 8) bytes.push(parseInt(bits.slice(i, i + 8), 2));
  return Buffer.from(bytes);
}

export function totp(secret, step) {
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(step));
  const h = createHmac("sha1", base32(secret)).update(counter).digest();
  const o = h[h.length - 1] & 0x0f;
  return String((h.readUInt32BE(o) & 0x7fffffff) % 1_000_000).padStart(6, "0");
}

// No code works twice: the last step used per account, in this script.
const usedSteps = new Map();

// After the password: the second step where the page asks for it — enrolling with the
// secret it shows when the account has no authenticator yet (then past the recovery
// codes) — up to the user's home. Returns the recovery codes shown, if any.
export async function passSecondFactor(page, email, secret = DEMO_TOTP_SECRET) {
  await page.waitForSelector("#home-title, #totp-code");
  if (!(await page.locator("#totp-code").count())) return [];
  if (await page.locator("#totp-enrol").count()) {
    await page.waitForSelector("#totp-secret");
    secret = (await page.locator("#totp-secret").innerText()).replace(/\s/g, "");
  }
  for (;;) {
    const now = Math.floor(Date.now() / 30000);
    const step = Math.max(now, (usedSteps.get(email) ?? 0) + 1);
    if (step > now + 1) { await new Promise((r) => setTimeout(r, 2000)); continue; }
    usedSteps.set(email, step);
    await page.fill("#totp-code", totp(secret, step));
    await page.click("#totp-submit");
    await page.waitForSelector("#home-title, #recovery-codes, #totp-code-error");
    if (await page.locator("#totp-code-error").count()) {
      const message = await page.locator("#totp-code-error").innerText();
      if (!/già stato usato|already used/.test(message)) throw new Error(`second factor refused: ${message}`);
      continue;
    }
    break;
  }
  // Signed in, the form goes on to the home page: read it once it has loaded.
  await page.waitForLoadState("load");
  await page.waitForSelector("#home-title, #recovery-codes");
  const codes = await page.locator("#recovery-codes li").allInnerTexts();
  if (codes.length) {
    await page.click("#recovery-continue");
    await page.waitForSelector("#home-title");
  }
  return codes;
}
