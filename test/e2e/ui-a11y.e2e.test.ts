import { mkdirSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser, openTab as open, rows, type Server, SHOTS, settled, skipWithoutBrowser, startServer, stopServer } from "./ui-harness.ts";

/**
 * Accessibility of the /ui pages, measured in a real Chromium: the WCAG contrast ratio of every visible
 * piece of text against the background it is drawn on (a11y-probe.js), in each page's states (data,
 * tables open, the API-key box, an error, the delete dialog); keyboard order and visible focus; every
 * control named; every chart labelled with a table beside it.
 */
const PROBE = fileURLToPath(new URL("./a11y-probe.js", import.meta.url));
const PAGES = ["costs", "budgets", "prices", "resources"] as const;

interface TextContrast {
  element: string;
  from: string;
  text: string;
  fg: string;
  bg: string;
  ratio: number;
  needs: number;
}
interface Focused {
  element: string;
  id: string;
  text: string;
  focusVisible: boolean;
  outline: number;
  onScreen: boolean;
  tabIndex: number;
}
type Probe = { __a11y: { contrast(): TextContrast[]; focused(): Focused | null } };

let server: Server | undefined;
let browser: Browser | undefined;
const skip = skipWithoutBrowser("ui a11y e2e");

async function tab(problems: string[]) {
  const { page } = await open(browser!, problems);
  await page.addInitScript({ path: PROBE });
  return page;
}

async function load(page: Page, name: string) {
  await page.goto(`${server!.base}/ui/${name}`);
  await page.locator("body[data-rendered]").waitFor({ state: "attached", timeout: 20_000 });
  await settled(page);
}

const contrast = (page: Page) => page.evaluate(() => (globalThis as unknown as Probe).__a11y.contrast());
const failing = (texts: TextContrast[]) => texts.filter((t) => t.ratio < t.needs);

/** Opens every table alternative and shows the API-key box with a message, so their text is measured too. */
async function showEverything(page: Page) {
  await page.locator("details:not([open]) > summary").evaluateAll((summaries) => summaries.forEach((s) => (s as unknown as { click(): void }).click()));
  await page.locator("#auth").evaluate((box) => {
    const b = box as unknown as { hidden: boolean; querySelector(s: string): { textContent: string } };
    b.hidden = false;
    b.querySelector("#auth-message").textContent = "This server needs an API key (401 Unauthorized from GET /v1/catalog).";
  });
}

const report: Record<string, { texts: number; lowest: TextContrast | undefined; failing: TextContrast[] }> = {};
function record(state: string, texts: TextContrast[]) {
  const lowest = [...texts].sort((a, b) => a.ratio / a.needs - b.ratio / b.needs)[0];
  report[state] = { texts: texts.length, lowest, failing: failing(texts) };
}

describe.skipIf(skip)("the /ui pages: contrast, keyboard, names (real browser, mock mode)", () => {
  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    server = await startServer();
    browser = await launchBrowser();
  });

  afterAll(async () => {
    if (Object.keys(report).length) writeFileSync(`${SHOTS}contrast.json`, `${JSON.stringify(report, null, 2)}\n`);
    await browser?.close().catch(() => undefined);
    await stopServer(server);
  });

  it("every visible text has a WCAG contrast ratio of at least 4.5:1 (3:1 large) on every page, tables and key box shown", async () => {
    const problems: string[] = [];
    const page = await tab(problems);
    for (const name of PAGES) {
      await load(page, name);
      await showEverything(page);
      const texts = await contrast(page);
      record(name, texts);
      expect(texts.length, name).toBeGreaterThan(40);
      // The probe sees the chart's legend, the SVG bars' labels, form values and placeholders too.
      expect(texts.some((t) => t.from === "svg text" || t.element.startsWith("th.u-label") || t.element.includes("u-")), name).toBe(true);
      expect(failing(texts), name).toEqual([]);
    }
    expect(problems).toEqual([]);
  });

  it("error states, form problems and the delete dialog keep the contrast", async () => {
    const problems: string[] = [];
    const page = await tab(problems);
    await page.route("**/v1/costs/aws/forecast?*", (route) =>
      route.fulfill({ status: 503, headers: { "content-type": "application/problem+json", "retry-after": "30" }, body: JSON.stringify({ title: "Upstream unavailable", status: 503, detail: "forced by the test", requestId: "e2e" }) }),
    );
    await load(page, "costs");
    await page.locator("#trend .state .error").waitFor();
    let texts = await contrast(page);
    record("costs with a 503", texts);
    expect(texts.some((t) => t.element === "button.secondary.retry")).toBe(true);
    expect(failing(texts)).toEqual([]);

    await load(page, "budgets");
    await page.getByLabel("Planned per period (monthly or quarterly)").check();
    await page.getByRole("button", { name: "Check (dry run)" }).click();
    await page.locator("#budget-create .state .error").waitFor();
    await page.locator("#budget-table button.delete").first().click();
    await page.locator("#confirm-delete[open]").waitFor();
    texts = await contrast(page);
    record("budgets: form problem, delete dialog", texts);
    expect(texts.some((t) => t.element === "button#confirm-ok.danger")).toBe(true);
    expect(failing(texts)).toEqual([]);
    await page.keyboard.press("Escape");
    expect(problems.filter((p) => !/status of 503/.test(p))).toEqual([]);
  });

  it("Tab goes through the skip link, the navigation and each page's controls in reading order, with a visible focus ring on every stop", async () => {
    const expected: Record<(typeof PAGES)[number], string[]> = {
      costs: ["c-start", "c-end", "c-granularity", "c-groupby", "Show"],
      budgets: ["Delete budget ", "Table of the chart", "b-name", "b-timeunit", "fixed", "b-amount", "b-service", "b-tag", "b-threshold", "b-email", "b-dryrun"],
      prices: ["p-cloud", "p-service", "p-region", "p-option", "p-minvcpu", "p-maxvcpu", "p-minmem", "p-maxmem", "p-arch", "p-gpu", "Show prices", "x-vcpu", "x-mem", "x-arch", "Compare"],
      resources: ["r-region", "Show"],
    };
    const problems: string[] = [];
    const page = await tab(problems);
    for (const name of PAGES) {
      await load(page, name);
      expect(await page.locator("[tabindex]:not([tabindex='0']):not([tabindex='-1'])").count(), name).toBe(0);
      const stops: Focused[] = [];
      for (let i = 0; i < 400; i++) {
        await page.keyboard.press("Tab");
        const f = await page.evaluate(() => (globalThis as unknown as Probe).__a11y.focused());
        if (!f || (stops.length && f.text === "Skip to content")) break;
        stops.push(f);
      }
      expect(stops[0]?.text, name).toBe("Skip to content");
      expect(stops.slice(1, 7).map((s) => s.text), name).toEqual(["Pricebook", "Costs", "Budgets", "Prices", "Running resources", "API docs"]);
      // The page's controls, in the order they read (a stop is known by its id, or the start of its name).
      const keys = stops.map((s) => s.id || s.text);
      let at = -1;
      for (const want of expected[name]) {
        const found = keys.findIndex((k, i) => i > at && (k === want || k.startsWith(want)));
        expect(found, `${name}: ${want} after ${keys[at] ?? "the start"} in ${keys.join(" → ")}`).toBeGreaterThan(at);
        at = found;
      }
      // Every stop shows where focus is: a focus outline of 2px or more (ui.css draws 3px), on screen.
      const hidden = stops.filter((s) => s.outline < 2 || !s.onScreen);
      expect(hidden, name).toEqual([]);
    }
    expect(problems).toEqual([]);
  });

  it("keyboard and screen readers: every control named, every chart an image with a label and a table beside it; the delete dialog by keyboard", async () => {
    const problems: string[] = [];
    const page = await tab(problems);
    for (const name of PAGES) {
      await load(page, name);
      const unnamed = await page.locator("input:not([type=hidden]), select, button").evaluateAll((els) =>
        els
          .map((e) => e as unknown as { id: string; labels: { length: number } | null; getAttribute(n: string): string | null; textContent: string | null; tagName: string })
          .filter((e) => !(e.labels && e.labels.length) && !e.getAttribute("aria-label") && !(e.tagName === "BUTTON" && e.textContent?.trim()))
          .map((e) => `${e.tagName}#${e.id}`),
      );
      expect(unnamed, name).toEqual([]);
      const charts = page.locator("main svg.bars, main .chart[role=img]");
      expect(await charts.count(), name).toBeGreaterThan(0);
      for (const chart of await charts.all()) {
        const labelled = (await chart.getAttribute("aria-label")) ?? (await chart.getAttribute("aria-labelledby"));
        expect(labelled, name).toBeTruthy();
      }
      expect(await page.locator("main details.table-alt table").count(), name).toBeGreaterThan(0);
    }
    // The delete dialog is keyboard-operable: Escape closes it without deleting.
    await load(page, "budgets");
    const before = await rows(page, "#budget-table");
    await page.locator("#budget-table button.delete").first().focus();
    await page.keyboard.press("Enter");
    await page.locator("#confirm-delete[open]").waitFor();
    await page.keyboard.press("Escape");
    await page.locator("#confirm-delete:not([open])").waitFor({ state: "attached" });
    expect(await rows(page, "#budget-table")).toBe(before);
    expect(problems).toEqual([]);
  });
});
