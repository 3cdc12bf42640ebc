import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { AzureFakeMode, FakeRetailPricesApi } from "./azure-retail-fake.ts";

/**
 * The Retail Prices fake as a real HTTP endpoint on loopback, for process tests and trying live mode
 * without Azure (point AZURE_RETAIL_PRICES_URL at it). Its NextPageLinks name prices.azure.com:443, as
 * Azure's do: Pricebook follows them on the configured host. `POST /__fake` switches its mode.
 */
export interface FakeAzureServer {
  url: string;
  server: Server;
  close(): Promise<void>;
}

export async function startFakeAzureServer(api: FakeRetailPricesApi, port = 0): Promise<FakeAzureServer> {
  const server = createServer(async (req, res) => {
    try {
      const url = new URL(req.url ?? "/", "http://127.0.0.1");
      if (url.pathname === "/__fake") {
        const chunks: Buffer[] = [];
        for await (const c of req) chunks.push(c as Buffer);
        const control = JSON.parse(Buffer.concat(chunks).toString("utf8") || "{}") as { mode?: AzureFakeMode; latencyMs?: number; reset?: boolean };
        if (control.reset) api.reset();
        if (control.mode) api.mode = control.mode;
        if (control.latencyMs !== undefined) api.latencyMs = control.latencyMs;
        res.writeHead(200, { "content-type": "application/json" });
        res.end(JSON.stringify({ mode: api.mode, calls: api.calls.length }));
        return;
      }
      const abort = new AbortController();
      res.on("close", () => abort.abort());
      const answer = await api.handle(url, abort.signal);
      if (res.destroyed) return;
      res.writeHead(answer.status, answer.headers);
      res.end(answer.body);
    } catch (error) {
      res.writeHead(500, { "content-type": "application/json" });
      res.end(JSON.stringify({ error: (error as Error).message }));
    }
  });
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  const address = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${address.port}`,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        api.releaseHung();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
