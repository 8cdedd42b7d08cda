// A claim refused for the key's rate budget waits what the server asked (retryAfterSeconds), even
// while wake-ups keep coming: a wake-up ends the backoff of a database outage (what woke the loop
// came from the database, so it is back) but says nothing about the budget, and retrying on each
// one would spend a refused request per change heard. Any other failed claim still ends at a wake.
import { describe, expect, it } from "vitest";
import { JobsApiError } from "../../packages/client/src/errors.ts";
import { WorkerCore, type WorkerPort } from "../../packages/client/src/worker-core.ts";

type Lease = { token: string };

/** A port whose first claim throws `refusal` and whose second resolves `second` (then nothing is waiting). */
function refusingPort(refusal: Error) {
  let wake: () => void = () => undefined;
  const claims: number[] = [];
  let secondClaim!: () => void;
  const second = new Promise<void>((resolve) => (secondClaim = resolve));
  const port: WorkerPort<Lease, void, void, void> = {
    async claim() {
      claims.push(performance.now());
      if (claims.length === 1) throw refusal;
      if (claims.length === 2) secondClaim();
      return [];
    },
    heartbeat: async () => ({ cancelRequested: false }),
    complete: async () => undefined,
    fail: async () => undefined,
    isLeaseLost: () => false,
    waitForWork: ({ signal }) =>
      new Promise<void>((resolve) => signal.addEventListener("abort", () => resolve(), { once: true })),
    subscribeWork(w) {
      wake = w;
      return () => undefined;
    },
  };
  return { port, claims, second, wake: () => wake() };
}

/** Runs a loop over `port`, waking it every 20 ms until its second claim. */
async function secondClaimAfter(refusal: Error): Promise<number> {
  const { port, claims, second, wake } = refusingPort(refusal);
  const core = new WorkerCore<Lease, void, void, void>({
    port,
    concurrency: 1,
    leaseSeconds: 60,
    shutdownGraceMs: 0,
    run: async () => undefined,
    failureOf: () => null,
  }).start();
  const waking = setInterval(wake, 20);
  try {
    await second;
    return claims[1]! - claims[0]!;
  } finally {
    clearInterval(waking);
    await core.stop();
  }
}

describe("WorkerCore's claim retries", () => {
  it("wait out a RATE_LIMITED refusal's retryAfterSeconds through wake-ups", async () => {
    const limited = new JobsApiError("RATE_LIMITED", "too many requests", {
      status: 429,
      errors: [{ message: "too many requests", extensions: { code: "RATE_LIMITED", retryAfterSeconds: 1 } }],
    });
    expect(await secondClaimAfter(limited)).toBeGreaterThanOrEqual(1000);
  });

  it("end the backoff of any other failure at the next wake-up", async () => {
    const unreachable = new JobsApiError("NETWORK_ERROR", "connect ECONNREFUSED");
    // The first backoff is 500 ms; a wake-up comes within 20.
    expect(await secondClaimAfter(unreachable)).toBeLessThan(500);
  });
});
