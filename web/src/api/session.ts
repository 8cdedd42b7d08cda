// Signing in: the key is checked by POST /session, which also sets the HttpOnly cookie that lets
// plain download links work. The key itself stays in sessionStorage (this tab's session only). The
// cookie keeps a session per tab: this tab's is named by its tab id (`?tab=` on /session and on its
// download links), so another tab signing in or out leaves it alone.
const STORAGE_KEY = "jobs-dashboard.api-key";
const TAB_KEY = "jobs-dashboard.tab";

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

let pageTab: string | undefined;

/** This tab's id (kept through reloads; a duplicated tab shares it, with the key). */
export function tabId(): string {
  try {
    const kept = window.sessionStorage.getItem(TAB_KEY);
    if (kept) return kept;
  } catch {
    // Storage disabled: the id lives as long as the page.
  }
  pageTab ??= randomId();
  try {
    window.sessionStorage.setItem(TAB_KEY, pageTab);
  } catch {
    // As above.
  }
  return pageTab;
}

/** 128 random bits, base64url (what the server accepts as a tab's name). */
function randomId(): string {
  const bytes = window.crypto.getRandomValues(new Uint8Array(16));
  return btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, "-")
    .replace(/\//g, "_")
    .replace(/=+$/, "");
}

/** A path of this origin with this tab's id, for the server to pick the tab's session (downloads). */
export function withTab(path: string): string {
  const url = new URL(path, window.location.origin);
  url.searchParams.set("tab", tabId());
  return url.pathname + url.search;
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
  const res = await fetch(withTab("/session"), {
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
 * Starts this tab's session in the download cookie again: it lasts 12 hours, and a browser's cookie
 * keeps the 16 latest tabs' sessions; this tab's key stays valid through both.
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
  await fetch(withTab("/session"), { method: "DELETE", credentials: "same-origin" }).catch(() => undefined);
}
