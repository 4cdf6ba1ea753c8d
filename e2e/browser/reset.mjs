// A forgotten password as a person lives it: "Password dimenticata?" on the sign-in page,
// the link arrives by e-mail (the demo's SMTP sink, read at /demo/mail.json), the token in
// the link's fragment reaches the form, never a request URL or a Referer, and leaves the
// address bar; the new password signs in, and the link works once.
import { launch, passSecondFactor } from "./browser.mjs";
import { axe } from "./council-page.mjs";
const base = process.env.BASE_URL;
const EMAIL = "sportello@demo.openwelfare.it";
let token = "never-seen";

const browser = await launch();
const page = await browser.newPage({ locale: "it-IT" });
const leaks = [];
page.on("request", (r) => {
  const referer = r.headers()["referer"] ?? "";
  if (r.url().includes(token) || referer.includes(token)) leaks.push(r.url());
});
const errors = [];
page.on("pageerror", (e) => errors.push(String(e)));
// A refused request logs "Failed to load resource"; what must not happen is a blocked script.
page.on("console", (m) => { if (m.type() === "error" && m.text().includes("Content Security Policy")) errors.push(m.text().slice(0, 300)); });
const step = (name) => console.log(`step: ${name}`);

try {
  step("from the sign-in page, the front desk operator asks for a reset link");
  await page.goto(`${base}/sign-in`);
  await page.waitForSelector("main[data-hydrated=true]");
  await page.click("#forgot-password");
  await page.waitForURL(`${base}/forgot-password`);
  await page.waitForSelector("main[data-hydrated=true]");
  await page.fill("#email", EMAIL);
  await page.click("#forgot-submit");
  await page.locator("#forgot-sent", { hasText: "Se l'indirizzo appartiene" }).waitFor();
  const [asked, violations] = await axe(page, "main", "color-contrast");
  if (violations.length) throw new Error(`axe on /forgot-password (${asked}): ${violations.join("; ")}`);

  step("the e-mail arrives with the link");
  let mail;
  for (let i = 0; i < 100 && !mail; i++) {
    const inbox = await (await fetch(`${base}/demo/mail.json`)).json();
    mail = inbox.find((m) => m.to === EMAIL && m.text.includes("#token="));
    if (!mail) await new Promise((r) => setTimeout(r, 200));
  }
  if (!mail) throw new Error("no reset e-mail reached the demo's SMTP sink");
  const link = mail.text.match(/https?:\S+#token=\S+/)[0];
  token = link.split("#token=")[1];
  if (!link.startsWith(`${base}/reset-password#token=`)) throw new Error(`link: ${link}`);

  step("the link opens the form, and the token leaves the address bar");
  await page.goto(link);
  await page.waitForSelector("main[data-hydrated=true]");
  await page.waitForFunction(() => !location.hash);
  if (page.url() !== `${base}/reset-password`) throw new Error(`address bar: ${page.url()}`);

  step("a new password is set and signs in");
  await page.fill("#new_password", "una-nuova-password-2026");
  await page.getByRole("button", { name: "Salva" }).click();
  await page.locator(".alert-success", { hasText: "Accedi" }).waitFor();
  await page.goto(`${base}/sign-in`);
  await page.waitForSelector("main[data-hydrated=true]");
  await page.fill("#email", EMAIL);
  await page.fill("#password", "una-nuova-password-2026");
  await page.click("#sign-in-submit");
  await passSecondFactor(page, EMAIL);

  step("the same link a second time is refused");
  const again = await browser.newPage({ locale: "it-IT" });
  await again.goto(link);
  await again.waitForSelector("main[data-hydrated=true]");
  await again.fill("#new_password", "ancora-una-password-2026");
  await again.getByRole("button", { name: "Salva" }).click();
  await again.locator("#token-error", { hasText: "non è valido" }).waitFor();

  if (leaks.length) throw new Error(`the token travelled in: ${leaks.join(", ")}`);
  if (errors.length) throw new Error(`page errors: ${errors.join(" | ")}`);
  console.log("reset link: ok");
} finally {
  await browser.close();
}
