import { afterEach, describe, expect, it, vi } from "vitest";
import { credentialConfiguration, decideMode, LiveModeUnavailableError } from "../../src/clouds/aws/mode.ts";

const found = () => Promise.resolve({ accessKeyId: "AKIDEXAMPLE" });
const missing = () => Promise.reject(new Error("Could not load credentials from any providers"));

describe("decideMode", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it("takes mock as asked without probing", async () => {
    const probe = vi.fn(found);
    await expect(decideMode("mock", probe, 3000)).resolves.toEqual({
      mode: "mock",
      reason: "PRICEBOOK_MODE=mock",
    });
    expect(probe).not.toHaveBeenCalled();
  });

  it("auto picks live when credentials are found, probing once", async () => {
    const probe = vi.fn(found);
    const decision = await decideMode("auto", probe, 3000);
    expect(decision.mode).toBe("live");
    expect(probe).toHaveBeenCalledTimes(1);
  });

  it("auto picks mock when no credentials are found, and says why", async () => {
    const decision = await decideMode("auto", missing, 3000);
    expect(decision.mode).toBe("mock");
    expect(decision.reason).toContain("Could not load credentials");
  });

  it("live refuses to start without credentials", async () => {
    await expect(decideMode("live", missing, 3000)).rejects.toThrow(LiveModeUnavailableError);
    await expect(decideMode("live", missing, 3000)).rejects.toThrow(
      /PRICEBOOK_MODE=live but no AWS credentials/,
    );
  });

  it("live starts when credentials are found", async () => {
    await expect(decideMode("live", found, 3000)).resolves.toMatchObject({ mode: "live" });
  });

  it("bounds a hanging credential chain (e.g. a slow metadata probe) to the timeout", async () => {
    vi.useFakeTimers();
    const hang = () => new Promise<{ accessKeyId: string }>(() => {});
    const auto = decideMode("auto", hang, 3000);
    const live = decideMode("live", hang, 3000);
    const liveRejects = expect(live).rejects.toThrow(/within 3000 ms/);
    // A slow probe is no evidence of "no credentials": auto mode refuses rather than serve mock data.
    const autoRejects = expect(auto).rejects.toThrow(/PRICEBOOK_MODE=auto: no answer from the credential chain within 3000 ms.*Not falling back to mock data/);
    await vi.advanceTimersByTimeAsync(2999);
    let settled = false;
    auto.catch(() => undefined).finally(() => {
      settled = true;
    });
    await Promise.resolve();
    expect(settled).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    await autoRejects;
    await liveRejects;
  });

  it("auto with credentials configured but unresolvable refuses to start, naming what is configured", async () => {
    const fail = () => Promise.reject(new Error("Could not load credentials from any providers"));
    await expect(decideMode("auto", fail, 3000, ["AWS_PROFILE"])).rejects.toThrow(
      /AWS credentials are configured \(AWS_PROFILE\) but could not be resolved \(Could not load credentials from any providers\)/,
    );
  });

  it("auto without any configuration and a definitive 'none' is mock, and says why", async () => {
    const fail = () => Promise.reject(new Error("Could not load credentials from any providers"));
    await expect(decideMode("auto", fail, 3000, [])).resolves.toEqual({
      mode: "mock",
      reason: "PRICEBOOK_MODE=auto and no AWS credentials are configured or found (Could not load credentials from any providers)",
    });
  });

  it("finds credential configuration by variable name and shared files, never values", () => {
    expect(credentialConfiguration({ AWS_PROFILE: "prod", AWS_SECRET_ACCESS_KEY: "shh" }, "/nonexistent-home")).toEqual(["AWS_PROFILE"]);
    expect(credentialConfiguration({}, "/nonexistent-home")).toEqual([]);
  });

  it("treats credentials without an access key as none", async () => {
    const empty = () => Promise.resolve({ accessKeyId: "" });
    await expect(decideMode("auto", empty, 3000)).resolves.toMatchObject({ mode: "mock" });
  });
});
