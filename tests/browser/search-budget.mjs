// Measures the search budget: on a built edition, with Chromium's CPU throttled
// (4x by default, a mid-range laptop), the time from submitting the first query
// on a freshly opened /search/ page (once it has settled: it loads the index's
// vocabulary on opening) until its results are shown (the postings shards it
// needs and the page lists of the first screen loaded, ranked, rendered), and
// until the snippets of the results on screen are filled in; and the time from
// a fresh navigation to /search/?q= (page, script, whole index path, query).
// Prints one line per query; exits 1 when a first result list takes longer than
// the budget.
// usage: node search-budget.mjs SITE_DIR/EDITION [BUDGET_MS=300] [RATE=4] [QUERY ...]
import { chromium } from "playwright-core";
import { launchOptions } from "./browser.mjs";
import { serve } from "./server.mjs";

const [dir, budgetArg, rateArg, ...queries] = process.argv.slice(2);
const budget = Number(budgetArg || 300);
const rate = Number(rateArg || 4);
const qs = queries.length ? queries : ["human oversight", "subprocesors", "risk treatment plan", "A.6.2.4"];
const server = await serve(dir);
const base = `http://127.0.0.1:${server.address().port}`;
const browser = await chromium.launch(launchOptions());
let over = 0;
try {
  for (const q of qs) {
    const context = await browser.newContext();
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    await cdp.send("Emulation.setCPUThrottlingRate", { rate });
    // A reader types after the page has settled (its favicon and the
    // vocabulary it loads on opening are in).
    await page.goto(`${base}/search/`, { waitUntil: "networkidle" });
    const t = await page.evaluate((query) => new Promise((done) => {
      const input = document.getElementById("search-input");
      const results = document.getElementById("search-results");
      const status = document.getElementById("search-status");
      const t0 = performance.now();
      let shown = 0;
      const check = () => {
        if (!shown && (results.querySelector("li") || /No results/.test(status.textContent))) shown = performance.now() - t0;
        // Snippets load as they scroll into view: those on screen must be filled.
        const items = Array.from(results.querySelectorAll(".result-snippet")).filter((p) => p.getBoundingClientRect().top < innerHeight);
        const filled = items.every((p) => p.hasAttribute("data-filled"));
        if (shown && filled) { obs.disconnect(); done({ shown, snippets: performance.now() - t0, n: status.textContent }); }
      };
      const obs = new MutationObserver(check);
      obs.observe(document.body, { childList: true, subtree: true, characterData: true });
      input.value = query;
      input.form.requestSubmit();
    }), q);
    if (t.shown > budget) over++;
    // The header's search box: a fresh page load of /search/?q=..., timed from
    // the navigation until the results are shown (page, script, index, query).
    await context.addInitScript(() => {
      new MutationObserver((_, obs) => {
        const st = document.getElementById("search-status");
        if (document.querySelector("#search-results li") || (st && /No results/.test(st.textContent))) {
          window.__shown = performance.now();
          obs.disconnect();
        }
      }).observe(document, { childList: true, subtree: true, characterData: true });
    });
    const page2 = await context.newPage();
    const cdp2 = await context.newCDPSession(page2);
    await cdp2.send("Emulation.setCPUThrottlingRate", { rate });
    await page2.goto(`${base}/search/?q=${encodeURIComponent(q)}`, { waitUntil: "commit" });
    await page2.waitForFunction(() => window.__shown !== undefined, null, { polling: 50 });
    const nav = await page2.evaluate(() => {
      const d = window.__shown;
      const js = performance.getEntriesByType("resource").filter((r) => /search-index/.test(r.name));
      return { at: d, index: js.reduce((n, r) => n + (r.transferSize || r.encodedBodySize || 0), 0) };
    });
    console.log(`${JSON.stringify(q)}: results in ${t.shown.toFixed(0)} ms after submit, snippets in ${t.snippets.toFixed(0)} ms; ` +
      `from a fresh /search/?q= navigation ${nav.at.toFixed(0)} ms (index files ${Math.round(nav.index / 1024)} KiB) at ${rate}x CPU throttling — ${t.n}`);
    await context.close();
  }
} finally {
  await browser.close();
  server.close();
}
process.exit(over ? 1 : 0);
