import { type MouseEvent, type ReactNode, useRef, useState } from "react";
import { type ApiError, KEY_REFUSED_EVENT, UNREACHABLE } from "../api/graphql.ts";
import { renewCookie, SignInError, withTab } from "../api/session.ts";
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
 * A download by plain link (the server accepts the session cookie there). The link names this tab
 * (`?tab=`): however it is opened (here, in a new tab, from the context menu) the server uses this
 * tab's session, never the one another tab signed in with. A plain click first renews that session
 * (it may have expired); a click that opens a new tab or window is left to the browser.
 */
export function DownloadLink({ url, name }: { url: string; name: string }) {
  const { key } = useSession();
  const [problem, setProblem] = useState<string | null>(null);
  const href = withTab(samePath(url));
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

/**
 * A button that asks first. The question takes the focus on its safe answer; that answer or Escape
 * closes it and gives the focus back to the button.
 */
export function ConfirmButton({
  label,
  buttonLabel,
  className,
  question,
  groupLabel,
  yes,
  no,
  busy,
  onConfirm,
}: {
  label: string;
  /** The button's accessible name when `label` alone is ambiguous (one per table row). */
  buttonLabel?: string;
  className?: string;
  question?: string;
  groupLabel: string;
  yes: string;
  no: string;
  busy?: boolean;
  onConfirm(): Promise<void>;
}) {
  const [open, setOpen] = useState(false);
  const button = useRef<HTMLButtonElement>(null);
  const close = () => {
    setOpen(false);
    window.requestAnimationFrame(() => button.current?.focus());
  };
  if (!open)
    return (
      <button type="button" className={className} aria-label={buttonLabel} onClick={() => setOpen(true)} ref={button}>
        {label}
      </button>
    );
  return (
    // biome-ignore lint/a11y/useSemanticElements: an inline confirmation, not a form; a fieldset would restyle it.
    <span
      role="group"
      aria-label={groupLabel}
      className="confirm"
      onKeyDown={(e) => {
        if (e.key === "Escape") close();
      }}
    >
      {question && <span>{question}</span>}{" "}
      <button
        type="button"
        className="danger"
        disabled={busy}
        onClick={async () => {
          await onConfirm();
          setOpen(false);
        }}
      >
        {yes}
      </button>{" "}
      {/* biome-ignore lint/a11y/noAutofocus: focus moves to the safe answer of the confirmation just opened. */}
      <button type="button" onClick={close} autoFocus>
        {no}
      </button>
    </span>
  );
}
