// Reads every page kind the way a buyer does: at 1280×800 and 390×844, in light
// and dark, with a screenshot of each (saved under OUT_DIR, never committed), and
// fails on
// - horizontal overflow of the page (a table may scroll inside its own wrapper);
// - a word broken inside a table cell (each word's rendered line boxes, via
//   Range.getClientRects, must sit on one line; tokens of 30+ characters, URLs
//   and hashes, may break);
// - a register column cut off on a phone (every cell of the first row visible);
// - missing or non-working "Copy link" / "Copy answer" buttons (the clipboard is
//   read back);
// - search not finding a phrase from the last paragraph of the longest document.
// usage: node ux.mjs OUT_DIR SITE_DIR/EDITION [...]
import { chromium } from "playwright-core";
import { readFileSync, mkdirSync } from "node:fs";
import { join, basename } from "node:path";
import { launchOptions } from "./browser.mjs";
import { serve } from "./server.mjs";

const VIEWPORTS = [{ width: 1280, height: 800 }, { width: 390, height: 844 }];
const SCHEMES = ["light", "dark"];

/* One URL per page kind: the lists, and the first page under each list. */
function pageKinds(urls) {
  const kinds = ["/", "/search/", "/404.html"];
  const lists = ["/controls/", "/systems/", "/policies/", "/assessments/", "/notices/", "/risks/", "/suppliers/", "/evidence/", "/faq/", "/readiness/", "/crosswalks/"];
  for (const l of lists) {
    if (!urls.includes(l)) continue;
    kinds.push(l);
    const item = urls.find((u) => u.startsWith(l) && u !== l);
    if (item) kinds.push(item);
  }
  for (const u of ["/changelog/", "/scope/"]) if (urls.includes(u)) kinds.push(u);
  return kinds;
}

/* Runs in the page: horizontal overflow, words broken in table cells, and on a
   phone register cells outside the viewport. */
function inspect() {
  const out = [];
  const doc = document.documentElement;
  if (doc.scrollWidth > window.innerWidth + 1) out.push(`page overflows horizontally: ${doc.scrollWidth}px in ${window.innerWidth}px`);
  for (const cell of document.querySelectorAll("main td, main th")) {
    if (!cell.getClientRects().length) continue;
    const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const re = /[^\s\-\u2010-\u2014\/]+/g;
      let m;
      while ((m = re.exec(node.data))) {
        if (m[0].length >= 30) continue;
        const range = document.createRange();
        range.setStart(node, m.index);
        range.setEnd(node, m.index + m[0].length);
        const tops = new Set(Array.from(range.getClientRects()).filter((r) => r.width > 0).map((r) => Math.round(r.top)));
        if (tops.size > 1) out.push(`word broken across lines in a table cell: "${m[0]}"`);
      }
    }
  }
  if (window.innerWidth < 600) {
    for (const table of document.querySelectorAll("main table.data-table")) {
      const row = table.tBodies[0] && table.tBodies[0].rows[0];
      if (!row) continue;
      for (const c of row.cells) {
        const r = c.getBoundingClientRect();
        if (r.width && r.right > window.innerWidth + 1) out.push(`register column "${c.getAttribute("data-label")}" is off-screen on a phone`);
      }
    }
  }
  return out;
}

async function readClipboard(page, click) {
  await page.evaluate(() => navigator.clipboard.writeText(""));
  await click.click();
  await page.waitForFunction(() => navigator.clipboard.readText().then((t) => t.length > 0), null, { timeout: 3000 });
  return page.evaluate(() => navigator.clipboard.readText());
}

async function checkCopy(page, base, urls, problems) {
  const control = urls.find((u) => /^\/controls\/[^/]+\/$/.test(u));
  const system = urls.find((u) => /^\/systems\/[^/]+\/$/.test(u));
  const doc = urls.find((u) => /^\/policies\/[^/]+\/$/.test(u));
  for (const u of [control, system, doc, "/faq/"].filter(Boolean)) {
    await page.goto(base + u, { waitUntil: "load" });
    const n = await page.locator("button.copy-link").count();
    if (!n) { problems.push(`${u}: no copy buttons`); continue; }
    const first = page.locator("button.copy-link[data-url]").first();
    const url = await first.getAttribute("data-url");
    const got = await readClipboard(page, first);
    if (got !== url) problems.push(`${u}: "Copy link" copied ${JSON.stringify(got)}, not ${url}`);
    const name = await first.getAttribute("aria-label") || await first.textContent();
    if (!/Copy link/.test(name)) problems.push(`${u}: copy button has no accessible name naming it`);
  }
  for (const u of [control, "/faq/"].filter(Boolean)) {
    await page.goto(base + u, { waitUntil: "load" });
    const answer = page.locator("button.copy-answer").first();
    if (!(await answer.count())) { problems.push(`${u}: no "Copy answer" button`); continue; }
    const got = await readClipboard(page, answer);
    if (!/\n\nhttps?:\/\/\S+$/.test(got) || got.length < 40) problems.push(`${u}: "Copy answer" copied ${JSON.stringify(got.slice(0, 120))}, not text and a link`);
  }
  const headings = doc ? await (async () => { await page.goto(base + doc, { waitUntil: "load" }); return page.locator("main h2[id] button.copy-heading").count(); })() : 1;
  if (!headings) problems.push(`${doc}: section headings have no "Copy link"`);
}

/* The longest document's last paragraph: a phrase from it must be found. */
async function checkSearch(page, base, dir, problems) {
  const index = JSON.parse(readFileSync(join(dir, "search-index.json"), "utf8"));
  const lines = [];
  for (let n = 0; n * index.per < index.pages; n++) {
    lines.push(...JSON.parse(readFileSync(join(dir, `search-index/docs-${n}.json`), "utf8")).split("\n"));
  }
  let best = null;
  for (const [n, first] of index.chunks.entries()) {
    const texts = JSON.parse(readFileSync(join(dir, `search-index/text-${n}.json`), "utf8"));
    texts.forEach((t, i) => {
      const [u, , k] = lines[first + i].split("\t");
      const d = { u, k };
      if (d.k === "document" && (!best || t.length > best.len)) best = { u: d.u, len: t.length };
    });
  }
  if (!best) return;
  await page.goto(base + best.u, { waitUntil: "load" });
  const last = await page.evaluate(() => {
    const ps = Array.from(document.querySelectorAll(".doc-body > p")).map((p) => p.textContent.trim()).filter((t) => t.split(/\s+/).length >= 6);
    return ps.length ? ps[ps.length - 1] : "";
  });
  const phrase = last.split(/\s+/).slice(-6).join(" ").replace(/[^\p{L}\p{N}\s.-]/gu, " ");
  await page.goto(`${base}/search/?q=${encodeURIComponent(phrase)}`, { waitUntil: "load" });
  try {
    await page.waitForFunction((u) => Array.from(document.querySelectorAll("#search-results a.result-title")).some((a) => a.getAttribute("href") === u), best.u, { timeout: 5000 });
  } catch { problems.push(`${dir}: search for "${phrase}" (the last paragraph of ${best.u}) did not find it`); }
  // Typo tolerance: a swap of two letters, and a missing hyphen and letter.
  for (const [typo, meant] of [["oversihgt", "oversight"], ["subprocesor", "sub-processor"]]) {
    await page.goto(`${base}/search/?q=${typo}`, { waitUntil: "load" });
    try {
      await page.waitForFunction((meant) => document.querySelector("#search-results li a[href]") && document.getElementById("search-status").textContent.includes(`close spellings: ${meant}`), meant, { timeout: 5000 });
    } catch { problems.push(`${dir}: search for "${typo}" did not find "${meant}" (${await page.locator("#search-status").textContent()})`); }
  }
  // Only the first screen's titles load before results show; the others
  // load later and must all end up as links, even when the first two page
  // lists asked for fail once (the results show, and the lists are asked
  // for again).
  let failures = 0;
  const docs = /\/search-index\/docs-\d+\.json$/;
  await page.route(docs, (route) => (failures++ < 2 ? route.fulfill({ status: 503, body: "" }) : route.continue()));
  await page.goto(`${base}/search/?q=ai`, { waitUntil: "load" });
  await page.waitForSelector("#search-results li");
  const items = page.locator("#search-results li");
  const n = await items.count();
  if (n <= 10) problems.push(`${dir}: search for "ai" showed ${n} results, too few to test results past the first screen`);
  for (let i = 0; i < n; i++) await items.nth(i).scrollIntoViewIfNeeded();
  try {
    await page.waitForFunction(() => Array.from(document.querySelectorAll("#search-results a.result-title")).every((a) => a.getAttribute("href") && !/Loading/.test(a.textContent)), null, { timeout: 5000 });
  } catch { problems.push(`${dir}: results of a search for "ai" never all got their titles (${failures} page-list requests, the first two failed)`); }
  await page.unroute(docs);
}

/* Chromium cannot capture one image taller than its texture limit (16,384
   pixels; the internal evidence list on a phone is about 17,000), so a tall
   page is saved as several tiles of TILE pixels, which together cover it. */
const TILE = 8000;
async function screenshot(page, stem) {
  const { width, height } = await page.evaluate(() => ({ width: document.documentElement.scrollWidth, height: document.documentElement.scrollHeight }));
  if (height <= TILE) return page.screenshot({ path: `${stem}.png`, fullPage: true });
  for (let y = 0, n = 1; y < height; y += TILE, n++) {
    await page.screenshot({ path: `${stem}-${n}.png`, fullPage: true, clip: { x: 0, y, width, height: Math.min(TILE, height - y) } });
  }
}

async function checkEdition(browser, out, dir, problems) {
  const server = await serve(dir);
  const base = `http://127.0.0.1:${server.address().port}`;
  const urls = JSON.parse(readFileSync(join(dir, "urls.json"), "utf8")).urls;
  const edition = basename(dir);
  let shots = 0;
  for (const viewport of VIEWPORTS) {
    for (const colorScheme of SCHEMES) {
      const context = await browser.newContext({ viewport, colorScheme });
      const page = await context.newPage();
      page.on("pageerror", (e) => problems.push(`${edition}: script error: ${e.message}`));
      for (const u of pageKinds(urls)) {
        await page.goto(base + u, { waitUntil: "load" });
        const name = (u.replace(/[^a-z0-9]+/gi, "-").replace(/^-|-$/g, "") || "home");
        await screenshot(page, join(out, `${edition}-${name}-${viewport.width}-${colorScheme}`));
        shots++;
        for (const p of await page.evaluate(inspect)) problems.push(`${edition} ${u} at ${viewport.width}px ${colorScheme}: ${p}`);
      }
      await context.close();
    }
  }
  const context = await browser.newContext();
  await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: base });
  const page = await context.newPage();
  await checkCopy(page, base, urls, problems);
  await checkSearch(page, base, dir, problems);
  await context.close();
  server.close();
  console.log(`${dir}: ${shots} screenshots`);
}

const [out, ...dirs] = process.argv.slice(2);
mkdirSync(out, { recursive: true });
const browser = await chromium.launch(launchOptions());
const problems = [];
try {
  for (const d of dirs) await checkEdition(browser, out, d, problems);
} finally {
  await browser.close();
}
for (const p of problems) console.log(p);
console.log(`${problems.length} problem(s)`);
process.exit(problems.length ? 1 : 0);
