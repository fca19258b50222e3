import { readFile } from "node:fs/promises";
import type { Snapshot } from "../domain/types.js";
import { errorMessage, InputError } from "../errors.js";
import { asksForSimulation, startSimCluster } from "../sim/index.js";
import { type ParsedState, parseStateFile } from "../sim/state-file.js";
import { type CollectOptions, type CollectScope, collectSnapshot } from "./collect.js";
import { createClusterReader, type KubeClusterReader } from "./kube-reader.js";

/**
 * Offline triage input. A state file is served by the simulated API server, in process on a
 * loopback port, and collected through the same reader and collector as a live cluster: the
 * pagination, the redaction and the request pattern are then identical, so the engine cannot tell
 * a file from a cluster (and neither can its tests).
 *
 * A file is served **as recorded**: the kubelet/controller model only runs when the file asks for
 * it (objects carrying `triage.sim/*` annotations, as the built-in scenarios do) or the caller
 * passes `simulate: true`. Run on a real `kubectl get -o yaml` dump, the model would invent
 * ReplicaSets, pods, events and taints the capture never had. The snapshot is timed by the
 * simulated clock: the file's `Clock`, else the newest instant it records.
 */

/** How a state file is read. */
export interface StateFileOptions extends CollectOptions {
  /** Shown in the snapshot's source. */
  path?: string;
  /** true: run the model; false: never; undefined: only when the file asks for it. */
  simulate?: boolean;
}

/** A state file served in process, its snapshot collected, and the reader kept open. */
export interface OpenStateFile {
  snapshot: Snapshot;
  /** True when the simulation model ran; false when the file was served exactly as recorded. */
  simulated: boolean;
  /** Warnings from loading (kinds not served, duplicates, malformed timestamps). */
  warnings: readonly string[];
  /** The reader identity's client of the in-process cluster (for the model's tool calls). */
  reader: KubeClusterReader;
  /** Stops the reader and the in-process cluster. */
  close(): Promise<void>;
}

/** Serves a parsed state in process and collects a snapshot; the caller closes it. */
export async function openState(
  state: ParsedState,
  scope: CollectScope,
  options: StateFileOptions = {},
): Promise<OpenStateFile> {
  const { path, simulate, ...collectOptions } = options;
  const simulated = simulate ?? asksForSimulation(state.objects);
  const sim = await startSimCluster({ state, port: 0, ...(simulated ? {} : { reconciler: null }) });
  const reader = createClusterReader(sim.kubeConfig("reader"));
  const close = async () => {
    reader.close();
    await sim.close();
  };
  try {
    const snapshot = await collectSnapshot(reader, scope, {
      ...collectOptions,
      source: { type: "file", path: path ?? "(in memory)" },
      now: sim.clock.now(),
    });
    if (!simulated) {
      const kinds = state.objects.map((object) => object.kind ?? "").filter((kind) => kind !== "");
      snapshot.recordedKinds = [...new Set(kinds)].sort();
    }
    return { snapshot, simulated, warnings: sim.warnings, reader, close };
  } catch (error) {
    await close();
    throw error;
  }
}

/** Snapshot of a parsed state (served as recorded unless it asks for simulation). */
export async function snapshotFromState(
  state: ParsedState,
  scope: CollectScope,
  options: StateFileOptions = {},
): Promise<Snapshot> {
  const open = await openState(state, scope, options);
  await open.close();
  return open.snapshot;
}

/** Reads and parses a state file; InputError when unreadable or malformed. */
export async function readStateFile(path: string): Promise<ParsedState> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    throw new InputError("STATE_FILE_UNREADABLE", `cannot read state file ${path}: ${errorMessage(error)}`, {
      cause: error,
    });
  }
  return parseStateFile(text, path);
}

/** Reads, parses and serves a state file in process; the caller closes it. */
export async function openStateFile(
  path: string,
  scope: CollectScope,
  options: Omit<StateFileOptions, "path"> = {},
): Promise<OpenStateFile> {
  return openState(await readStateFile(path), scope, { ...options, path });
}

/** Reads and parses a state file (InputError when unreadable or malformed) and snapshots it. */
export async function snapshotFromFile(
  path: string,
  scope: CollectScope,
  options: Omit<StateFileOptions, "path"> = {},
): Promise<Snapshot> {
  const open = await openStateFile(path, scope, options);
  await open.close();
  return open.snapshot;
}
