// A PostgreSQL cluster of one suite's own (initdb into a temp folder, a free port, trust auth, its
// socket in that folder), for tests that restart or crash the database itself: the shared server on
// 5432 is never touched. initdb refuses to run as root, so as root every binary runs as `postgres`
// through runuser, and the folder is handed to that user.
import { execFile, spawn } from "node:child_process";
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import net from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import pg from "pg";
import type { Backend } from "./backends.ts";

const run = promisify(execFile);

/** The newest installed PostgreSQL's bin folder with initdb and pg_ctl, if any. */
export function postgresBinDir(): string | undefined {
  const root = "/usr/lib/postgresql";
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root)
    .filter((v) => existsSync(join(root, v, "bin", "initdb")) && existsSync(join(root, v, "bin", "pg_ctl")))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] === undefined ? undefined : join(root, versions[0], "bin");
}

export interface PrivatePostgres {
  port: number;
  /** Whether it was started and not stopped since (a test that failed halfway may leave it down). */
  readonly running: boolean;
  /** postgres://root@127.0.0.1:<port>/<database> */
  url(database?: string): string;
  /** A backend whose databases live on this cluster (for startTestServer). */
  backend: Backend;
  start(): Promise<void>;
  /** `fast`: a clean shutdown; `immediate`: a crash (no checkpoint; recovery replays WAL at the next start). */
  stop(mode?: "fast" | "immediate"): Promise<void>;
  /** pg_ctl restart -m fast. */
  restart(): Promise<void>;
  /**
   * An immediate-mode stop (a crash), then a start: what was acknowledged must come back. After
   * pauseWalWriter(), the paused WAL writer is killed in the crash without writing anything more.
   */
  crash(): Promise<void>;
  /**
   * Stops (SIGSTOP) the WAL writer until the next crash(): commits made without waiting for their WAL
   * flush (synchronous_commit off) then stay in shared memory, and the crash loses them for certain
   * instead of by the luck of the writer's timing. A commit that waits for its flush still writes all
   * WAL before it, as always.
   */
  pauseWalWriter(): Promise<void>;
  /** Stops the cluster and removes its folder. */
  remove(): Promise<void>;
}

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/**
 * initdb and start a cluster; `settings`: extra server settings (`-c name=value`). Fails when no
 * PostgreSQL binaries are installed (see postgresBinDir).
 */
export async function startPrivatePostgres(settings: Record<string, string> = {}): Promise<PrivatePostgres> {
  const bin = postgresBinDir();
  if (!bin) throw new Error("no PostgreSQL binaries under /usr/lib/postgresql/*/bin");
  const dir = mkdtempSync(join(tmpdir(), "jobs-private-pg-"));
  const asRoot = process.getuid?.() === 0;
  if (asRoot) {
    const [uid, gid] = await Promise.all(
      ["-u", "-g"].map(async (flag) => Number((await run("id", [flag, "postgres"])).stdout)),
    );
    chownSync(dir, uid!, gid!);
  }
  /** The binary's command line, as the cluster's owner. */
  const as = (tool: string, args: string[]): [string, string[]] =>
    asRoot ? ["runuser", ["-u", "postgres", "--", join(bin, tool), ...args]] : [join(bin, tool), args];
  const data = join(dir, "data");
  const log = join(dir, "postgres.log");
  const port = await freePort();
  // fsync off: the crashes here end processes, not the machine, so what was written survives in the
  // kernel's cache whether or not it was synced; it spares each recovery the sync of the whole data
  // folder it begins with (seconds on a busy disk). Commits still write their WAL before answering.
  const options = [
    `-p ${port}`,
    `-k ${dir}`,
    "-c listen_addresses=127.0.0.1",
    ...Object.entries({ fsync: "off", ...settings }).map(([k, v]) => `-c ${k}=${v}`),
  ].join(" ");
  const ctl = async (args: string[]) => {
    // pg_ctl's server keeps no handle of ours open (its output goes to the log): it runs on after us.
    const [command, argv] = as("pg_ctl", ["-D", data, "-w", "-t", "30", ...args]);
    await new Promise<void>((resolve, reject) => {
      const child = spawn(command, argv, { stdio: "ignore" });
      child.on("error", reject);
      child.on("exit", (code) =>
        code === 0 ? resolve() : reject(new Error(`pg_ctl ${args.join(" ")} exited ${code}; see ${log}`)),
      );
    });
  };
  let running = false;
  const start = async () => {
    await ctl(["-l", log, "-o", options, "start"]);
    running = true;
  };
  const stop = async (mode: "fast" | "immediate" = "fast") => {
    running = false;
    await ctl(["-m", mode, "stop"]);
  };
  const url = (database = "postgres") => `postgres://root@127.0.0.1:${port}/${database}`;

  try {
    const [command, argv] = as("initdb", ["-D", data, "-U", "root", "--auth=trust", "-E", "UTF8", "--no-sync"]);
    await run(command, argv);
    await start();
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  let databases = 0;
  let pausedWalWriter: number | undefined;
  // Should the suite's process end without remove() (a hook that timed out), the cluster goes with it:
  // an immediate shutdown of the postmaster, whose pid heads its pid file, and its folder removed.
  const onExit = () => {
    try {
      if (pausedWalWriter !== undefined) process.kill(pausedWalWriter, "SIGKILL");
      process.kill(Number(readFileSync(join(data, "postmaster.pid"), "utf8").split("\n")[0]), "SIGQUIT");
    } catch {
      // Not running.
    }
    rmSync(dir, { recursive: true, force: true, maxRetries: 5 });
  };
  process.once("exit", onExit);
  return {
    port,
    get running() {
      return running;
    },
    url,
    backend: {
      name: "postgres",
      async create() {
        const name = `jobs_private_${++databases}`;
        const admin = new pg.Client({ connectionString: url() });
        await admin.connect();
        await admin.query(`create database ${name}`);
        await admin.end();
        // The whole cluster goes with remove().
        return { databaseUrl: url(name), drop: async () => undefined };
      },
    },
    start,
    stop,
    restart: () => ctl(["-l", log, "-o", options, "-m", "fast", "restart"]),
    async crash() {
      const stopping = stop("immediate");
      // Stopped, it cannot run its shutdown handler; killed, it never runs again (either way the
      // postmaster counts a crash).
      if (pausedWalWriter !== undefined) process.kill(pausedWalWriter, "SIGKILL");
      pausedWalWriter = undefined;
      await stopping;
      await start();
    },
    async pauseWalWriter() {
      const admin = new pg.Client({ connectionString: url() });
      await admin.connect();
      const { rows } = await admin.query<{ pid: number }>(
        `select pid from pg_stat_activity where backend_type = 'walwriter'`,
      );
      await admin.end();
      if (!rows[0]) throw new Error("no walwriter process to pause");
      pausedWalWriter = rows[0].pid;
      process.kill(pausedWalWriter, "SIGSTOP");
    },
    async remove() {
      process.off("exit", onExit);
      if (pausedWalWriter !== undefined) process.kill(pausedWalWriter, "SIGKILL");
      await stop("immediate").catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
