// Spinners and progress bars on stderr, only when a person is watching (stdout and stderr are
// terminals and --json is off); otherwise silent no-ops, so pipes and scripts see clean output.
// The libraries are loaded only when something will be drawn.

export interface Spinner {
  update(text: string): void;
  stop(): void;
}

export interface ProgressBar {
  update(received: number, total: number | null): void;
  stop(): void;
}

export function interactive(json: boolean): boolean {
  // A terminal that reports no width (a pty nobody sized) makes redrawing loop forever: stay silent.
  return !json && Boolean(process.stdout.isTTY) && Boolean(process.stderr.isTTY) && (process.stderr.columns ?? 0) > 0;
}

const silent = { update: () => undefined, stop: () => undefined };

export async function startSpinner(enabled: boolean, text: string): Promise<Spinner> {
  if (!enabled) return silent;
  const { default: ora } = await import("ora");
  const spinner = ora({ text, stream: process.stderr, discardStdin: false }).start();
  return {
    update: (next) => {
      spinner.text = next;
    },
    stop: () => spinner.stop(),
  };
}

export async function startProgressBar(enabled: boolean, label: string): Promise<ProgressBar> {
  if (!enabled) return silent;
  const { default: cliProgress } = await import("cli-progress");
  const bar = new cliProgress.SingleBar(
    {
      format: `${label} [{bar}] {percentage}% {value}/{total} bytes`,
      stream: process.stderr,
      hideCursor: true,
      clearOnComplete: true,
    },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  return {
    update: (received, total) => {
      if (!started) {
        bar.start(total ?? received, 0);
        started = true;
      }
      if (total === null) bar.setTotal(received);
      bar.update(received);
    },
    stop: () => started && bar.stop(),
  };
}
