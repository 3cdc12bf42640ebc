import { type ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { type Browser, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stopProcess } from "../helpers/process.ts";
import { freePort } from "../helpers/redis.ts";

/**
 * Swagger UI at /docs, in a real Chromium, against the real server (`node src/main.ts`, mock mode):
 * it renders every operation under the docs' strict CSP and "Try it out" really calls the API.
 *
 * Uses the system Chromium through playwright-core (no browser download). Without one the suite is
 * skipped with a warning, unless REQUIRE_BROWSER=1. DOCS_E2E_BASE_URL=http://host:port tests an
 * already running server instead of spawning one.
 */
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const REQUIRE_BROWSER = process.env.REQUIRE_BROWSER === "1";
const HAVE_BROWSER = existsSync(CHROMIUM);
const SCREENSHOT = "/tmp/docs.png";
const ROOT = fileURLToPath(new URL("../..", import.meta.url));

if (!HAVE_BROWSER && !REQUIRE_BROWSER) {
  console.warn(`docs e2e skipped: no Chromium at ${CHROMIUM} (set CHROMIUM_PATH, or REQUIRE_BROWSER=1 to fail)`);
}

const EXPECTED_PATHS = [
  "/v1/prices/aws/eks",
  "/v1/prices/aws/ec2",
  "/v1/prices/aws/lambda",
  "/v1/prices/aws/sagemaker",
  "/v1/prices/batch",
  "/healthz",
];

let child: ChildProcess | undefined;
let output = "";
let base: string;
let browser: Browser | undefined;
let page: Page;
/** Console errors, page errors and CSP violations seen by the page, in order. */
const problems: string[] = [];

async function waitForHealth(url: string, ms = 20_000) {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    try {
      if ((await fetch(url)).status === 200) return;
    } catch {
      // not listening yet
    }
    if (child && child.exitCode !== null) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`server at ${url} did not answer 200:\n${output}`);
}

async function startServer(): Promise<string> {
  const port = await freePort();
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    PORT: String(port),
    HOST: "127.0.0.1",
    PRICEBOOK_MODE: "mock",
  };
  child = spawn(process.execPath, ["src/main.ts"], { cwd: ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
  child.stdout?.on("data", (d: Buffer) => (output += d.toString()));
  child.stderr?.on("data", (d: Buffer) => (output += d.toString()));
  return `http://127.0.0.1:${port}`;
}

const stopServer = () => stopProcess(child);

describe.skipIf(!HAVE_BROWSER && !REQUIRE_BROWSER)("Swagger UI at /docs (real browser)", () => {
  beforeAll(async () => {
    if (!HAVE_BROWSER) throw new Error(`REQUIRE_BROWSER=1 but there is no Chromium at ${CHROMIUM}`);

    base = process.env.DOCS_E2E_BASE_URL?.replace(/\/+$/, "") ?? (await startServer());
    await waitForHealth(`${base}/healthz`);
    if ((await fetch(`${base}/docs`)).status === 404) {
      throw new Error("GET /docs is 404: docs router not mounted in src/app.ts");
    }

    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    });
    page = await browser.newPage({ viewport: { width: 1280, height: 1600 } });
    page.on("console", (m) => {
      if (m.type() === "error" || /content security policy|refused to/i.test(m.text())) {
        problems.push(`console.${m.type()}: ${m.text()}`);
      }
    });
    page.on("pageerror", (e) => problems.push(`pageerror: ${e.message}`));
    page.on("requestfailed", (r) => problems.push(`requestfailed: ${r.url()} ${r.failure()?.errorText ?? ""}`));
    // Injected by the browser driver, so the page's CSP does not apply to it. A string: no DOM types here.
    await page.addInitScript({
      content: `document.addEventListener("securitypolicyviolation", (e) =>
        console.error("CSP violation: " + e.violatedDirective + " blocked " + (e.blockedURI || "inline")));`,
    });
  });

  afterAll(async () => {
    await browser?.close().catch(() => undefined);
    await stopServer();
  });

  it("serves the page and its assets under the docs CSP, and keeps them out of the OpenAPI document", async () => {
    const html = await fetch(`${base}/docs`);
    expect(html.status).toBe(200);
    expect(html.headers.get("content-type")).toMatch(/^text\/html/);
    const csp = html.headers.get("content-security-policy") ?? "";
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toMatch(/script-src[^;]*unsafe/);
    expect(await html.text()).not.toMatch(/<script>|<script(?![^>]*\bsrc=)[^>]*>|\son[a-z]+=/i);

    const assets: Array<[string, RegExp]> = [
      ["/docs/init.js", /javascript/],
      ["/docs/swagger-ui.css", /^text\/css/],
      ["/docs/swagger-ui-bundle.js", /javascript/],
      ["/docs/swagger-ui-standalone-preset.js", /javascript/],
      ["/docs/favicon-32x32.png", /^image\/png/],
    ];
    for (const [path, type] of assets) {
      const res = await fetch(`${base}${path}`);
      expect(res.status, path).toBe(200);
      expect(res.headers.get("content-type"), path).toMatch(type);
      expect(res.headers.get("content-security-policy"), path).toBe(csp);
      if (path !== "/docs/init.js") expect(res.headers.get("cache-control"), path).toBe("public, max-age=86400");
      await res.arrayBuffer();
    }

    const spec = (await (await fetch(`${base}/openapi.json`)).json()) as { paths: Record<string, unknown> };
    expect(Object.keys(spec.paths).filter((p) => p.startsWith("/docs"))).toEqual([]);
  });

  it("renders every operation", async () => {
    await page.goto(`${base}/docs`, { waitUntil: "load" });
    await page.locator(".opblock").first().waitFor({ timeout: 30_000 });

    const paths = await page
      .locator(".opblock .opblock-summary-path")
      .evaluateAll((els) => els.map((e) => e.getAttribute("data-path") ?? e.textContent?.replace(/\u200b/g, "")));
    for (const path of EXPECTED_PATHS) expect(paths, `operation ${path}`).toContain(path);
  });

  it("runs GET /healthz through 'Try it out' and shows the live 200 response", async () => {
    const op = page
      .locator(".opblock.opblock-get")
      .filter({ has: page.locator('.opblock-summary-path[data-path="/healthz"]') });
    await op.locator(".opblock-summary").first().click();

    // tryItOutEnabled opens operations ready to run; click "Try it out" only if it is still offered.
    const tryItOut = op.getByRole("button", { name: "Try it out" });
    if (await tryItOut.isVisible()) await tryItOut.click();
    await op.getByRole("button", { name: "Execute" }).click();

    // "Server response" (the live call), not the documented example below it, which also says "ok".
    const live = op.locator(".live-responses-table tbody tr.response").first();
    await live.waitFor({ timeout: 15_000 });
    expect((await live.locator(".response-col_status").innerText()).trim()).toBe("200");
    const body = await live.locator(".highlight-code pre").first().innerText();
    expect(body).toContain('"status": "ok"');
    expect(body).toContain('"mode": "mock"'); // the example says "live": this is the server's answer

    await page.screenshot({ path: SCREENSHOT, fullPage: false });
  });

  it("saw no CSP violation, console error or page error", () => {
    expect(problems).toEqual([]);
  });
});
