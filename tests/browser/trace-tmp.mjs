import { chromium } from "playwright-core";
import { launchOptions } from "./browser.mjs";
import { serve } from "./server.mjs";
const [dir, q] = process.argv.slice(2);
const server = await serve(dir);
const base = `http://127.0.0.1:${server.address().port}`;
const browser = await chromium.launch(launchOptions());
const context = await browser.newContext();
const page = await context.newPage();
const cdp = await context.newCDPSession(page);
await cdp.send("Emulation.setCPUThrottlingRate", { rate: 4 });
await page.goto(`${base}/search/`, { waitUntil: "networkidle" });
await browser.startTracing(page, { categories: ["devtools.timeline", "disabled-by-default-devtools.timeline", "v8", "blink", "loading", "toplevel"] });
const t = await page.evaluate((query) => new Promise((done) => {
  const t0 = performance.now();
  const obs = new MutationObserver(() => { if (document.querySelector("#search-results li")) { obs.disconnect(); done(performance.now()-t0); } });
  obs.observe(document.body, { childList: true, subtree: true });
  const i=document.getElementById("search-input"); i.value=query; i.form.requestSubmit();
}), q);
const buf = await browser.stopTracing();
const ev = JSON.parse(buf.toString()).traceEvents;
// renderer main thread: CrRendererMain
const names = {}; ev.filter(e=>e.ph==="M"&&e.name==="thread_name").forEach(e=>names[e.pid+":"+e.tid]=e.args.name);
const main = ev.filter(e=>names[e.pid+":"+e.tid]==="CrRendererMain" && e.ph==="X" && e.dur);
// top-level only: events not contained in another on same thread
main.sort((a,b)=>a.ts-b.ts||b.dur-a.dur);
const tot = {}; let end = 0;
for (const e of main) { if (e.ts >= end) { tot[e.name]=(tot[e.name]||0)+e.dur; end = e.ts+e.dur; } }
console.log("shown", t.toFixed(0));
Object.entries(tot).sort((a,b)=>b[1]-a[1]).slice(0,15).forEach(([k,v])=>console.log((v/1000).toFixed(1).padStart(7),k));
// second-level inside RunTask
const sub = {}; 
for (const e of main) { sub[e.name]=(sub[e.name]||0)+e.dur; }
console.log("--- all (nested double-counted)");
Object.entries(sub).sort((a,b)=>b[1]-a[1]).slice(0,30).forEach(([k,v])=>console.log((v/1000).toFixed(1).padStart(7),k));
await browser.close(); server.close();
