// Opens a page served by `vouch serve` in headless Chromium, edits the source
// file, and waits for the open page to show the edit without a manual reload.
// usage: node live-reload.mjs URL FILE FIND REPLACE
import { chromium } from "playwright-core";
import { readFileSync, writeFileSync } from "node:fs";
import { launchOptions } from "./browser.mjs";

const [url, file, find, replace] = process.argv.slice(2);
const browser = await chromium.launch(launchOptions());
try {
  const page = await browser.newPage();
  let navigations = 0;
  page.on("framenavigated", (f) => { if (f === page.mainFrame()) navigations++; });
  await page.goto(url, { waitUntil: "load" });
  await page.waitForTimeout(300); // let the event stream connect
  const before = await page.innerText("main");
  if (before.includes(replace)) throw new Error("page already shows the replacement");
  const text = readFileSync(file, "utf8");
  if (!text.includes(find)) throw new Error(`${file} does not contain ${find}`);
  writeFileSync(file, text.replace(find, replace));
  await page.waitForFunction((r) => document.querySelector("main")?.innerText.includes(r), replace, { timeout: 20000 });
  console.log(`live reload ok after ${navigations - 1} automatic reload(s)`);
} finally {
  await browser.close();
}
