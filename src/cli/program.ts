// The `jobsctl` command line: every command is a thin layer over JobsClient. Human tables by default
// (fitted to the terminal; -o wide for every column), -o json|yaml (or --json) for scripts (one
// document; for logs NDJSON or one YAML list), exit codes from ./exit-codes.ts.
import { existsSync, readFileSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { basename, join } from "node:path";
import { Argument, Command, CommanderError, InvalidArgumentError, Option } from "commander";
import type { DownloadedFile } from "@jobs-api/client/node";
import { JobsClient } from "@jobs-api/client/node";
import type {
  CatchUpPolicy,
  CreateGenerationJobInput,
  GenerationKind,
  Job,
  JobLike,
  JobOrder,
  Role,
} from "@jobs-api/client";
import { GENERATION_KINDS, JOB_STATES, REASONER_TYPES, type JobState, type ReasonerType } from "@jobs-api/client";
import { completionScript, SHELLS, type Shell } from "./completion.ts";
import { defaultConfigPath, loadProfile } from "./config-file.ts";
import { CliFailure, describeError, EXIT, exitCodeFor, UsageError, type ExitCode } from "./exit-codes.ts";
import { interactive, startProgressBar, startSpinner } from "./feedback.ts";
import { parseCount, parseJsonArgument, parseJsonObject, parseSeconds, parseSince, parseSort } from "./parse.ts";
import {
  apiKeysTable,
  artifactsTable,
  pageCount,
  bytes,
  jobDetails,
  jobsTable,
  keyValues,
  scheduleDetails,
  schedulesTable,
  type TableStyle,
  tableStyle,
} from "./render.ts";

const ROLES = ["ADMIN", "MEMBER", "WORKER"] as const;
const CATCH_UP = ["ONCE", "SKIP"] as const;
const OUTPUTS = ["table", "wide", "json", "yaml"] as const;
type Output = (typeof OUTPUTS)[number];

/** The package's version (package.json sits two folders up from src/cli/ and dist/cli/ alike). */
const VERSION = (createRequire(import.meta.url)("../../package.json") as { version: string }).version;

interface GlobalOptions {
  url: string;
  apiKey?: string;
  json?: boolean;
  output?: Output;
  profile?: string;
  config?: string;
}

/** What one command run needs: the client, the output mode, and where its exit code goes. */
interface Session {
  client: JobsClient;
  /** Machine output (-o json|yaml): no spinners or bars. */
  json: boolean;
  output: Output;
  /** How human tables are drawn (-o table|wide, terminal width, colour). */
  style: TableStyle;
  print(value: unknown, human: (style: TableStyle) => string): void;
}

function oneOf<T extends string>(flag: string, allowed: readonly T[]) {
  return (value: string): T => {
    const upper = value.toUpperCase();
    if (!(allowed as readonly string[]).includes(upper))
      throw new InvalidArgumentError(`${flag} must be one of ${allowed.join(", ")}`);
    return upper as T;
  };
}

const typeOption = (description = "the job's family (found from the id when absent)") =>
  new Option("-t, --type <reasonerType>", description).argParser(oneOf("--type", REASONER_TYPES));
const jobRef = (jobId: string, type: ReasonerType | undefined): JobLike =>
  type ? { reasonerType: type, jobId } : jobId;
/** list's `--created-after`/`--created-before`: `--since`'s forms, as the DateTime the API takes. */
function createdBound(value: string, flag: string): string {
  const when = new Date(parseSince(value, Date.now(), flag));
  // A time past what a Date holds (ms beyond ±8.64e15) has no ISO form: refused here, not a RangeError.
  if (Number.isNaN(when.getTime())) throw new UsageError(`${flag}: not a time a date can hold, got ${value}`);
  return when.toISOString();
}
/** 0 when the job succeeded, 6 when it ended otherwise. */
const finalCode = (job: Job): ExitCode => (job.state === "SUCCEEDED" ? EXIT.OK : EXIT.JOB_UNSUCCESSFUL);

export function buildProgram(run: (cmd: Command, action: (s: Session) => Promise<ExitCode>) => Promise<void>): Command {
  const program = new Command("jobsctl")
    .description("Command line for the jobs API: list, create, follow, download and verify jobs.")
    .addOption(new Option("--url <url>", "server base URL").env("JOBS_URL").default("http://localhost:4000"))
    .addOption(new Option("--api-key <key>", "API key (Bearer secret)").env("JOBS_API_KEY"))
    .addOption(
      new Option("-o, --output <format>", "table (fits the terminal), wide (every column), json or yaml").choices(
        OUTPUTS,
      ),
    )
    .option("--json", "the same as -o json (NDJSON for logs)")
    .addOption(new Option("--profile <name>", "the config file's profile to use (URL and API key)").env("JOBS_PROFILE"))
    .addOption(new Option("--config <file>", `the config file (default ${defaultConfigPath()})`).env("JOBS_CONFIG"))
    .version(VERSION, "-V, --version", "the jobsctl version")
    .showHelpAfterError("(add --help for usage)")
    .exitOverride();

  program
    .command("list")
    .description("jobs, newest first (or as --sort says)")
    .addOption(typeOption("only jobs of this family"))
    .addOption(new Option("--state <state>", "only jobs in this state").argParser(oneOf("--state", JOB_STATES)))
    .option("--name <name>", "only jobs with exactly this name")
    .option("--name-contains <text>", "only jobs whose name holds this text, in any case")
    .option("--created-by <userId>", "only jobs created by this user")
    .option("--active", "only jobs not yet terminal")
    .option(
      "--created-after <when>",
      "only jobs created at or after this: an ISO date or a duration ago (10m, 2h, 3d)",
      (v) => createdBound(v, "--created-after"),
    )
    .option(
      "--created-before <when>",
      "only jobs created before this (exclusive): an ISO date or a duration ago (10m, 2h, 3d)",
      (v) => createdBound(v, "--created-before"),
    )
    .option("--all-users", "every user's jobs (admins)")
    .option("--first <n>", "page size (at most 500)", (v) => parseCount(v, "--first", 1))
    .option("--after <cursor>", "the endCursor of the previous page")
    .option("--offset <n>", "skip this many jobs instead of --after", (v) => parseCount(v, "--offset", 0))
    .option(
      "--sort <field[:dir]>",
      "order by created_on, name, state or finished_on, :asc (default) or :desc; --after needs the same --sort",
      parseSort,
    )
    .action(
      (
        opts: {
          sort?: JobOrder;
          type?: ReasonerType;
          state?: JobState;
          name?: string;
          nameContains?: string;
          createdBy?: string;
          active?: boolean;
          createdAfter?: string;
          createdBefore?: string;
          allUsers?: boolean;
          first?: number;
          after?: string;
          offset?: number;
        },
        cmd: Command,
      ) =>
        run(cmd, async ({ client, print }) => {
          const page = await client.list({
            ...(opts.type ? { reasonerType: opts.type } : {}),
            ...(opts.state ? { state: opts.state } : {}),
            ...(opts.name ? { name: opts.name } : {}),
            ...(opts.nameContains ? { nameContains: opts.nameContains } : {}),
            ...(opts.createdBy ? { createdBy: opts.createdBy } : {}),
            onlyActive: Boolean(opts.active),
            ...(opts.createdAfter ? { createdAfter: opts.createdAfter } : {}),
            ...(opts.createdBefore ? { createdBefore: opts.createdBefore } : {}),
            allUsers: Boolean(opts.allUsers),
            ...(opts.first ? { first: opts.first } : {}),
            after: opts.after ?? null,
            ...(opts.offset !== undefined ? { offset: opts.offset } : {}),
            ...(opts.sort ? { orderBy: opts.sort } : {}),
          });
          print(page, (style) => {
            // The next page's cursor continues this order only: the hint repeats --sort.
            const sort = opts.sort
              ? ` --sort ${opts.sort.field.toLowerCase()}:${opts.sort.direction.toLowerCase()}`
              : "";
            const more = page.hasNextPage ? `; next page: --after ${page.endCursor}${sort}` : "";
            return page.totalCount === 0
              ? "No jobs found."
              : `${jobsTable(page.jobs, style)}\n${pageCount(page)}${more}`;
          });
          return EXIT.OK;
        }),
    );

  program
    .command("get")
    .description("one job in full")
    .argument("<jobId>")
    .addOption(typeOption())
    .action((jobId: string, opts: { type?: ReasonerType }, cmd: Command) =>
      run(cmd, async ({ client, print }) => {
        const job = await client.get(jobRef(jobId, opts.type));
        print(job, (style) => jobDetails(job, style));
        return EXIT.OK;
      }),
    );

  program
    .command("create")
    .description("create a job (GENERATION jobs take the createGenerationJob input as payload)")
    .addOption(typeOption("the job's family").makeOptionMandatory())
    .option("--payload <json|@file>", "the job's payload: JSON, @file.json, or @- for stdin", "{}")
    .option("--name <name>", "a name to find it by")
    .option(
      "--reasoner <name>",
      "reasoner, worker pool or queue (not for GENERATION; default: the server's, agents for AGENT, else default)",
    )
    .option("--timeout-mins <n>", "fail the job after this long", (v) => parseCount(v, "--timeout-mins", 1))
    .option("--idempotency-key <key>", "the same key returns the first job")
    .option("--wait", "wait until the job is finished")
    .option("--timeout <seconds>", "with --wait: how long", (v) => parseSeconds(v, "--timeout"), 900)
    .addOption(
      new Option("--dry-run", "check the job as the server would create it, creating nothing").conflicts("wait"),
    )
    .action(
      (
        opts: {
          type: ReasonerType;
          payload: string;
          name?: string;
          reasoner?: string;
          timeoutMins?: number;
          idempotencyKey?: string;
          wait?: boolean;
          timeout: number;
          dryRun?: boolean;
        },
        cmd: Command,
      ) =>
        run(cmd, async (session) => {
          const { client, print } = session;
          const common = {
            ...(opts.name ? { name: opts.name } : {}),
            ...(opts.timeoutMins ? { timeoutMins: opts.timeoutMins } : {}),
            ...(opts.idempotencyKey ? { idempotencyKey: opts.idempotencyKey } : {}),
          };
          if (opts.dryRun) {
            // A generation job's typed input is also its createJob payload: one check for every family.
            await client.validate({
              reasonerType: opts.type,
              ...(opts.reasoner ? { reasonerName: opts.reasoner } : {}),
              payload: parseJsonArgument(opts.payload, "--payload"),
              ...common,
            });
            print({ valid: true }, () => `valid: the server would create this ${opts.type} job`);
            return EXIT.OK;
          }
          const op =
            opts.type === "GENERATION"
              ? await client.createGeneration({
                  ...(parseJsonObject(opts.payload, "--payload") as unknown as CreateGenerationJobInput),
                  ...common,
                })
              : await client.create({
                  reasonerType: opts.type,
                  // Only when given: the server picks the family's queue (agents for AGENT jobs).
                  ...(opts.reasoner ? { reasonerName: opts.reasoner } : {}),
                  payload: parseJsonArgument(opts.payload, "--payload"),
                  ...common,
                });
          if (!opts.wait) {
            print(op.job, (style) => jobDetails(op.job, style));
            return EXIT.OK;
          }
          const job = await waitWithSpinner(session, op.job, opts.timeout);
          print(job, (style) => jobDetails(job, style));
          return finalCode(job);
        }),
    );

  program
    .command("wait")
    .description("block until the job is finished (exit 0 succeeded, 6 failed or canceled, 3 timeout)")
    .argument("<jobId>")
    .addOption(typeOption())
    .option("--timeout <seconds>", "give up after this long", (v) => parseSeconds(v, "--timeout"), 900)
    .action((jobId: string, opts: { type?: ReasonerType; timeout: number }, cmd: Command) =>
      run(cmd, async (session) => {
        const job = await waitWithSpinner(session, jobRef(jobId, opts.type), opts.timeout);
        session.print(job, (style) => jobDetails(job, style));
        return finalCode(job);
      }),
    );

  program
    .command("logs")
    .description("the job's log lines; --follow tails them live until the job ends")
    .argument("<jobId>")
    .addOption(typeOption())
    .option("-f, --follow", "keep printing new lines until the job is finished")
    .option("--since <time>", "ms since the epoch, an ISO date, or a duration ago (10m, 2h)")
    .option("--sample <ms>", "at most one line per this many ms of log time", (v) => parseCount(v, "--sample", 1))
    .action(
      (jobId: string, opts: { type?: ReasonerType; follow?: boolean; since?: string; sample?: number }, cmd: Command) =>
        run(cmd, async ({ client, json, output }) => {
          // YAML: one list, each line an item printed as it comes, so a followed log reads the same.
          const yaml = output === "yaml" ? await import("yaml") : null;
          const count = await client.printLogs(jobRef(jobId, opts.type), {
            follow: Boolean(opts.follow),
            json,
            ...(yaml ? { format: (line) => yaml.stringify([line]).trimEnd() } : {}),
            ...(opts.since !== undefined ? { sinceMs: parseSince(opts.since) } : {}),
            ...(opts.sample ? { sample: { intervalMs: opts.sample } } : {}),
            out: process.stdout,
          });
          if (yaml && count === 0) process.stdout.write("[]\n");
          return EXIT.OK;
        }),
    );

  program
    .command("cancel")
    .description("cancel a job (queued: at once; running: once its worker stops)")
    .argument("<jobId>")
    .addOption(typeOption())
    .option("--all-users", "LOGIC jobs of other users (admins)")
    .action((jobId: string, opts: { type?: ReasonerType; allUsers?: boolean }, cmd: Command) =>
      run(cmd, async ({ client, print }) => {
        const job = await client.cancel(jobRef(jobId, opts.type), { allUsers: Boolean(opts.allUsers) });
        print(job, () => `${job.reasonerType} job ${job.jobId} is ${job.state} (${job.nativeState})`);
        return EXIT.OK;
      }),
    );

  program
    .command("rerun")
    .description("run a generation job again: same contract, same seed, byte-identical output")
    .argument("<jobId>")
    .option("--wait", "wait until the new job is finished")
    .option("--timeout <seconds>", "with --wait: how long", (v) => parseSeconds(v, "--timeout"), 900)
    .action((jobId: string, opts: { wait?: boolean; timeout: number }, cmd: Command) =>
      run(cmd, async (session) => {
        const op = await session.client.rerun(jobId);
        const job = opts.wait ? await waitWithSpinner(session, op.job, opts.timeout) : op.job;
        session.print(job, (style) => jobDetails(job, style));
        return opts.wait ? finalCode(job) : EXIT.OK;
      }),
    );

  program
    .command("download")
    .description("save the job's artifacts, checking each one's sha256 (exit 5 on a mismatch)")
    .argument("<jobId>")
    .addOption(typeOption())
    .option("--artifact <name>", "only the artifact with this name")
    // No -o: that is the global --output.
    .option("--out <path>", "a file (one artifact) or a directory (default: the current one)")
    .option("--expected-hash <sha256>", "check against this hash instead of the API's contentHash")
    .action(
      (
        jobId: string,
        opts: { type?: ReasonerType; artifact?: string; out?: string; expectedHash?: string },
        cmd: Command,
      ) =>
        run(cmd, async ({ client, json, print }) => {
          const job = await client.get(jobRef(jobId, opts.type));
          const artifacts = opts.artifact ? job.artifacts.filter((a) => a.name === opts.artifact) : job.artifacts;
          if (!artifacts.length) {
            throw new CliFailure(
              EXIT.NOT_FOUND,
              opts.artifact
                ? `job ${job.jobId} has no artifact named ${opts.artifact}`
                : `job ${job.jobId} has no artifacts (state ${job.state})`,
            );
          }
          const saved: (DownloadedFile & { name: string; verified: true })[] = [];
          for (const artifact of artifacts) {
            const path = targetPath(opts.out, artifact.name, artifacts.length);
            const bar = await startProgressBar(interactive(json), artifact.name);
            try {
              const file = await client.download(artifact, path, {
                ...(opts.expectedHash ? { expectedHash: opts.expectedHash } : {}),
                onProgress: (p) => bar.update(p.receivedBytes, p.totalBytes),
              });
              saved.push({ name: artifact.name, ...file, verified: true as const });
            } finally {
              bar.stop();
            }
          }
          print(saved, () =>
            saved.map((f) => `${f.name} → ${f.path} (${bytes(f.sizeBytes)}, ${f.contentHash} verified)`).join("\n"),
          );
          return EXIT.OK;
        }),
    );

  program
    .command("upload")
    .description("upload a dataset (CSV or JSON lines) for generation jobs; prints its id, the spec.input to use")
    .argument("<file>")
    .option("--name <name>", "the dataset's name (default: the file's name)")
    .option("--type <type>", "the artifact type (default: the server's, dataset)")
    .action((file: string, opts: { name?: string; type?: string }, cmd: Command) =>
      run(cmd, async ({ client, json, print }) => {
        if (!existsSync(file)) throw new CliFailure(EXIT.USAGE, `no such file: ${file}`);
        if (isDirectory(file)) throw new CliFailure(EXIT.USAGE, `${file} is a folder: upload one file`);
        const bar = await startProgressBar(interactive(json), opts.name ?? basename(file));
        let stored: Awaited<ReturnType<typeof client.upload>>;
        try {
          stored = await client.upload(file, {
            ...(opts.name ? { name: opts.name } : {}),
            ...(opts.type ? { type: opts.type } : {}),
            onProgress: (p) => bar.update(p.sentBytes, p.totalBytes),
          });
        } finally {
          bar.stop();
        }
        print(stored, () => `${stored.id} (${bytes(stored.sizeBytes)}, ${stored.contentHash})`);
        return EXIT.OK;
      }),
    );

  program
    .command("verify")
    .description(
      "download a generation job's evidence and artifacts, re-hash every file and verify chain and signatures here (exit 5 on any mismatch)",
    )
    .argument("<jobId>")
    .addOption(typeOption())
    .option("--public-key <pem|@file|sha256:id>", "require this signer")
    .action((jobId: string, opts: { type?: ReasonerType; publicKey?: string }, cmd: Command) =>
      run(cmd, async ({ client, print }) => {
        const publicKey = opts.publicKey?.startsWith("@") ? readText(opts.publicKey.slice(1)) : opts.publicKey;
        const job = await client.get(jobRef(jobId, opts.type));
        const check = await client.verifyEvidence(job, publicKey ? { publicKey } : {});
        print({ jobId: job.jobId, ...check }, () =>
          [
            keyValues({
              "Job ID": job.jobId,
              Verified: check.verified ? "yes" : "NO",
              "Server says": String(check.serverVerified),
              "Root hash": check.rootHash,
            }),
            ...check.mismatches.map((m) => `  ✗ ${m}`),
            job.artifacts.length ? artifactsTable(job.artifacts) : "",
          ]
            .filter(Boolean)
            .join("\n"),
        );
        return check.verified ? EXIT.OK : EXIT.INTEGRITY;
      }),
    );

  program
    .command("estimate")
    .description("credits a generation job would cost")
    .addOption(
      new Option("--kind <kind>", `generation kind: ${GENERATION_KINDS.join(", ")}`)
        .argParser(oneOf("--kind", GENERATION_KINDS))
        .makeOptionMandatory(),
    )
    .requiredOption("--rows <n>", "rows to generate", (v) => parseCount(v, "--rows"))
    .action((opts: { kind: GenerationKind; rows: number }, cmd: Command) =>
      run(cmd, async ({ client, print }) => {
        const estimate = await client.estimate(opts.kind, opts.rows);
        print(estimate, () =>
          keyValues({
            Kind: estimate.kind,
            Rows: estimate.rows,
            "Estimated credits": estimate.estimatedCredits,
            "Training tier": estimate.trainingTier,
          }),
        );
        return EXIT.OK;
      }),
    );

  const keys = program.command("keys").description("API keys");
  keys
    .command("create")
    .description("create an API key; its secret is shown this once")
    .requiredOption("--user <userId>", "the user the key belongs to")
    .option("--email <email>", "the user's email")
    .addOption(
      new Option("--role <role>", "ADMIN, MEMBER or WORKER (default: the server's, MEMBER)").argParser(
        oneOf("--role", ROLES),
      ),
    )
    .option("--tenant <tenantId>", "another tenant (admins of the first tenant)")
    .action((opts: { user: string; email?: string; role?: Role; tenant?: string }, cmd: Command) =>
      run(cmd, async ({ client, print }) => {
        const created = await client.createApiKey({
          userId: opts.user,
          ...(opts.role ? { role: opts.role } : {}),
          ...(opts.email ? { email: opts.email } : {}),
          ...(opts.tenant ? { tenantId: opts.tenant } : {}),
        });
        print(created, () =>
          [
            keyValues({
              Secret: created.secret,
              "Key id": created.apiKey.id,
              Prefix: created.apiKey.prefix,
              User: created.apiKey.userId,
              Role: created.apiKey.role,
              Tenant: created.apiKey.tenantId,
            }),
            "The secret is shown only this once.",
          ].join("\n"),
        );
        return EXIT.OK;
      }),
    );

  keys
    .command("list")
    .description("the tenant's API keys, newest first (admins); never their secrets")
    .option("--all", "revoked keys too")
    .option("--first <n>", "at most this many (default 100)", (v) => parseCount(v, "--first", 1))
    .action((opts: { all?: boolean; first?: number }, cmd: Command) =>
      run(cmd, async ({ client, print, style }) => {
        const apiKeys = await client.listApiKeys({
          includeRevoked: opts.all ?? false,
          ...(opts.first ? { first: opts.first } : {}),
        });
        print(apiKeys, () => (apiKeys.length ? apiKeysTable(apiKeys, style) : "no API keys"));
        return EXIT.OK;
      }),
    );
  keys
    .command("revoke")
    .description("revoke an API key at once: it authenticates nothing afterwards")
    .argument("<keyId>")
    .action((id: string, _opts: unknown, cmd: Command) =>
      run(cmd, async ({ client, print }) => {
        const revoked = await client.revokeApiKey(id);
        print(revoked, () => `revoked ${revoked.id} (${revoked.prefix}…, ${revoked.userId}, ${revoked.role})`);
        return EXIT.OK;
      }),
    );

  const schedules = program.command("schedules").description("cron schedules: each tick creates one job, owned by you");
  schedules
    .command("create")
    .description("create a schedule (GENERATION jobs take the createGenerationJob input as payload)")
    .requiredOption("--name <name>", "the schedule's name (also its jobs' name unless --job-name)")
    .requiredOption("--cron <expression>", 'five fields: minute hour day-of-month month day-of-week, e.g. "0 3 * * *"')
    .option("--timezone <zone>", "IANA time zone the expression is read in (default: the server's, UTC)")
    .addOption(
      new Option(
        "--catch-up <policy>",
        "ticks missed while no server ran: ONCE (run once) or SKIP (default: the server's, ONCE)",
      ).argParser(oneOf("--catch-up", CATCH_UP)),
    )
    .addOption(typeOption("the jobs' family").makeOptionMandatory())
    .option("--payload <json|@file>", "each job's payload: JSON, @file.json, or @- for stdin", "{}")
    .option("--reasoner <name>", "reasoner, worker pool or queue (not for GENERATION)")
    .option("--job-name <name>", "the jobs' name (default: the schedule's)")
    .action(
      (
        opts: {
          name: string;
          cron: string;
          timezone?: string;
          catchUp?: CatchUpPolicy;
          type: ReasonerType;
          payload: string;
          reasoner?: string;
          jobName?: string;
        },
        cmd: Command,
      ) =>
        run(cmd, async ({ client, print }) => {
          const created = await client.createSchedule({
            name: opts.name,
            cron: opts.cron,
            // Sent only when given, so the server's defaults apply.
            ...(opts.timezone ? { timezone: opts.timezone } : {}),
            ...(opts.catchUp ? { catchUp: opts.catchUp } : {}),
            job: {
              reasonerType: opts.type,
              payload: parseJsonObject(opts.payload, "--payload"),
              ...(opts.reasoner ? { reasonerName: opts.reasoner } : {}),
              ...(opts.jobName ? { name: opts.jobName } : {}),
            },
          });
          print(created, () => scheduleDetails(created));
          return EXIT.OK;
        }),
    );
  schedules
    .command("list")
    .description("your schedules, newest first (admins: every schedule of the tenant)")
    .option("--first <n>", "page size (at most 500)", (v) => parseCount(v, "--first", 1))
    .option("--after <cursor>", "the endCursor of the previous page")
    .action((opts: { first?: number; after?: string }, cmd: Command) =>
      run(cmd, async ({ client, print }) => {
        const page = await client.listSchedules({
          ...(opts.first ? { first: opts.first } : {}),
          after: opts.after ?? null,
        });
        print(
          page,
          () => `${schedulesTable(page.schedules)}${page.hasNextPage ? `\nnext page: --after ${page.endCursor}` : ""}`,
        );
        return EXIT.OK;
      }),
    );
  for (const [verb, description] of [
    ["pause", "stop creating jobs until resumed"],
    ["resume", "run again from the next tick (ticks missed while paused are not caught up)"],
  ] as const) {
    schedules
      .command(verb)
      .description(description)
      .argument("<scheduleId>")
      .action((id: string, _opts: unknown, cmd: Command) =>
        run(cmd, async ({ client, print }) => {
          const schedule = verb === "pause" ? await client.pauseSchedule(id) : await client.resumeSchedule(id);
          print(schedule, () => scheduleDetails(schedule));
          return EXIT.OK;
        }),
      );
  }
  schedules
    .command("delete")
    .description("delete a schedule; the jobs it created stay")
    .argument("<scheduleId>")
    .action((id: string, _opts: unknown, cmd: Command) =>
      run(cmd, async ({ client, print }) => {
        await client.deleteSchedule(id);
        print({ deleted: id }, () => `deleted schedule ${id}`);
        return EXIT.OK;
      }),
    );
  program
    .command("completion")
    .description('print a shell completion script: eval "$(jobsctl completion bash)" (or zsh)')
    .addArgument(new Argument("<shell>", "bash or zsh").choices(SHELLS))
    .action((shell: Shell) => {
      process.stdout.write(completionScript(program, shell));
    });

  return program;
}

async function waitWithSpinner(session: Session, job: JobLike, timeoutS: number): Promise<Job> {
  const name = typeof job === "string" ? job : job.jobId;
  const enabled = interactive(session.json);
  const spinner = await startSpinner(enabled, `waiting for job ${name}`);
  const started = Date.now();
  const ticker = enabled
    ? setInterval(
        () => spinner.update(`waiting for job ${name} (${Math.round((Date.now() - started) / 1000)} s)`),
        1000,
      )
    : null;
  try {
    return await session.client.wait(job, { timeoutS });
  } finally {
    if (ticker) clearInterval(ticker);
    spinner.stop();
  }
}

/** `--out` names the file for a single artifact unless it is an existing directory or ends with a slash. */
function targetPath(out: string | undefined, artifactName: string, count: number): string {
  // Only the last path segment of a server-given name: never write outside the chosen folder ("."
  // and ".." name folders, not files).
  const last = basename(artifactName);
  const fileName = last === "" || last === "." || last === ".." ? "artifact" : last;
  if (out === undefined) return join(process.cwd(), fileName);
  const isDir = out.endsWith("/") || isDirectory(out) || count > 1;
  return isDir ? join(out, fileName) : out;
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

function readText(file: string): string {
  try {
    return readFileSync(file, "utf8");
  } catch (err) {
    throw new UsageError(`--public-key: cannot read ${file}: ${(err as Error).message}`);
  }
}

/** Runs the CLI on argv (without `node` and the script); resolves to the exit code. */
export async function runCli(argv: readonly string[]): Promise<number> {
  let exitCode: number = EXIT.OK;
  let client: JobsClient | null = null;
  // Known before parsing, so refusals made while parsing are written in the asked format too.
  let json = asksForMachineOutput(argv);
  const program = buildProgram(async (cmd, action) => {
    const globals = cmd.optsWithGlobals<GlobalOptions>();
    const output: Output = globals.json ? "json" : (globals.output ?? "table");
    json = output === "json" || output === "yaml";
    // Flags and environment variables win over the profile; the profile over the built-in URL.
    const profile = loadProfile(globals.config ?? defaultConfigPath(), globals.profile, globals.config !== undefined);
    const url = cmd.getOptionValueSourceWithGlobals("url") === "default" ? (profile.url ?? globals.url) : globals.url;
    const apiKey = globals.apiKey ?? profile.apiKey;
    if (!apiKey)
      throw new UsageError("no API key: pass --api-key, set JOBS_API_KEY or put apiKey in a config-file profile");
    client = new JobsClient({ url, apiKey });
    const style = tableStyle(output === "wide");
    const yaml = output === "yaml" ? await import("yaml") : null;
    const session: Session = {
      client,
      json,
      output,
      style,
      print: (value, human) => {
        const text = yaml ? yaml.stringify(value).trimEnd() : json ? JSON.stringify(value, null, 2) : human(style);
        process.stdout.write(`${text}\n`);
      },
    };
    exitCode = await action(session);
  });
  // The parser's own refusals (an unknown option, a bad value) come before any action knows the
  // output format: under --json or -o json|yaml they too are one JSON line on stderr.
  if (json) {
    forEachCommand(program, (cmd) =>
      cmd.configureOutput({
        outputError: (text) =>
          process.stderr.write(
            `${JSON.stringify({ error: { code: "USAGE", message: text.replace(/^error: /, "").trim() }, exitCode: EXIT.USAGE })}\n`,
          ),
        // The "(add --help for usage)" hint is for people.
        writeErr: () => undefined,
      }),
    );
  }
  try {
    await program.parseAsync([...argv], { from: "user" });
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode === 0 ? EXIT.OK : EXIT.USAGE;
    exitCode = exitCodeFor(err);
    if (json)
      process.stderr.write(
        `${JSON.stringify({ error: { code: errorCode(err), message: err instanceof Error ? err.message : String(err) }, exitCode })}\n`,
      );
    else process.stderr.write(`error: ${describeError(err)}\n`);
  } finally {
    await (client as JobsClient | null)?.close();
  }
  return exitCode;
}

/** Whether argv asks for JSON or YAML output (--json, -o json|yaml, --output=json|yaml), read before parsing. */
function asksForMachineOutput(argv: readonly string[]): boolean {
  return argv.some(
    (arg, i) =>
      arg === "--json" ||
      /^(?:-o|--output)=?(?:json|yaml)$/.test(arg) ||
      ((arg === "-o" || arg === "--output") && /^(?:json|yaml)$/.test(argv[i + 1] ?? "")),
  );
}

function forEachCommand(cmd: Command, visit: (cmd: Command) => void): void {
  visit(cmd);
  for (const sub of cmd.commands) forEachCommand(sub, visit);
}

function errorCode(err: unknown): string {
  if (err instanceof UsageError) return "USAGE";
  const code = (err as { code?: unknown }).code;
  return typeof code === "string" ? code : ((err as Error).name ?? "ERROR");
}
