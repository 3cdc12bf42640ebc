import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { MiddlewareHandler } from "hono";
import { createRouter } from "../http/router.ts";
import { renderPage, UI_PAGES } from "./pages.ts";

/**
 * The pages under /ui/. Scripts, styles and the chart library (uPlot, from node_modules) are served by
 * this process: no CDN, and a CSP that allows scripts, styles and fetches from this origin only, with
 * no inline script or style anywhere (uPlot sizes its elements through the CSSOM, which the CSP does
 * not govern). Like /docs, these are plain `.get()`s, outside the OpenAPI document.
 */
export const UI_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self'",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join("; ");

const ASSET_FILES = ["ui.css", "favicon.svg", "common.js", ...UI_PAGES.flatMap((p) => [`${p.slug}.js`, ...p.modules])] as const;

function uplotDir(): string {
  return dirname(createRequire(import.meta.url).resolve("uplot/package.json"));
}

export function uiRoutes() {
  const assetsDir = join(dirname(fileURLToPath(import.meta.url)), "assets");
  const uplot = uplotDir();
  const js = "text/javascript; charset=utf-8";
  const css = "text/css; charset=utf-8";
  // Read once, held in memory. Our own files may change with a deploy: revalidated (no-cache); uPlot's
  // version is pinned by the lockfile.
  const assets = new Map<string, { body: string; type: string; cache: string }>();
  for (const file of ASSET_FILES) {
    assets.set(file, { body: readFileSync(join(assetsDir, file), "utf8"), type: file.endsWith(".css") ? css : file.endsWith(".svg") ? "image/svg+xml" : js, cache: "no-cache" });
  }
  assets.set("uplot.js", { body: readFileSync(join(uplot, "dist/uPlot.iife.min.js"), "utf8"), type: js, cache: "public, max-age=86400" });
  assets.set("uplot.css", { body: readFileSync(join(uplot, "dist/uPlot.min.css"), "utf8"), type: css, cache: "public, max-age=86400" });

  const withCsp: MiddlewareHandler = async (c, next) => {
    await next();
    c.header("content-security-policy", UI_CSP);
  };
  const router = createRouter()
    .use("/ui", withCsp)
    .use("/ui/*", withCsp)
    .get("/ui", (c) => c.redirect("/ui/costs", 302))
    .get("/ui/", (c) => c.redirect("/ui/costs", 302))
    .get("/ui/assets/:file", (c) => {
      const asset = assets.get(c.req.param("file"));
      if (!asset) return c.text("not found", 404);
      return c.body(asset.body, 200, { "content-type": asset.type, "cache-control": asset.cache });
    });
  for (const page of UI_PAGES) {
    let rendered: Promise<string> | undefined;
    router.get(`/ui/${page.slug}`, async (c) => {
      rendered ??= renderPage(page);
      return c.body(await rendered, 200, { "content-type": "text/html; charset=utf-8", "cache-control": "no-cache" });
    });
  }
  return router;
}
