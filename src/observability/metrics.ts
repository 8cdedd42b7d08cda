// Prometheus metrics, one registry per server (tests run several servers in one process). Names
// follow Prometheus conventions: counters end in _total, durations are _seconds histograms, gauges
// have neither suffix. Job counts and queue depth are read from the database when scraped, so every
// process reports the same truth (aggregate them with max, not sum); counters and latencies are this
// process's own (sum them). Every metric is listed in the README; deploy/grafana/jobs-api.json charts them.
//
// It sits below everything it measures: callers report in the shapes defined here, and the composition
// root hands it what it must know of the domain (the families' queues).
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";

const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
/** Job run times: from a second to a few hours. */
const RUN_BUCKETS = [0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800, 3600, 7200];

const OUTCOMES: Partial<Record<string, string>> = { SUCCEEDED: "succeeded", FAILED: "failed", CANCELED: "canceled" };

/** Most queues by name in jobs_queue_depth: queue names are chosen by callers, series must not be. */
export const MAX_QUEUE_SERIES = 100;
/** The label of the waiting jobs of every queue past those. */
const OTHER_QUEUES = "other";

/** A family's queue every deployment has: reported as 0 while empty (others appear once seen). */
export interface KnownQueue {
  reasonerType: string;
  queue: string;
}

/** A job a worker reported on: its new state (a waiting state when a failure was retried). */
export interface FinishObservation {
  reasonerType: string;
  state: string;
  /** Reported through failJob (whether or not it was retried or the job ended CANCELED). */
  failure: boolean;
  startedOn: Date | null;
}

/** What one sweeper pass moved. */
export interface SweepCounts {
  requeued: number;
  failed: number;
  canceled: number;
  timedOut: number;
}

const BREAKER_STATES = ["closed", "open", "half_open"] as const;

/** What the stored-jobs gauges read with: the database handle, seen from below it (observability imports nothing of db). */
interface CountingQueries {
  query<T>(statement: string): Promise<T[]>;
}

export class Metrics {
  /** What remote gateways report their upstream calls and breaker changes to. */
  upstreamObserver() {
    return {
      call: (gateway: string, outcome: string, seconds: number) =>
        this.upstreamRequests.observe({ gateway, outcome }, seconds),
      breaker: (gateway: string, state: (typeof BREAKER_STATES)[number]) => {
        for (const s of BREAKER_STATES) this.upstreamBreaker.set({ gateway, state: s }, s === state ? 1 : 0);
      },
    };
  }

  readonly registry = new Registry();
  readonly claimLatency: Histogram<"outcome" | "via">;
  readonly queueWait: Histogram<"reasoner_type">;
  readonly requestDuration: Histogram<"operation_type" | "outcome">;
  readonly subscriptionsOpen: Gauge<"field">;
  readonly jobsFinished: Counter<"reasoner_type" | "outcome">;
  readonly runDuration: Histogram<"reasoner_type" | "outcome">;
  readonly failures: Counter<"reasoner_type">;
  readonly retries: Counter<"reasoner_type">;
  readonly swept: Counter<"action">;
  readonly upstreamRequests: Histogram<"gateway" | "outcome">;
  readonly upstreamBreaker: Gauge<"gateway" | "state">;
  readonly abandonedUpstreamCancels: Counter<"gateway">;

  constructor(db: CountingQueries, options: { knownQueues: readonly KnownQueue[]; defaultMetrics?: boolean }) {
    // Event-loop lag sampled every 100 ms, not prom-client's 10: at 10 the sampling timer alone kept a
    // bare Node process at 5.1 ms of CPU a second (1.4 at 100), and lag worth alerting on lasts longer.
    if (options.defaultMetrics !== false)
      collectDefaultMetrics({ register: this.registry, prefix: "jobs_", eventLoopMonitoringPrecision: 100 });
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
      help: "Jobs a worker (in-process or over GraphQL) finished through this process, by family and outcome (succeeded, failed, canceled).",
      labelNames: ["reasoner_type", "outcome"],
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
    this.abandonedUpstreamCancels = new Counter({
      name: "jobs_batch_upstream_cancels_abandoned_total",
      help: "Upstream children of ended batches whose cancel this process gave up on (their upstream unreachable for JOBS_UPSTREAM_CANCEL_RETRY_S), by gateway; they may still run there.",
      labelNames: ["gateway"],
      registers: [this.registry],
    });
    this.runDuration = new Histogram({
      name: "jobs_run_duration_seconds",
      help: "Time from a job's start to its end, for the jobs counted in jobs_finished_total.",
      labelNames: ["reasoner_type", "outcome"],
      buckets: RUN_BUCKETS,
      registers: [this.registry],
    });
    this.failures = new Counter({
      name: "jobs_failures_total",
      help: "failJob reports received by this process (retried or not).",
      labelNames: ["reasoner_type"],
      registers: [this.registry],
    });
    this.retries = new Counter({
      name: "jobs_retries_total",
      help: "Failed runs this process put back in their queue for another attempt.",
      labelNames: ["reasoner_type"],
      registers: [this.registry],
    });
    this.swept = new Counter({
      name: "jobs_swept_total",
      help: "Jobs this process's sweeper moved: requeued (lease expired), failed (lease expired, no attempts left), canceled, timed_out.",
      labelNames: ["action"],
      registers: [this.registry],
    });
    for (const action of ["requeued", "failed", "canceled", "timed_out"]) this.swept.inc({ action }, 0);
    new Gauge({
      name: "jobs_stored",
      help: "Jobs stored, by family (reasoner type) and state, all tenants.",
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
    // Queues seen waiting since start stay reported (as 0 once empty) instead of vanishing. A queue is
    // a name the caller chooses (a reasonerName), so the series are bounded: the MAX_QUEUE_SERIES
    // fullest queues by name, the rest summed per family as queue="other", and of the queues seen
    // before, only as many as that are remembered (the known ones always).
    const known = new Set(options.knownQueues.map((q) => `${q.reasonerType}|${q.queue}`));
    const seenQueues = new Map(
      options.knownQueues.map((q) => [
        `${q.reasonerType}|${q.queue}`,
        { reasoner_type: q.reasonerType, queue: q.queue },
      ]),
    );
    const remember = (key: string, labels: { reasoner_type: string; queue: string }) => {
      seenQueues.delete(key);
      seenQueues.set(key, labels);
      if (seenQueues.size <= known.size + MAX_QUEUE_SERIES) return;
      for (const oldest of seenQueues.keys())
        if (!known.has(oldest)) {
          seenQueues.delete(oldest);
          return;
        }
    };
    new Gauge({
      name: "jobs_queue_depth",
      help: `Jobs waiting to be claimed, by family and queue (due now or later): the ${MAX_QUEUE_SERIES} fullest queues by name, the rest as queue="other"; known and recently seen queues report 0 when empty.`,
      labelNames: ["reasoner_type", "queue"],
      registers: [this.registry],
      async collect() {
        this.reset();
        for (const labels of seenQueues.values()) this.set(labels, 0);
        // The claimable partial index covers exactly these rows.
        const rows = await db.query<{ reasonerType: string; queue: string | null; n: number }>(
          `with "queues" as (
             select "reasonerType"::text as "reasonerType", "queue", count(*)::int as "n" from "jobs"
             where "state" in ('QUEUED', 'PENDING') group by 1, 2
           ), "ranked" as (select *, row_number() over (order by "n" desc, "queue") as "rank" from "queues")
           select "reasonerType", case when "rank" <= ${MAX_QUEUE_SERIES} then "queue" end as "queue", sum("n")::int as "n"
           from "ranked" group by 1, 2`,
        );
        for (const r of rows) {
          const labels = { reasoner_type: r.reasonerType, queue: r.queue ?? OTHER_QUEUES };
          if (r.queue !== null) remember(`${r.reasonerType}|${r.queue}`, labels);
          this.set(labels, r.n);
        }
      },
    });
  }

  /** Records a worker's report: a finish (with its run time), a failure, a retry. */
  observeFinish(report: FinishObservation): void {
    const reasoner_type = report.reasonerType;
    if (report.failure) this.failures.inc({ reasoner_type });
    const outcome = OUTCOMES[report.state];
    if (!outcome) {
      if (report.failure) this.retries.inc({ reasoner_type });
      return;
    }
    this.jobsFinished.inc({ reasoner_type, outcome });
    if (report.startedOn)
      this.runDuration.observe(
        { reasoner_type, outcome },
        Math.max(0, Date.now() - new Date(report.startedOn).getTime()) / 1000,
      );
  }

  observeSweep(result: SweepCounts): void {
    if (result.requeued) this.swept.inc({ action: "requeued" }, result.requeued);
    if (result.failed) this.swept.inc({ action: "failed" }, result.failed);
    if (result.canceled) this.swept.inc({ action: "canceled" }, result.canceled);
    if (result.timedOut) this.swept.inc({ action: "timed_out" }, result.timedOut);
  }

  /** Records one claim: its duration and, when a job came back, how long it had waited. */
  observeClaim(
    via: "in-process" | "graphql",
    startedAt: number,
    claimed: { reasonerType: string; dueOn: Date } | null,
  ): void {
    const now = performance.now();
    this.claimLatency.observe({ outcome: claimed ? "claimed" : "empty", via }, (now - startedAt) / 1000);
    if (claimed)
      this.queueWait.observe(
        { reasoner_type: claimed.reasonerType },
        Math.max(0, Date.now() - claimed.dueOn.getTime()) / 1000,
      );
  }

  async exposition(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}
