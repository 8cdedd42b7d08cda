// Signing in: the key is checked by POST /session, which also sets the HttpOnly cookie that lets
// plain download links work. The key itself stays in sessionStorage (this tab's session only).
const STORAGE_KEY = "jobs-dashboard.api-key";

export interface SessionInfo {
  userId: string;
  tenantId: string;
  role: "ADMIN" | "MEMBER" | "WORKER" | "GATEWAY";
}

export function storedKey(): string | null {
  try {
    return window.sessionStorage.getItem(STORAGE_KEY);
  } catch {
    return null;
  }
}

function store(key: string | null): void {
  try {
    if (key) window.sessionStorage.setItem(STORAGE_KEY, key);
    else window.sessionStorage.removeItem(STORAGE_KEY);
  } catch {
    // Storage disabled: the key lives as long as the page.
  }
}

export class SignInError extends Error {
  /** `refused`: the server does not accept the key (401); otherwise it could not answer now. */
  constructor(
    message: string,
    readonly refused = false,
  ) {
    super(message);
  }
}

export async function signIn(rawKey: string): Promise<SessionInfo> {
  const key = rawKey.trim().replace(/^Bearer\s+/i, "");
  if (!key) throw new SignInError("Enter an API key.");
  const res = await fetch("/session", {
    method: "POST",
    headers: { authorization: `Bearer ${key}` },
    credentials: "same-origin",
  });
  if (res.status === 401) throw new SignInError("This API key is not valid (unknown or revoked).", true);
  if (res.status === 429) throw new SignInError("Too many requests with this key; wait a minute and try again.");
  if (!res.ok) throw new SignInError(`Signing in failed (the server answered ${res.status}).`);
  const info = (await res.json()) as SessionInfo;
  store(key);
  return info;
}

/**
 * Makes the download cookie this tab's key's again. The cookie is the browser's, shared by every
 * tab of this origin: another tab signing in with another key replaces it, signing out ends it, and
 * it lasts 12 hours; this tab's key stays valid through all three.
 */
export async function renewCookie(key: string): Promise<void> {
  await signIn(key);
}

/**
 * Resumes the tab's session after a reload: null when there is none, "refused" (and the key is
 * forgotten) when the server no longer accepts it. Any other failure (the server unreachable,
 * failing, or rate-limiting the key) throws and keeps the key: the key may be the only copy.
 */
export async function resume(): Promise<{ key: string; info: SessionInfo } | "refused" | null> {
  const key = storedKey();
  if (!key) return null;
  try {
    return { key, info: await signIn(key) };
  } catch (err) {
    if (!(err instanceof SignInError && err.refused)) throw err;
    store(null);
    return "refused";
  }
}

export async function signOut(): Promise<void> {
  store(null);
  await fetch("/session", { method: "DELETE", credentials: "same-origin" }).catch(() => undefined);
}
