import { readFile } from "node:fs/promises";
import type { Snapshot } from "../domain/types.js";
import { errorMessage, InputError } from "../errors.js";
import { startSimCluster } from "../sim/index.js";
import { type ParsedState, parseStateFile } from "../sim/state-file.js";
import { type CollectOptions, type CollectScope, collectSnapshot } from "./collect.js";
import { createClusterReader } from "./kube-reader.js";

/**
 * Offline triage input. A state file is served by the simulated API server, in process on a
 * loopback port, and collected through the same reader and collector as a live cluster: the
 * statuses the sim model derives, the pagination, the redaction and the request pattern are then
 * identical, so the engine cannot tell a file from a cluster (and neither can its tests). The
 * snapshot is timed by the simulated clock (the state file's `Clock`).
 */
export async function snapshotFromState(
  state: ParsedState,
  scope: CollectScope,
  options: CollectOptions & { path?: string } = {},
): Promise<Snapshot> {
  const { path, ...collectOptions } = options;
  const sim = await startSimCluster({ state, port: 0 });
  const reader = createClusterReader(sim.kubeConfig("reader"));
  try {
    return await collectSnapshot(reader, scope, {
      ...collectOptions,
      source: { type: "file", path: path ?? "(in memory)" },
      now: sim.clock.now(),
    });
  } finally {
    reader.close();
    await sim.close();
  }
}

/** Reads and parses a state file (InputError when unreadable or malformed) and snapshots it. */
export async function snapshotFromFile(
  path: string,
  scope: CollectScope,
  options: CollectOptions = {},
): Promise<Snapshot> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    throw new InputError("STATE_FILE_UNREADABLE", `cannot read state file ${path}: ${errorMessage(error)}`, {
      cause: error,
    });
  }
  const state = parseStateFile(text, path);
  return snapshotFromState(state, scope, { ...options, path });
}
