// Case 3, GraphQL overhead: `job(...) { id state }` through our server (Pothos schema, limits,
// policy and audit plugins, loaders, express) against a bare Apollo Server 5 with an SDL schema and
// the same data access, both in this process on the same database, driven alternately by the same
// load generator (autocannon, in a child process) with the same member key.
import { type BenchCase, type CaseOptions, ratioEntry, type ResultEntry } from "../case.ts";
import { startBareApollo } from "../bare-apollo.ts";
import { postLoad } from "../load.ts";
import { insertNoopJobs, NOOP_TYPE, startOurServer } from "../ours.ts";

const QUERY = `query Job($t: ReasonerType!, $id: ID!) { job(reasonerType: $t, jobId: $id) { id state } }`;

async function answerOf(url: string, body: string, key: string): Promise<unknown> {
  const res = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${key}` },
    body,
  });
  return res.json();
}

export const graphqlOverheadCase: BenchCase = {
  id: "graphql",
  title: "GraphQL overhead",
  async run(o: CaseOptions): Promise<ResultEntry[]> {
    const ours = await startOurServer("gql");
    const bare = await startBareApollo(ours.server.services);
    try {
      const s = ours.server.services;
      const { secret } = await s.auth.createApiKey(
        { userId: "bench-member", email: "member@example.com", role: "MEMBER" },
        ours.admin,
      );
      const member = {
        tenantId: ours.admin.tenantId,
        userId: "bench-member",
        email: "member@example.com",
        role: "MEMBER" as const,
        apiKeyId: null,
      };
      const [jobId] = await insertNoopJobs(s.db, member, 1);
      const body = JSON.stringify({ query: QUERY, variables: { t: NOOP_TYPE, id: jobId } });
      const targets = { ours: `${ours.url}/graphql`, bare: bare.url };
      // Both must give the same answer before their speed means anything.
      const [a, b] = [await answerOf(targets.ours, body, secret), await answerOf(targets.bare, body, secret)];
      if (JSON.stringify(a) !== JSON.stringify(b) || !(a as { data?: { job?: { state?: string } } }).data?.job?.state) {
        throw new Error(`the servers answer differently: ours ${JSON.stringify(a)}, bare ${JSON.stringify(b)}`);
      }
      const load = (url: string, durationS: number) =>
        postLoad({
          url,
          body,
          headers: { "content-type": "application/json", authorization: `Bearer ${secret}` },
          connections: 10,
          durationS,
        });
      // Each run is four slices, ABBA (the order flips every run), of half a side's time each: the
      // run's ratio is ours over bare summed across its slices, so a drift of the machine during
      // the run (this one swings by tens of percent within a minute) weighs on both sides alike.
      const durationS = o.quick ? 2 : 8;
      const sliceS = durationS / 2;
      // Warm-up (JIT, pools, plan caches), alternating like the runs: both servers share Prisma, pg
      // and graphql-js in this process, and code each of them shapes is optimised again after a
      // switch. With one round, the first measured run of either side was still 10-25% below its
      // later runs (ours more: it has more code to compile); three rounds reach the steady state.
      for (let round = 0; round < 3; round++)
        for (const url of Object.values(targets)) await load(url, o.quick ? 1 : 2);
      const rps = { ours: [] as number[], bare: [] as number[] };
      for (let r = 0; r < o.runs; r++) {
        const requests = { ours: 0, bare: 0 };
        for (const side of r % 2
          ? (["bare", "ours", "ours", "bare"] as const)
          : (["ours", "bare", "bare", "ours"] as const)) {
          const result = await load(targets[side], sliceS);
          if (result.errors || result.non2xx)
            throw new Error(`${side}: ${result.errors} errors, ${result.non2xx} non-2xx answers under load`);
          requests[side] += result.requests;
          o.log(
            `graphql run ${r + 1}/${o.runs} ${side}: ${result.requestsPerSecond.toFixed(0)} req/s (p50 ${result.latencyP50Ms} ms, p99 ${result.latencyP99Ms} ms)`,
          );
        }
        rps.ours.push(requests.ours / durationS);
        rps.bare.push(requests.bare / durationS);
        o.log(`graphql run ${r + 1}/${o.runs}: ours/bare ${(requests.ours / requests.bare).toFixed(2)}`);
      }
      return [
        ratioEntry({
          name: "GraphQL job(...) { id state }: our server vs bare Apollo Server 5 (same data access)",
          ours: rps.ours,
          peer: rps.bare,
          unit: "req/s",
          better: "higher",
          minRatio: 1.0,
          target: ">= 1.0x",
          runs: o.runs,
          note: `autocannon, 10 connections, ${durationS} s per side per run in ABBA slices of ${sliceS} s`,
        }),
      ];
    } finally {
      await bare.stop();
      await ours.stop();
    }
  },
};
