import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { renderToolError, renderToolResult } from "../agent/result-text.js";
import { SecretRegistry } from "../agent/secrets.js";
import type { ClusterReader } from "../k8s/reader.js";

/**
 * What every MCP result goes through, as the agent's tool results do: the pattern scrubbers, the
 * literal env values seen in the cluster, the per-result cap, and the untrusted-data wrapper.
 */

/** How long a namespace's harvested env values count as fresh before the next call re-reads them. */
const PRIME_TTL_MS = 30_000;

/**
 * The server's secret registry. Values only accumulate (a value once seen stays hidden); each
 * namespace is harvested again at most every {@link PRIME_TTL_MS}, so a rotated value is learned
 * before the next result can show it.
 */
export class ResultScrubber {
  readonly secrets = new SecretRegistry();
  private readonly primedAt = new Map<string, number>();

  constructor(
    private readonly reader: ClusterReader,
    private readonly now: () => number = Date.now,
  ) {}

  /** Harvests the env values of a namespace's workloads and pods (undefined: every namespace). */
  async prime(namespace: string | undefined, signal?: AbortSignal): Promise<void> {
    const key = namespace ?? "*";
    const at = this.primedAt.get(key);
    if (at !== undefined && this.now() - at < PRIME_TTL_MS) return;
    await this.secrets.harvestNamespace(this.reader, namespace, signal);
    this.primedAt.set(key, this.now());
  }

  /** Replaces every known secret value. */
  scrub(text: string): string {
    return this.secrets.scrub(text);
  }
}

/** Options of one rendered result. */
export interface RenderOptions {
  /** Approximate token cap of the result. */
  tokenCap: number;
  /** What to tell the client when the result was cut. */
  narrowHint: string;
  /** True when the body was built from objects redacted field by field (YAML, tables, JSON). */
  structured: boolean;
}

/** A successful tool result: scrubbed, wrapped as untrusted data named after its source, capped. */
export function dataResult(
  source: string,
  body: string,
  scrubber: ResultScrubber,
  options: RenderOptions,
): CallToolResult {
  const text = renderToolResult(
    source,
    body,
    options.tokenCap,
    options.narrowHint,
    (value) => scrubber.scrub(value),
    options.structured,
  );
  return { content: [{ type: "text", text }] };
}

/** A failed call as an MCP error result (never a protocol error): the client sees why and can fix it. */
export function errorResult(message: string, scrubber?: ResultScrubber): CallToolResult {
  const text = renderToolError(message, scrubber ? (value) => scrubber.scrub(value) : undefined);
  return { isError: true, content: [{ type: "text", text }] };
}
