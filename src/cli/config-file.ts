// jobsctl's config file: named profiles of server URL and API key, so people need not export
// JOBS_URL / JOBS_API_KEY per shell. Flags win, then environment variables, then the profile.
//   ${XDG_CONFIG_HOME:-~/.config}/jobsctl/config.yaml   (or --config <file>, or JOBS_CONFIG)
//   current: prod                      # the profile used when none is named (else "default")
//   profiles:
//     default: { url: http://localhost:4000, apiKey: jobs_... }
//     prod:    { url: https://jobs.example.com, apiKey: jobs_... }
import { readFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { parse } from "yaml";
import { z } from "zod";
import { UsageError } from "./exit-codes.ts";

const Profile = z.object({ url: z.string().url().optional(), apiKey: z.string().min(1).optional() }).strict();
const ConfigFile = z
  .object({ current: z.string().min(1).optional(), profiles: z.record(z.string(), Profile).default({}) })
  .strict();

export type Profile = z.infer<typeof Profile>;

export function defaultConfigPath(env: NodeJS.ProcessEnv = process.env): string {
  return join(env.XDG_CONFIG_HOME || join(homedir(), ".config"), "jobsctl", "config.yaml");
}

/**
 * The profile to use: `name` (from --profile or JOBS_PROFILE) must exist; without one, the file's
 * `current` profile or "default" when there is one. No file and no name: no profile.
 */
export function loadProfile(path: string, name: string | undefined, explicitPath: boolean): Profile {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT" && !explicitPath && !name) return {};
    throw new UsageError(`config file ${path}: ${(err as Error).message}`);
  }
  let parsed: z.infer<typeof ConfigFile>;
  try {
    parsed = ConfigFile.parse(parse(text) ?? {});
  } catch (err) {
    const detail =
      err instanceof z.ZodError
        ? err.issues.map((i) => `${i.path.join(".") || "(top)"}: ${i.message}`).join("; ")
        : (err as Error).message;
    throw new UsageError(`config file ${path}: ${detail}`);
  }
  const chosen = name ?? parsed.current ?? "default";
  const profile = parsed.profiles[chosen];
  if (profile) return profile;
  if (name || parsed.current)
    throw new UsageError(
      `config file ${path}: no profile "${chosen}" (profiles: ${Object.keys(parsed.profiles).join(", ") || "none"})`,
    );
  return {};
}
