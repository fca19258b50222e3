import type { ResourceRef, RootCause, TriageResult } from "../domain/types.js";

/** Shared wording of the renderers, so terminal, Markdown and Slack say the same thing. */

/** `Deployment prod-api/payment-service`, or `Node worker-1` for cluster-scoped kinds. */
export function refText(ref: ResourceRef): string {
  return ref.namespace ? `${ref.kind} ${ref.namespace}/${ref.name}` : `${ref.kind} ${ref.name}`;
}

/** `Deployment/payment-service`: the short form when the namespace is already known. */
export function shortRef(ref: ResourceRef): string {
  return `${ref.kind}/${ref.name}`;
}

/** Lists refs compactly, eliding after `max` with a count. */
export function refList(
  refs: readonly ResourceRef[],
  max = 8,
  render: (ref: ResourceRef) => string = shortRef,
): string {
  const shown = refs.slice(0, max).map(render);
  const more = refs.length - shown.length;
  return more > 0 ? `${shown.join(", ")} and ${more} more` : shown.join(", ");
}

/** `payment-service` etc.: the scope in words. */
export function scopeText(result: TriageResult): string {
  const scope = result.namespace === "*" ? "all namespaces" : `namespace ${result.namespace}`;
  return result.cluster ? `${scope} on cluster ${result.cluster}` : scope;
}

export function percent(confidence: number): string {
  return `${Math.round(confidence * 100)}%`;
}

/** Root causes in the engine's order, with a 1-based number for cross references. */
export function numbered(result: TriageResult): { index: number; cause: RootCause }[] {
  return result.rootCauses.map((cause, i) => ({ index: i + 1, cause }));
}

export function controlPlaneText(result: TriageResult): string {
  const failing = result.controlPlane.failing ?? [];
  return failing.length > 0
    ? `${result.controlPlane.status} (failing: ${failing.join(", ")})`
    : result.controlPlane.status;
}

export function statsText(result: TriageResult): string {
  const parts = [`${result.stats.pods} pods`, `${result.stats.events} events`];
  if (result.stats.apiRequests !== undefined) parts.push(`${result.stats.apiRequests} API requests`);
  if (result.stats.durationMs !== undefined) parts.push(`${Math.round(result.stats.durationMs)} ms`);
  return parts.join(", ");
}

/** How the snapshot was obtained: a live cluster, a file as recorded, or a file run through the simulation model. */
export type InputMode = "live" | "recorded" | "simulated";

/** The report header's line on what was triaged, so a reader knows whether the model rewrote anything. */
export function inputText(source: string | undefined, mode: InputMode | undefined): string | undefined {
  if (source === undefined && mode === undefined) return undefined;
  const how =
    mode === "recorded"
      ? "read as recorded (no simulation)"
      : mode === "simulated"
        ? "simulated: the kubelet/controller model ran on it"
        : undefined;
  return [source, how].filter((part) => part !== undefined).join(", ");
}
