// Joining a comune as people live it: its admin adds a colleague on the users page; the
// invitation arrives by e-mail (the demo's SMTP sink, /demo/mail.json); a new address
// creates its account through the link, whose token stays in the fragment and leaves the
// address bar; an address that already has an account (another comune's worker) sees the
// invitation on signing in and accepts it. Nobody is a member before accepting.
import { launch, passSecondFactor } from "./browser.mjs";
import { axe } from "./council-page.mjs";
const base = process.env.BASE_URL;
const ADMIN = "admin.brescia@demo.openwelfare.it";
const NEW = "nuova.collega@example.it";
const EXISTING = "assistente.bologna@demo.openwelfare.it";
const PASSWORD = "demo-openwelfare-2026";
let token = "never-seen";

const browser = await launch();
const leaks = [];
const errors = [];
const watch = (page) => {
  page.on("request", (r) => {
    const referer = r.headers()["referer"] ?? "";
    if (r.url().includes(token) || referer.includes(token)) leaks.push(r.url());
  });
  page.on("pageerror", (e) => errors.push(String(e)));
  page.on("console", (m) => { if (m.type() === "error" && m.text().includes("Content Security Policy")) errors.push(m.text().slice(0, 300)); });
};
const step = (name) => console.log(`step: ${name}`);
const signIn = async (page, email, password) => {
  await page.goto(`${base}/sign-in`);
  await page.waitForSelector("main[data-hydrated=true]");
  await page.fill("#email", email);
  await page.fill("#password", password);
  await page.click("#sign-in-submit");
  await passSecondFactor(page, email);
};
const inviteFrom = async (page, email, name, role) => {
  await page.goto(`${base}/users`);
  await page.waitForSelector("main[data-hydrated=true]");
  await page.fill("#display_name", name);
  await page.fill("#member-email", email);
  await page.selectOption("#role", role);
  await page.getByRole("button", { name: "Aggiungi", exact: true }).click();
  await page.locator("#invitation-sent", { hasText: email }).waitFor();
};
const mailTo = async (email) => {
  for (let i = 0; i < 100; i++) {
    const inbox = await (await fetch(`${base}/demo/mail.json`)).json();
    const mail = inbox.find((m) => m.to === email && m.text.includes("/invitation#token="));
    if (mail) return mail;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`no invitation e-mail to ${email} reached the demo's SMTP sink`);
};

try {
  const admin = await browser.newPage({ locale: "it-IT" });
  watch(admin);
  step("the comune's admin invites a new colleague");
  await signIn(admin, ADMIN, PASSWORD);
  await inviteFrom(admin, NEW, "Nuova Collega", "social_worker");
  await admin.reload();
  await admin.locator("#invitations", { hasText: NEW }).waitFor();
  if (await admin.locator("#members", { hasText: NEW }).count()) throw new Error("a member before accepting");

  step("the e-mail carries a link with the token in its fragment");
  const mail = await mailTo(NEW);
  const link = mail.text.match(/https?:\S+#token=\S+/)[0];
  token = link.split("#token=")[1];
  if (!link.startsWith(`${base}/invitation#token=`)) throw new Error(`link: ${link}`);

  step("the new colleague creates the account from the link");
  const guest = await (await browser.newContext({ locale: "it-IT" })).newPage();
  watch(guest);
  await guest.goto(link);
  await guest.waitForSelector("main[data-hydrated=true]");
  await guest.waitForFunction(() => !location.hash);
  if (guest.url() !== `${base}/invitation`) throw new Error(`address bar: ${guest.url()}`);
  await guest.locator("#invitation-for", { hasText: "Assistente sociale" }).waitFor();
  const [asked, violations] = await axe(guest, "main", "color-contrast");
  if (violations.length) throw new Error(`axe on /invitation (${asked}): ${violations.join("; ")}`);
  await guest.fill("#new_password", "benvenuta-in-comune-2026");
  await guest.click("#invitation-submit");
  await guest.locator("#invitation-created").waitFor();
  // A social worker's first sign-in enrols an authenticator and shows the recovery codes.
  await signIn(guest, NEW, "benvenuta-in-comune-2026");
  if (!(await guest.locator("#home-title").count())) throw new Error("not signed in after enrolling");
  await guest.locator("#home-role", { hasText: "Assistente sociale" }).waitFor();

  step("another comune's worker, invited too, accepts after signing in");
  await inviteFrom(admin, EXISTING, "Chiara Marchetti", "front_desk");
  await mailTo(EXISTING);
  const worker = await (await browser.newContext({ locale: "it-IT" })).newPage();
  watch(worker);
  await signIn(worker, EXISTING, PASSWORD);
  await worker.click("#home-invitations a");
  await worker.waitForURL(`${base}/invitations`);
  await worker.waitForSelector("main[data-hydrated=true]");
  await worker.locator("#my-invitations", { hasText: "Brescia" }).waitFor();
  await worker.getByRole("button", { name: "Accetta" }).click();
  await worker.locator(".alert-success", { hasText: "Invito accettato" }).waitFor();
  await admin.reload();
  await admin.locator("#members", { hasText: EXISTING }).waitFor();

  if (leaks.length) throw new Error(`the token travelled in: ${leaks.join(", ")}`);
  if (errors.length) throw new Error(`page errors: ${errors.join(" | ")}`);
  console.log("invitations: ok");
} finally {
  await browser.close();
}
