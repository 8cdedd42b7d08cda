// Paging through jobs(orderBy:) as a client does, and the order the API promises, written out
// independently of the server's comparator (names by their bytes, states in the enum's order,
// unfinished jobs after every finished one, ties by id in the order's direction).
import { JobStates } from "../../src/jobs/model.ts";
import { JOB_ORDER_FIELDS } from "../../src/jobs/order.ts";
import type { GraphQLClient } from "./server.ts";

export interface Listed {
  jobId: string;
  reasonerType: string;
  name: string | null;
  state: string;
  createdOn: string;
  finishedOn: string | null;
}
export type Order = { field: (typeof JOB_ORDER_FIELDS)[number]; direction: "ASC" | "DESC" };
export interface Page {
  totalCount: number;
  edges: { cursor: string; node: Listed }[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}

export const PAGE = `query($o: JobOrder, $after: String, $first: Int, $f: JobFilter, $offset: Int) {
  jobs(orderBy: $o, after: $after, first: $first, filter: $f, offset: $offset) {
    totalCount edges { cursor node { jobId reasonerType name state createdOn finishedOn } } pageInfo { hasNextPage endCursor }
  }
}`;

export const STATE_ORDER: string[] = Object.values(JobStates);

/** The order the API promises, written out independently of the server's comparator. */
export function expectedOrder(jobs: Listed[], { field, direction }: Order): string[] {
  const time = (t: string | null) => (t === null ? Number.POSITIVE_INFINITY : Date.parse(t));
  const key = (a: Listed, b: Listed): number => {
    if (field === "CREATED_ON") return time(a.createdOn) - time(b.createdOn);
    if (field === "NAME") return Buffer.compare(Buffer.from(a.name ?? ""), Buffer.from(b.name ?? ""));
    if (field === "STATE") return STATE_ORDER.indexOf(a.state) - STATE_ORDER.indexOf(b.state);
    const [x, y] = [time(a.finishedOn), time(b.finishedOn)];
    return x === y ? 0 : x < y ? -1 : 1;
  };
  const sign = direction === "ASC" ? 1 : -1;
  return [...jobs].sort((a, b) => sign * (key(a, b) || (a.jobId < b.jobId ? -1 : 1))).map((j) => j.jobId);
}

export const ALL_ORDERS: Order[] = JOB_ORDER_FIELDS.flatMap((field) =>
  (["ASC", "DESC"] as const).map((direction) => ({ field, direction })),
);

/** Every job of the list, page by page of `first` through after cursors: their ids, in order. */
export async function pageThrough(
  client: GraphQLClient,
  order: Order | null,
  first: number,
  filter: Record<string, unknown> = {},
): Promise<string[]> {
  const ids: string[] = [];
  let after: string | null = null;
  for (let pages = 0; pages < 1000; pages++) {
    const { jobs }: { jobs: Page } = await client.request<{ jobs: Page }>(PAGE, { o: order, after, first, f: filter });
    ids.push(...jobs.edges.map((e) => e.node.jobId));
    if (!jobs.pageInfo.hasNextPage) return ids;
    after = jobs.pageInfo.endCursor;
  }
  throw new Error("paging did not end");
}

/** Cancels each job (one cancelJob apiece), so the lists have finished jobs to order. */
export async function cancelEach(client: GraphQLClient, jobs: readonly { reasonerType: string; jobId: string }[]) {
  for (const job of jobs)
    await client.request(
      `mutation($t: ReasonerType!, $id: ID!) { cancelJob(reasonerType: $t, jobId: $id) { state } }`,
      {
        t: job.reasonerType,
        id: job.jobId,
      },
    );
}
