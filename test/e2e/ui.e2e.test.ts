import { mkdirSync } from "node:fs";
import Big from "big.js";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createKey } from "../../src/http/auth.ts";
import { downloadText, drawnCanvases, launchBrowser, openTab as open, parseCsvLine, rows, type Server, SHOTS, settled, skipWithoutBrowser, startServer, stopServer } from "./ui-harness.ts";
import { expectLightAndFast, reportMeasured, visit as visitPage } from "./ui-measure.ts";

/**
 * The /ui pages in a real Chromium against the real server (`node src/main.ts`, mock mode), as the
 * docs test runs: each page renders with data, its charts are drawn and have a table alternative, a
 * budget is created (dry run first) and deleted through the form, a 503 shows as an error state with
 * Retry-After, the API-key prompt handles 401/403, and no page logs a console error or a CSP
 * violation. Each page's transferred bytes and first render are measured, asserted and printed.
 * Screenshots go to test/e2e/screenshots/ (ignored by git).
 */

let server: Server | undefined;
let browser: Browser | undefined;
const openTab = (problems: string[], context?: Parameters<typeof open>[2]) => open(browser!, problems, context);
const visit = (name: string, problems: string[]) => visitPage(browser!, server!.base, name, problems);
const skip = skipWithoutBrowser("ui e2e");

describe.skipIf(skip)("the /ui pages (real browser, mock mode)", () => {
  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    server = await startServer();
    browser = await launchBrowser();
  });

  afterAll(async () => {
    reportMeasured();
    await browser?.close().catch(() => undefined);
    await stopServer(server);
  });

  it("/ links to the four pages", async () => {
    const problems: string[] = [];
    const { page } = await openTab(problems);
    await page.goto(`${server!.base}/`);
    for (const name of ["Costs", "Budgets", "Prices", "Running resources"]) await expect(page.getByRole("link", { name, exact: true }).count()).resolves.toBe(1);
    await page.getByRole("link", { name: "Costs", exact: true }).click();
    await page.waitForURL(/\/ui\/costs$/);
    await settled(page);
    expect(problems).toEqual([]);
  });

  it("Costs: figures, the trend with the forecast band and weekends, top groups, tables and CSV; light and fast", async () => {
    const problems: string[] = [];
    const { page, m } = await visit("costs", problems);
    expect(await page.locator("#figures dd").count()).toBe(4);
    expect(await page.locator("#figures dd").first().innerText()).toMatch(/^\$[\d,]+\.\d\d$/);
    expect(await drawnCanvases(page, "#trend")).toBeGreaterThanOrEqual(1);
    expect(await rows(page, "#trend-table")).toBeGreaterThan(30); // 30 days + the forecast
    expect(await page.locator("#trend-table tbody tr", { hasText: "yes" }).count()).toBeGreaterThan(4); // weekends marked
    expect(await page.locator("#groups svg rect").count()).toBeGreaterThan(3);
    expect(await rows(page, "#groups-table")).toBeGreaterThan(3);
    expect(await page.locator("#trend a.csv, #groups a.csv").count()).toBe(2);
    expect(await page.locator("#figures .prov").last().innerText()).toMatch(/Source: mock · as of \d{4}-/);

    // The trend is stacked by the group-by (service by default): the top 5 and Other, each a series of
    // the chart and a column of its table and CSV, which add up to the total to the last digit.
    const trendHeaders = await page.locator("#trend-table thead th").allTextContents();
    expect(trendHeaders.filter((h) => / \(USD\)$/.test(h) && h !== "Total actual (USD)" && h !== "Forecast mean (USD)")).toHaveLength(6);
    expect(trendHeaders).toContain("Amazon Elastic Compute Cloud - Compute (USD)");
    expect(trendHeaders.some((h) => /^Other \(\d+\) \(USD\)$/.test(h))).toBe(true);
    const legend = await page.locator("#trend .u-legend .u-series th").allInnerTexts();
    expect(legend.map((l) => l.trim())).toEqual(expect.arrayContaining(["Amazon Elastic Compute Cloud - Compute", "Total", "Forecast"]));
    expect(legend.some((l) => /^Other \(\d+\)$/.test(l.trim()))).toBe(true);
    const csv = await downloadText(page, "#trend a.csv");
    const [head, ...lines] = csv.trim().split("\n").map(parseCsvLine);
    expect(head).toEqual(trendHeaders);
    const totalAt = head!.indexOf("Total actual (USD)");
    const actualRows = lines.filter((r) => r[totalAt] !== "");
    expect(actualRows.length).toBe(30);
    for (const r of actualRows) expect(r.slice(2, totalAt).reduce((a, v) => a.plus(v), new Big(0)).eq(r[totalAt]!), r[0]).toBe(true);
    expect((await page.locator("#trend-table tbody tr").first().locator("td").allTextContents()).slice(1, 7).every((t) => /^\$[\d,]+\.\d\d$/.test(t))).toBe(true);

    await page.screenshot({ path: `${SHOTS}costs-by-service.png`, fullPage: true });

    // Group by another dimension: the stacks and the ranked chart follow; "None" leaves the total alone.
    await page.selectOption("#c-groupby", "TAG:Team");
    await page.getByRole("button", { name: "Show" }).click();
    await settled(page);
    expect(await page.locator("#trend-table thead th").allTextContents()).toEqual(expect.arrayContaining(["platform (USD)", "Total actual (USD)"]));
    await page.selectOption("#c-groupby", "");
    await page.getByRole("button", { name: "Show" }).click();
    await settled(page);
    expect(await page.locator("#trend-table thead th").allTextContents()).toEqual(["Period start", "Weekend", "Actual (USD)", "Estimated", "Forecast mean (USD)", "Lower", "Upper"]);
    expect(await page.locator("#trend .u-legend .u-series").count()).toBe(5); // date, actual, forecast, lower, upper
    expect(await page.locator("#groups .state").innerText()).toContain("Choose a group-by");
    expect(await drawnCanvases(page, "#trend")).toBe(1);
    await page.selectOption("#c-groupby", "REGION");
    await page.getByRole("button", { name: "Show" }).click();
    await settled(page);
    expect(await page.locator("#groups-table tbody th").first().textContent()).toMatch(/^[a-z]{2}-[a-z]+-\d$/);
    await page.screenshot({ path: `${SHOTS}costs.png`, fullPage: true });

    expectLightAndFast(m);
    expect(problems).toEqual([]);
  });

  it("Budgets: list with projections, a history chart per budget; create (dry run, then Idempotency-Key) and delete through the form", async () => {
    const problems: string[] = [];
    const { page, m } = await visit("budgets", problems);
    const budgets = await rows(page, "#budget-table");
    expect(budgets).toBeGreaterThanOrEqual(4);
    expect(await page.locator("#budget-table").textContent()).toMatch(/\d+\.\d+%/);
    expect(await page.locator("#budget-table").innerText()).toMatch(/Projected \d{4}-\d\d-\d\d|Breached on/);
    expect(await drawnCanvases(page, "#budget-history")).toBe(budgets);
    expect(await page.locator("#budget-history details.table-alt table").count()).toBe(budgets);

    const name = `ui-e2e-${Date.now()}`;
    await page.getByLabel("Name").fill(name);
    await page.getByLabel("Limit (USD)").fill("1234.5");
    await page.getByLabel("Only this tag (optional, Key=value)").fill("Team=platform");
    await expect(page.locator("#b-create").isDisabled()).resolves.toBe(true);
    await page.getByRole("button", { name: "Check (dry run)" }).click();
    await page.locator("#dry-run-result").waitFor();
    const wouldCreate = JSON.parse(await page.locator("#dry-run-result").innerText()) as { name: string; limit: { amount: string } };
    expect(wouldCreate).toMatchObject({ name, limit: { amount: "1234.5" }, filters: { tags: { Team: ["platform"] } } });
    expect(await rows(page, "#budget-table")).toBe(budgets); // a dry run creates nothing
    await page.screenshot({ path: `${SHOTS}budgets-dry-run.png`, fullPage: true });

    const posted = page.waitForRequest((r) => r.method() === "POST" && r.url().endsWith("/v1/budgets/aws"));
    await page.getByRole("button", { name: "Create budget" }).click();
    const post = await posted;
    expect(post.headers()["idempotency-key"]).toMatch(/^[0-9a-f-]{36}$/);
    await page.locator("#create-result").waitFor();
    expect(await page.locator("#create-result").innerText()).toBe(`Created budget ${name}.`);
    await settled(page);
    await page.locator(`#budget-table tbody tr`, { hasText: name }).waitFor();
    expect(await rows(page, "#budget-table")).toBe(budgets + 1);
    await page.screenshot({ path: `${SHOTS}budgets.png`, fullPage: true });

    // Delete: cancel first (nothing happens), then confirm.
    await page.getByRole("button", { name: `Delete budget ${name}` }).click();
    await page.locator("#confirm-delete[open]").waitFor();
    await page.locator("#confirm-cancel").click();
    expect(await rows(page, "#budget-table")).toBe(budgets + 1);
    await page.getByRole("button", { name: `Delete budget ${name}` }).click();
    await page.locator("#confirm-ok").click();
    await page.getByText(`Deleted budget ${name}.`).waitFor();
    expect(await rows(page, "#budget-table")).toBe(budgets);
    expect(await page.locator("#budget-table", { hasText: name }).count()).toBe(0);

    // Planned limits (AWS PlannedBudgetLimits): quarterly, an amount per quarter from the current one.
    const plannedName = `ui-e2e-planned-${Date.now()}`;
    await page.getByLabel("Name").fill(plannedName);
    await page.locator("#b-timeunit").selectOption("ANNUALLY");
    await page.getByLabel("Planned per period (monthly or quarterly)").check();
    expect(await page.locator("#b-timeunit").inputValue()).toBe("MONTHLY"); // annual planned limits do not exist
    expect(await page.locator("#b-timeunit option[value=ANNUALLY]").isDisabled()).toBe(true);
    expect(await page.locator("#b-amount").isVisible()).toBe(false);
    expect(await page.locator("#b-planned-periods input").count()).toBe(12);
    await page.locator("#b-timeunit").selectOption("QUARTERLY");
    const periods = page.locator("#b-planned-periods input");
    expect(await periods.count()).toBe(4);
    const starts = await periods.evaluateAll((inputs) => inputs.map((i) => (i as unknown as { dataset: { period: string } }).dataset.period));
    for (const day of starts) expect(day).toMatch(/^\d{4}-(01|04|07|10)-01$/);
    await periods.first().fill("3000");
    await page.getByRole("button", { name: "Check (dry run)" }).click();
    expect(await page.locator("#budget-create .state .error").innerText()).toBe(`Give a limit for every period: the one from ${starts[1]} is empty.`);
    await page.getByRole("button", { name: "Copy the first amount to every period" }).click();
    await periods.nth(3).fill("4500.25");
    await page.getByRole("button", { name: "Check (dry run)" }).click();
    await page.locator("#dry-run-result").waitFor();
    const plannedDry = JSON.parse(await page.locator("#dry-run-result").innerText()) as { limit?: unknown; timeUnit: string; plannedLimits: Record<string, { amount: string; unit: string }> };
    expect(plannedDry.limit).toBeUndefined();
    expect(plannedDry.timeUnit).toBe("QUARTERLY");
    expect(plannedDry.plannedLimits).toEqual(Object.fromEntries(starts.map((d, i) => [d, { amount: i === 3 ? "4500.25" : "3000", unit: "USD" }])));
    await page.screenshot({ path: `${SHOTS}budgets-planned-dry-run.png`, fullPage: true });
    await page.getByRole("button", { name: "Create budget" }).click();
    await page.locator("#create-result").waitFor();
    await settled(page);
    const plannedRow = page.locator("#budget-table tbody tr", { hasText: plannedName });
    await plannedRow.waitFor();
    expect(await plannedRow.innerText()).toContain("$3,000.00 (planned)");
    expect(await page.locator("#b-planned").isVisible()).toBe(false); // the form is reset to one limit
    await page.getByRole("button", { name: `Delete budget ${plannedName}` }).click();
    await page.locator("#confirm-ok").click();
    await page.getByText(`Deleted budget ${plannedName}.`).waitFor();
    expect(await rows(page, "#budget-table")).toBe(budgets);

    expectLightAndFast(m);
    expect(problems).toEqual([]);
  });

  it("Prices: pickers from the catalogue, filters, a purchase option, and a shape compared across clouds; every price with source and as-of", async () => {
    const problems: string[] = [];
    const { page, m } = await visit("prices", problems);
    expect(await page.locator("#p-cloud option").count()).toBe(3);
    expect(await rows(page, "#price-table")).toBeGreaterThan(5);
    expect(await page.locator("#price-list svg rect").count()).toBeGreaterThan(1);
    expect(await rows(page, "#compare-table")).toBeGreaterThan(1);
    expect(await page.locator("#compare svg rect").count()).toBeGreaterThan(1);
    const compared = (await page.locator("#compare-table").textContent()) ?? "";
    for (const cloud of ["aws:", "azure:", "gcp:"]) expect(compared).toContain(cloud);

    // Filters and a purchase option: reserved 3-year, 4 vCPU arm64.
    await page.getByLabel("vCPU from").fill("4");
    await page.getByLabel("to", { exact: true }).first().fill("4");
    await page.getByLabel("Architecture").first().selectOption("arm64");
    await page.getByLabel("Purchase option").selectOption("reserved");
    await page.getByLabel("Term").selectOption("3yr");
    await page.getByRole("button", { name: "Show prices" }).click();
    await settled(page);
    const priced = await page.locator("#price-table").innerText();
    expect(priced).toContain("reserved 3yr");
    // Every row names its source and as-of date.
    const cells = await page.locator("#price-table tbody tr").evaluateAll((trs) => trs.map((tr) => [...tr.children].map((td) => td.textContent ?? "")));
    for (const row of cells) {
      expect(row).toContain("fallback");
      expect(row.some((c) => /^\d{4}-\d\d-\d\d$/.test(c))).toBe(true);
      expect(row[4]).toBe("arm64");
    }
    // "Compare" on a row prices that shape across places.
    await page.locator("#price-table tbody tr").first().getByRole("button", { name: /Compare/ }).click();
    await settled(page);
    expect(await rows(page, "#compare-table")).toBeGreaterThan(0);
    await page.screenshot({ path: `${SHOTS}prices.png`, fullPage: true });

    expectLightAndFast(m);
    expect(problems).toEqual([]);
  });

  it("Running resources: EKS clusters with support status and run-rate, SageMaker resources with theirs", async () => {
    const problems: string[] = [];
    const { page, m } = await visit("resources", problems);
    expect(await rows(page, "#eks-table")).toBeGreaterThanOrEqual(1);
    expect(await page.locator("#eks-table").innerText()).toMatch(/standard|extended/);
    expect(await page.locator("#eks svg rect").count()).toBeGreaterThanOrEqual(1);
    expect(await rows(page, "#sagemaker-table")).toBeGreaterThanOrEqual(1);
    expect(await page.locator("#sagemaker svg rect").count()).toBeGreaterThanOrEqual(1);
    expect(await page.locator("#eks .prov").last().innerText()).toMatch(/Source: mock/);
    // Versions follow the clock: the cluster its team never upgraded was moved on by AWS at the end of extended support.
    expect(await page.locator("#eks ul.notes").innerText()).toContain("legacy-reporting: upgraded by AWS from 1.30 to 1.31 on 2026-07-23 (the end of extended support)");
    expect(await page.locator("#eks-table tbody tr", { hasText: "legacy-reporting" }).innerText()).not.toContain("1.30");
    await page.screenshot({ path: `${SHOTS}resources.png`, fullPage: true });

    expectLightAndFast(m);
    expect(problems).toEqual([]);
  });

  it("a 503 from the API is an error state naming the call, its detail and Retry-After; Retry recovers", async () => {
    const problems: string[] = [];
    const { page } = await openTab(problems);
    await page.route("**/v1/costs/aws/forecast?*", (route) =>
      route.fulfill({
        status: 503,
        headers: { "content-type": "application/problem+json", "retry-after": "30" },
        body: JSON.stringify({ type: "/problems/upstream_unavailable", title: "Upstream unavailable", status: 503, detail: "Cost Explorer is unavailable (forced by the test)", code: "upstream_unavailable", requestId: "e2e" }),
      }),
    );
    await page.goto(`${server!.base}/ui/costs`);
    await settled(page);
    const error = page.locator("#trend .state .error");
    await error.waitFor();
    const text = await error.innerText();
    expect(text).toContain("GET /v1/costs/aws/forecast answered 503 Upstream unavailable");
    expect(text).toContain("Cost Explorer is unavailable (forced by the test)");
    expect(text).toContain("Retry after 30 seconds");
    expect(await page.locator("#trend canvas").count()).toBe(0); // no blank chart
    expect(await page.locator("#figures dd").count()).toBe(4); // the other panels still answer
    expect(await rows(page, "#groups-table")).toBeGreaterThan(0);
    await page.screenshot({ path: `${SHOTS}costs-503.png`, fullPage: true });

    await page.unroute("**/v1/costs/aws/forecast?*");
    await page.locator("#trend").getByRole("button", { name: "Retry" }).click();
    await settled(page);
    expect(await drawnCanvases(page, "#trend")).toBe(1);
    // The browser itself logs the forced 503; nothing else may be logged.
    expect(problems.filter((p) => !/status of 503/.test(p))).toEqual([]);
  });

  it("with API keys: the page asks for a key once (401), keeps it for the tab, sends it as a Bearer header, and shows a 403 clearly", async () => {
    const reader = createKey("ui-e2e", ["prices:read"]);
    const keyed = await startServer({ PRICEBOOK_API_KEYS: JSON.stringify([reader.entry]) });
    try {
      const problems: string[] = [];
      const context = await browser!.newContext({ viewport: { width: 1280, height: 1000 } });
      const { page, requests } = await openTab(problems, context);
      await page.goto(`${keyed.base}/ui/prices`);
      await settled(page);
      await page.locator("#auth").waitFor();
      expect(await page.locator("#auth-message").innerText()).toContain("401 Unauthorized from GET /v1/catalog");
      expect(await page.locator("#catalog .state .error").innerText()).toContain("401");
      await page.locator("#auth-key").fill(reader.key);
      await page.getByRole("button", { name: "Use this key" }).click();
      await settled(page);
      expect(await page.locator("#auth").isHidden()).toBe(true);
      expect(await rows(page, "#price-table")).toBeGreaterThan(0);
      const withKey = requests.filter((r) => r.url().includes("/v1/"));
      expect(withKey.some((r) => r.headers().authorization === `Bearer ${reader.key}`)).toBe(true);
      for (const r of requests) expect(r.url()).not.toContain(reader.key);

      // Another page in the same tab: the key is kept (session storage); costs:read is missing → 403.
      await page.goto(`${keyed.base}/ui/resources`);
      await settled(page);
      expect(await page.locator("#eks .state .error").innerText()).toContain("403");
      expect(await page.locator("#auth-message").innerText()).toContain("403 Forbidden");
      await page.screenshot({ path: `${SHOTS}resources-403.png`, fullPage: true });
      expect(keyed.output).not.toContain(reader.key);
      expect(problems.filter((p) => !/status of 40[13]/.test(p))).toEqual([]);
      await context.close();
    } finally {
      await stopServer(keyed);
    }
  });
});
