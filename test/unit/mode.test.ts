import { afterEach, describe, expect, it, vi } from "vitest";
import { decideMode, LiveModeUnavailableError } from "../../src/aws/mode.ts";

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
    await vi.advanceTimersByTimeAsync(2999);
    let settled = false;
    void auto.then(() => {
      settled = true;
    });
    await Promise.resolve();
    expect(settled).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    await expect(auto).resolves.toMatchObject({ mode: "mock" });
    await liveRejects;
  });

  it("treats credentials without an access key as none", async () => {
    const empty = () => Promise.resolve({ accessKeyId: "" });
    await expect(decideMode("auto", empty, 3000)).resolves.toMatchObject({ mode: "mock" });
  });
});
