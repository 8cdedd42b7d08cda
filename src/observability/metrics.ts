// Prometheus metrics, one registry per server (tests run several servers in one process).
// Job counts and queue depth are read from the database when scraped, so every process reports the
// same truth; latencies and open subscriptions are this process's own.
import type { ApolloServerPlugin } from "@apollo/server";
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";
import type { Database } from "../db/database.ts";
import type { UpstreamObserver } from "../jobs/remote/upstream.ts";
import type { Context } from "../schema/context.ts";

const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export class Metrics {
  /** What remote gateways report their upstream calls and breaker changes to. */
  upstreamObserver(): UpstreamObserver {
    return {
      call: (gateway, outcome, seconds) => this.upstreamRequests.observe({ gateway, outcome }, seconds),
      breaker: (gateway, state) => {
        for (const s of ["closed", "open", "half_open"] as const) this.upstreamBreaker.set({ gateway, state: s }, s === state ? 1 : 0);
      },
    };
  }

  readonly registry = new Registry();
  readonly claimLatency: Histogram<"outcome" | "via">;
  readonly queueWait: Histogram<"reasoner_type">;
  readonly requestDuration: Histogram<"operation_type" | "outcome">;
  readonly subscriptionsOpen: Gauge<"field">;
  readonly jobsFinished: Counter<"reasoner_type" | "state">;
  readonly upstreamRequests: Histogram<"gateway" | "outcome">;
  readonly upstreamBreaker: Gauge<"gateway" | "state">;

  constructor(db: Database, options: { defaultMetrics?: boolean } = {}) {
    if (options.defaultMetrics !== false) collectDefaultMetrics({ register: this.registry, prefix: "jobs_" });
    this.claimLatency = new Histogram({
      name: "jobs_claim_duration_seconds",
      help: "How long a claim takes (the SKIP LOCKED statement), by outcome (claimed, empty) and caller (in-process, graphql).",
      labelNames: ["outcome", "via"],
      buckets: LATENCY_BUCKETS,
      registers: [this.registry],
    });
    this.queueWait = new Histogram({
      name: "jobs_queue_wait_seconds",
      help: "Time from when a job could run (created or retry due) to when a worker claimed it.",
      labelNames: ["reasoner_type"],
      buckets: [...LATENCY_BUCKETS, 30, 60, 300, 900],
      registers: [this.registry],
    });
    this.requestDuration = new Histogram({
      name: "jobs_graphql_request_duration_seconds",
      help: "GraphQL request durations by operation type and outcome.",
      labelNames: ["operation_type", "outcome"],
      buckets: LATENCY_BUCKETS,
      registers: [this.registry],
    });
    this.subscriptionsOpen = new Gauge({
      name: "jobs_subscriptions_open",
      help: "GraphQL subscriptions open on this process, by field.",
      labelNames: ["field"],
      registers: [this.registry],
    });
    this.jobsFinished = new Counter({
      name: "jobs_finished_total",
      help: "Jobs this process saw reach a terminal state through the worker protocol.",
      labelNames: ["reasoner_type", "state"],
      registers: [this.registry],
    });
    this.upstreamRequests = new Histogram({
      name: "jobs_gateway_request_duration_seconds",
      help: "Calls to upstream jobs services (remote gateways), by gateway and outcome (ok, error, unavailable); _count is the request count.",
      labelNames: ["gateway", "outcome"],
      buckets: LATENCY_BUCKETS,
      registers: [this.registry],
    });
    this.upstreamBreaker = new Gauge({
      name: "jobs_gateway_breaker_state",
      help: "1 for the circuit breaker state each remote gateway is in (closed, open, half_open).",
      labelNames: ["gateway", "state"],
      registers: [this.registry],
    });
    new Gauge({
      name: "jobs_total",
      help: "Jobs by family (reasoner type) and state, all tenants.",
      labelNames: ["reasoner_type", "state"],
      registers: [this.registry],
      async collect() {
        this.reset();
        const rows = await db.query<{ reasonerType: string; state: string; n: number }>(
          `select "reasonerType"::text as "reasonerType", "state"::text as "state", count(*)::int as "n" from "jobs" group by 1, 2`,
        );
        for (const r of rows) this.set({ reasoner_type: r.reasonerType, state: r.state }, r.n);
      },
    });
    new Gauge({
      name: "jobs_queue_depth",
      help: "Jobs waiting to be claimed, by family and queue (due now or later).",
      labelNames: ["reasoner_type", "queue"],
      registers: [this.registry],
      async collect() {
        this.reset();
        // The claimable partial index covers exactly these rows.
        const rows = await db.query<{ reasonerType: string; queue: string; n: number }>(
          `select "reasonerType"::text as "reasonerType", "queue", count(*)::int as "n" from "jobs"
           where "state" in ('QUEUED', 'PENDING') group by 1, 2`,
        );
        for (const r of rows) this.set({ reasoner_type: r.reasonerType, queue: r.queue }, r.n);
      },
    });
  }

  /** Records one claim: its duration and, when a job came back, how long it had waited. */
  observeClaim(via: "in-process" | "graphql", startedAt: number, claimed: { reasonerType: string; dueOn: Date } | null): void {
    const now = performance.now();
    this.claimLatency.observe({ outcome: claimed ? "claimed" : "empty", via }, (now - startedAt) / 1000);
    if (claimed) this.queueWait.observe({ reasoner_type: claimed.reasonerType }, Math.max(0, Date.now() - claimed.dueOn.getTime()) / 1000);
  }

  async exposition(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}

/** Times every GraphQL request (HTTP) by operation type and whether it had errors. */
export function requestMetricsPlugin(metrics: Metrics): ApolloServerPlugin<Context> {
  return {
    async requestDidStart() {
      const start = performance.now();
      return {
        async willSendResponse({ operation, errors, response }) {
          const body = response.body;
          const failed = (errors?.length ?? 0) > 0 || (body.kind === "single" && (body.singleResult.errors?.length ?? 0) > 0);
          metrics.requestDuration.observe({ operation_type: operation?.operation ?? "unknown", outcome: failed ? "error" : "ok" }, (performance.now() - start) / 1000);
        },
      };
    },
  };
}
