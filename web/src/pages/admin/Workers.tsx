import { ErrorBox } from "../../components/common.tsx";
import { age, time } from "../../format.ts";
import { WorkersQuery } from "../../api/documents.ts";
import { useNow, useQuery } from "../../hooks.ts";
import { AdminOnly } from "./AdminOnly.tsx";

export function WorkersPage() {
  return (
    <AdminOnly>
      <Workers />
    </AdminOnly>
  );
}

function Workers() {
  const workers = useQuery(WorkersQuery, {});
  const now = useNow();
  return (
    <>
      <h1>Workers</h1>
      <button type="button" onClick={workers.reload}>
        Refresh
      </button>
      <ErrorBox error={workers.error} what="Could not list the workers" />
      <div className="table-wrap">
        <table>
          <caption>{workers.data ? `${workers.data.workers.length} registered` : "Loading…"}</caption>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Runs</th>
              <th scope="col">Queues</th>
              <th scope="col">Pool</th>
              <th scope="col">Last heartbeat</th>
            </tr>
          </thead>
          <tbody>
            {workers.data?.workers.map((w) => (
              <tr key={w.id}>
                <td>{w.name}</td>
                <td>{w.reasonerTypes.join(", ")}</td>
                <td>{w.reasonerNames.length ? w.reasonerNames.join(", ") : "any"}</td>
                <td>{w.poolId ?? "–"}</td>
                <td>
                  <time dateTime={w.lastSeenOn} title={time(w.lastSeenOn)}>
                    {age(w.lastSeenOn, now)} ago
                  </time>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}
