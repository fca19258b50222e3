import { existsSync, readFileSync } from "node:fs";
import type { AddressInfo } from "node:net";
import type { KubeConfig } from "@kubernetes/client-node";
import { InputError } from "../errors.js";
import { log } from "../log.js";
import { SimClock } from "./clock.js";
import type { SimContext } from "./http/context.js";
import { type DefaultIdentities, defaultIdentities, type Identity } from "./identities.js";
import { kubeConfigFor, writeKubeconfigFile } from "./kubeconfig.js";
import { exportParsedState, loadState, startTime } from "./load.js";
import type { RecordedRequest } from "./requests.js";
import { scenarioPath } from "./scenarios/index.js";
import { createSimServer } from "./server.js";
import { type ParsedState, parseStateFile, type SerializeOptions, serializeState } from "./state-file.js";
import { SimStore } from "./store.js";
import { createServingCertificate } from "./tls.js";
import type { ClusterView, Reconciler } from "./types.js";

/**
 * The simulated Kubernetes cluster: a kube-apiserver speaking the real REST API over HTTP on
 * loopback, loaded from a state file or built-in scenario, with the kubelet/controller model run
 * after every change and clock advance. Start one with `startSimCluster`.
 */

export { type ClockMode, driveClock, parseClockMode } from "./clock.js";
export type { AccessDenial, AccessRule, Identity } from "./identities.js";
export { asksForSimulation, recordedTimes } from "./recorded.js";
export type { RecordedRequest } from "./requests.js";
export { isMutating } from "./requests.js";
export type { ParsedState, PodLogEntry, SerializeOptions } from "./state-file.js";
export { parseStateFile, serializeState } from "./state-file.js";

/** Name of one of the default identities. */
export type DefaultIdentityName = keyof DefaultIdentities;

/** Options of `startSimCluster`. */
export interface SimClusterOptions {
  /** A parsed state, a state file path, or state YAML text (any string with a newline). */
  state?: ParsedState | string;
  /** A built-in scenario name (src/sim/scenarios); ignored when `state` is given. */
  scenario?: string;
  /** Default 0 (any free port). */
  port?: number;
  /** Loopback only; default 127.0.0.1. */
  host?: "127.0.0.1" | "localhost";
  /** Number of changes kept for watch resumption (default 1000); older versions get 410 Gone. */
  historyLimit?: number;
  /** Seed of generated names and uids (default fixed, so runs are reproducible). */
  seed?: number;
  /** Fixed tokens for the default identities (random otherwise). */
  tokens?: Partial<Record<DefaultIdentityName, string>>;
  /**
   * Serve HTTPS with a fresh self-signed certificate (its CA goes into kubeconfigs). Needed for
   * kubectl, which sends bearer tokens only over TLS; client-node works either way.
   */
  tls?: boolean;
  /** More identities besides admin, reader and executor. */
  identities?: Identity[];
  /** The model to run after changes; default the simulated kubelet/controllers, null for none. */
  reconciler?: Reconciler | null;
}

/** A running simulated cluster. */
export interface SimCluster {
  /** Base URL, e.g. http://127.0.0.1:41234 (https with `tls`). */
  readonly url: string;
  /** PEM of the serving certificate (its own CA) when serving TLS. */
  readonly caPem?: string;
  readonly port: number;
  /** Bearer tokens of the default identities. */
  readonly tokens: Record<DefaultIdentityName, string>;
  readonly identities: DefaultIdentities;
  /** A client-node KubeConfig for an identity (default admin). */
  kubeConfig(identity?: DefaultIdentityName | string): KubeConfig;
  /** Writes a kubeconfig with a context per identity; current context `identity` (default admin). */
  writeKubeconfig(path: string, identity?: DefaultIdentityName | string): Promise<void>;
  /** Every API request answered so far (not /sim/*), oldest first. */
  readonly requests: readonly RecordedRequest[];
  clearRequests(): void;
  /** The simulated clock; `advance` runs the model. */
  readonly clock: { now(): string; nowMs(): number; advance(ms: number): void };
  /** The store as the model sees it (writes here do not reconcile; call `reconcile()`). */
  readonly view: ClusterView;
  /** Runs the model once. */
  reconcile(): void;
  /** Warnings from loading the state (unknown kinds, duplicates). */
  readonly warnings: readonly string[];
  /** The whole store as a state file (YAML stream; `{style: "json"}` for big states). */
  exportState(options?: SerializeOptions): string;
  /** The whole store as a parsed state. */
  exportParsedState(): ParsedState;
  /** Ends watches and stops the server. */
  close(): Promise<void>;
}

function resolveState(options: SimClusterOptions): ParsedState | undefined {
  const { state, scenario } = options;
  if (typeof state === "object") return state;
  if (typeof state === "string") {
    if (state.includes("\n")) return parseStateFile(state, "state");
    if (!existsSync(state)) throw new InputError("STATE_FILE_NOT_FOUND", `state file not found: ${state}`);
    return parseStateFile(readFileSync(state, "utf8"), state);
  }
  if (scenario !== undefined) {
    const path = scenarioPath(scenario);
    return parseStateFile(readFileSync(path, "utf8"), path);
  }
  return undefined;
}

/** Starts a simulated cluster on loopback. */
export async function startSimCluster(options: SimClusterOptions = {}): Promise<SimCluster> {
  const state = resolveState(options);
  // Loaded lazily: a cluster served without the model does not depend on it at all.
  const reconciler =
    options.reconciler === undefined
      ? (await import("./model/index.js")).reconcileCluster
      : options.reconciler;
  let store: SimStore | undefined;
  let reconciling = false;
  const reconcile = () => {
    if (!reconciler || !store || reconciling) return;
    reconciling = true;
    try {
      reconciler(store);
    } finally {
      reconciling = false;
    }
  };
  const clock = new SimClock(startTime(state), reconcile);
  store = new SimStore({
    now: () => clock.now(),
    nowMs: () => clock.nowMs(),
    historyLimit: options.historyLimit ?? 1000,
    ...(options.seed !== undefined ? { seed: options.seed } : {}),
  });
  const warnings = [...(state?.warnings ?? [])];
  if (state) warnings.push(...loadState(store, state));
  const health: SimContext["health"] = {};
  if (state?.readyz !== undefined) health.readyz = state.readyz;
  if (state?.livez !== undefined) health.livez = state.livez;
  reconcile();

  const identities = defaultIdentities(options.tokens);
  const allIdentities: Identity[] = [
    identities.admin,
    identities.reader,
    identities.executor,
    ...(options.identities ?? []),
  ];
  const requests: RecordedRequest[] = [];
  const readyStore = store;
  const context: SimContext = {
    store: readyStore,
    clock,
    health,
    // A modelled cluster runs metrics-server; a recorded one serves the metrics it captured, if any.
    metricsSource: () =>
      reconciler
        ? "model"
        : readyStore.bucketNames().some((bucket) => bucket === "PodMetrics" || bucket === "NodeMetrics")
          ? "recorded"
          : undefined,
    reconcile: () => {
      try {
        reconcile();
      } catch (error) {
        log.error("simulated cluster model failed", { error });
      }
    },
  };
  const exportParsed = () => exportParsedState(readyStore, { ...health, clock: clock.now() });
  const tls = options.tls ? createServingCertificate() : undefined;
  const { server, closeWatches } = createSimServer({
    ...(tls ? { tls } : {}),
    context,
    identities: allIdentities,
    record: (request) => requests.push(request),
    control: {
      requests: () => requests,
      clearRequests: () => {
        requests.length = 0;
      },
      advance: (ms) => clock.advance(ms),
      exportState: (style) => serializeState(exportParsed(), { style }),
    },
  });
  const host = options.host ?? "127.0.0.1";
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const url = `${tls ? "https" : "http"}://${host}:${port}`;
  const identityNamed = (name: string = "admin"): Identity => {
    const found = allIdentities.find((identity) => identity.name === name);
    if (!found)
      throw new InputError(
        "SIM_IDENTITY_UNKNOWN",
        `no identity '${name}' (have ${allIdentities.map((identity) => identity.name).join(", ")})`,
      );
    return found;
  };
  let closed: Promise<void> | undefined;

  return {
    url,
    port,
    tokens: {
      admin: identities.admin.token,
      reader: identities.reader.token,
      executor: identities.executor.token,
    },
    identities,
    ...(tls ? { caPem: tls.cert } : {}),
    kubeConfig: (identity) => kubeConfigFor(url, allIdentities, identityNamed(identity), tls?.cert),
    writeKubeconfig: (path, identity) =>
      writeKubeconfigFile(path, url, allIdentities, identityNamed(identity), tls?.cert),
    requests,
    clearRequests: () => {
      requests.length = 0;
    },
    clock: { now: () => clock.now(), nowMs: () => clock.nowMs(), advance: (ms) => clock.advance(ms) },
    view: readyStore,
    reconcile,
    warnings,
    exportState: (serializeOptions) => serializeState(exportParsed(), serializeOptions),
    exportParsedState: exportParsed,
    close: () => {
      closed ??= new Promise<void>((resolve, reject) => {
        closeWatches();
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      });
      return closed;
    },
  };
}
