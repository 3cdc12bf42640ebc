import { EKSClient } from "@aws-sdk/client-eks";
import { SageMakerClient } from "@aws-sdk/client-sagemaker";
import { setupServer } from "msw/node";
import { pino } from "pino";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { AwsResources } from "../../src/clouds/aws/aws-resources.ts";
import { AWS_OPTION_HINTS, AWS_SERVICES } from "../../src/clouds/aws/catalog.ts";
import { PurchaseOptionPrices } from "../../src/pricing/purchase-provider.ts";
import { eksSupportStatus, eksVersionHistory } from "../../src/clouds/aws/eks-calendar.ts";
import { classifyAwsError } from "../../src/clouds/aws/errors.ts";
import { MockAccountProbe } from "../../src/clouds/aws/account.ts";
import type { EksClustersReport, ResourceSource, SageMakerResourcesReport } from "../../src/clouds/aws/run-rate/model.ts";
import { awsRoutes } from "../../src/clouds/aws/routes.ts";
import { ApiError } from "../../src/errors.ts";
import { problemJson } from "../../src/http/problem.ts";
import { createRouter } from "../../src/http/router.ts";
import { MockResources, mockEksClusters, mockSageMakerInventory } from "../../src/clouds/aws/mock/resources.ts";
import { createUpstreamGuard } from "../../src/resilience/upstream-guard.ts";
import { Metrics } from "../../src/observability/metrics.ts";
import { FallbackPriceProvider } from "../../src/pricing/fallback-provider.ts";
import {
  eksCluster,
  eksFargateProfile,
  eksNodegroup,
  FakeEksSageMaker,
  notebookInstance,
  realtimeEndpoint,
  serverlessEndpoint,
  trainingJob,
} from "../fakes/eks-sagemaker-fake.ts";
import { realTables } from "../helpers/app.ts";
import { liveConfig } from "../helpers/live.ts";

/**
 * The run-rate of what is running, live: the real EKS and SageMaker SDK clients (fake credentials,
 * `maxAttempts: 1`) through Guards built as services.ts builds them, against msw fakes speaking the
 * REST-JSON and JSON 1.1 protocols; prices from the fallback tables. Then the mock account, priced by
 * the same code.
 */

const CREDENTIALS = { accessKeyId: "AKIAIOSFODNN7EXAMPLE", secretAccessKey: "x" };
/** 1.33 is in standard support, 1.29–1.31 in extended support, by the EKS release calendar. */
const NOW = new Date("2026-01-15T12:00:00Z");
const logger = pino({ level: "silent" });

const fake = new FakeEksSageMaker();
const msw = setupServer(...fake.handlers());
// As the compositions build it: the tables' on-demand prices behind the purchase options (no spot source here).
const prices = new PurchaseOptionPrices("aws", AWS_SERVICES, new FallbackPriceProvider("aws", AWS_SERVICES, realTables(), "mock"), realTables(), {}, AWS_OPTION_HINTS);

beforeAll(() => msw.listen({ onUnhandledFrame: "error" }));
afterAll(() => msw.close());

interface Harness {
  resources: AwsResources;
  close(): Promise<void>;
}
let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
  fake.reset();
});

/** A guard as services.ts builds the Price List one, from the same configuration. */
function guardFor(api: string, metrics: Metrics, env: Record<string, string>) {
  const config = liveConfig(env);
  const title = api === "eks" ? "the Amazon EKS API" : "the Amazon SageMaker API";
  return createUpstreamGuard(config, api, { ratePerSecond: config.PRICING_RATE_PER_SECOND, burst: config.PRICING_BURST }, { redis: undefined, metrics, logger, classify: classifyAwsError, title });
}

function live(env: Record<string, string> = {}): Harness {
  const metrics = new Metrics();
  const eksGuard = guardFor("eks", metrics, env);
  const sagemakerGuard = guardFor("sagemaker", metrics, env);
  const eksClients = new Map<string, EKSClient>();
  const sagemakerClients = new Map<string, SageMakerClient>();
  const resources = new AwsResources({
    eks: (region) => {
      let c = eksClients.get(region);
      if (!c) eksClients.set(region, (c = new EKSClient({ region, maxAttempts: 1, credentials: CREDENTIALS })));
      return c;
    },
    sagemaker: (region) => {
      let c = sagemakerClients.get(region);
      if (!c) sagemakerClients.set(region, (c = new SageMakerClient({ region, maxAttempts: 1, credentials: CREDENTIALS })));
      return c;
    },
    eksGuard: eksGuard.guard,
    sagemakerGuard: sagemakerGuard.guard,
    prices,
    now: () => NOW,
  });
  return {
    resources,
    async close() {
      for (const g of [eksGuard, sagemakerGuard]) {
        g.guard.shutdown();
        await g.limiter.close();
      }
      for (const c of [...eksClients.values(), ...sagemakerClients.values()]) c.destroy();
    },
  };
}

/** The routes alone, rendered as the app renders errors. */
function routesApp(source: ResourceSource) {
  const app = createRouter();
  // Open access: these tests are about the run-rate, not scopes.
  app.use("/v1/*", async (c, next) => {
    c.set("authorize", async () => void c.set("authorized", true));
    await next();
  });
  app.route("/", awsRoutes(source, new MockAccountProbe(() => NOW)));
  app.onError((error, c) =>
    error instanceof ApiError ? problemJson(c, error) : problemJson(c, new ApiError("internal_error", error.message)),
  );
  return app;
}

function seedEks(region = "us-east-1") {
  const state = fake.region(region);
  state.clusters.push(
    {
      cluster: eksCluster(region, "payments", "1.33", { supportType: "EXTENDED" }),
      nodegroups: [
        eksNodegroup(region, "payments", "general", { instanceTypes: ["m5.large"], capacityType: "ON_DEMAND", desiredSize: 3 }),
        eksNodegroup(region, "payments", "batch-spot", {
          instanceTypes: ["m5.xlarge", "m5a.xlarge"],
          capacityType: "SPOT",
          desiredSize: 5,
        }),
      ],
      fargateProfiles: [eksFargateProfile(region, "payments", "fp-default")],
    },
    {
      cluster: eksCluster(region, "analytics", "1.31", { supportType: "EXTENDED" }),
      // No capacityType on the wire: AWS's default, ON_DEMAND.
      nodegroups: [eksNodegroup(region, "analytics", "workers", { instanceTypes: ["t3.medium"], desiredSize: 2 })],
      fargateProfiles: [],
    },
    {
      // Described before upgradePolicy existed: no policy on the wire; the calendar decides.
      cluster: eksCluster(region, "legacy", "1.30"),
      nodegroups: [eksNodegroup(region, "legacy", "lt-nodes", { instanceTypes: null, desiredSize: 2 })],
      fargateProfiles: [],
    },
  );
}

describe("GET /v1/aws/eks/clusters, live", () => {
  it("prices standard and extended support, on-demand node groups; flags Spot, lists Fargate; totals in decimals", async () => {
    h = live();
    seedEks();
    const res = await routesApp(h.resources).request("/v1/aws/eks/clusters?region=us-east-1");
    expect(res.status).toBe(200);
    const body = (await res.json()) as EksClustersReport;
    expect(body).toMatchObject({ cloud: "aws", service: "eks", region: "us-east-1", currency: "USD", source: "live" });
    expect(body.calendar.source).toContain("docs.aws.amazon.com/eks/latest/userguide/kubernetes-versions.html");
    const [payments, analytics, legacy] = body.clusters;

    // 1.33 with policy EXTENDED is still in standard support: the policy is what happens later.
    expect(payments).toMatchObject({
      name: "payments",
      version: "1.33",
      upgradePolicy: "EXTENDED",
      supportType: "STANDARD",
      supportBasis: "calendar",
      endOfStandardSupport: "2026-07-29",
      fargateProfiles: [{ name: "fp-default" }],
    });
    expect(payments?.lines.find((l) => l.id === "control-plane")).toMatchObject({
      priceId: "control-plane.standard",
      unitPrice: "0.1",
      hourly: "0.1",
      status: "priced",
      price: { source: "fallback" },
    });
    expect(payments?.lines.find((l) => l.id === "node-group/general")).toMatchObject({
      priceId: "m5.large",
      quantity: "3",
      unitPrice: "0.096",
      hourly: "0.288",
      monthly: "210.24",
      status: "priced",
    });
    const spot = payments?.lines.find((l) => l.id === "node-group/batch-spot");
    // No spot price without EC2 (live only): listed, left out, and saying why.
    expect(spot).toMatchObject({ status: "not-available", inTotal: false, hourly: null, quantity: "5" });
    expect(spot?.reason).toMatch(/SPOT capacity is billed at the Spot price.*AWS spot prices are live only/);
    const fargate = payments?.lines.find((l) => l.id === "fargate-profile/fp-default");
    expect(fargate).toMatchObject({ status: "not-priced", hourly: null });
    expect(fargate?.reason).toMatch(/billed per pod/);
    // Spot and Fargate are left out of the total: it is then incomplete, whatever else was priced.
    expect(payments?.totals).toMatchObject({ hourly: "0.388", monthly: "283.24", complete: false });
    expect(payments?.nodeGroups.find((g) => g.name === "batch-spot")).toMatchObject({
      capacityType: "SPOT",
      instanceTypes: ["m5.xlarge", "m5a.xlarge"],
      desiredSize: 5,
    });

    // 1.31 past standard support: the extended-support total rate.
    expect(analytics).toMatchObject({ supportType: "EXTENDED", supportBasis: "calendar" });
    expect(analytics?.lines[0]).toMatchObject({ priceId: "control-plane.extended", unitPrice: "0.6", hourly: "0.6" });
    expect(analytics?.lines[1]).toMatchObject({ priceId: "t3.medium", hourly: "0.0832" });
    expect(analytics?.nodeGroups[0]?.capacityType).toBe("ON_DEMAND");

    // No upgradePolicy, 1.30 past standard support by the calendar → extended.
    expect(legacy).toMatchObject({ upgradePolicy: null, supportType: "EXTENDED", endOfStandardSupport: "2025-07-23" });
    expect(legacy?.lines[0]).toMatchObject({ priceId: "control-plane.extended", hourly: "0.6" });
    // A launch-template node group: no instance type reported, listed as not available, never 0.
    expect(legacy?.lines[1]).toMatchObject({ status: "not-available", hourly: null, unitPrice: null, inTotal: false });
    expect(legacy?.totals).toMatchObject({ hourly: "0.6", complete: false });

    // 0.388 + 0.6832 + 0.6, exactly.
    expect(body.totals).toMatchObject({ hourly: "1.6712", monthly: "1219.976", hoursPerMonth: 730, complete: false });
    expect(body.totals.excluded.map((e) => e.id)).toEqual([
      "payments/node-group/batch-spot",
      "payments/fargate-profile/fp-default",
      "legacy/node-group/lt-nodes",
    ]);
  });

  it("follows every page of clusters, node groups and Fargate profiles", async () => {
    h = live();
    seedEks();
    fake.region("us-east-1").clusters[0]?.fargateProfiles.push(eksFargateProfile("us-east-1", "payments", "fp-jobs"));
    fake.pageSize = 1;
    const report = await h.resources.eksClusters("us-east-1");
    expect(report.clusters.map((c) => c.name)).toEqual(["payments", "analytics", "legacy"]);
    expect(report.clusters[0]?.nodeGroups.map((g) => g.name)).toEqual(["general", "batch-spot"]);
    expect(report.clusters[0]?.fargateProfiles.map((p) => p.name)).toEqual(["fp-default", "fp-jobs"]);
    expect(fake.callsOf("ListClusters")).toHaveLength(3);
    expect(fake.callsOf("ListClusters")[1]?.params.nextToken).toBeTruthy();
    expect(fake.callsOf("ListNodegroups").filter((c) => c.params.path instanceof Array && c.params.path[1] === "payments")).toHaveLength(2);
    expect(fake.callsOf("ListFargateProfiles").filter((c) => (c.params.path as string[])[1] === "payments")).toHaveLength(2);
    expect(report.totals.hourly).toBe("1.6712");
  });

  it("a cluster deleted between list and describe is skipped", async () => {
    h = live();
    seedEks();
    fake.faults = [{ api: "eks", op: "DescribeCluster", status: 404, type: "ResourceNotFoundException", message: "No cluster found for name: payments.", times: 1 }];
    const report = await h.resources.eksClusters("us-east-1");
    expect(report.clusters).toHaveLength(2);
  });

  it("AccessDenied from EKS → a 502 problem naming the API and the code, without AWS's message or a Retry-After", async () => {
    h = live();
    seedEks();
    fake.faults = [
      {
        api: "eks",
        op: "ListClusters",
        status: 403,
        type: "AccessDeniedException",
        message: "User: arn:aws:iam::111122223333:user/pricebook is not authorized to perform: eks:ListClusters on resource: arn:aws:eks:us-east-1:111122223333:cluster/*",
      },
    ];
    const res = await routesApp(h.resources).request("/v1/aws/eks/clusters?region=us-east-1");
    expect(res.status).toBe(502);
    expect(res.headers.get("content-type")).toBe("application/problem+json");
    expect(res.headers.get("retry-after")).toBeNull();
    const problem = (await res.json()) as { code: string; detail: string };
    expect(problem.code).toBe("upstream_error");
    expect(problem.detail).toContain("Amazon EKS API (us-east-1)");
    expect(problem.detail).toContain("AccessDeniedException");
    expect(problem.detail).not.toContain("111122223333");
    // A client error is not retried.
    expect(fake.callsOf("ListClusters")).toHaveLength(1);
  });

  it("EKS failing with 5xx past the guard's retries → 503 with Retry-After", async () => {
    h = live({ UPSTREAM_RETRIES: "1" });
    seedEks();
    fake.faults = [{ api: "eks", op: "ListClusters", status: 500, type: "ServerException", message: "internal error" }];
    const res = await routesApp(h.resources).request("/v1/aws/eks/clusters?region=eu-west-1");
    expect(res.status).toBe(503);
    // A transient failure's Retry-After (the breaker is not open after one failed call).
    expect(res.headers.get("retry-after")).toBe("5");
    expect(((await res.json()) as { detail: string }).detail).toContain("Amazon EKS API (eu-west-1) is unavailable");
    expect(fake.callsOf("ListClusters")).toHaveLength(2);
  });

  it("eu-west-1: control plane and EC2 prices from that region's tables", async () => {
    h = live();
    seedEks("eu-west-1");
    const report = await h.resources.eksClusters("eu-west-1");
    const general = report.clusters[0]?.lines.find((l) => l.id === "node-group/general");
    expect(general).toMatchObject({ unitPrice: "0.107", hourly: "0.321" });
    expect(report.clusters[1]?.lines[0]).toMatchObject({ priceId: "control-plane.extended", unitPrice: "0.6" });
  });

  it("a region with no prices: everything listed as not available, totals null and incomplete, never a fake 0", async () => {
    h = live();
    seedEks("ap-east-2");
    const report = await h.resources.eksClusters("ap-east-2");
    expect(report.clusters).toHaveLength(3);
    for (const line of report.clusters.flatMap((c) => c.lines).filter((l) => l.status !== "not-priced")) {
      expect(line).toMatchObject({ status: "not-available", unitPrice: null, hourly: null });
    }
    expect(report.totals).toMatchObject({ hourly: null, monthly: null, complete: false });
  });

  it("rejects an unknown region and unknown parameters with 400", async () => {
    h = live();
    const app = routesApp(h.resources);
    expect((await app.request("/v1/aws/eks/clusters?region=mars-1")).status).toBe(400);
    expect((await app.request("/v1/aws/eks/clusters")).status).toBe(400);
    expect((await app.request("/v1/aws/sagemaker/resources?region=us-east-1&x=1")).status).toBe(400);
    expect(fake.calls).toHaveLength(0);
  });
});

function seedSageMaker(region = "us-east-1") {
  fake.addEndpoint(region, realtimeEndpoint(region, "fraud-detector", [{ name: "AllTraffic", instanceType: "ml.m5.xlarge", count: 2 }]));
  fake.addEndpoint(region, serverlessEndpoint(region, "ticket-summarizer", 2048, 20));
  fake.addEndpoint(region, realtimeEndpoint(region, "staging", [{ name: "AllTraffic", instanceType: "ml.g5.xlarge", count: 1 }], { status: "Creating" }));
  // Its endpoint config was deleted while the endpoint runs (AWS allows it).
  fake.addEndpoint(region, realtimeEndpoint(region, "orphan", [{ name: "AllTraffic", instanceType: "ml.c5.xlarge", count: 1 }]), {
    withConfig: false,
  });
  const state = fake.region(region);
  state.notebooks.push(
    notebookInstance(region, "research", "ml.t3.medium"),
    notebookInstance(region, "old-notebook", "ml.m5.xlarge", "Stopped"),
  );
  state.trainingJobs.push(
    trainingJob(region, "churn-2026-01-15", { instanceType: "ml.m5.xlarge", count: 2 }),
    trainingJob(region, "churn-2026-01-01", { instanceType: "ml.m5.xlarge", count: 4 }, "Completed"),
    trainingJob(region, "hetero-2026-01-15", [
      { group: "cpu", instanceType: "ml.m5.xlarge", count: 1 },
      { group: "gpu", instanceType: "ml.g5.xlarge", count: 1 },
    ]),
  );
}

describe("GET /v1/aws/sagemaker/resources, live", () => {
  it("real-time endpoints by instance-hour, serverless per second of inference, notebooks, training jobs, totals", async () => {
    h = live();
    seedSageMaker();
    const res = await routesApp(h.resources).request("/v1/aws/sagemaker/resources?region=us-east-1");
    expect(res.status).toBe(200);
    const body = (await res.json()) as SageMakerResourcesReport;
    expect(body).toMatchObject({ service: "sagemaker", region: "us-east-1", source: "live" });

    // Only InService endpoints; StatusEquals went over the wire.
    expect(body.endpoints.map((e) => e.name)).toEqual(["fraud-detector", "ticket-summarizer", "orphan"]);
    expect(fake.callsOf("ListEndpoints")[0]?.params).toMatchObject({ StatusEquals: "InService" });
    const [fraud, summarizer, orphan] = body.endpoints;
    expect(fraud?.variants?.[0]).toMatchObject({ kind: "instance", instanceType: "ml.m5.xlarge", currentInstanceCount: 2 });
    expect(fraud?.lines[0]).toMatchObject({ priceId: "hosting.ml.m5.xlarge", quantity: "2", unitPrice: "0.23", hourly: "0.46" });

    expect(summarizer?.variants?.[0]).toMatchObject({ kind: "serverless", memorySizeInMB: 2048, maxConcurrency: 20 });
    expect(summarizer?.lines[0]).toMatchObject({
      priceId: "serverless-inference.2048",
      unit: "second",
      unitPrice: "0.00004",
      hourly: null,
      status: "usage-based",
      inTotal: false,
    });
    expect(summarizer?.lines[0]?.reason).toMatch(/per second of inference/);
    // Billed per use: no hourly figure can be stated for it, and it is not "0".
    expect(summarizer?.totals).toMatchObject({ hourly: null, complete: false });

    expect(orphan?.lines[0]).toMatchObject({ status: "not-available", hourly: null });

    expect(body.notebooks.map((n) => n.name)).toEqual(["research"]);
    expect(body.notebooks[0]?.lines[0]).toMatchObject({ priceId: "notebook.ml.t3.medium", hourly: "0.05" });

    expect(body.trainingJobs.map((j) => j.name)).toEqual(["churn-2026-01-15", "hetero-2026-01-15"]);
    expect(body.trainingJobs[0]?.lines[0]).toMatchObject({ priceId: "training.ml.m5.xlarge", quantity: "2", hourly: "0.46" });
    expect(body.trainingJobs[1]?.lines.map((l) => [l.id, l.priceId, l.hourly])).toEqual([
      ["instance-group/cpu", "training.ml.m5.xlarge", "0.23"],
      ["instance-group/gpu", "training.ml.g5.xlarge", "1.408"],
    ]);

    // 0.46 + 0.05 + 0.46 + 0.23 + 1.408
    expect(body.totals).toMatchObject({ hourly: "2.608", monthly: "1903.84", complete: false });
    expect(body.totals.excluded.map((e) => [e.id, e.status])).toEqual([
      ["endpoint/ticket-summarizer/variant/AllTraffic", "usage-based"],
      ["endpoint/orphan/variant/AllTraffic", "not-available"],
    ]);
  });

  it("follows NextToken on every list", async () => {
    h = live();
    seedSageMaker();
    fake.pageSize = 1;
    const report = await h.resources.sagemakerResources("us-east-1");
    expect(report.endpoints).toHaveLength(3);
    expect(report.trainingJobs).toHaveLength(2);
    expect(fake.callsOf("ListEndpoints")).toHaveLength(3);
    expect(fake.callsOf("ListTrainingJobs")).toHaveLength(2);
    expect(fake.callsOf("ListNotebookInstances")).toHaveLength(1);
    expect(report.totals.hourly).toBe("2.608");
  });

  it("a SageMaker throttling storm → 503 naming the SageMaker API", async () => {
    h = live({ UPSTREAM_RETRIES: "0" });
    seedSageMaker();
    fake.faults = [{ api: "sagemaker", op: "ListTrainingJobs", status: 400, type: "ThrottlingException", message: "Rate exceeded" }];
    const res = await routesApp(h.resources).request("/v1/aws/sagemaker/resources?region=us-east-1");
    expect(res.status).toBe(503);
    // Throttling's Retry-After.
    expect(res.headers.get("retry-after")).toBe("2");
    expect(((await res.json()) as { detail: string }).detail).toContain("Amazon SageMaker API (us-east-1)");
  });
});

describe("the EKS release calendar", () => {
  it("bills by the calendar; the upgrade policy decides only past standard support", () => {
    const at = new Date("2026-01-15T00:00:00Z");
    expect(eksSupportStatus("1.34", "EXTENDED", at)).toMatchObject({ supportType: "STANDARD", basis: "calendar" });
    expect(eksSupportStatus("1.31", undefined, at)).toMatchObject({ supportType: "EXTENDED", basis: "calendar" });
    expect(eksSupportStatus("1.31", "STANDARD", at)).toMatchObject({ supportType: "STANDARD", basis: "upgrade-policy" });
    // Billing starts at 00:00 UTC on the end-of-standard-support day.
    expect(eksSupportStatus("1.32", undefined, new Date("2026-03-22T23:59:59Z")).supportType).toBe("STANDARD");
    expect(eksSupportStatus("1.32", undefined, new Date("2026-03-23T00:00:00Z")).supportType).toBe("EXTENDED");
    expect(eksSupportStatus("1.23", undefined, at).note).toMatch(/left extended support/);
    expect(eksSupportStatus("1.35", undefined, at)).toMatchObject({ supportType: "STANDARD", basis: "newer-than-calendar" });
    expect(eksSupportStatus("1.22", "EXTENDED", at)).toMatchObject({ supportType: "EXTENDED", basis: "upgrade-policy" });
  });
});

describe("EKS versions over time", () => {
  it("AWS upgrades one minor version at a time at the end of support, as the policy says; the owners' changes win", () => {
    const created = [{ since: "2024-06-03", version: "1.30" }];
    expect(eksVersionHistory(created, undefined, "2026-07-22").map((s) => s.version)).toEqual(["1.30"]);
    expect(eksVersionHistory(created, undefined, "2026-12-03")).toEqual([
      { since: "2024-06-03", version: "1.30", automatic: false },
      { since: "2026-07-23", version: "1.31", automatic: true },
      { since: "2026-11-26", version: "1.32", automatic: true },
    ]);
    // Policy STANDARD: at the end of standard support, and again the same day while the next is past its end too.
    expect(eksVersionHistory(created, "STANDARD", "2025-07-23")).toEqual([
      { since: "2024-06-03", version: "1.30", automatic: false },
      { since: "2025-07-23", version: "1.31", automatic: true },
    ]);
    expect(eksVersionHistory([{ since: "2025-12-01", version: "1.30" }], "STANDARD", "2025-12-01").map((s) => `${s.version}@${s.since}`)).toEqual(["1.30@2025-12-01", "1.31@2025-12-01", "1.32@2025-12-01"]);
    // Upgraded by its owners before the end: no automatic step.
    expect(eksVersionHistory([...created, { since: "2026-05-01", version: "1.33" }], undefined, "2026-12-03").map((s) => s.version)).toEqual(["1.30", "1.33"]);
    // Past the calendar's newest version nothing is known: it stays.
    expect(eksVersionHistory([{ since: "2025-10-10", version: "1.34" }], "STANDARD", "2027-06-01").map((s) => s.version)).toEqual(["1.34", "1.35"]);
    expect(eksVersionHistory(created, undefined, "2024-06-02")).toEqual([]);
  });
});

describe("mock mode", () => {
  it("answers source mock, with a standard and an extended cluster, Spot flagged and Fargate listed", async () => {
    const mock = new MockResources(prices, () => NOW);
    const res = await routesApp(mock).request("/v1/aws/eks/clusters?region=us-east-1");
    expect(res.status).toBe(200);
    const body = (await res.json()) as EksClustersReport;
    expect(body.source).toBe("mock");
    expect(body.asOf).toBe(NOW.toISOString());
    expect(body.clusters.map((c) => [c.name, c.supportType])).toEqual([
      ["checkout-prod", "STANDARD"],
      ["legacy-reporting", "EXTENDED"],
    ]);
    const lines = body.clusters.flatMap((c) => c.lines);
    expect(lines.some((l) => l.id.startsWith("node-group/") && l.status === "not-available" && /SPOT.*live only/.test(l.reason ?? ""))).toBe(true);
    expect(lines.some((l) => l.id.startsWith("fargate-profile/"))).toBe(true);
    // 0.10 + 3 × 0.096 + 0.60 + 2 × 0.0416
    // Spot and Fargate are listed and left out: the total is a lower bound.
    expect(body.totals).toMatchObject({ hourly: "1.0712", monthly: "781.976", complete: false });

    const sm = (await (await routesApp(mock).request("/v1/aws/sagemaker/resources?region=us-east-1")).json()) as SageMakerResourcesReport;
    expect(sm.source).toBe("mock");
    expect(sm.endpoints.map((e) => e.variants?.[0]?.kind)).toEqual(["instance", "serverless"]);
    expect(sm.endpoints[1]?.lines[0]).toMatchObject({ status: "usage-based", unit: "second" });
    expect(sm.notebooks).toHaveLength(1);
    expect(sm.trainingJobs).toHaveLength(1);
    // 2 × 0.23 (hosting) + 0.05 (notebook) + 1 × 0.736 (training ml.g4dn.xlarge, the job the account's
    // Train:ml.g4dn.xlarge cost line bills)
    // The serverless variant is billed per use, outside the hourly total.
    expect(sm.totals).toMatchObject({ hourly: "1.246", complete: false });
  });

  it("the mock account served through the live path prices the same, line for line", async () => {
    const region = "us-east-1";
    // The mock inventory, put on the wire.
    for (const c of mockEksClusters(region, NOW.toISOString().slice(0, 10))) {
      fake.region(region).clusters.push({
        cluster: eksCluster(region, c.name, c.version, c.upgradePolicy ? { supportType: c.upgradePolicy } : {}),
        nodegroups: c.nodeGroups.map((g) =>
          eksNodegroup(region, c.name, g.name, {
            instanceTypes: g.instanceTypes,
            capacityType: g.capacityType as "ON_DEMAND" | "SPOT",
            desiredSize: g.desiredSize,
          }),
        ),
        fargateProfiles: c.fargateProfiles.map((p) => eksFargateProfile(region, c.name, p.name)),
      });
    }
    const inv = mockSageMakerInventory(region, NOW.toISOString().slice(0, 10));
    for (const e of inv.endpoints) {
      const v = e.variants[0];
      if (v?.kind === "instance")
        fake.addEndpoint(region, realtimeEndpoint(region, e.name, [{ name: v.name, instanceType: v.instanceType as string, count: v.currentInstanceCount ?? 0 }]));
      else if (v?.kind === "serverless") fake.addEndpoint(region, serverlessEndpoint(region, e.name, v.memorySizeInMB, v.maxConcurrency));
    }
    for (const n of inv.notebooks) fake.region(region).notebooks.push(notebookInstance(region, n.name, n.instanceType));
    for (const j of inv.trainingJobs) {
      const g = j.instanceGroups[0] as { instanceType: string; instanceCount: number };
      fake.region(region).trainingJobs.push(trainingJob(region, j.name, { instanceType: g.instanceType, count: g.instanceCount }));
    }

    const liveH = live();
    h = liveH;
    const mock = new MockResources(prices, () => NOW);
    const [liveEks, mockEks, liveSm, mockSm] = await Promise.all([
      liveH.resources.eksClusters(region),
      mock.eksClusters(region),
      liveH.resources.sagemakerResources(region),
      mock.sagemakerResources(region),
    ]);
    const eksView = (r: EksClustersReport) => ({
      clusters: r.clusters.map((c) => ({ name: c.name, supportType: c.supportType, lines: c.lines, totals: c.totals })),
      totals: r.totals,
    });
    expect(eksView(liveEks)).toEqual(eksView(mockEks));
    const smView = (r: SageMakerResourcesReport) =>
      [...r.endpoints, ...r.notebooks, ...r.trainingJobs].map((x) => ({ name: x.name, lines: x.lines, totals: x.totals }));
    expect(smView(liveSm)).toEqual(smView(mockSm));
    expect(liveSm.totals).toEqual(mockSm.totals);
    expect([liveEks.source, mockEks.source]).toEqual(["live", "mock"]);
  });
});
