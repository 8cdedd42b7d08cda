// npm run bench:pair -- [--jobs N] [--runs N] [--concurrency N] <ours> <peer>
// Two systems of the throughput case (bench/cases/throughput.ts SYSTEMS, e.g. ours-runner-batched
// graphile-worker-batched) side by side, ABBA order, without the case's other systems: a quicker
// reading of one entry while working on it. Prints each run and the median of per-run ratios;
// writes nothing (the full case writes bench/results.json).
import { parseArgs } from "node:util";
import { externalCpuPerJob, pgCostPerJob, SYSTEMS } from "./cases/throughput.ts";
import { assertPostgresReachable } from "./db.ts";
import { median } from "./stats.ts";

const { values, positionals } = parseArgs({
  options: { jobs: { type: "string" }, runs: { type: "string" }, concurrency: { type: "string" } },
  allowPositionals: true,
});
const [ours, peer] = positionals;
if (!ours || !peer || !SYSTEMS[ours] || !SYSTEMS[peer] || positionals.length !== 2)
  throw new Error(`name two systems of: ${Object.keys(SYSTEMS).join(", ")}`);
const jobs = Number(values.jobs ?? 20_000);
const runs = Number(values.runs ?? 3);
const concurrency = Number(values.concurrency ?? 8);
await assertPostgresReachable();

const ratios: number[] = [];
for (let r = 0; r < runs; r++) {
  // ABBA: the first side alternates, so drift during a run weighs on both alike.
  const order = r % 2 === 0 ? [ours, peer] : [peer, ours];
  const rate: Record<string, number> = {};
  for (const system of order) rate[system] = await SYSTEMS[system]!(jobs, concurrency);
  ratios.push(rate[ours]! / rate[peer]!);
  const cpu = externalCpuPerJob.get(concurrency)?.at(-1);
  console.log(
    `run ${r + 1}/${runs}: ${ours} ${rate[ours]!.toFixed(0)} jobs/s, ${peer} ${rate[peer]!.toFixed(0)} jobs/s, ratio ${ratios.at(-1)!.toFixed(2)}${cpu === undefined ? "" : `; external CPU ${cpu.toFixed(0)} µs/job`}`,
  );
}
console.log(
  `median of per-run ratios ${median(ratios).toFixed(2)} (${jobs} jobs, ${concurrency} in flight, ${runs} runs)`,
);
console.log(
  `medians per job: ${pgCostPerJob.compare([ours, peer].map((system) => ({ name: system, label: `${system}@${concurrency}` })))}`,
);
// The peers leave pools and timers behind; the readings are printed.
process.exit(0);
