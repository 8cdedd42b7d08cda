// Resolver-level dispatch: which gateway serves which ReasonerType.
import type { JobGateway } from "./gateway.ts";
import { type ReasonerType, ReasonerTypes } from "./model.ts";

export const ALL_REASONER_TYPES = Object.values(ReasonerTypes) as ReasonerType[];

export class GatewayRegistry {
  private readonly byType = new Map<ReasonerType, JobGateway>();

  register(gateway: JobGateway, types: readonly ReasonerType[] = gateway.reasonerTypes): this {
    for (const t of types) this.byType.set(t, gateway);
    return this;
  }

  /** The gateway serving this family, if any does. */
  find(reasonerType: ReasonerType): JobGateway | undefined {
    return this.byType.get(reasonerType);
  }

  for(reasonerType: ReasonerType): JobGateway {
    const gateway = this.byType.get(reasonerType);
    if (!gateway) throw new Error(`no gateway serves ${reasonerType}`);
    return gateway;
  }

  /** The gateways serving these types, each with the types it serves among them. */
  group(types: readonly ReasonerType[] = ALL_REASONER_TYPES): Map<JobGateway, ReasonerType[]> {
    const groups = new Map<JobGateway, ReasonerType[]>();
    for (const t of types) {
      const g = this.for(t);
      groups.set(g, [...(groups.get(g) ?? []), t]);
    }
    return groups;
  }

  gateways(): JobGateway[] {
    return [...new Set(this.byType.values())];
  }
}
