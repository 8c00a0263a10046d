// Serves built editions with the security headers from their own `_headers`
// file, opens every published page in headless Chromium, and fails on any
// Content-Security-Policy violation, script error, or axe-core WCAG 2.1 A/AA
// violation. Also exercises search and the copy-link buttons under the CSP.
// usage: node check-site.mjs SITE_DIR/EDITION [...]
import { chromium } from "playwright-core";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { createRequire } from "node:module";
import { launchOptions } from "./browser.mjs";
import { serve } from "./server.mjs";

const require = createRequire(import.meta.url);
const axeSource = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");

async function checkPage(page, url, problems) {
  const before = problems.length;
  const onConsole = (m) => { if (/Content Security Policy|Refused to/i.test(m.text())) problems.push(`${url}: CSP: ${m.text()}`); };
  const onError = (e) => problems.push(`${url}: script error: ${e.message}`);
  page.on("console", onConsole);
  page.on("pageerror", onError);
  const t0 = Date.now();
  await page.goto(url, { waitUntil: "load" });
  if (process.env.VOUCH_SLOW && Date.now() - t0 > 1000) console.log(`slow load ${Date.now() - t0} ms ${url}`);
  const violations = await page.evaluate(() => window.__cspViolations || []);
  for (const v of violations) problems.push(`${url}: CSP violation ${v}`);
  await page.evaluate(axeSource);
  const result = await page.evaluate(() => axe.run(document, { resultTypes: ["violations"], runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] } }));
  for (const v of result.violations) {
    problems.push(`${url}: axe ${v.id} (${v.impact}): ${v.help} — ${v.nodes.slice(0, 3).map((n) => n.target.join(" ")).join(" | ")}`);
  }
  page.off("console", onConsole);
  page.off("pageerror", onError);
  return problems.length === before;
}

async function checkEdition(browser, dir, problems) {
  const server = await serve(dir);
  const base = `http://127.0.0.1:${server.address().port}`;
  const urls = JSON.parse(readFileSync(join(dir, "urls.json"), "utf8")).urls.concat(["/404.html", "/no-such-page/"]);
  const context = await browser.newContext({ colorScheme: "light" });
  await context.addInitScript(() => {
    window.__cspViolations = [];
    document.addEventListener("securitypolicyviolation", (e) => window.__cspViolations.push(`${e.violatedDirective} ${e.blockedURI}`));
  });
  // A few pages at once: the checks are CPU-bound in the browser.
  let ok = 0;
  let next = 0;
  const worker = async () => {
    const p = await context.newPage();
    while (next < urls.length) {
      const u = urls[next++];
      if (await checkPage(p, base + u, problems)) ok++;
    }
    await p.close();
  };
  await Promise.all([worker(), worker(), worker()]);
  const page = await context.newPage();
  // Dark mode must keep contrast too: check a sample of page kinds.
  const dark = await browser.newContext({ colorScheme: "dark" });
  const dpage = await dark.newPage();
  for (const u of ["/", "/controls/", "/systems/", "/faq/"]) await checkPage(dpage, base + u, problems);
  await dark.close();
  // Search works from static files under the CSP.
  await page.goto(`${base}/search/?q=policy`, { waitUntil: "load" });
  try {
    await page.waitForFunction(() => document.querySelectorAll("#search-results li, .search-results li").length > 0, null, { timeout: 5000 });
  } catch { problems.push(`${dir}: search for "policy" showed no results`); }
  // Copy-link buttons are wired by an external script.
  await page.goto(`${base}/faq/`, { waitUntil: "load" });
  const buttons = await page.locator("button.copy-link").count();
  if (buttons === 0) problems.push(`${dir}: FAQ page has no copy-link buttons`);
  await context.close();
  server.close();
  console.log(`${dir}: ${ok}/${urls.length} pages clean`);
}

const dirs = process.argv.slice(2);
const browser = await chromium.launch(launchOptions());
const problems = [];
try {
  for (const d of dirs) await checkEdition(browser, d, problems);
} finally {
  await browser.close();
}
for (const p of problems) console.log(p);
console.log(`${problems.length} problem(s)`);
process.exit(problems.length ? 1 : 0);
