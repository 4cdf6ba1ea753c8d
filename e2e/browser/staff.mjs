// Drives the staff app like a social worker with two municipalities would.
// Waits on conditions the page exposes, never on fixed sleeps.
import os from "node:os";
import path from "node:path";
import { launch, passSecondFactor } from "./browser.mjs";
import { axe } from "./council-page.mjs";
const base = process.env.BASE_URL;

const browser = await launch();
const page = await browser.newPage({ locale: "it-IT" });
const errors = [];
page.on("pageerror", (e) => errors.push(String(e)));
// A panic in the wasm shows as "unreachable"; its message is in the console.
page.on("console", (m) => {
  if (m.type() !== "error") return;
  console.log(`console: ${m.text().slice(0, 1500)}`);
  // The page's Content-Security-Policy must let everything the app needs run.
  if (m.text().includes("Content Security Policy")) errors.push(m.text().slice(0, 300));
});
const step = (name) => console.log(`step: ${name}`);
const PASSWORD = "demo-openwelfare-2026";

// From the sign-in page to the user's home.
async function signIn(email, password = PASSWORD) {
  await page.fill("#email", email);
  await page.fill("#password", password);
  await page.click("#sign-in-submit");
  if (password === PASSWORD) await passSecondFactor(page, email);
}

// The built files every staff page loads, as the first page got them.
const built = [];
page.on("response", (r) => {
  if (/\/pkg\/frontend-[0-9a-f]{16}(_bg\.wasm|\.js)$|\.css\?v=[0-9a-f]{16}$/.test(r.url())) built.push(r);
});

try {
  step("a citizen searches the public directory of the province and opens a facility");
  await page.goto(`${base}/directory`);
  await page.locator("#directory-tenants a", { hasText: "Provincia di Brescia" }).click();
  await page.locator("#directory-count", { hasText: "strutture trovate" }).waitFor();
  await page.waitForSelector("main[data-hydrated=true]");
  // Day centres too: the demo imports Regione Lombardia's CDI and social units registers beside the RSA.
  await page.fill("#d-q", "centro diurno");
  await page.getByRole("button", { name: "Cerca", exact: true }).click();
  await page.locator("#directory-results a", { hasText: "CDI" }).first().waitFor();
  const dayCentres = parseInt((await page.locator("#directory-count").innerText()).replace(/\./g, ""), 10);
  if (!(dayCentres >= 20)) throw new Error(`day centres found: ${dayCentres}`);
  // And the sheltered flats of the social units register.
  await page.fill("#d-q", "alloggi protetti");
  await page.getByRole("button", { name: "Cerca", exact: true }).click();
  await page.locator("#directory-results a", { hasText: "ALLOGGI PROTETTI" }).first().waitFor();
  await page.fill("#d-q", "rsa almici");
  await page.getByRole("button", { name: "Cerca", exact: true }).click();
  await page.locator("#directory-count", { hasText: "1 struttura trovata" }).waitFor();
  await page.locator("#directory-results a", { hasText: "EVARISTO ALMICI" }).click();
  await page.locator("h1", { hasText: "RSA - EVARISTO ALMICI" }).waitFor();
  await page.locator("#places", { hasText: "Posti autorizzati: 56" }).waitFor();
  if ((await page.title()) !== "RSA - EVARISTO ALMICI") throw new Error(`title: ${await page.title()}`);

  step("a citizen reaches the benefits checker directly: the catalogue is server-rendered, the questionnaire starts");
  const served = await (await fetch(`${base}/checker/comune-di-brescia`, { headers: { "accept-language": "it" } })).text();
  if (!served.includes('data-code="assegno_unico"') || !served.includes("Assegno unico")) throw new Error("the catalogue is not in the served page");
  await page.goto(`${base}/checker`);
  await page.locator("#checker-tenants a", { hasText: "Comune di Brescia" }).click();
  await page.locator("#all-benefits li[data-code=brescia_trasporto_sociale]").waitFor();
  await page.locator("ow-benefits-checker[data-state=ready]").waitFor();
  await page.locator("#all-benefits li[data-code=assegno_unico] summary").click();
  await page.locator("#all-benefits li[data-code=assegno_unico] dl").waitFor();
  const [asked, violations] = await axe(page, "body", "label");
  if (asked < 1 || violations.length) throw new Error(`axe on the checker page (${asked} labels): ${violations.join("; ")}`);

  step("the bundle and the stylesheets come compressed, under the build's names, kept for a year");
  if (built.length < 4) throw new Error(`built files loaded: ${built.map((r) => r.url()).join(", ")}`);
  for (const r of built) {
    const h = await r.allHeaders();
    // Chromium asks for brotli (on loopback and over HTTPS).
    if (h["content-encoding"] !== "br") throw new Error(`${r.url()}: sent as ${h["content-encoding"]}`);
    if (h["cache-control"] !== "public, max-age=31536000, immutable") throw new Error(`${r.url()}: ${h["cache-control"]}`);
  }

  step("unsigned visitors are sent to the sign-in page");
  await page.goto(`${base}/`);
  await page.waitForURL(`${base}/sign-in`);
  await page.waitForSelector("main[data-hydrated=true]");

  step("a wrong password shows a translated error and keeps the form");
  await signIn("assistente.sociale@demo.openwelfare.it", "sbagliata");
  await page.getByText("Email o password non corrette.").waitFor();
  if ((await page.inputValue("#email")) !== "assistente.sociale@demo.openwelfare.it") throw new Error("email lost");

  step("sign in as the social worker");
  await signIn("assistente.sociale@demo.openwelfare.it");
  await page.getByText("Buongiorno, Giulia Ferrari").waitFor();
  await page.locator("#tenant-name", { hasText: "Comune di Brescia" }).waitFor();
  await page.locator("#home-role", { hasText: "Assistente sociale" }).waitFor();

  step("switch tenant from the header");
  const rezzato = await page.locator("#tenant-switch option", { hasText: "Comune di Rezzato" }).getAttribute("value");
  await page.selectOption("#tenant-switch", rezzato);
  await page.locator("#tenant-name", { hasText: "Comune di Rezzato" }).waitFor();

  step("switch to English");
  await page.click("button[lang=en]");
  await page.getByText("Hello, Giulia Ferrari").waitFor();
  await page.locator("#home-role", { hasText: "Social worker" }).waitFor();
  await page.screenshot({ path: path.join(process.env.OW_SCREENSHOT_DIR || os.tmpdir(), "ow-home-en.png") });

  step("the choice survives a reload (server-rendered in English)");
  await page.reload();
  await page.getByText("Hello, Giulia Ferrari").waitFor();
  await page.locator("#tenant-name", { hasText: "Comune di Rezzato" }).waitFor();

  step("sign out");
  await page.click("#sign-out");
  await page.waitForURL(`${base}/sign-in`);
  await page.goto(`${base}/`);
  await page.waitForURL(`${base}/sign-in`);

  step("the province admin activates a comune from the ISTAT list and builds a zone");
  await signIn("provincia@demo.openwelfare.it");
  await page.goto(`${base}/tenants`);
  await page.waitForSelector("main[data-hydrated=true]");
  await page.locator("#tenant-tree", { hasText: "Ambito 1" }).waitFor();
  await page.fill("#comune-search", "gardone");
  const riviera = page.locator("#comune-results li", { hasText: "Gardone Riviera" });
  await riviera.getByRole("button", { name: "Attiva" }).click();
  await page.locator("#tenant-tree", { hasText: "Comune di Gardone Riviera" }).waitFor();
  await riviera.getByText("già attivo").waitFor();
  await riviera.getByRole("button", { name: "Aggiungi all'ambito" }).click();
  await page.locator("#comune-results li", { hasText: "Gardone Val Trompia" }).getByRole("button", { name: "Aggiungi all'ambito" }).click();
  await page.locator("#zone-draft li").nth(1).waitFor();
  await page.fill("#zone-name", "Ambito 4 – Valle Trompia e Garda");
  await page.getByRole("button", { name: "Crea l'ambito" }).click();
  await page.locator("#tenant-tree li", { hasText: "Ambito 4 – Valle Trompia e Garda" }).getByText("Comune di Gardone Riviera").waitFor();

  step("the province admin finds an RSA of the imported regional registers (105 RSA, 63 CDI, 29 social units) and unpublishes it");
  await page.goto(`${base}/facilities`);
  await page.locator("#facility-count", { hasText: "197 schede trovate" }).waitFor();
  await page.fill("#f-q", "nobile richiedei");
  await page.getByRole("button", { name: "Cerca", exact: true }).click();
  await page.locator("#facility-count", { hasText: "1 scheda trovata" }).waitFor();
  await page.locator("#facilities a", { hasText: "RICHIEDEI" }).click();
  await page.waitForSelector("main[data-hydrated=true]");
  await page.locator("main dl", { hasText: "Comune di Gussago" }).waitFor();
  await page.getByRole("button", { name: "Ritira dalla pubblicazione" }).click();
  await page.locator("#history", { hasText: "published" }).waitFor();
  await page.getByRole("button", { name: "Pubblica", exact: true }).waitFor();

  step("the province admin checks a CSV file, then imports it");
  await page.goto(`${base}/facilities/import`);
  await page.waitForSelector("main[data-hydrated=true]");
  const csv = "Codice;Nome;Indirizzo;Istat\nE2E1;CDD Prova E2E;Via Roma 1;017081\n";
  await page.setInputFiles("#import-file", { name: "prova.csv", mimeType: "text/csv", buffer: Buffer.from(csv) });
  await page.fill("#import-mapping", "code=Codice, name=Nome, address=Indirizzo, comune=Istat");
  await page.selectOption("#import-type", "cdd");
  await page.getByRole("button", { name: "Avvia" }).click();
  await page.locator("#import-result", { hasText: "Verifica riuscita" }).waitFor();
  await page.click("label[for=mode-apply]");
  await page.getByRole("button", { name: "Avvia" }).click();
  await page.locator("#import-result", { hasText: "Importazione completata." }).waitFor();
  await page.goto(`${base}/facilities?q=prova+e2e&status=all`);
  await page.locator("#facilities", { hasText: "CDD Prova E2E" }).waitFor();

  step("a tenant admin adds a district; a duplicate is refused with a clear message and the input kept");
  await page.click("#sign-out");
  await page.waitForURL(`${base}/sign-in`);
  await signIn("admin.bologna@demo.openwelfare.it");
  await page.goto(`${base}/districts`);
  await page.waitForSelector("main[data-hydrated=true]");
  await page.locator("#districts", { hasText: "Santo Stefano" }).waitFor();
  await page.fill("#name", "Navile");
  await page.getByRole("button", { name: "Aggiungi", exact: true }).click();
  await page.getByText("Esiste già un quartiere con questo nome.").waitFor();
  if ((await page.inputValue("#name")) !== "Navile") throw new Error("the rejected input was lost");
  await page.fill("#name", "Bolognina");
  await page.fill("#code", "Q10");
  await page.getByRole("button", { name: "Aggiungi", exact: true }).click();
  await page.locator("#districts", { hasText: "Bolognina" }).waitFor();

  step("the tenant admin adds the organisation running a service; a wrong VAT number is refused on its field");
  await page.goto(`${base}/organizations/new`);
  await page.waitForSelector("main[data-hydrated=true]");
  await page.fill("#org-name", "Cooperativa Sociale Prova E2E");
  await page.fill("#org-vat_number", "01148190548");
  await page.getByRole("button", { name: "Salva", exact: true }).click();
  await page.locator("#org-vat_number-error", { hasText: "Partita IVA non valida" }).waitFor();
  if ((await page.inputValue("#org-name")) !== "Cooperativa Sociale Prova E2E") throw new Error("the rejected input was lost");
  await page.fill("#org-vat_number", "01148190547");
  await page.getByRole("button", { name: "Salva", exact: true }).click();
  await page.getByText("Ente gestore salvato.").waitFor();

  step("… and a facility run by it, in the new district");
  await page.goto(`${base}/facilities/new`);
  await page.waitForSelector("main[data-hydrated=true]");
  await page.fill("#form-name", "Centro diurno Prova E2E");
  await page.selectOption("#form-facility_type", "cdd");
  await page.click("label[for=form-area-disabili]");
  await page.selectOption("#form-setting", "day");
  await page.fill("#form-address", "Via Prova 1");
  await page.selectOption("#form-organization_id", { label: "Cooperativa Sociale Prova E2E" });
  await page.selectOption("#form-district_id", { label: "Bolognina" });
  await page.getByRole("button", { name: "Salva", exact: true }).click();
  await page.getByRole("link", { name: "Centro diurno Prova E2E" }).click();
  await page.locator("main dl", { hasText: "Cooperativa Sociale Prova E2E" }).waitFor();
  await page.locator("main dl", { hasText: "Bolognina" }).waitFor();

  step("the tenant admin keeps the benefits catalogue: a broken rule is saved and named by its line, never published");
  await page.click("a[href='/benefits']");
  await page.locator("#benefit-entries tr[data-code=bologna_contributo_affitto]").waitFor();
  await page.waitForSelector("main[data-hydrated=true]");
  await page.getByRole("link", { name: "Modifica regole e casi di prova" }).click();
  await page.locator("#rules-check [data-check=ok]").waitFor();
  await page.waitForSelector("main[data-hydrated=true]");
  const rules = await page.inputValue("#rules-draft");
  await page.fill("#rules-draft", rules.replace('"parameters": {', '"parameters": {,'));
  await page.getByRole("button", { name: "Salva e verifica" }).click();
  await page.locator("#rules-check [data-check=broken]", { hasText: "riga 2" }).waitFor();
  if (!(await page.inputValue("#rules-draft")).includes('{,')) throw new Error("the broken draft was not kept");
  if (await page.getByRole("button", { name: "Pubblica le regole" }).isEnabled()) throw new Error("a broken draft can be published");

  step("… corrected, checked against its test cases and published");
  await page.fill("#rules-draft", rules.replace("not read on comune.bologna.it", "not yet read on comune.bologna.it"));
  await page.getByRole("button", { name: "Salva e verifica" }).click();
  await page.locator("#rules-check [data-check=ok]", { hasText: "non superati: 0" }).waitFor();
  await page.getByRole("button", { name: "Pubblica le regole" }).click();
  await page.getByText("Regole pubblicate: il verificatore le usa da subito.").waitFor();

  step("… retires a benefit and publishes it again; a blank name is refused on its field");
  await page.goto(`${base}/benefits`);
  await page.waitForSelector("main[data-hydrated=true]");
  const meals = page.locator("#benefit-entries tr[data-code=bologna_pasti_gratuiti_mense_bio]");
  await meals.getByRole("button", { name: /^Ritira/ }).click();
  await meals.locator(".badge", { hasText: "Ritirata" }).waitFor();
  await meals.getByRole("button", { name: /^Ripristina come bozza/ }).click();
  await meals.getByRole("button", { name: /^Pubblica/ }).click();
  await meals.locator(".badge", { hasText: "Pubblicata" }).waitFor();
  await meals.locator("a").first().click();
  await page.waitForSelector("#entry-form");
  await page.waitForSelector("main[data-hydrated=true]");
  const mealsName = await page.inputValue("#name_it");
  await page.fill("#name_it", "");
  await page.getByRole("button", { name: "Salva", exact: true }).click();
  await page.locator("#name_it-error", { hasText: "Campo obbligatorio" }).waitFor();
  const [fields, problems] = await axe(page, "main", "label");
  if (fields < 10 || problems.length) throw new Error(`axe on the entry form (${fields} labels): ${problems.join("; ")}`);
  if ((await page.inputValue("#be-legal_reference")) === "") throw new Error("the other fields were lost");
  await page.fill("#name_it", `${mealsName} (rivisto)`);
  await page.getByRole("button", { name: "Salva", exact: true }).click();
  await page.getByText("Prestazione salvata:").waitFor();
  const published = await (await fetch(`${base}/api/public/v1/comune-di-bologna/benefits`)).json();
  const names = published.administrations.flatMap((a) => a.benefits.map((b) => b.name));
  if (!names.includes(`${mealsName} (rivisto)`)) throw new Error(`the public catalogue: ${names}`);

  step("the front desk logs a contact: five choices, then Enter on the button");
  await page.click("#sign-out");
  await page.waitForURL(`${base}/sign-in`);
  await signIn("sportello@demo.openwelfare.it");
  await page.getByRole("link", { name: "Nuovo contatto" }).first().click();
  await page.waitForSelector("#contact-form");
  await page.waitForSelector("main[data-hydrated=true]");
  const started = Date.now();
  await page.focus("#area");
  await page.selectOption("#area", "anziani");
  await page.keyboard.press("Tab");
  await page.selectOption("#request_type", "interventi_domiciliari");
  await page.selectOption("#age_band", "65+");
  await page.click("label[for=gender-female]");
  await page.selectOption("#outcome", "referred_social_service");
  await page.focus("#contact-form button[type=submit]");
  await page.keyboard.press("Enter");
  await page.locator("#contact-saved", { hasText: "Contatto registrato" }).waitFor();
  console.log(`measure: contact saved ${Date.now() - started} ms after the form was ready (scripted input)`);
  // The next contact starts from the defaults.
  await page.waitForFunction(() => document.querySelector("#area")?.value === "", null, { timeout: 5000 });
  step("a missing answer is named on its field, and the other answers stay");
  await page.selectOption("#area", "disabili");
  await page.locator("#contact-form button[type=submit]").click();
  await page.locator("#request_type-error").waitFor();
  if ((await page.inputValue("#area")) !== "disabili") throw new Error("an answer was lost");
  await page.goto(`${base}/contacts`);
  await page.locator("#contacts td", { hasText: "Assistenza domiciliare" }).first().waitFor();

  step("the social worker opens a case from that contact: the person starts from what the desk recorded");
  await page.click("#sign-out");
  await page.waitForURL(`${base}/sign-in`);
  await page.fill("#email", "assistente.sociale@demo.openwelfare.it");
  await page.fill("#password", PASSWORD);
  await page.click("#sign-in-submit");
  await passSecondFactor(page, "assistente.sociale@demo.openwelfare.it");
  // She chose English above; back to Italian.
  await page.getByText("Hello, Giulia Ferrari").waitFor();
  await page.click("button[lang=it]");
  await page.getByText("Buongiorno, Giulia Ferrari").waitFor();
  if (!(await page.locator("#tenant-name").innerText()).includes("Comune di Brescia")) {
    const brescia = await page.locator("#tenant-switch option", { hasText: "Comune di Brescia" }).getAttribute("value");
    await page.selectOption("#tenant-switch", brescia);
    await page.locator("#tenant-name", { hasText: "Comune di Brescia" }).waitFor();
  }
  await page.goto(`${base}/contacts`);
  await page.getByRole("link", { name: "Apri presa in carico" }).first().click();
  await page.waitForSelector("#person-form");
  await page.waitForSelector("main[data-hydrated=true]");
  if ((await page.inputValue("#sex")) !== "F") throw new Error("the contact's gender did not reach the form");
  await page.fill("#last_name", "Bianchi");
  await page.fill("#first_name", "Rosa");
  await page.fill("#birth_date", "1941-03-12");
  await page.locator("#person-form button[type=submit]").click();
  await page.locator("#person-saved").waitFor();
  await page.click("#open-case");
  await page.waitForSelector("#case-form");
  await page.waitForSelector("main[data-hydrated=true]");
  if ((await page.inputValue("#area")) !== "anziani") throw new Error("the contact's area did not reach the case");
  await page.locator("#case-form button[type=submit]").click();
  await page.locator("#case-title", { hasText: "Bianchi Rosa" }).waitFor();
  const caseUrl = page.url();

  step("the worker records needs; a restricted section stays locked without a grant");
  await page.locator("#case-sections li", { hasText: "Atti giudiziari" }).getByText("Accesso riservato").waitFor();
  await page.locator("#case-sections a", { hasText: "Bisogni" }).click();
  await page.waitForSelector("#section-form");
  await page.waitForSelector("main[data-hydrated=true]");
  await page.selectOption("#e0-need", "care");
  await page.fill("#e0-notes", "Vive sola, non esce più di casa da sola");
  await page.locator("#section-form button[type=submit]").click();
  await page.locator("#section-saved").waitFor();
  await page.locator("#section-history li", { hasText: "Bisogno, Note" }).waitFor();
  // A second need goes in the blank entry the saved form offers.
  await page.selectOption("#e1-need", "economic");
  await page.locator("#section-form button[type=submit]").click();
  await page.locator("#section-history li", { hasText: "v2" }).waitFor();

  step("a negative amount is refused on its field; the other answers stay");
  await page.goto(page.url().replace("/sections/needs", "/sections/socio_economic"));
  await page.waitForSelector("main[data-hydrated=true]");
  await page.selectOption("#e0-work", "retired");
  await page.fill("#e0-isee", "-5");
  await page.locator("#section-form button[type=submit]").click();
  await page.locator("#e0-isee-error", { hasText: "Importo non valido" }).waitFor();
  if ((await page.inputValue("#e0-work")) !== "retired") throw new Error("an answer was lost");
  await page.fill("#e0-isee", "9.360,00");
  await page.locator("#section-form button[type=submit]").click();
  await page.locator("#section-saved").waitFor();

  step("on a phone, the case page fits the screen");
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto(page.url().replace(/\/sections\/.*$/, ""));
  await page.locator("#case-title", { hasText: "Bianchi Rosa" }).waitFor();
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  if (overflow > 0) throw new Error(`the case page is ${overflow}px wider than a phone`);
  await page.setViewportSize({ width: 1280, height: 800 });

  step("assessment, then the plan (PAI), then an intervention with its cost");
  await page.waitForSelector("main[data-hydrated=true]");
  await page.click("#new-assessment summary");
  await page.fill("#as-problems", "Non esce più di casa da sola; difficoltà nell'igiene personale");
  await page.fill("#as-summary", "Parziale non autosufficienza, rete familiare debole");
  await page.locator("#assessment-form button[type=submit]").click();
  await page.locator("#assessments article", { hasText: "Parziale non autosufficienza" }).waitFor();
  await page.click("#new-plan summary");
  await page.fill("#np-goals", "Restare a casa in sicurezza");
  const inAWeek = new Date(Date.now() + 7 * 86400e3).toISOString().slice(0, 10);
  await page.fill("#np-review", inAWeek);
  await page.locator("#plan-form button[type=submit]").click();
  await page.locator("#plans .plan-status", { hasText: "Avviato" }).waitFor();
  // A save loads the page again: the next forms are used once it is interactive.
  await page.waitForSelector("main[data-hydrated=true]");
  // A refused change shows on its own plan's form only, not on the new-plan form.
  const plan = page.locator("#plans article").first();
  await plan.locator("details summary").first().click();
  await plan.locator("form.plan-edit input[name=next_review_on]").fill("2020-01-01");
  await plan.locator("form.plan-edit button[type=submit]").click();
  await plan.locator("form.plan-edit [id$=-review-error]").waitFor();
  if (await page.locator("#np-review-error").count()) throw new Error("a plan's error shows on the new-plan form");
  await page.click("#new-intervention summary");
  await page.selectOption("#iv-kind", "interventi_domiciliari");
  await page.fill("#iv-start", "2026-11-02");
  await page.fill("#iv-quantity", "20");
  await page.selectOption("#iv-unit", "hours");
  await page.fill("#iv-cost", "-5");
  await page.locator("#intervention-form button[type=submit]").click();
  await page.locator("#iv-cost-error", { hasText: "Importo non valido" }).waitFor();
  if ((await page.inputValue("#iv-quantity")) !== "20") throw new Error("an answer was lost");
  await page.fill("#iv-cost", "450,00");
  await page.locator("#intervention-form button[type=submit]").click();
  await page.locator("#total-cost", { hasText: "450,00 €" }).waitFor();
  await page.waitForSelector("main[data-hydrated=true]");

  step("… then corrects the intervention's cost; a refused correction shows on its own form only");
  await page.locator("#interventions a", { hasText: "Correggi" }).first().click();
  await page.waitForSelector("main[data-hydrated=true]");
  await page.locator("h1", { hasText: "Correggi:" }).waitFor();
  if ((await page.inputValue("#iv-cost")) !== "450,00") throw new Error("the form does not show the cost");
  await page.fill("#iv-cost", "-1");
  await page.locator("#intervention-form button[type=submit]").click();
  await page.locator("#iv-cost-error", { hasText: "Importo non valido" }).waitFor();
  await page.fill("#iv-cost", "500,00");
  await page.locator("#intervention-form button[type=submit]").click();
  await page.locator("[role=status]", { hasText: "Intervento corretto" }).waitFor();
  await page.click("text=Torna alla presa in carico");
  await page.locator("#total-cost", { hasText: "500,00 €" }).waitFor();

  step("the review falls due on the worker's home");
  await page.goto(`${base}/`);
  await page.locator("#reviews-due a", { hasText: "Bianchi Rosa" }).waitFor();
  await page.locator("#my-cases a", { hasText: "Bianchi Rosa" }).waitFor();

  step("the worker refers the case to a cooperative; a missing operator is named on its field");
  await page.goto(caseUrl);
  await page.waitForSelector("main[data-hydrated=true]");
  await page.click("#new-referral summary");
  await page.selectOption("#ref-organization", { label: "Cooperativa sociale Il Ponte" });
  await page.click("label[for=ref-sec-needs]");
  await page.fill("#ref-reason", "Assistenza domiciliare tre mattine a settimana");
  await page.locator("#referral-form button[type=submit]").click();
  await page.locator("#ref-operator-error").waitFor();
  if ((await page.inputValue("#ref-reason")) === "") throw new Error("the request was lost");
  await page.selectOption("#ref-operator", { label: "Davide Bertoli" });
  await page.locator("#referral-form button[type=submit]").click();
  await page.locator("#referrals tr", { hasText: "In attesa di risposta" }).waitFor();

  step("the operator accepts it and sees the shared section, nothing else");
  await page.click("#sign-out");
  await page.waitForURL(`${base}/sign-in`);
  await signIn("terzo.settore@demo.openwelfare.it");
  await page.click("a[href='/referrals']");
  const referral = page.locator("article.referral", { hasText: "Assistenza domiciliare tre mattine" });
  await referral.waitFor();
  await page.waitForSelector("main[data-hydrated=true]");
  if (await referral.getByText("Bianchi Rosa").count()) throw new Error("the person was named before accepting");
  await referral.locator("label", { hasText: "Accetto" }).click();
  await referral.locator("button[type=submit]").click();
  await page.locator("article.referral a", { hasText: "Bianchi Rosa" }).click();
  await page.locator("#case-title", { hasText: "Bianchi Rosa" }).waitFor();
  await page.locator("#case-sections a", { hasText: "Bisogni" }).waitFor();
  if (await page.locator("#case-sections a", { hasText: "Abitazione" }).count()) throw new Error("an unshared section is open");
  if (await page.locator("#case-work").count()) throw new Error("the operator sees the work on the case");

  if (errors.length) throw new Error(`page errors: ${errors.join("; ")}`);
  console.log("staff.mjs: all steps passed");
} catch (e) {
  await page.screenshot({ path: path.join(process.env.OW_SCREENSHOT_DIR || os.tmpdir(), "ow-failure.png") }).catch(() => {});
  console.error(e);
  console.error(`page errors: ${errors.join("; ")}`);
  process.exitCode = 1;
} finally {
  await browser.close();
}
