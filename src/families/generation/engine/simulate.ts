// SIMULATE: a tank-and-pump plant under PID level control, as a SCADA historian would record it.
// A pump feeds the tank through a control valve; the tank drains through an outlet whose demand
// varies; a PID controller drives the valve to hold the level at its setpoint. Sensors report with
// noise (and drift or spoofing when a scenario says so); faults and attacks from a scenario pack
// are applied at their times and named in the label column. Equations: README "SIMULATE".
import { z } from "zod";
import { formatCsvRow } from "./csv.ts";
import { seededRandom } from "./random.ts";
import { type Scenario, type ScenarioEvent, ScenarioSchema } from "./scenario.ts";

const SIMULATE_STREAM = "simulate/v1";
const G = 9.81; // m/s²
const RHO = 1000; // kg/m³
const SUBSTEPS_PER_SECOND = 10;
export const MAX_SIMULATE_ROWS = 10_000_000;
/** Time steps a SIMULATE without rows records: an hour at the default interval. */
export const DEFAULT_SIMULATE_ROWS = 3600;

export const PlantSchema = z.strictObject({
  /** Seconds between two recorded rows. */
  intervalS: z.number().positive().max(3600).default(1),
  /** ISO time of the first row. */
  start: z.iso.datetime({ offset: true }).default("2026-01-01T00:00:00Z"),
  tankAreaM2: z.number().positive().default(2),
  tankHeightM: z.number().positive().default(4),
  initialLevelM: z.number().min(0).default(2),
  setpointM: z.number().min(0).default(2.5),
  /** Pump delivery at full valve opening and empty tank, m³/s. */
  pumpMaxFlowM3s: z.number().positive().default(0.03),
  /** Outlet discharge coefficient × area, m²: Qout = c·a·√(2gh)·demand. */
  outletCoefficientM2: z.number().positive().default(0.003),
  /** Mean outlet opening and its daily-cycle swing (0–1). */
  demand: z.number().min(0).max(1).default(0.5),
  demandSwing: z.number().min(0).max(1).default(0.2),
  demandPeriodS: z.number().positive().default(900),
  kp: z.number().default(2),
  ki: z.number().default(0.05),
  kd: z.number().default(0.5),
  /** Standard deviations of sensor noise, in each sensor's units. */
  noise: z
    .strictObject({
      level: z.number().min(0).default(0.005),
      flow: z.number().min(0).default(0.0002),
      pressure: z.number().min(0).default(0.05),
    })
    .default({ level: 0.005, flow: 0.0002, pressure: 0.05 }),
  /** Level-sensor drift with no fault, m per hour (ageing). */
  levelDriftPerHour: z.number().default(0),
});
export type Plant = z.output<typeof PlantSchema>;

export const SIMULATE_COLUMNS = [
  "timestamp",
  "level_m",
  "level_setpoint_m",
  "inflow_m3s",
  "outflow_m3s",
  "pressure_kpa",
  "pump_running",
  "valve_command_pct",
  "valve_position_pct",
  "label",
] as const;

export interface SimulationPlan {
  plant: Plant;
  scenario: Scenario;
  rows: number;
}

/** The CSV, in chunks of batchRows rows (the header rides in the first). */
export function* simulateCsv(
  plan: SimulationPlan,
  seed: number,
  batchRows = 10_000,
): Generator<string, void, undefined> {
  const { plant, rows } = plan;
  const events = ScenarioSchema.parse(plan.scenario).events;
  const rng = seededRandom({ plant, events, rows }, seed, SIMULATE_STREAM);
  const startMs = Date.parse(plant.start);
  const state = {
    level: plant.initialLevelM,
    integral: 0,
    previousError: 0,
    valve: 0.5,
    drift: { level: 0, inflow: 0, outflow: 0, pressure: 0 } as Record<string, number>,
  };
  const frozen = new Map<ScenarioEvent, number>(); // readings and valve positions held by an event
  let t = 0;
  let text = formatCsvRow([...SIMULATE_COLUMNS]) + "\n";
  let inBatch = 0;
  for (let r = 0; r < rows; r++) {
    const active = events.filter((e) => t >= e.startS && t < e.startS + e.durationS);
    // Truth at this instant, then what the sensors say about it.
    const setpoint = active.find((e) => e.type === "SETPOINT_ATTACK")?.setpointM ?? plant.setpointM;
    const pumpRunning = !active.some((e) => e.type === "PUMP_TRIP");
    const demand = clamp(plant.demand + plant.demandSwing * Math.sin((2 * Math.PI * t) / plant.demandPeriodS), 0, 1);
    const leak = active.filter((e) => e.type === "LEAK").reduce((sum, e) => sum + (e.flowM3s ?? 0), 0);
    const truth = {
      level: state.level,
      inflow: inflow(plant, state.valve, state.level, pumpRunning),
      outflow: outflow(plant, demand, state.level),
      pressure: (RHO * G * state.level) / 1000,
    };
    const reading = (tag: "level" | "inflow" | "outflow" | "pressure", sd: number) => {
      const spoof = active.find((e) => e.type === "SENSOR_SPOOF" && (e.tag ?? "level") === tag);
      if (spoof) {
        if (spoof.value !== undefined) return spoof.value;
        if (!frozen.has(spoof)) frozen.set(spoof, truth[tag]);
        return frozen.get(spoof) as number;
      }
      return truth[tag] + (state.drift[tag] ?? 0) + rng.normal(0, sd);
    };
    const measured = {
      level: reading("level", plant.noise.level),
      inflow: reading("inflow", plant.noise.flow),
      outflow: reading("outflow", plant.noise.flow),
      pressure: reading("pressure", plant.noise.pressure),
    };
    // The controller acts on the measured level, spoofed or not: that is how an attack moves the plant.
    const error = setpoint - measured.level;
    const derivative = r === 0 ? 0 : (error - state.previousError) / plant.intervalS;
    const unclamped = 0.5 + plant.kp * error + plant.ki * state.integral + plant.kd * derivative;
    const command = clamp(unclamped, 0, 1);
    // Anti-windup: integrate only while the valve is not saturated in the error's direction.
    if (unclamped === command || Math.sign(error) !== Math.sign(unclamped - command))
      state.integral += error * plant.intervalS;
    state.previousError = error;
    const stuck = active.find((e) => e.type === "STUCK_VALVE");
    if (stuck && !frozen.has(stuck))
      frozen.set(stuck, stuck.positionPct !== undefined ? stuck.positionPct / 100 : state.valve);
    const position = stuck ? (frozen.get(stuck) as number) : command;

    const label = active.length > 0 ? [...new Set(active.map((e) => e.type))].join("+") : "NORMAL";
    text +=
      formatCsvRow([
        new Date(startMs + Math.round(t * 1000)).toISOString(),
        measured.level.toFixed(4),
        setpoint.toFixed(3),
        measured.inflow.toFixed(6),
        measured.outflow.toFixed(6),
        measured.pressure.toFixed(3),
        pumpRunning ? "1" : "0",
        (command * 100).toFixed(2),
        (position * 100).toFixed(2),
        label,
      ]) + "\n";

    // Integrate the plant over the interval (explicit Euler, SUBSTEPS_PER_SECOND steps a second).
    const steps = Math.max(1, Math.round(plant.intervalS * SUBSTEPS_PER_SECOND));
    const h = plant.intervalS / steps;
    for (let s = 0; s < steps; s++) {
      const qin = inflow(plant, position, state.level, pumpRunning);
      const qout = outflow(plant, demand, state.level) + (state.level > 0 ? leak : 0);
      state.level = clamp(state.level + ((qin - qout) / plant.tankAreaM2) * h, 0, plant.tankHeightM);
    }
    state.valve = position;
    const hours = plant.intervalS / 3600;
    state.drift.level = (state.drift.level ?? 0) + plant.levelDriftPerHour * hours;
    for (const e of active)
      if (e.type === "SENSOR_DRIFT")
        state.drift[e.tag ?? "level"] = (state.drift[e.tag ?? "level"] ?? 0) + (e.ratePerHour ?? 0) * hours;
    t += plant.intervalS;
    if (++inBatch === batchRows) {
      yield text;
      text = "";
      inBatch = 0;
    }
  }
  if (text !== "") yield text;
}

/** Pump through the control valve: flow falls as the head it pumps against (the level) rises. */
function inflow(plant: Plant, valve: number, level: number, running: boolean): number {
  if (!running) return 0;
  return plant.pumpMaxFlowM3s * valve * Math.max(0, 1 - 0.5 * (level / plant.tankHeightM));
}

/** Torricelli: Qout = c·a·√(2gh), scaled by the outlet's demand opening. */
function outflow(plant: Plant, demand: number, level: number): number {
  return plant.outletCoefficientM2 * demand * Math.sqrt(2 * G * Math.max(0, level));
}

function clamp(x: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, x));
}
