import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { FakeMode, FakePricingApi } from "./pricing-fake.ts";

/**
 * The Price List fake as a real HTTP endpoint on loopback, for process-level tests and benchmarks
 * (point AWS_ENDPOINT_URL_PRICING at it). `POST /__fake` switches its mode; `GET /__fake` reports calls.
 */
export interface FakeAwsServer {
  url: string;
  server: Server;
  close(): Promise<void>;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

export async function startFakeAwsServer(pricing: FakePricingApi, port = 0): Promise<FakeAwsServer> {
  const server = createServer(async (req, res) => {
    try {
      const body = await readBody(req);
      if (req.url === "/__fake") {
        if (req.method === "POST") {
          const control = JSON.parse(body || "{}") as {
            mode?: FakeMode;
            latencyMs?: number;
            reset?: boolean;
          };
          if (control.reset) pricing.reset();
          if (control.mode) pricing.mode = control.mode;
          if (control.latencyMs !== undefined) pricing.latencyMs = control.latencyMs;
        }
        res.writeHead(200, { "content-type": "application/json" });
        res.end(JSON.stringify({ mode: pricing.mode, calls: pricing.calls.length, throttled: pricing.throttled }));
        return;
      }
      const abort = new AbortController();
      res.on("close", () => abort.abort());
      const answer = await pricing.handle(
        req.headers["x-amz-target"]?.toString() ?? null,
        body,
        abort.signal,
      );
      if (res.destroyed) return;
      res.writeHead(answer.status, answer.headers);
      res.end(answer.body);
    } catch (error) {
      res.writeHead(500, { "content-type": "application/json" });
      res.end(JSON.stringify({ __type: "InternalFailure", message: (error as Error).message }));
    }
  });
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  const address = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${address.port}`,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        pricing.releaseHung();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
