import type { ReactNode } from "react";
import type { ApiError } from "../api/graphql.ts";

export function StateBadge({ state }: { state: string }) {
  return <span className={`state state-${state.toLowerCase()}`}>{state}</span>;
}

export function ErrorBox({ error, what }: { error: ApiError | null; what?: string }) {
  if (!error) return null;
  return (
    <p className="error" role="alert">
      {what ? `${what}: ` : ""}
      {error.message}
      {error.code !== "UNKNOWN" && error.code !== "CLIENT" && (
        <span className="code">
          {" "}
          ({error.code}
          {error.field ? `, ${error.field}` : ""})
        </span>
      )}
    </p>
  );
}

/** A field the server this page talks to does not have (built by a later version). */
export function NotAvailable({ what }: { what: string }) {
  return (
    <p className="notice" role="status">
      {what} is not available on this server: its schema has no such field yet.
    </p>
  );
}

export function Section({ title, children, id }: { title: string; children: ReactNode; id?: string }) {
  const headingId = `${id ?? title.toLowerCase().replace(/[^a-z0-9]+/g, "-")}-heading`;
  return (
    <section aria-labelledby={headingId}>
      <h2 id={headingId}>{title}</h2>
      {children}
    </section>
  );
}

export function JsonBlock({ value, label }: { value: unknown; label: string }) {
  if (value === null || value === undefined) return null;
  return (
    <details>
      <summary>{label}</summary>
      <pre className="json">{JSON.stringify(value, null, 2)}</pre>
    </details>
  );
}
