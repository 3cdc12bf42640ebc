import { describe, expect, it } from "vitest";
import { createApp } from "../../src/app.ts";
import { createKey } from "../../src/http/auth.ts";
import { UI_PAGES } from "../../src/ui/pages.ts";
import { UI_CSP } from "../../src/ui/routes.ts";
import { mockApp, mockServices, realTables, silentLogger } from "../helpers/app.ts";

/** The pages under /ui/: public HTML with the security headers, assets from this origin, scopes as the API declares them. */
const app = mockApp();
const SLUGS = ["costs", "budgets", "prices", "resources"];
const SECURITY = {
  "x-content-type-options": "nosniff",
  "x-frame-options": "DENY",
  "referrer-policy": "no-referrer",
  "cross-origin-opener-policy": "same-origin",
};

describe("/ui pages", () => {
  it("the four pages exist, and / links to each", async () => {
    expect(UI_PAGES.map((p) => p.slug)).toEqual(SLUGS);
    const home = await (await app.request("/")).text();
    for (const slug of SLUGS) expect(home).toContain(`href="/ui/${slug}"`);
  });

  it.each(SLUGS)("/ui/%s answers 200 HTML with the UI's CSP and the security headers, and no inline script or style", async (slug) => {
    const res = await app.request(`/ui/${slug}`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/html/);
    const csp = res.headers.get("content-security-policy") ?? "";
    expect(csp).toBe(UI_CSP);
    expect(csp).toMatch(/script-src 'self'(;|$)/);
    expect(csp).toMatch(/style-src 'self'(;|$)/);
    expect(csp).not.toMatch(/unsafe|data:|https?:/);
    for (const [name, value] of Object.entries(SECURITY)) expect(res.headers.get(name), name).toBe(value);
    const html = await res.text();
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/i); // every script has a src
    expect(html).not.toMatch(/<style|\sstyle=|\son[a-z]+=/i); // no inline style, no inline handlers
    expect(html).toContain(`<script type="module" src="/ui/assets/${slug}.js">`);
    expect(html).toMatch(/<label[^>]*for="auth-key"/);
  });

  it("every script, style sheet and icon a page names is served from /ui/assets with the same CSP", async () => {
    const seen = new Set<string>();
    for (const slug of SLUGS) {
      const html = await (await app.request(`/ui/${slug}`)).text();
      for (const m of html.matchAll(/(?:src|href)="(\/ui\/assets\/[^"]+)"/g)) seen.add(m[1] as string);
    }
    expect(seen).toContain("/ui/assets/uplot.js");
    for (const path of seen) {
      const res = await app.request(path);
      expect(res.status, path).toBe(200);
      expect(res.headers.get("content-security-policy"), path).toBe(UI_CSP);
      expect(res.headers.get("content-type"), path).toMatch(/javascript|text\/css|image\/svg\+xml/);
      expect((await res.text()).length, path).toBeGreaterThan(100);
    }
    expect((await app.request("/ui/assets/..%2Fpages.ts")).status).toBe(404);
    expect((await app.request("/ui/assets/nothing.js")).status).toBe(404);
  });

  it("/ui goes to the costs page, and the pages stay out of the OpenAPI document", async () => {
    const res = await app.request("/ui");
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toBe("/ui/costs");
    const doc = (await (await app.request("/openapi.json")).json()) as { paths: Record<string, unknown> };
    expect(Object.keys(doc.paths).filter((p) => p.startsWith("/ui"))).toEqual([]);
  });

  it("each page's declared API calls exist with the scope the operation declares", async () => {
    const doc = (await (await app.request("/openapi.json")).json()) as {
      paths: Record<string, Record<string, { security?: Array<Record<string, string[]>> }>>;
    };
    for (const page of UI_PAGES) {
      for (const call of page.calls) {
        // /v1/prices/{cloud}/{service} stands for every price route the catalogue makes.
        const pattern = new RegExp(`^${call.path.replace(/\{cloud\}|\{service\}/g, "[^/]+").replace(/[{}]/g, "\\$&")}$`);
        const matched = Object.keys(doc.paths).filter((p) => p === call.path || pattern.test(p));
        expect(matched.length, `${page.slug}: ${call.method} ${call.path}`).toBeGreaterThan(0);
        for (const path of matched) {
          const op = doc.paths[path]?.[call.method.toLowerCase()];
          expect(op, `${call.method} ${path}`).toBeDefined();
          expect(op?.security, `${call.method} ${path}`).toEqual([{ apiKey: [call.scope] }]);
        }
      }
    }
  });

  it("with keys configured the pages are public and their data is not: 401 without a key, 200 with one", async () => {
    const reader = createKey("ui-reader", ["costs:read"]);
    const keyed = createApp(mockServices(realTables(), { PRICEBOOK_API_KEYS: JSON.stringify([reader.entry]) }, silentLogger));
    expect((await keyed.request("/ui/costs")).status).toBe(200);
    expect((await keyed.request("/ui/assets/costs.js")).status).toBe(200);
    expect((await keyed.request("/v1/costs/aws/summary")).status).toBe(401);
    expect((await keyed.request("/v1/costs/aws/summary", { headers: { authorization: `Bearer ${reader.key}` } })).status).toBe(200);
    expect((await keyed.request("/v1/budgets/aws", { headers: { authorization: `Bearer ${reader.key}` } })).status).toBe(403);
  });
});
