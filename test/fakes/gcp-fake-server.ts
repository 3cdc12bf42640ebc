import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { FakeBillingCatalog, GcpFakeMode } from "./gcp-billing-fake.ts";

/**
 * The Billing Catalog fake as a real HTTP endpoint on loopback, for process tests (point
 * GCP_CLOUD_BILLING_URL at it). `POST /__fake` switches its mode; `GET /__fake` reports calls.
 */
export interface FakeGcpServer {
  url: string;
  server: Server;
  close(): Promise<void>;
}

export async function startFakeGcpServer(fake: FakeBillingCatalog, port = 0): Promise<FakeGcpServer> {
  const server = createServer(async (req, res) => {
    try {
      const url = new URL(req.url ?? "/", "http://127.0.0.1");
      if (url.pathname === "/__fake") {
        const chunks: Buffer[] = [];
        for await (const c of req) chunks.push(c as Buffer);
        if (req.method === "POST") {
          const control = JSON.parse(Buffer.concat(chunks).toString("utf8") || "{}") as { mode?: GcpFakeMode; latencyMs?: number; reset?: boolean };
          if (control.reset) fake.reset();
          if (control.mode) fake.mode = control.mode;
          if (control.latencyMs !== undefined) fake.latencyMs = control.latencyMs;
        }
        res.writeHead(200, { "content-type": "application/json" });
        res.end(JSON.stringify({ mode: fake.mode, calls: fake.calls.length }));
        return;
      }
      if (req.method !== "GET") {
        res.writeHead(405, { "content-type": "application/json" });
        res.end(JSON.stringify({ error: { code: 405, status: "METHOD_NOT_ALLOWED", message: "GET only" } }));
        return;
      }
      const abort = new AbortController();
      res.on("close", () => abort.abort());
      const headers = { get: (name: string) => req.headers[name.toLowerCase()]?.toString() ?? null };
      const answer = await fake.handle(url, headers, abort.signal);
      if (res.destroyed) return;
      res.writeHead(answer.status, answer.headers);
      res.end(answer.body);
    } catch (error) {
      res.writeHead(500, { "content-type": "application/json" });
      res.end(JSON.stringify({ error: { code: 500, status: "INTERNAL", message: (error as Error).message } }));
    }
  });
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  const address = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${address.port}`,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        fake.releaseHung();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
