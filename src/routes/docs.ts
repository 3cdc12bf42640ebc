import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import type { MiddlewareHandler } from "hono";
import { createRouter } from "../http/router.ts";

/**
 * Swagger UI at /docs, over the app's own /openapi.json.
 *
 * The assets come from the `swagger-ui-dist` package and are served by this process, never from a
 * CDN: the docs then work offline and behind egress rules, their version is pinned by the lockfile,
 * and the page can run under `script-src 'self'` with no third-party script. For the same reason
 * there is no inline <script> (and no inline handlers): the start-up code is its own file,
 * /docs/init.js. The files are read once, when the router is made, and held in memory.
 *
 * These routes are plain `.get()`s, so they stay out of the OpenAPI document.
 */

/**
 * What the docs pages need, and nothing more. Swagger UI (React) sets `style` attributes, hence
 * 'unsafe-inline' for styles only; its CSS embeds icons as data: URIs; "Try it out" calls this origin.
 */
export const DOCS_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "font-src 'self' data:",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join("; ");

const ASSET_CACHE = "public, max-age=86400";

const DOCS_HTML = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8">
    <title>Pricebook API</title>
    <link rel="stylesheet" href="/docs/swagger-ui.css">
    <link rel="icon" type="image/png" href="/docs/favicon-32x32.png" sizes="32x32">
  </head>
  <body>
    <div id="swagger-ui"></div>
    <script src="/docs/swagger-ui-bundle.js" charset="utf-8"></script>
    <script src="/docs/swagger-ui-standalone-preset.js" charset="utf-8"></script>
    <script src="/docs/init.js" charset="utf-8"></script>
  </body>
</html>
`;

// validatorUrl: null, or Swagger UI would send the spec's URL to validator.swagger.io for a badge.
const DOCS_INIT = `window.ui = SwaggerUIBundle({
  url: "/openapi.json",
  dom_id: "#swagger-ui",
  presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
  layout: "StandaloneLayout",
  tryItOutEnabled: true,
  persistAuthorization: true,
  validatorUrl: null,
});
`;

function swaggerUiDir(): string {
  return dirname(createRequire(import.meta.url).resolve("swagger-ui-dist/package.json"));
}

export function docsRoutes() {
  const dir = swaggerUiDir();
  const text = (file: string) => readFileSync(join(dir, file), "utf8");
  const css = text("swagger-ui.css");
  const bundle = text("swagger-ui-bundle.js");
  const preset = text("swagger-ui-standalone-preset.js");
  const favicon = new Uint8Array(readFileSync(join(dir, "favicon-32x32.png")));

  const js = "text/javascript; charset=utf-8";
  const asset = (type: string) => ({ "content-type": type, "cache-control": ASSET_CACHE });

  // Every /docs response carries the policy, errors included.
  const withCsp: MiddlewareHandler = async (c, next) => {
    await next();
    c.header("content-security-policy", DOCS_CSP);
  };

  return createRouter()
    .use("/docs", withCsp)
    .use("/docs/*", withCsp)
    .get("/docs", (c) =>
      c.body(DOCS_HTML, 200, { "content-type": "text/html; charset=utf-8", "cache-control": "no-cache" }),
    )
    .get("/docs/init.js", (c) => c.body(DOCS_INIT, 200, { "content-type": js, "cache-control": "no-cache" }))
    .get("/docs/swagger-ui.css", (c) => c.body(css, 200, asset("text/css; charset=utf-8")))
    .get("/docs/swagger-ui-bundle.js", (c) => c.body(bundle, 200, asset(js)))
    .get("/docs/swagger-ui-standalone-preset.js", (c) => c.body(preset, 200, asset(js)))
    .get("/docs/favicon-32x32.png", (c) => c.body(favicon, 200, asset("image/png")));
}
