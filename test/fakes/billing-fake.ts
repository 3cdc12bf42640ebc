/**
 * Fakes of Cost Explorer (`AWSInsightsIndexService.*`), Budgets (`AWSBudgetServiceGateway.*`), both
 * JSON 1.1 on their us-east-1 endpoints, and STS (`Action=GetCallerIdentity`, query protocol, XML),
 * as msw handlers. Shapes follow shared/aws-examples: CE amounts as 10-decimal strings, an empty
 * `Total` when grouped, untagged keys "Environment$"; Budgets amounts with binary-float tails and
 * epoch-second time periods; errors with `x-amzn-errortype`.
 */
import { HttpResponse, http } from "msw";

const json = (body: unknown, status = 200) =>
  new HttpResponse(JSON.stringify(body), { status, headers: { "content-type": "application/x-amz-json-1.1", "x-amzn-requestid": crypto.randomUUID() } });

export const awsError = (type: string, message: string, status = 400) =>
  new HttpResponse(JSON.stringify({ __type: type, Message: message }), {
    status,
    headers: { "content-type": "application/x-amz-json-1.1", "x-amzn-errortype": `${type}:http://internal.amazon.com/coral/`, "x-amzn-requestid": crypto.randomUUID() },
  });

const SERVICES = ["Amazon Elastic Compute Cloud - Compute", "Amazon Simple Storage Service", "AWS Lambda"];
const ENVIRONMENTS = ["Environment$prod", "Environment$"];

/** A deterministic amount for a day and group, as a 10-decimal string. */
export function dayAmount(day: string, service: string, env: string): string {
  let h = 0;
  for (const ch of `${day}|${service}|${env}`) h = (h * 31 + ch.charCodeAt(0)) >>> 0;
  return ((h % 100_000) / 1000 + 1).toFixed(10);
}

function days(start: string, end: string): string[] {
  const out: string[] = [];
  for (let d = new Date(`${start}T00:00:00Z`); d.toISOString().slice(0, 10) < end; d.setUTCDate(d.getUTCDate() + 1)) {
    out.push(d.toISOString().slice(0, 10));
  }
  return out;
}

interface CeRequest {
  TimePeriod: { Start: string; End: string };
  Granularity: string;
  Metrics?: string[];
  Metric?: string;
  GroupBy?: Array<{ Type: string; Key: string }>;
  Filter?: unknown;
  NextPageToken?: string;
  PredictionIntervalLevel?: number;
}

export class FakeCostExplorer {
  calls: Array<{ target: string; body: CeRequest }> = [];
  /** Periods per page of GetCostAndUsage; the last period of a page is split across pages when grouped. */
  pageSize = 100;
  forecastUnavailable = false;
  /** The day whose results are still estimated (and later). */
  estimatedFrom = "9999-12-31";

  reset(): void {
    this.calls = [];
    this.pageSize = 100;
    this.forecastUnavailable = false;
  }

  callsTo(op: string) {
    return this.calls.filter((c) => c.target === `AWSInsightsIndexService.${op}`);
  }

  handler() {
    return http.post(/^https:\/\/ce\.(us-east-1\.amazonaws\.com|us-east-1\.api\.aws)\/?$/, async ({ request }) => {
      const target = request.headers.get("x-amz-target") ?? "";
      const body = (await request.json()) as CeRequest;
      this.calls.push({ target, body });
      if (target === "AWSInsightsIndexService.GetCostAndUsage") return this.#usage(body);
      if (target === "AWSInsightsIndexService.GetCostForecast") return this.#forecast(body);
      if (target === "AWSInsightsIndexService.GetDimensionValues") return json({ DimensionValues: [{ Value: SERVICES[0], Attributes: {} }], ReturnSize: 1, TotalSize: 1 });
      return awsError("UnknownOperationException", target);
    });
  }

  #usage(body: CeRequest) {
    const metric = body.Metrics?.[0] ?? "UnblendedCost";
    const groupKeys = body.GroupBy ?? [];
    const all = days(body.TimePeriod.Start, body.TimePeriod.End).map((day) => {
      const groups: Array<{ Keys: string[]; Metrics: Record<string, { Amount: string; Unit: string }> }> = [];
      let total = 0n;
      for (const service of SERVICES) {
        for (const env of ENVIRONMENTS) {
          const amount = dayAmount(day, service, env);
          total += BigInt(amount.replace(".", ""));
          if (groupKeys.length === 2) groups.push({ Keys: [service, env], Metrics: { [metric]: { Amount: amount, Unit: "USD" } } });
        }
      }
      if (groupKeys.length === 1) {
        for (const service of SERVICES) {
          const sum = ENVIRONMENTS.reduce((acc, env) => acc + BigInt(dayAmount(day, service, env).replace(".", "")), 0n);
          groups.push({ Keys: [service], Metrics: { [metric]: { Amount: (Number(sum) / 1e10).toFixed(10), Unit: "USD" } } });
        }
      }
      const next = new Date(`${day}T00:00:00Z`);
      next.setUTCDate(next.getUTCDate() + 1);
      return {
        TimePeriod: { Start: day, End: next.toISOString().slice(0, 10) },
        Total: groupKeys.length ? {} : { [metric]: { Amount: (Number(total) / 1e10).toFixed(10), Unit: "USD" } },
        Groups: groups,
        Estimated: day >= this.estimatedFrom,
      };
    });
    const offset = body.NextPageToken ? Number(Buffer.from(body.NextPageToken, "base64").toString()) : 0;
    const page = all.slice(offset, offset + this.pageSize);
    const more = offset + this.pageSize < all.length;
    return json({
      GroupDefinitions: groupKeys,
      ResultsByTime: page,
      DimensionValueAttributes: [],
      ...(more ? { NextPageToken: Buffer.from(String(offset + this.pageSize)).toString("base64") } : {}),
    });
  }

  #forecast(body: CeRequest) {
    if (this.forecastUnavailable) return awsError("DataUnavailableException", "Insufficient amount of historical data to generate forecast.");
    const periods = days(body.TimePeriod.Start, body.TimePeriod.End);
    const results = periods.map((day) => {
      const next = new Date(`${day}T00:00:00Z`);
      next.setUTCDate(next.getUTCDate() + 1);
      return {
        TimePeriod: { Start: day, End: next.toISOString().slice(0, 10) },
        MeanValue: "100.0000000000",
        PredictionIntervalLowerBound: body.PredictionIntervalLevel === 95 ? "80.0000000000" : "90.0000000000",
        PredictionIntervalUpperBound: body.PredictionIntervalLevel === 95 ? "120.0000000000" : "110.0000000000",
      };
    });
    return json({ Total: { Amount: (periods.length * 100).toFixed(10), Unit: "USD" }, ForecastResultsByTime: body.Granularity === "DAILY" ? results : [] });
  }
}

interface StoredBudget {
  BudgetName: string;
  [k: string]: unknown;
}

export class FakeBudgets {
  readonly budgets = new Map<string, StoredBudget>();
  calls: Array<{ target: string; body: Record<string, unknown> }> = [];
  pageSize = 100;
  creationLimit = Number.POSITIVE_INFINITY;
  /** The next CreateBudget stores the budget and then never answers (a timed-out create that succeeded). */
  hangAfterCreate = false;
  /** The next CreateBudget never answers and stores nothing. */
  hangBeforeCreate = false;
  /** This many coming DescribeBudget calls fail with a 500 (a read-back that cannot tell). */
  failDescribe = 0;

  reset(): void {
    this.budgets.clear();
    this.calls = [];
    this.pageSize = 100;
    this.creationLimit = Number.POSITIVE_INFINITY;
    this.hangAfterCreate = false;
    this.hangBeforeCreate = false;
    this.failDescribe = 0;
  }

  callsTo(op: string) {
    return this.calls.filter((c) => c.target === `AWSBudgetServiceGateway.${op}`);
  }

  seed(budget: StoredBudget): void {
    this.budgets.set(budget.BudgetName, budget);
  }

  handler() {
    return http.post(/^https:\/\/budgets\.(amazonaws\.com|us-east-1\.api\.aws)\/?$/, async ({ request }) => {
      const target = request.headers.get("x-amz-target") ?? "";
      const body = (await request.json()) as Record<string, unknown>;
      this.calls.push({ target, body });
      const op = target.replace("AWSBudgetServiceGateway.", "");
      switch (op) {
        case "DescribeBudgets": {
          const all = [...this.budgets.values()];
          const offset = body.NextToken ? Number(body.NextToken) : 0;
          const size = Math.min(Number(body.MaxResults ?? 100), this.pageSize);
          const page = all.slice(offset, offset + size);
          return json({ Budgets: page, ...(offset + size < all.length ? { NextToken: String(offset + size) } : {}) });
        }
        case "DescribeBudget": {
          if (this.failDescribe > 0) {
            this.failDescribe--;
            return awsError("InternalErrorException", "internal failure", 500);
          }
          const b = this.budgets.get(String(body.BudgetName));
          return b ? json({ Budget: b }) : awsError("NotFoundException", `Unable to get budget: ${String(body.BudgetName)} - the budget doesn't exist.`);
        }
        case "DescribeBudgetPerformanceHistory": {
          const b = this.budgets.get(String(body.BudgetName));
          if (!b) return awsError("NotFoundException", "the budget doesn't exist");
          return json({
            BudgetPerformanceHistory: {
              BudgetName: b.BudgetName,
              BudgetType: b.BudgetType,
              TimeUnit: b.TimeUnit,
              CostFilters: b.CostFilters ?? {},
              BudgetedAndActualAmountsList: [
                { ActualAmount: { Amount: "50", Unit: "USD" }, BudgetedAmount: { Amount: "100", Unit: "USD" }, TimePeriod: { Start: 1793491200, End: 1796083200 } },
                { ActualAmount: { Amount: "120.5", Unit: "USD" }, BudgetedAmount: { Amount: "100", Unit: "USD" }, TimePeriod: { Start: 1796083200, End: 1798761600 } },
              ],
            },
          });
        }
        case "CreateBudget": {
          const budget = body.Budget as StoredBudget;
          if (this.hangBeforeCreate) {
            this.hangBeforeCreate = false;
            await new Promise((r) => request.signal.addEventListener("abort", r, { once: true }));
            return awsError("InternalErrorException", "dropped", 500);
          }
          if (this.budgets.has(budget.BudgetName)) return awsError("DuplicateRecordException", `Error creating budget: ${budget.BudgetName} - the budget already exists.`);
          if (this.budgets.size >= this.creationLimit) return awsError("CreationLimitExceededException", "You've reached the limit on the number of budgets you can create.");
          this.budgets.set(budget.BudgetName, {
            ...budget,
            CalculatedSpend: { ActualSpend: { Amount: "0", Unit: "USD" } },
            LastUpdatedTime: 1795300000,
          });
          if (this.hangAfterCreate) {
            this.hangAfterCreate = false;
            await new Promise((r) => request.signal.addEventListener("abort", r, { once: true }));
            return awsError("InternalErrorException", "dropped", 500);
          }
          return json({});
        }
        case "DeleteBudget":
          return this.budgets.delete(String(body.BudgetName)) ? json({}) : awsError("NotFoundException", "the budget doesn't exist");
        default:
          return awsError("UnknownOperationException", target);
      }
    });
  }
}

/** STS GetCallerIdentity (query protocol: form-encoded request, XML response), as AWS documents it. */
export function stsHandler(account = "111122223333") {
  return http.post(/^https:\/\/sts\.[a-z0-9-]+\.amazonaws\.com\/?$/, async ({ request }) => {
    const form = new URLSearchParams(await request.text());
    if (form.get("Action") !== "GetCallerIdentity") return new HttpResponse("<ErrorResponse/>", { status: 400 });
    return new HttpResponse(
      `<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <GetCallerIdentityResult>
    <Arn>arn:aws:iam::${account}:user/pricebook</Arn>
    <UserId>AIDACKCEVSQ6C2EXAMPLE</UserId>
    <Account>${account}</Account>
  </GetCallerIdentityResult>
  <ResponseMetadata>
    <RequestId>01234567-89ab-cdef-0123-456789abcdef</RequestId>
  </ResponseMetadata>
</GetCallerIdentityResponse>`,
      { status: 200, headers: { "content-type": "text/xml" } },
    );
  });
}
