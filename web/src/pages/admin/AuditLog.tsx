import { type FormEvent, useState } from "react";
import { AuditLogQuery } from "../../api/optional.ts";
import { ErrorBox, NotAvailable } from "../../components/common.tsx";
import { time } from "../../format.ts";
import { useQuery, useServerHas } from "../../hooks.ts";
import { AdminOnly } from "./AdminOnly.tsx";

export function AuditLogPage() {
  return (
    <AdminOnly>
      <Available />
    </AdminOnly>
  );
}

/** Asks the schema first, so a server without the field gets no failing request. */
function Available() {
  const has = useServerHas("auditLog");
  if (has === null) return <p role="status">Loading…</p>;
  if (!has)
    return (
      <>
        <h1>Audit log</h1>
        <NotAvailable what="The audit log" />
      </>
    );
  return <AuditLog />;
}

function AuditLog() {
  const [filter, setFilter] = useState<{ actorId?: string; operation?: string }>({});
  const [after, setAfter] = useState<string[]>([]);
  const [actor, setActor] = useState("");
  const [operation, setOperation] = useState("");
  const log = useQuery(AuditLogQuery, { filter, after: after[after.length - 1] ?? null });
  if (log.error?.unknownField) {
    return (
      <>
        <h1>Audit log</h1>
        <NotAvailable what="The audit log" />
      </>
    );
  }
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setAfter([]);
    setFilter({
      ...(actor.trim() ? { actorId: actor.trim() } : {}),
      ...(operation.trim() ? { operation: operation.trim() } : {}),
    });
  };
  const page = log.data?.auditLog;
  return (
    <>
      <h1>Audit log</h1>
      <form className="inline" onSubmit={submit} aria-label="Audit log filters">
        <label>
          Actor
          <input value={actor} onChange={(e) => setActor(e.target.value)} />
        </label>
        <label>
          Operation
          <input value={operation} onChange={(e) => setOperation(e.target.value)} />
        </label>
        <button type="submit">Apply</button>
      </form>
      <ErrorBox error={log.error} what="Could not read the audit log" />
      <div className="table-wrap">
        <table>
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">Actor</th>
              <th scope="col">Operation</th>
              <th scope="col">Target</th>
              <th scope="col">Outcome</th>
              <th scope="col">Request</th>
            </tr>
          </thead>
          <tbody>
            {page?.edges.map(({ node: e }) => (
              <tr key={e.id}>
                <td>{time(e.createdOn)}</td>
                <td>
                  {e.actorId ?? "–"} {e.role && <span className="muted">({e.role.toLowerCase()})</span>}
                </td>
                <td>{e.operation}</td>
                <td>{e.target ?? "–"}</td>
                <td>{e.outcome}</td>
                <td>
                  <code>{e.requestId ?? ""}</code>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <nav className="pager" aria-label="Pages">
        <button type="button" disabled={after.length === 0} onClick={() => setAfter(after.slice(0, -1))}>
          Previous
        </button>
        <button
          type="button"
          disabled={!page?.pageInfo.hasNextPage}
          onClick={() => page?.pageInfo.endCursor && setAfter([...after, page.pageInfo.endCursor])}
        >
          Next
        </button>
      </nav>
    </>
  );
}
