import { describe, expect, it } from "vitest";
import { createApp } from "../../src/app.ts";
import { mockServices, realTables, silentLogger } from "../helpers/app.ts";

/**
 * A budget filtered on a tag value that no cost carries would answer 0 with no hint. Its answers (the
 * budget, its history, its projection) say so in `notes`, naming the values that do carry costs.
 */
const NOW = new Date("2026-12-03T09:00:00Z");

describe("budgets whose filter matches no cost say so", () => {
  const app = createApp(mockServices(realTables(), {}, silentLogger, () => NOW));
  const headers = { "content-type": "application/json" };
  const create = async (name: string, tags: Record<string, string[]>) => {
    const body = JSON.stringify({ name, limit: { amount: "100", unit: "USD" }, filters: { tags } });
    expect((await app.request("/v1/budgets/aws", { method: "POST", body, headers })).status).toBe(201);
  };
  const get = async <T>(path: string) => {
    const res = await app.request(path);
    expect(res.status, path).toBe(200);
    return (await res.json()) as T;
  };

  it("a tag value no cost carries: notes name it and the known values, in the budget, its history and its projection", async () => {
    await create("team-xyz", { Team: ["xyz"] });
    const expected = /^no cost in the last 13 months carries the tag Team=xyz: this budget's spend is 0\. Values of Team with costs: data, ml, platform, web \(and untagged costs: Team=""\)$/;
    const budget = await get<{ actualSpend: { amount: string }; notes: string[] }>("/v1/budgets/aws/team-xyz");
    expect(budget.actualSpend.amount).toBe("0");
    expect(budget.notes).toEqual([expect.stringMatching(expected)]);
    const history = await get<{ notes: string[] }>("/v1/budgets/aws/team-xyz/history");
    expect(history.notes).toEqual(budget.notes);
    const projection = await get<{ notes: string[]; actualToDate: { amount: string } }>("/v1/budgets/aws/team-xyz/projection");
    expect(projection.notes).toEqual(budget.notes);
    const { budgets } = await get<{ budgets: Array<{ name: string; notes: string[] }> }>("/v1/budgets/aws");
    expect(budgets.find((b) => b.name === "team-xyz")?.notes).toEqual(budget.notes);
  });

  it("a near miss gets a suggestion; tags that match no cost together say so; a matching filter has no notes", async () => {
    await create("team-platfrm", { Team: ["platfrm"] });
    const near = await get<{ notes: string[] }>("/v1/budgets/aws/team-platfrm");
    expect(near.notes[0]).toMatch(/Team=platfrm.*did you mean platform\?/);

    await create("web-ml", { Team: ["ml"], Environment: ["staging"], "eks:cluster-name": ["checkout-prod"] });
    const together = await get<{ notes: string[] }>("/v1/budgets/aws/web-ml");
    expect(together.notes).toEqual(["no cost in the last 13 months matched all of this budget's filters together (each tag value alone carries costs): this budget's spend is 0"]);

    await create("team-web", { Team: ["web"] });
    expect((await get<{ notes: string[] }>("/v1/budgets/aws/team-web")).notes).toEqual([]);
    expect((await get<{ notes: string[] }>("/v1/budgets/aws/account-monthly/projection")).notes).toEqual([]);
  });
});
