// Which worker-protocol calls the front relays to an upstream (src/jobs/remote/workers.ts): a worker
// registered for families an upstream serves, and the worker ids and lease tokens it handed out.
import { jobsError } from "../errors.ts";
import type { ReasonerType } from "../jobs/model.ts";
import type { GatewayRegistry } from "../jobs/registry.ts";
import { RemoteJobGateway } from "../jobs/remote/gateway.ts";
import { parseRelayedHandle } from "../jobs/remote/records.ts";
import type { RemoteWorkers } from "../jobs/remote/workers.ts";

/** The gateway a relayed worker id or lease token belongs to, and the upstream's own handle; null: ours. */
export function relayedGatewayOf(
  registry: GatewayRegistry,
  handle: string,
): { gateway: RemoteJobGateway; handle: string } | null {
  const parsed = parseRelayedHandle(handle);
  if (!parsed) return null;
  const gateway = registry
    .gateways()
    .find((g): g is RemoteJobGateway => g instanceof RemoteJobGateway && g.name === parsed.gateway);
  // An unknown gateway's handle goes the local way, which refuses it (NOT_FOUND, LEASE_LOST).
  return gateway ? { gateway, handle: parsed.upstream } : null;
}

/** The upstream's worker protocol a relayed worker id or lease token belongs to; null: ours. */
export function relayOf(registry: GatewayRegistry, handle: string): { workers: RemoteWorkers; handle: string } | null {
  const relayed = relayedGatewayOf(registry, handle);
  return relayed ? { workers: relayed.gateway.workers, handle: relayed.handle } : null;
}

/** The upstream that serves every family a worker registers for; null when the front serves them. */
export function relayForTypes(registry: GatewayRegistry, types: readonly ReasonerType[]): RemoteWorkers | null {
  const groups = registry.group(types);
  const remote = [...groups.keys()].filter((g): g is RemoteJobGateway => g instanceof RemoteJobGateway);
  if (remote.length === 0) return null;
  if (groups.size > 1) {
    const served = [...groups].map(([g, t]) => `${t.join(", ")} by ${g.name}`).join("; ");
    throw jobsError(
      "BAD_USER_INPUT",
      `these families are served by different gateways (${served}): register one worker per gateway`,
      {
        field: "input.reasonerTypes",
      },
    );
  }
  return remote[0]!.workers;
}

/** Every upstream's worker protocol, by gateway name (a front lists its upstreams' workers too). */
export function remoteWorkerRelays(registry: GatewayRegistry): { gateway: string; workers: RemoteWorkers }[] {
  return registry
    .gateways()
    .filter((g): g is RemoteJobGateway => g instanceof RemoteJobGateway)
    .map((g) => ({ gateway: g.name, workers: g.workers }));
}
