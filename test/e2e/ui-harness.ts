import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { type Browser, type BrowserContext, chromium, type Page, type Request } from "playwright-core";
import { stopProcess } from "../helpers/process.ts";
import { freePort } from "../helpers/redis.ts";

/**
 * What the /ui browser suites share: the real server (`node src/main.ts`, mock mode), Debian's
 * Chromium, a tab that records every console error, page error, failed request and CSP violation,
 * and waiting for the panels to settle.
 */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
export const REQUIRE_BROWSER = process.env.REQUIRE_BROWSER === "1";
export const HAVE_BROWSER = existsSync(CHROMIUM);
const ROOT = fileURLToPath(new URL("../..", import.meta.url));
/** Screenshots and the page-weight report (ignored by git). */
export const SHOTS = fileURLToPath(new URL("./screenshots/", import.meta.url));

export const skipWithoutBrowser = (suite: string) => {
  if (!HAVE_BROWSER && !REQUIRE_BROWSER) console.warn(`${suite} skipped: no Chromium at ${CHROMIUM} (set CHROMIUM_PATH, or REQUIRE_BROWSER=1 to fail)`);
  return !HAVE_BROWSER && !REQUIRE_BROWSER;
};

export async function launchBrowser(): Promise<Browser> {
  if (!HAVE_BROWSER) throw new Error(`REQUIRE_BROWSER=1 but there is no Chromium at ${CHROMIUM}`);
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
}

export interface Server {
  child: ChildProcess;
  base: string;
  output: string;
}

export async function startServer(extraEnv: Record<string, string> = {}): Promise<Server> {
  const port = await freePort();
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME, PORT: String(port), HOST: "127.0.0.1", PRICEBOOK_MODE: "mock", ...extraEnv };
  const child = spawn(process.execPath, ["src/main.ts"], { cwd: ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
  const server: Server = { child, base: `http://127.0.0.1:${port}`, output: "" };
  child.stdout?.on("data", (d: Buffer) => (server.output += d.toString()));
  child.stderr?.on("data", (d: Buffer) => (server.output += d.toString()));
  const until = Date.now() + 20_000;
  while (Date.now() < until) {
    try {
      if ((await fetch(`${server.base}/healthz`)).status === 200) return server;
    } catch {
      // not listening yet
    }
    if (child.exitCode !== null) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`server did not answer 200:\n${server.output}`);
}

export const stopServer = (server: Server | undefined) => stopProcess(server?.child);

/** A fresh tab that records console errors, page errors, failed requests and CSP violations into `problems`. */
export async function openTab(browser: Browser, problems: string[], context?: BrowserContext): Promise<{ page: Page; requests: Request[] }> {
  const page = await (context ?? (await browser.newContext({ viewport: { width: 1280, height: 1000 } }))).newPage();
  const requests: Request[] = [];
  page.on("request", (r) => requests.push(r));
  page.on("console", (m) => {
    if (m.type() === "error" || /content security policy|refused to/i.test(m.text())) problems.push(`console.${m.type()}: ${m.text()}`);
  });
  page.on("pageerror", (e) => problems.push(`pageerror: ${e.message}`));
  page.on("requestfailed", (r) => problems.push(`requestfailed: ${r.url()} ${r.failure()?.errorText ?? ""}`));
  // Injected by the driver, so the page's CSP does not apply to it. A string: no DOM types here.
  await page.addInitScript({
    content: `document.addEventListener("securitypolicyviolation", (e) =>
      console.error("CSP violation: " + e.violatedDirective + " blocked " + (e.blockedURI || "inline")));`,
  });
  return { page, requests };
}

/** Waits until no panel is loading (each panel drops aria-busy when it shows data, empty or an error). */
export async function settled(page: Page) {
  // A function, not a string: the pages' CSP refuses eval. No DOM types here, hence the cast.
  await page.waitForFunction(
    () => {
      const doc = (globalThis as unknown as { document: { querySelectorAll(s: string): { length: number } } }).document;
      return doc.querySelectorAll("[aria-busy]").length === 0 && doc.querySelectorAll(".state .loading").length === 0;
    },
    undefined,
    { timeout: 20_000 },
  );
}

/** Canvases that have something drawn on them (non-transparent pixels). */
export async function drawnCanvases(page: Page, selector: string): Promise<number> {
  return page.locator(`${selector} canvas`).evaluateAll((canvases) =>
    canvases.filter((c) => {
      const canvas = c as unknown as { width: number; height: number; getContext(k: "2d"): { getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray } } };
      if (canvas.width === 0 || canvas.height === 0) return false;
      const data = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
      let painted = 0;
      for (let i = 3; i < data.length; i += 4) if ((data[i] as number) > 0) painted++;
      return painted > 500;
    }).length,
  );
}

export const rows = (page: Page, table: string) => page.locator(`${table} tbody tr`).count();

/** Clicks a CSV link and reads what the browser downloads. */
export async function downloadText(page: Page, link: string): Promise<string> {
  const [download] = await Promise.all([page.waitForEvent("download"), page.locator(link).click()]);
  return readFileSync(await download.path(), "utf8");
}

/** One CSV line into cells (quotes as RFC 4180 writes them; no newlines inside cells here). */
export function parseCsvLine(line: string): string[] {
  const cells: string[] = [];
  for (const m of line.matchAll(/(?:^|,)(?:"((?:[^"]|"")*)"|([^,]*))/g)) cells.push(m[1] !== undefined ? m[1].replace(/""/g, '"') : (m[2] ?? ""));
  return cells;
}
