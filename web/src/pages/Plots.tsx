import { useEffect, useRef } from "react";
import { JobsChangedSubscription, PlotJobsQuery } from "../api/documents.ts";
import { ErrorBox, Section } from "../components/common.tsx";
import { jobCount } from "../format.ts";
import { LineChart } from "../components/charts.tsx";
import { useNow, useQuery, useSubscription } from "../hooks.ts";
import { useSession } from "../session-context.tsx";
import { statesOverTime } from "./plots-data.ts";

export function PlotsPage() {
  const session = useSession();
  const filter = session.isAdmin ? { allUsers: true } : {};
  const query = useQuery(PlotJobsQuery, { filter });
  const now = useNow(5000);
  // Changes reload the window of jobs, at most once a second.
  const pending = useRef<number | null>(null);
  useSubscription(JobsChangedSubscription, { filter }, () => {
    pending.current ??= window.setTimeout(() => {
      pending.current = null;
      query.reload();
    }, 1000);
  });
  useEffect(() => () => void (pending.current && window.clearTimeout(pending.current)), []);

  const jobs = query.data?.jobs.edges.map((e) => e.node) ?? [];
  const { perState, queueDepth } = statesOverTime(jobs, now);
  return (
    <>
      <h1>Plots</h1>
      <ErrorBox error={query.error} what="Could not load the jobs" />
      <p className="hint">
        From the newest {jobs.length} of {query.data ? jobCount(query.data.jobs) : "… jobs"}
        {session.isAdmin ? " of every user" : ""}: each job is waiting from its creation until it starts, running until
        it finishes, then counted in its final state.
      </p>
      <Section title="Jobs per state over time">
        <LineChart series={perState} label="Number of jobs in each state over time" legend />
      </Section>
      <Section title="Queue depth">
        <LineChart series={[queueDepth]} label="Jobs waiting to start over time" yLabel="waiting" />
      </Section>
    </>
  );
}
