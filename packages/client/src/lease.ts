// Lease lengths, the one source for the server (claim verbs, JOBS_LEASE_SECONDS, its in-process
// executors) and for workers: the client owns them because it must not import the server.

/** Lease a claim gets when it names none. */
export const DEFAULT_LEASE_SECONDS = 60;
/** Longest lease a claim may ask for. */
export const MAX_LEASE_SECONDS = 3600;

/** Heartbeats per lease length: two may be lost before the lease runs out. */
const HEARTBEATS_PER_LEASE = 3;

/** How often a running job's lease is renewed; never more often than twice a second. */
export function heartbeatPeriodMs(leaseSeconds: number): number {
  return Math.max(500, (leaseSeconds * 1000) / HEARTBEATS_PER_LEASE);
}
