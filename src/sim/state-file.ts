import { parseAllDocuments, stringify } from "yaml";
import type { KubeObject } from "../domain/kube.js";
import { InputError } from "../errors.js";
import { kindForObject } from "./kinds.js";
import type { PodLogEntry } from "./log-table.js";
import { recordedTimes } from "./recorded.js";

/**
 * Cluster-state files: a YAML stream of Kubernetes objects as `kubectl get -o yaml` prints them
 * (or `kind: List` documents), plus the extension kinds of `triage.sim/v1alpha1` — `PodLog`,
 * `APIServerHealth` and `Clock`. Used by the simulated cluster and by offline triage alike.
 */

/** apiVersion of the extension kinds. */
export const SIM_API_VERSION = "triage.sim/v1alpha1";

export type { PodLogEntry } from "./log-table.js";

/** Everything a state file holds. */
export interface ParsedState {
  /** Kubernetes objects in file order (Secrets without data/stringData). */
  objects: KubeObject[];
  logs: PodLogEntry[];
  /** Body of `/readyz?verbose` (APIServerHealth.readyz). */
  readyz?: string;
  /** Optional `/livez?verbose` body (APIServerHealth.livez). */
  livez?: string;
  /** Simulated time, RFC 3339 (Clock.now). */
  clock?: string;
  /** Non-fatal findings, e.g. kinds the simulated API server does not serve. */
  warnings: string[];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function describe(value: unknown): string {
  if (Array.isArray(value)) return "a sequence";
  if (value === null) return "an empty value";
  return `a ${typeof value}`;
}

function fail(source: string, where: string, reason: string): never {
  throw new InputError("STATE_FILE_INVALID", `${source}: ${where}: ${reason}`);
}

function stripSecret(object: KubeObject): KubeObject {
  if (object.kind !== "Secret") return object;
  const { data: _data, stringData: _stringData, ...rest } = object;
  return rest as KubeObject;
}

function readExtension(
  document: Record<string, unknown>,
  state: ParsedState,
  source: string,
  where: string,
): void {
  const kind = document.kind;
  if (kind === "PodLog") {
    const metadata = isRecord(document.metadata) ? document.metadata : {};
    if (typeof metadata.name !== "string" || metadata.name === "")
      fail(source, where, "PodLog needs metadata.name (the pod)");
    if (typeof document.text !== "string")
      fail(source, where, `PodLog ${metadata.name} needs text (a string)`);
    if (document.container !== undefined && typeof document.container !== "string") {
      fail(source, where, `PodLog ${metadata.name}: container must be a string`);
    }
    state.logs.push({
      namespace:
        typeof metadata.namespace === "string" && metadata.namespace ? metadata.namespace : "default",
      pod: metadata.name,
      container: (document.container as string | undefined) ?? "",
      previous: document.previous === true,
      text: document.text,
    });
  } else if (kind === "APIServerHealth") {
    if (typeof document.readyz !== "string")
      fail(source, where, "APIServerHealth needs readyz (the body of /readyz?verbose)");
    state.readyz = document.readyz;
    if (typeof document.livez === "string") state.livez = document.livez;
  } else if (kind === "Clock") {
    const now = document.now instanceof Date ? document.now.toISOString() : document.now;
    if (typeof now !== "string" || Number.isNaN(Date.parse(now)))
      fail(source, where, "Clock needs now (an RFC 3339 time)");
    state.clock = now;
  } else {
    fail(
      source,
      where,
      `unknown ${SIM_API_VERSION} kind ${JSON.stringify(kind)} (expected PodLog, APIServerHealth or Clock)`,
    );
  }
}

function readObject(
  value: unknown,
  state: ParsedState,
  source: string,
  where: string,
  defaults?: { apiVersion?: string; kind?: string },
): void {
  if (!isRecord(value))
    fail(source, where, `expected a mapping (a Kubernetes object), got ${describe(value)}`);
  const object = value as KubeObject;
  if (object.kind === undefined && defaults?.kind) object.kind = defaults.kind;
  if (object.apiVersion === undefined && defaults?.apiVersion) object.apiVersion = defaults.apiVersion;
  if (typeof object.kind !== "string" || object.kind === "") fail(source, where, "missing kind");
  if (object.apiVersion === SIM_API_VERSION) {
    readExtension(value, state, source, where);
    return;
  }
  if (object.kind === "List" || (object.kind.endsWith("List") && Array.isArray(value.items))) {
    if (!Array.isArray(value.items)) fail(source, where, `${object.kind} needs items (a sequence)`);
    // Typed lists (PodList) may leave apiVersion/kind off their items; a plain List must not.
    const itemDefaults =
      object.kind === "List"
        ? undefined
        : { apiVersion: object.apiVersion, kind: object.kind.slice(0, -"List".length) };
    value.items.forEach((item, index) => {
      readObject(item, state, source, `${where}, item ${index + 1}`, itemDefaults);
    });
    return;
  }
  if (!isRecord(object.metadata)) fail(source, where, `${object.kind} is missing metadata`);
  if (typeof object.metadata.name !== "string" || object.metadata.name === "") {
    fail(source, where, `${object.kind} is missing metadata.name`);
  }
  if (!kindForObject(object.apiVersion, object.kind)) {
    state.warnings.push(
      `${source}: ${where}: ${object.apiVersion ?? "(no apiVersion)"} ${object.kind} ${object.metadata.name} is not served by the simulated API server; kept as is`,
    );
  }
  state.objects.push(stripSecret(object));
}

/**
 * Parses a state file. Throws `InputError` (code STATE_FILE_INVALID) naming the source, the
 * 1-based document (and List item) and the reason when the input is malformed.
 */
export function parseStateFile(text: string, source = "state file"): ParsedState {
  const state: ParsedState = { objects: [], logs: [], warnings: [] };
  const fast = jsonDocuments(text);
  if (fast) {
    fast.forEach((value, index) => {
      readObject(value, state, source, `document ${index + 1}`);
    });
    return withTimeWarnings(state, source);
  }
  const documents = parseAllDocuments(text);
  if (!Array.isArray(documents)) fail(source, "document 1", "not a YAML stream");
  documents.forEach((document, index) => {
    const where = `document ${index + 1}`;
    const error = document.errors[0];
    if (error) {
      const line = error.linePos?.[0] ? ` (line ${error.linePos[0].line})` : "";
      fail(source, where, `not valid YAML${line}: ${error.message.split("\n")[0]}`);
    }
    const value: unknown = document.toJS({ maxAliasCount: 1000 });
    if (value === null || value === undefined) return;
    readObject(value, state, source, where);
  });
  return withTimeWarnings(state, source);
}

/** Malformed timestamps load (kubectl would refuse them), but never silently. */
function withTimeWarnings(state: ParsedState, source: string): ParsedState {
  state.warnings.push(...recordedTimes(state.objects, source).warnings);
  return state;
}

/**
 * Fast path for streams whose every document is one JSON object (what `serializeState` writes
 * in "json" style for large states): JSON.parse is far faster than a YAML parser. Returns
 * undefined for anything else, which then takes the YAML path.
 */
function jsonDocuments(text: string): unknown[] | undefined {
  const chunks = text.split(/^---[ \t]*$/m).filter((chunk) => chunk.trim() !== "");
  if (chunks.length === 0 || !chunks.every((chunk) => chunk.trimStart().startsWith("{"))) return undefined;
  try {
    return chunks.map((chunk) => JSON.parse(chunk) as unknown);
  } catch {
    return undefined;
  }
}

function documentText(value: unknown): string {
  return stringify(value, { lineWidth: 0, aliasDuplicateObjects: false });
}

/** How `serializeState` writes documents. */
export interface SerializeOptions {
  /**
   * "yaml" (default) reads like `kubectl get -o yaml`; "json" writes each document as one JSON
   * line (still valid YAML), much faster to write and read for states of many thousand objects.
   */
  style?: "yaml" | "json";
}

/** Writes a state back as a YAML stream that `parseStateFile` reads to the same content. */
export function serializeState(
  state: Omit<ParsedState, "warnings"> & { warnings?: string[] },
  options: SerializeOptions = {},
): string {
  const documents: unknown[] = [];
  if (state.clock !== undefined)
    documents.push({ apiVersion: SIM_API_VERSION, kind: "Clock", now: state.clock });
  if (state.readyz !== undefined) {
    const health: Record<string, unknown> = {
      apiVersion: SIM_API_VERSION,
      kind: "APIServerHealth",
      readyz: state.readyz,
    };
    if (state.livez !== undefined) health.livez = state.livez;
    documents.push(health);
  }
  for (const object of state.objects) documents.push(stripSecret(object));
  for (const log of state.logs) {
    const document: Record<string, unknown> = {
      apiVersion: SIM_API_VERSION,
      kind: "PodLog",
      metadata: { namespace: log.namespace, name: log.pod },
    };
    if (log.container) document.container = log.container;
    document.previous = log.previous;
    document.text = log.text;
    documents.push(document);
  }
  if (options.style === "json")
    return documents.map((document) => `${JSON.stringify(document)}\n`).join("---\n");
  return documents.map(documentText).join("---\n");
}
