// Scenario packs for SIMULATE: timed faults and attacks on the tank-and-pump plant. SCENARIO_FABRICATE
// reads them from plain words with a deterministic parser ("pump trip at 2 min for 60 s; spoof the
// level sensor to 1.2 m at 600 s"); SIMULATE validates them here whether written by hand or parsed.
import { z } from "zod";
import { canonicalJson } from "./canonical-json.ts";
import { contentHash } from "./hash.ts";
import type { Problem } from "./problems.ts";

const SCENARIO_FORMAT = "scenario/v1";

const EVENT_TYPES = ["PUMP_TRIP", "STUCK_VALVE", "SENSOR_SPOOF", "SENSOR_DRIFT", "LEAK", "SETPOINT_ATTACK"] as const;
export type EventType = (typeof EVENT_TYPES)[number];
const SENSOR_TAGS = ["level", "inflow", "outflow", "pressure"] as const;

const DEFAULT_DURATION_S = 60;

const ScenarioEventSchema = z.strictObject({
  type: z.enum(EVENT_TYPES),
  /** Seconds from the start of the run. */
  startS: z.number().min(0),
  durationS: z.number().positive().default(DEFAULT_DURATION_S),
  /** STUCK_VALVE: valve opening held, 0–100 % (default: where it was). */
  positionPct: z.number().min(0).max(100).optional(),
  /** SENSOR_SPOOF / SENSOR_DRIFT: the sensor attacked or drifting. */
  tag: z.enum(SENSOR_TAGS).optional(),
  /** SENSOR_SPOOF: the value reported instead of the truth (sensor units). */
  value: z.number().optional(),
  /** SENSOR_DRIFT: sensor units per hour. */
  ratePerHour: z.number().optional(),
  /** LEAK: extra outflow, m³/s. */
  flowM3s: z.number().min(0).optional(),
  /** SETPOINT_ATTACK: the level setpoint forced, m. */
  setpointM: z.number().min(0).optional(),
});
export type ScenarioEvent = z.output<typeof ScenarioEventSchema>;

export const ScenarioSchema = z.object({
  format: z.literal(SCENARIO_FORMAT).default(SCENARIO_FORMAT),
  name: z.string().optional(),
  events: z.array(ScenarioEventSchema).max(1000),
});
export type Scenario = z.output<typeof ScenarioSchema> & { problems?: Problem[]; scenarioHash?: string };

interface Pattern {
  type: EventType;
  words: RegExp;
}

// Tried in order; the first that matches a clause names its event.
const PATTERNS: Pattern[] = [
  {
    type: "PUMP_TRIP",
    words: /\bpump\b.*\b(trip|trips|tripped|fail|fails|failure|stop|stops|off|outage)\b|\b(trip|stop)\b.*\bpump\b/,
  },
  {
    type: "STUCK_VALVE",
    words: /\bvalve\b.*\b(stuck|stick|sticks|jam|jammed|frozen)\b|\b(stuck|jammed|frozen)\b.*\bvalve\b/,
  },
  {
    type: "SENSOR_SPOOF",
    words: /\b(spoof|spoofs|spoofed|spoofing|fake|falsif\w*|replay\w*|man-in-the-middle|mitm)\b/,
  },
  { type: "SENSOR_DRIFT", words: /\bdrift\w*\b/ },
  { type: "LEAK", words: /\bleak\w*\b|\bburst\b|\brupture\w*\b/ },
  { type: "SETPOINT_ATTACK", words: /\bset ?point\b/ },
];

const UNIT_SECONDS: Record<string, number> = {
  s: 1,
  sec: 1,
  secs: 1,
  second: 1,
  seconds: 1,
  m: 60,
  min: 60,
  mins: 60,
  minute: 60,
  minutes: 60,
  h: 3600,
  hr: 3600,
  hrs: 3600,
  hour: 3600,
  hours: 3600,
};
const DURATION = "(\\d+(?:\\.\\d+)?)\\s*(s|secs?|seconds?|m|mins?|minutes?|h|hrs?|hours?)\\b";
const NUMBER = "(-?\\d+(?:\\.\\d+)?)";

/** SCENARIO_FABRICATE: clauses separated by ";", "." or new lines, one event each; what is not understood is listed in problems. */
export function fabricateScenario(description: string): Scenario {
  const events: ScenarioEvent[] = [];
  const problems: Problem[] = [];
  const clauses = description
    .split(/[;\n]|\.(?=\s|$)/)
    .map((c) => c.trim())
    .filter((c) => c !== "");
  for (const clause of clauses) {
    const text = clause.toLowerCase();
    const pattern = PATTERNS.find((p) => p.words.test(text));
    if (!pattern) {
      problems.push({
        severity: "warning",
        code: "UNRECOGNIZED_EVENT",
        message: `no fault or attack recognised in "${clause}"`,
        details: { clause },
      });
      continue;
    }
    const start = new RegExp(`\\b(?:at|after|from)\\s+(?:t\\s*=\\s*)?${DURATION}`).exec(text);
    if (!start) {
      problems.push({
        severity: "warning",
        code: "MISSING_TIME",
        message: `no start time ("at 120 s", "after 5 min") in "${clause}"; event skipped`,
        details: { clause },
      });
      continue;
    }
    const event: ScenarioEvent = { type: pattern.type, startS: seconds(start), durationS: DEFAULT_DURATION_S };
    const duration = new RegExp(`\\b(?:for|lasting)\\s+${DURATION}`).exec(text);
    if (duration) event.durationS = seconds(duration);
    else
      problems.push({
        severity: "info",
        code: "DEFAULT_DURATION",
        message: `no duration in "${clause}": ${DEFAULT_DURATION_S} s assumed`,
        details: { clause },
      });
    const tag =
      SENSOR_TAGS.find((t) => new RegExp(`\\b${t}\\b`).test(text)) ?? (/\bflow\b/.test(text) ? "inflow" : undefined);
    switch (pattern.type) {
      case "STUCK_VALVE": {
        const m = new RegExp(`${NUMBER}\\s*(?:%|percent)`).exec(text);
        if (m) event.positionPct = Number(m[1]);
        break;
      }
      case "SENSOR_SPOOF": {
        event.tag = tag ?? "level";
        const m = new RegExp(`\\b(?:to|reads?|reporting|showing|at value)\\s+${NUMBER}`).exec(text);
        if (m) event.value = Number(m[1]);
        else
          problems.push({
            severity: "info",
            code: "DEFAULT_VALUE",
            message: `no spoofed value ("to 1.2 m") in "${clause}": the reading freezes at its last true value`,
            details: { clause },
          });
        break;
      }
      case "SENSOR_DRIFT": {
        event.tag = tag ?? "level";
        const m = new RegExp(`${NUMBER}\\s*(?:[a-z%³/]+\\s*)?(?:per|/)\\s*(?:h|hr|hour)\\b`).exec(text);
        event.ratePerHour = m ? Number(m[1]) : 0.5;
        break;
      }
      case "LEAK": {
        const m = new RegExp(`${NUMBER}\\s*(?:m3|m³)\\s*/\\s*s`).exec(text);
        event.flowM3s = m ? Number(m[1]) : 0.002;
        break;
      }
      case "SETPOINT_ATTACK": {
        const m = new RegExp(`\\bto\\s+${NUMBER}`).exec(text);
        if (m) event.setpointM = Number(m[1]);
        else
          problems.push({
            severity: "warning",
            code: "MISSING_VALUE",
            message: `no forced setpoint ("to 3.5 m") in "${clause}": 3.8 m assumed`,
            details: { clause },
          });
        event.setpointM ??= 3.8;
        break;
      }
      case "PUMP_TRIP":
        break;
    }
    events.push(event);
  }
  events.sort((a, b) => a.startS - b.startS);
  const scenario = { format: SCENARIO_FORMAT, events } as const;
  return { ...scenario, scenarioHash: contentHash(canonicalJson(scenario)), problems };
}

function seconds(m: RegExpExecArray): number {
  return Number(m[1]) * (UNIT_SECONDS[m[2] as string] ?? 1);
}
