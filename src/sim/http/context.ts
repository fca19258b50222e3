import type { IncomingMessage, ServerResponse } from "node:http";
import type { SimClock } from "../clock.js";
import type { Identity } from "../identities.js";
import type { SimStore } from "../store.js";
import type { ResponseForm } from "./negotiate.js";
import type { ResourceRoute } from "./route.js";

/** Server-wide state the handlers share. */
export interface SimContext {
  store: SimStore;
  clock: SimClock;
  /** Runs the model (kubelet/scheduler/controllers) after a persisted change. */
  reconcile(): void;
  /**
   * Where `metrics.k8s.io` answers come from: the simulated metrics-server (`model`), the
   * PodMetrics/NodeMetrics a state file recorded (`recorded`), or nowhere (not served: 404).
   */
  metricsSource?(): "model" | "recorded" | undefined;
  /** Bodies of /readyz?verbose and /livez?verbose from the state file, when given. */
  health: { readyz?: string; livez?: string };
}

/** One authenticated resource request. */
export interface ResourceRequest {
  request: IncomingMessage;
  response: ServerResponse;
  url: URL;
  query: Record<string, string>;
  identity: Identity;
  route: ResourceRoute;
  form: ResponseForm;
  dryRun: boolean;
  /** Records the request with its final status (called once by whoever answers). */
  finish(status: number): void;
}

/** A handler's answer: a JSON value, or text already encoded. */
export interface Reply {
  status: number;
  body?: unknown;
  /** Pre-encoded body (list pages, logs). */
  raw?: string;
  contentType?: string;
}

/** Returned by handlers that wrote a streaming response themselves (watch). */
export const STREAMED = Symbol("streamed");
