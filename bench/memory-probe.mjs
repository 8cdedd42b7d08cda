// Preloaded into a benchmarked server process (node --expose-gc --import ./bench/memory-probe.mjs):
// on SIGUSR2 it collects garbage and prints its memory use, so a benchmark measures what the process
// retains rather than garbage not yet collected.
process.on("SIGUSR2", () => {
  // Several full collections: the first ones leave pages half empty; later ones compact and release them.
  for (let i = 0; i < 4; i++) globalThis.gc?.();
  process.stdout.write(`memory ${JSON.stringify(process.memoryUsage())}\n`);
});
