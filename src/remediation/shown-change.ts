import type { RemediationProposal } from "../domain/actions.js";
import type { KubeObject } from "../domain/kube.js";
import { podTemplateDiff } from "../domain/template-diff.js";
import { RemediationRefused } from "../errors.js";
import { redactObject } from "../k8s/redact.js";
import type { KubeRequest } from "./request.js";

/** The template a rollback request writes (its `replace /spec/template` op). */
export function requestedTemplate(request: KubeRequest): unknown {
  const ops = Array.isArray(request.body)
    ? (request.body as { op?: string; path?: string; value?: unknown }[])
    : [];
  return ops.find((op) => op.op === "replace" && op.path === "/spec/template")?.value;
}

const pathOf = (line: string) => line.slice(0, line.indexOf(": "));

/** The template wrapped as a Deployment, so the read path's redaction applies to it as to the proposal's. */
function redactedTemplate(template: unknown): unknown {
  const shell = { apiVersion: "apps/v1", kind: "Deployment", metadata: {}, spec: { template } } as KubeObject;
  return (redactObject(shell).spec as { template?: unknown }).template;
}

/**
 * Never apply more than was shown: a rollback replaces the whole pod template, so the executor
 * recomputes the diff between the Deployment now and the template it is about to write, and
 * refuses unless it is exactly the diff on the approver's card (in the redacted form the card
 * showed, plus the same set of changed paths unredacted, so a secret env value that changed
 * unseen also refuses).
 */
export function assertShownChange(
  proposal: RemediationProposal,
  current: KubeObject | undefined,
  request: KubeRequest,
): void {
  if (proposal.action !== "rollback") return;
  const shown = proposal.preconditions?.templateDiff;
  if (!shown) {
    throw new RemediationRefused(
      "CHANGE_NOT_SHOWN",
      `${proposal.id} carries no field-by-field change; re-run triage so the card can show the exact change`,
    );
  }
  const before = (current?.spec as { template?: unknown } | undefined)?.template;
  const after = requestedTemplate(request);
  const raw = podTemplateDiff(before, after);
  const redacted = podTemplateDiff(redactedTemplate(before), redactedTemplate(after));
  const samePaths = JSON.stringify(raw.map(pathOf)) === JSON.stringify(shown.map(pathOf));
  if (!samePaths || JSON.stringify(redacted) !== JSON.stringify(shown)) {
    const extra = raw.map(pathOf).filter((path) => !shown.map(pathOf).includes(path));
    throw new RemediationRefused(
      "CHANGE_DIFFERS",
      `the rollback would now change ${raw.length} field(s), not the ${shown.length} that were approved${extra.length ? ` (not shown: ${extra.join(", ")})` : ""}; re-run triage for a fresh proposal`,
    );
  }
}
