// The solve itself, on a worker thread that main.ts starts for each job: a hard integer program can
// keep javascript-lp-solver busy for minutes, and it is this thread that is busy, not the one that
// sends heartbeats and hears cancels and Ctrl-C (main.ts ends this one on those). Plain JavaScript:
// a worker thread does not get tsx's hooks on every Node version.
import { parentPort, workerData } from "node:worker_threads";
import lpSolver from "javascript-lp-solver";

// Whichever build Node loads, ES module (default export) or CommonJS (the solver itself).
const solver = lpSolver.default ?? lpSolver;
parentPort.postMessage(solver.Solve(workerData));
