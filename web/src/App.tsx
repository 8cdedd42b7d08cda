// Sign-in gate, layout and routes. Every page below the gate has a session (useSession).
import { useEffect, useMemo, useState } from "react";
import { Link, Redirect, Route, Switch, useLocation } from "wouter";
import { KEY_REFUSED_EVENT } from "./api/graphql.ts";
import { liveConnection } from "./api/live.ts";
import { resume, type SessionInfo, SignInError, signOut } from "./api/session.ts";
import { SessionContext, type Session, useSession } from "./session-context.tsx";
import { useLiveState } from "./hooks.ts";
import { SignInPage } from "./pages/SignIn.tsx";
import { JobsPage } from "./pages/Jobs.tsx";
import { JobPage } from "./pages/Job.tsx";
import { CreatePage } from "./pages/Create.tsx";
import { PlotsPage } from "./pages/Plots.tsx";
import { ApiKeysPage } from "./pages/admin/ApiKeys.tsx";
import { WorkersPage } from "./pages/admin/Workers.tsx";
import { SchedulesPage } from "./pages/admin/Schedules.tsx";
import { AuditLogPage } from "./pages/admin/AuditLog.tsx";

const REFUSED_NOTICE = "Your API key is no longer accepted (revoked?); sign in again.";
const RESUME_RETRY_MS = 5000;

export function App() {
  const [signedIn, setSignedIn] = useState<{ key: string; info: SessionInfo } | null>(null);
  const [resuming, setResuming] = useState(true);
  const [notice, setNotice] = useState<string | null>(null);
  const [resumeProblem, setResumeProblem] = useState<string | null>(null);
  const [resumeTry, setResumeTry] = useState(0);

  // A reload resumes the tab's session. Until the server answers, the page says why it waits and
  // tries again every few seconds; only a refused key sends it to the sign-in page.
  // biome-ignore lint/correctness/useExhaustiveDependencies: `resumeTry` is the retry trigger.
  useEffect(() => {
    if (!resuming) return;
    let current = true;
    let timer: number | undefined;
    resume().then(
      (s) => {
        if (!current) return;
        if (s === "refused") setNotice(REFUSED_NOTICE);
        setSignedIn(s === "refused" ? null : s);
        setResumeProblem(null);
        setResuming(false);
      },
      (err: unknown) => {
        if (!current) return;
        setResumeProblem(err instanceof SignInError ? err.message : "The server could not be reached.");
        timer = window.setTimeout(() => setResumeTry((n) => n + 1), RESUME_RETRY_MS);
      },
    );
    return () => {
      current = false;
      window.clearTimeout(timer);
    };
  }, [resuming, resumeTry]);

  const session = useMemo<Session | null>(() => {
    if (!signedIn) return null;
    return {
      ...signedIn,
      live: liveConnection(signedIn.key),
      isAdmin: signedIn.info.role === "ADMIN",
      // The sign-in page shows once the server has ended the cookie's session too.
      signOut: () => void signOut().then(() => setSignedIn(null)),
    };
  }, [signedIn]);

  // A key revoked while signed in: back to the sign-in page, saying why.
  useEffect(() => {
    if (!signedIn) return;
    const refused = () =>
      void signOut().then(() => {
        setNotice(REFUSED_NOTICE);
        setSignedIn(null);
      });
    window.addEventListener(KEY_REFUSED_EVENT, refused);
    return () => window.removeEventListener(KEY_REFUSED_EVENT, refused);
  }, [signedIn]);

  // Closing the socket when the key changes or the user signs out.
  useEffect(() => () => void session?.live.client.dispose(), [session]);

  if (resuming && resumeProblem)
    return (
      <main className="sign-in">
        <h1>Jobs dashboard</h1>
        <p className="error" role="alert">
          Could not resume your session: {resumeProblem}
        </p>
        <p role="status">Trying again every few seconds; your key is kept for this tab.</p>
        <p className="actions">
          <button type="button" onClick={() => setResumeTry((n) => n + 1)}>
            Try again now
          </button>
          <button
            type="button"
            onClick={() =>
              void signOut().then(() => {
                setResumeProblem(null);
                setResuming(false);
              })
            }
          >
            Sign in with another key
          </button>
        </p>
      </main>
    );
  if (resuming)
    return (
      <p className="loading" role="status">
        Loading…
      </p>
    );
  if (!session)
    return (
      <SignInPage
        notice={notice}
        onSignedIn={(key, info) => {
          setNotice(null);
          setSignedIn({ key, info });
        }}
      />
    );
  return (
    <SessionContext.Provider value={session}>
      <Layout />
    </SessionContext.Provider>
  );
}

function NavLink({ href, children }: { href: string; children: string }) {
  const [location] = useLocation();
  const current = location === href || (href !== "/" && location.startsWith(href + "/"));
  return (
    <Link href={href} aria-current={current ? "page" : undefined}>
      {children}
    </Link>
  );
}

/**
 * While the live connection is down: what the page shows may be stale until it is back. When the
 * server closed it in a way that is not retried (4500, 4400, ...), nothing comes back by itself: the
 * page says so, and why, and Reload subscribes again and reloads what it shows.
 */
function LiveDown() {
  const { live } = useSession();
  const { down, stopped } = useLiveState();
  if (stopped)
    return (
      <p className="notice" role="status">
        Live updates stopped: {stopped}.{" "}
        <button type="button" onClick={live.restart}>
          Reload
        </button>
      </p>
    );
  if (!down) return null;
  return (
    <p className="notice" role="status">
      Live updates paused: the server cannot be reached. Reconnecting…
    </p>
  );
}

function Layout() {
  const session = useSession();
  return (
    <>
      <header className="top">
        <Link href="/jobs" className="brand">
          Jobs
        </Link>
        <nav aria-label="Main">
          <NavLink href="/jobs">Jobs</NavLink>
          <NavLink href="/new">New job</NavLink>
          <NavLink href="/plots">Plots</NavLink>
          {session.isAdmin && (
            <>
              <NavLink href="/admin/keys">API keys</NavLink>
              <NavLink href="/admin/workers">Workers</NavLink>
              <NavLink href="/admin/schedules">Schedules</NavLink>
              <NavLink href="/admin/audit">Audit log</NavLink>
            </>
          )}
        </nav>
        <div className="who">
          <span title={`tenant ${session.info.tenantId}`}>
            {session.info.userId} ({session.info.role.toLowerCase()})
          </span>
          <button type="button" onClick={session.signOut}>
            Sign out
          </button>
        </div>
      </header>
      <main>
        <LiveDown />
        <Switch>
          <Route path="/">
            <Redirect to="/jobs" replace />
          </Route>
          <Route path="/jobs" component={JobsPage} />
          <Route path="/jobs/:type/:jobId">
            {(params) => <JobPage key={`${params.type}/${params.jobId}`} type={params.type} jobId={params.jobId} />}
          </Route>
          <Route path="/new" component={CreatePage} />
          <Route path="/plots" component={PlotsPage} />
          <Route path="/admin/keys" component={ApiKeysPage} />
          <Route path="/admin/workers" component={WorkersPage} />
          <Route path="/admin/schedules" component={SchedulesPage} />
          <Route path="/admin/audit" component={AuditLogPage} />
          <Route>
            <h1>Not found</h1>
            <p>
              There is no such page. <Link href="/jobs">Back to the jobs</Link>
            </p>
          </Route>
        </Switch>
      </main>
    </>
  );
}
