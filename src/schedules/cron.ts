// When a schedule fires: five-field cron expressions read in an IANA time zone, parsed and stepped
// by croner (which handles daylight-saving gaps and repeats: a time that does not exist that day runs
// at the first valid time after the gap, and a time that occurs twice runs once).
import { Cron } from "croner";
import { jobsError } from "../errors.ts";

export interface CronSpec {
  cron: string;
  timezone: string;
}

/** The runtime's own zone names (its canonical ones) by their lower-case spelling; read once. */
let zonesByLowerCase: Map<string, string> | undefined;
const knownZone = (zone: string): string | undefined => {
  zonesByLowerCase ??= new Map(Intl.supportedValuesOf("timeZone").map((z) => [z.toLowerCase(), z]));
  return zonesByLowerCase.get(zone.toLowerCase());
};

/**
 * An IANA time zone this runtime knows, by one correctly spelled name however it was typed
 * ("europe/berlin" is Europe/Berlin), or undefined for anything else (croner itself accepts any
 * string). The name is the runtime's own: one of its zone names when the input is one (whatever the
 * case), else what the runtime resolves it to. So every spelling of a zone is stored the same, on
 * Node 20 as on later runtimes, though the name itself may differ between them for a renamed zone:
 * Node 20 resolves the current Asia/Kolkata to the older Asia/Calcutta, later runtimes keep it.
 */
function canonicalTimeZone(zone: string): string | undefined {
  if (!zone.trim()) return undefined;
  let resolved: string;
  try {
    resolved = new Intl.DateTimeFormat("en-US", { timeZone: zone }).resolvedOptions().timeZone;
  } catch {
    return undefined;
  }
  return knownZone(zone) ?? resolved;
}

/**
 * The expression and zone as stored (the zone by its canonical name), or BAD_USER_INPUT naming `<path>.cron` or `<path>.timezone`.
 * The five standard fields (minute hour day-of-month month day-of-week); with `seconds` (the server's
 * JOBS_SCHEDULE_SECONDS) also six, the first being the second.
 */
export function parseCronSpec(spec: CronSpec, path = "input", options: { seconds?: boolean } = {}): CronSpec {
  const cron = spec.cron.trim().replace(/\s+/g, " ");
  const timezone = canonicalTimeZone(spec.timezone);
  if (!timezone) {
    throw jobsError(
      "BAD_USER_INPUT",
      `${path}.timezone: "${spec.timezone}" is not an IANA time zone (e.g. UTC, Europe/Berlin)`,
      {
        field: `${path}.timezone`,
      },
    );
  }
  const fields = cron.split(" ").length;
  if (fields !== 5 && !(options.seconds && fields === 6)) {
    throw jobsError(
      "BAD_USER_INPUT",
      options.seconds
        ? `${path}.cron: "${spec.cron}" must have five fields (minute hour day-of-month month day-of-week) or six (second first)`
        : `${path}.cron: "${spec.cron}" must have five fields: minute hour day-of-month month day-of-week`,
      {
        field: `${path}.cron`,
      },
    );
  }
  try {
    const parsed = cronOf({ cron, timezone });
    if (!parsed.nextRun()) throw new Error("it never fires");
  } catch (error) {
    const reason = (error instanceof Error ? error.message : String(error)).replace(/^CronPattern: /, "");
    throw jobsError("BAD_USER_INPUT", `${path}.cron: "${spec.cron}" is not a valid cron expression (${reason})`, {
      field: `${path}.cron`,
    });
  }
  return { cron, timezone };
}

function cronOf(spec: CronSpec): Cron {
  // paused: a Cron made only to compute times must not start a timer of its own. A stored six-field
  // expression was accepted with seconds allowed; it keeps its seconds if the server stops allowing them.
  const mode = spec.cron.split(" ").length === 6 ? "6-part" : "5-part";
  return new Cron(spec.cron, { timezone: spec.timezone, mode, paused: true });
}

/** The first tick strictly after `after`, or null when the expression never fires again. */
export function nextRunAfter(spec: CronSpec, after: Date): Date | null {
  return cronOf(spec).nextRun(after);
}
