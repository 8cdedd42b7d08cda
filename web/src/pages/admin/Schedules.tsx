import { Link } from "wouter";
import { gql } from "../../api/graphql.ts";
import { PauseScheduleMutation, ResumeScheduleMutation, SchedulesQuery } from "../../api/optional.ts";
import { ErrorBox, NotAvailable } from "../../components/common.tsx";
import { time } from "../../format.ts";
import { useAction, useQuery, useServerHas } from "../../hooks.ts";
import { useSession } from "../../session-context.tsx";
import { jobPath } from "../Jobs.tsx";
import { AdminOnly } from "./AdminOnly.tsx";

export function SchedulesPage() {
  return (
    <AdminOnly>
      <Available />
    </AdminOnly>
  );
}

/** Asks the schema first, so a server without the field gets no failing request. */
function Available() {
  const has = useServerHas("schedules");
  if (has === null) return <p role="status">Loading…</p>;
  if (!has)
    return (
      <>
        <h1>Schedules</h1>
        <NotAvailable what="Schedules" />
      </>
    );
  return <Schedules />;
}

function Schedules() {
  const { key } = useSession();
  const schedules = useQuery(SchedulesQuery, { first: 100 });
  const toggle = useAction(async (id: string, paused: boolean) =>
    paused ? gql(key, ResumeScheduleMutation, { id }) : gql(key, PauseScheduleMutation, { id }),
  );
  if (schedules.error?.unknownField) {
    return (
      <>
        <h1>Schedules</h1>
        <NotAvailable what="Schedules" />
      </>
    );
  }
  return (
    <>
      <h1>Schedules</h1>
      <ErrorBox error={schedules.error} what="Could not list the schedules" />
      <ErrorBox error={toggle.error} />
      {schedules.data?.schedules.edges.length === 0 ? (
        <p className="hint">
          No schedules yet. Make one with <code>createSchedule</code> or{" "}
          <code>jobsctl schedules create --name nightly --cron "0 3 * * *" …</code>
        </p>
      ) : (
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Cron</th>
                <th scope="col">Next run</th>
                <th scope="col">Last run</th>
                <th scope="col">Last job</th>
                <th scope="col">Status</th>
              </tr>
            </thead>
            <tbody>
              {schedules.data?.schedules.edges.map(({ node: s }) => (
                <tr key={s.id}>
                  <td>{s.name}</td>
                  <td>
                    <code>{s.cron}</code> <span className="muted">{s.timezone}</span>
                  </td>
                  <td>{time(s.nextRunOn)}</td>
                  <td>{time(s.lastRunOn)}</td>
                  <td>{s.lastJob ? <Link href={jobPath(s.lastJob)}>{s.lastJob.state}</Link> : "–"}</td>
                  <td>
                    {s.paused ? "paused " : "active "}
                    <button
                      type="button"
                      aria-label={`${s.paused ? "Resume" : "Pause"} schedule ${s.name}`}
                      onClick={async () => {
                        if (await toggle.act(s.id, s.paused)) schedules.reload();
                      }}
                    >
                      {s.paused ? "Resume" : "Pause"}
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}
