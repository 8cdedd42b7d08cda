// What a committed write did, said by the statement that does it (never read from its SQL text): the
// database handle fires a statement's signals once its transaction commits (right after the statement
// when it runs alone), and never when it rolls back. Listeners act on what others can now see.

/** What a transaction's commit tells this process's listeners. */
export const CommitSignal = {
  /** Changes were recorded in the change outbox: have them sent. */
  JobsChanged: "JobsChanged",
  /** Jobs were created: idle executors may look for work without waiting for the notification. */
  JobsCreated: "JobsCreated",
} as const;
export type CommitSignal = (typeof CommitSignal)[keyof typeof CommitSignal];

/** A statement that carries the signals its commit fires, whichever handle or transaction runs it. */
export interface SignalledStatement {
  readonly text: string;
  readonly signals: readonly CommitSignal[];
}

/** What the database handle runs: plain SQL text, or a statement with signals. */
export type Statement = string | SignalledStatement;

export const signalled = (text: string, signals: readonly CommitSignal[]): SignalledStatement => ({ text, signals });

export const textOf = (statement: Statement): string => (typeof statement === "string" ? statement : statement.text);

/** The listeners of each signal, and the signals a transaction collects until it commits. */
export class CommitListeners {
  private readonly listeners = new Map<CommitSignal, Set<() => void>>();

  on(signal: CommitSignal, onCommit: () => void): () => void {
    let set = this.listeners.get(signal);
    if (!set) this.listeners.set(signal, (set = new Set()));
    set.add(onCommit);
    return () => set.delete(onCommit);
  }

  /** Adds the statement's signals to `into` (created when it has some); returns `into`. */
  collect(statement: Statement, into: Set<CommitSignal> | undefined): Set<CommitSignal> | undefined {
    if (typeof statement === "string") return into;
    for (const signal of statement.signals) (into ??= new Set()).add(signal);
    return into;
  }

  /** Calls each signal's listeners once. */
  fire(signals: Iterable<CommitSignal> | undefined): void {
    for (const signal of signals ?? []) for (const onCommit of this.listeners.get(signal) ?? []) onCommit();
  }

  /** After a statement run outside a transaction (committed on its own). */
  fireOf(statement: Statement): void {
    if (typeof statement !== "string") this.fire(statement.signals);
  }
}
