import type { OpenAPIHono } from "@hono/zod-openapi";

/** The document's fixed parts; paths and schemas come from the routes themselves. */
export const OPENAPI_INFO = {
  openapi: "3.1.0",
  info: {
    title: "Pricebook",
    version: "1",
    description:
      "Cloud prices and costs. Every price is a decimal string exactly as published, with its provenance (`source`: live, cache, stale, fallback, mock) and `asOf` date. Errors are application/problem+json (RFC 9457).",
  },
} as const;

/** Any router's document can be generated: its environment and schema types do not matter here. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function openApiDocument(app: OpenAPIHono<any, any, any>) {
  return app.getOpenAPI31Document({ ...OPENAPI_INFO, security: [{ apiKey: [] }] });
}
