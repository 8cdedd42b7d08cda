// The generation worker of a server run from its TypeScript sources (tsx, vitest): a worker thread
// starts without the main thread's loader, so this registers tsx's and loads worker.ts. A compiled
// server (dist/) loads worker.js directly; this file is not part of the build.
import { register } from "tsx/esm/api";

register();
const { default: work } = await import("./worker.ts");
export default work;
