// Lease lengths, the one source for the server (claim verbs, JOBS_LEASE_SECONDS, its in-process
// executors) and for workers: the client owns them because it must not import the server.

/** Lease a claim gets when it names none. */
export const DEFAULT_LEASE_SECONDS = 60;
/** Longest lease a claim may ask for. */
export const MAX_LEASE_SECONDS = 3600;

/** How often a lease holder heartbeats: three times per lease, so one late beat never loses it. */
export function heartbeatPeriodMs(leaseSeconds: number): number {
  return (leaseSeconds * 1000) / 3;
}
