// `jobsctl completion bash|zsh`: a completion script made from the command tree itself, so it never
// lags behind the commands. zsh loads the bash function through bashcompinit.
import type { Command } from "commander";

export const SHELLS = ["bash", "zsh"] as const;
export type Shell = (typeof SHELLS)[number];

const flagsOf = (cmd: Command) => cmd.options.flatMap((o) => [o.long, o.short].filter((f): f is string => Boolean(f)));
const visible = (cmd: Command) => cmd.commands.filter((c) => c.name() !== "help");

/** The bash `case` arm for a command path ("keys create"): its subcommands and its flags. */
function arms(cmd: Command, path: string[]): string[] {
  const words = [...visible(cmd).map((c) => c.name()), ...flagsOf(cmd), "--help"];
  const own = path.length ? [`    "${path.join(" ")}") words="${words.join(" ")}" ;;`] : [];
  return [...own, ...visible(cmd).flatMap((c) => arms(c, [...path, c.name()]))];
}

/** Every command path, "list", "keys", "keys create", … */
function paths(cmd: Command, path: string[] = []): string[] {
  return visible(cmd).flatMap((c) => [[...path, c.name()].join(" "), ...paths(c, [...path, c.name()])]);
}

export function completionScript(program: Command, shell: Shell): string {
  const globals = [...visible(program).map((c) => c.name()), ...flagsOf(program), "--help"];
  const bash = `# jobsctl completion for ${shell}: put  eval "$(jobsctl completion ${shell})"  in your shell's rc file.
_jobsctl() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" path="" next word i
  local known="|${paths(program).join("|")}|"
  # The command path typed so far: words before the cursor that extend a known path (not flags or values).
  for ((i = 1; i < COMP_CWORD; i++)); do
    word="\${COMP_WORDS[i]}"
    case "$word" in -*) continue ;; esac
    next="\${path:+$path }$word"
    case "$known" in *"|$next|"*) path="$next" ;; esac
  done
  local words
  case "$path" in
${arms(program, []).join("\n")}
    *) words="${globals.join(" ")}" ;;
  esac
  COMPREPLY=($(compgen -W "$words" -- "$cur"))
}
complete -F _jobsctl jobsctl
`;
  return shell === "zsh" ? `autoload -U +X bashcompinit && bashcompinit\n${bash}` : bash;
}
