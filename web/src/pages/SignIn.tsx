import { type FormEvent, useState } from "react";
import { type SessionInfo, signIn, SignInError } from "../api/session.ts";

export function SignInPage({
  onSignedIn,
  notice,
}: {
  onSignedIn(key: string, info: SessionInfo): void;
  notice?: string | null;
}) {
  const [key, setKey] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const info = await signIn(key);
      onSignedIn(key.trim().replace(/^Bearer\s+/i, ""), info);
    } catch (err) {
      setError(err instanceof SignInError ? err.message : "The server could not be reached.");
    } finally {
      setBusy(false);
    }
  }

  return (
    <main className="sign-in">
      <h1>Jobs dashboard</h1>
      {notice && (
        <p className="notice" role="status">
          {notice}
        </p>
      )}
      <form onSubmit={submit} aria-describedby="sign-in-help">
        <label htmlFor="api-key">API key</label>
        <input
          id="api-key"
          name="api-key"
          type="password"
          autoComplete="off"
          spellCheck={false}
          placeholder="jobs_…"
          value={key}
          onChange={(e) => setKey(e.target.value)}
          required
          // biome-ignore lint/a11y/noAutofocus: the sign-in page has one field; typing the key is the only thing to do.
          autoFocus
        />
        <button type="submit" disabled={busy}>
          Sign in
        </button>
        {error && (
          <p className="error" role="alert">
            {error}
          </p>
        )}
        <p id="sign-in-help" className="hint">
          The key is kept for this browser tab only. An admin gets one from <code>npm start</code>&apos;s first output
          or <code>createApiKey</code>.
        </p>
      </form>
    </main>
  );
}
