// The dashboard's session cookie holds one session per tab of the browser, each under its slot: a
// random name the tab keeps beside its key (sessionStorage) and puts on its download links as
// `?tab=`. A tab signing in, renewing or signing out touches its own session only, so a link opened
// in a new tab (middle-click, the context menu, a drag) downloads as the tab it came from, whatever
// another tab of the browser signed in as. A request naming no slot uses the default one, written as
// a bare token (the cookie as it was before slots).
import { jobsError } from "../errors.ts";

export const DEFAULT_SLOT = "";
/** The query parameter naming a slot, on POST and DELETE /session and on download links. */
export const SLOT_PARAM = "tab";
/** Sessions one browser's cookie keeps; past that the least recently started one ends. */
export const MAX_SLOTS = 16;
/** Base64url, like the tokens: neither has the separators below. */
const SLOT = /^[A-Za-z0-9_-]{1,64}$/;
const ENTRY_SEPARATOR = ".";
const SLOT_SEPARATOR = "~";

/** The slot a request names (`?tab=`), or the default one; a malformed name is BAD_USER_INPUT. */
export function slotOf(query: Record<string, unknown>): string {
  const slot = query[SLOT_PARAM];
  if (slot === undefined || slot === "") return DEFAULT_SLOT;
  if (typeof slot !== "string" || !SLOT.test(slot))
    throw jobsError("BAD_USER_INPUT", `${SLOT_PARAM} names a dashboard tab: 1 to 64 of A-Z, a-z, 0-9, - and _`, {
      field: SLOT_PARAM,
    });
  return slot;
}

/** Slot to token, least recently started first. */
export function readSlots(cookie: string | undefined): Map<string, string> {
  const slots = new Map<string, string>();
  for (const entry of (cookie ?? "").split(ENTRY_SEPARATOR)) {
    if (!entry) continue;
    const at = entry.indexOf(SLOT_SEPARATOR);
    if (at < 0) slots.set(DEFAULT_SLOT, entry);
    else slots.set(entry.slice(0, at), entry.slice(at + 1));
  }
  return slots;
}

export function writeSlots(slots: ReadonlyMap<string, string>): string {
  return [...slots]
    .map(([slot, token]) => (slot === DEFAULT_SLOT ? token : `${slot}${SLOT_SEPARATOR}${token}`))
    .join(ENTRY_SEPARATOR);
}
