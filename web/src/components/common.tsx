import { type MouseEvent, type ReactNode, useState } from "react";
import { type ApiError, KEY_REFUSED_EVENT, UNREACHABLE } from "../api/graphql.ts";
import { renewCookie, SignInError } from "../api/session.ts";
import { samePath } from "../format.ts";
import { useSession } from "../session-context.tsx";

export function StateBadge({ state }: { state: string }) {
  return <span className={`state state-${state.toLowerCase()}`}>{state}</span>;
}

export function ErrorBox({ error, what }: { error: ApiError | null; what?: string }) {
  if (!error) return null;
  return (
    <p className="error" role="alert">
      {what ? `${what}: ` : ""}
      {error.message}
      {error.code !== "UNKNOWN" && error.code !== "CLIENT" && error.code !== UNREACHABLE && (
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

/**
 * A download by plain link (the server accepts the session cookie there). A click first renews the
 * cookie for this tab's key, since another tab may have replaced or ended it; a click that opens a
 * new tab or window is left to the browser.
 */
export function DownloadLink({ url, name }: { url: string; name: string }) {
  const { key } = useSession();
  const [problem, setProblem] = useState<string | null>(null);
  const href = samePath(url);
  const follow = async (event: MouseEvent<HTMLAnchorElement>) => {
    if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    setProblem(null);
    try {
      await renewCookie(key);
    } catch (err) {
      if (err instanceof SignInError && err.refused) window.dispatchEvent(new Event(KEY_REFUSED_EVENT));
      else setProblem(err instanceof SignInError ? err.message : "The server could not be reached.");
      return;
    }
    const link = document.createElement("a");
    link.href = href;
    link.download = name;
    link.click();
  };
  return (
    <>
      <a href={href} download={name} onClick={(e) => void follow(e)}>
        {name}
      </a>
      {problem && (
        <span className="error" role="alert">
          {" "}
          Download failed: {problem}
        </span>
      )}
    </>
  );
}
