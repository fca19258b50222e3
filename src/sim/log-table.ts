/** One container log as served by `pods/log` (and stored as a `PodLog` document in state files). */
export interface PodLogEntry {
  namespace: string;
  pod: string;
  /** Empty when the state file named no container: it then serves the pod's only/default container. */
  container: string;
  previous: boolean;
  text: string;
}

function key(namespace: string, pod: string, container: string, previous: boolean): string {
  return `${namespace}\u0000${pod}\u0000${container}\u0000${previous ? "1" : "0"}`;
}

/** Container logs by pod, container and current/previous instance. */
export class LogTable {
  readonly #entries = new Map<string, PodLogEntry>();

  set(entry: PodLogEntry): void {
    this.#entries.set(key(entry.namespace, entry.pod, entry.container, entry.previous), { ...entry });
  }

  /** The log of one container; falls back to an entry without container name when `fallback` allows it. */
  get(
    namespace: string,
    pod: string,
    container: string,
    previous: boolean,
    fallback: boolean,
  ): string | undefined {
    const exact = this.#entries.get(key(namespace, pod, container, previous));
    if (exact) return exact.text;
    return fallback ? this.#entries.get(key(namespace, pod, "", previous))?.text : undefined;
  }

  /** All entries, in insertion order. */
  entries(): PodLogEntry[] {
    return [...this.#entries.values()].map((entry) => ({ ...entry }));
  }
}
