import {
  type Preconditions,
  type RemediationAction,
  type RemediationProposal,
  remediationActionSchema,
} from "../domain/actions.js";
import type { KubeObject } from "../domain/kube.js";
import { pvcManifest } from "../domain/pvc-manifest.js";
import { actionRisk } from "../domain/risk.js";
import type { Risk } from "../domain/types.js";
import { RemediationRefused } from "../errors.js";
import { describeChange, describeSummary, rollbackDiff } from "./describe.js";
import { preconditionsFor } from "./preconditions.js";
import { assertAllowedRequest, type KubeRequest, PatchType } from "./request.js";
import { revisionTemplate } from "./revisions.js";
import { objectPath, RESTARTED_AT_ANNOTATION, requireContainer, requireTarget } from "./targets.js";

/**
 * The action catalog at work: turns a parsed catalog action into the one Kubernetes request that
 * carries it out, and into a proposal (risk by rule, human-readable change, preconditions). Pure:
 * everything it needs from the cluster is passed in.
 */

/** Cluster facts some actions need besides their target. */
export interface BuildContext {
  /** Time to stamp on rollout-restart (RFC 3339); required for that action. */
  now?: string;
  /** The namespace's ReplicaSets; required for rollback (the revision's template lives there). */
  replicaSets?: readonly KubeObject[];
}

const withDefined = <T extends Record<string, string | undefined>>(values: T | undefined) => {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(values ?? {})) if (value !== undefined) out[key] = value;
  return out;
};

/** One container's patch inside a workload's pod template, merged by container name. */
const containerPatch = (container: Record<string, unknown>) => ({
  spec: { template: { spec: { containers: [container] } } },
});

/**
 * The exact request for `action` given the target as it is now (`undefined` when it does not
 * exist). Throws RemediationRefused when the action cannot apply to that object (missing
 * container or probe, unknown revision, target exists for create…) or the request would touch a
 * forbidden resource.
 */
export function buildRequest(
  action: RemediationAction,
  current: KubeObject | undefined,
  context: BuildContext = {},
): KubeRequest {
  const request = requestFor(action, current, context);
  assertAllowedRequest(request);
  return request;
}

function requestFor(
  action: RemediationAction,
  current: KubeObject | undefined,
  context: BuildContext,
): KubeRequest {
  const { kind, namespace, name } = action.target;
  switch (action.action) {
    case "create-pvc": {
      if (current) {
        throw new RemediationRefused(
          "TARGET_EXISTS",
          `PersistentVolumeClaim ${namespace}/${name} already exists`,
        );
      }
      // The same builder renders the manifest on the approver's card.
      return {
        method: "POST",
        path: objectPath(kind, namespace),
        contentType: "application/json",
        body: pvcManifest({ namespace, name }, action.params),
      };
    }
    case "set-resources": {
      const target = requireTarget(action, current);
      const { container, requests, limits } = action.params;
      requireContainer(action, target, container);
      const resources: Record<string, Record<string, string>> = {};
      const req = withDefined(requests);
      const lim = withDefined(limits);
      if (Object.keys(req).length > 0) resources.requests = req;
      if (Object.keys(lim).length > 0) resources.limits = lim;
      if (Object.keys(resources).length === 0) {
        throw new RemediationRefused("NOTHING_TO_CHANGE", "set-resources names no request or limit to set");
      }
      return workloadPatch(action, containerPatch({ name: container, resources }));
    }
    case "set-image": {
      const target = requireTarget(action, current);
      requireContainer(action, target, action.params.container);
      return workloadPatch(
        action,
        containerPatch({ name: action.params.container, image: action.params.image }),
      );
    }
    case "patch-workload": {
      const target = requireTarget(action, current);
      const found = requireContainer(action, target, action.params.container);
      const [probe, field] = action.params.field.split(".") as [string, string];
      // Merging a threshold into a container without that probe would create a probe with no
      // handler, which is not a tuning change but a new check.
      if (typeof found[probe] !== "object" || found[probe] === null) {
        throw new RemediationRefused(
          "NO_SUCH_PROBE",
          `container '${action.params.container}' of ${kind} ${namespace}/${name} has no ${probe}`,
        );
      }
      return workloadPatch(
        action,
        containerPatch({ name: action.params.container, [probe]: { [field]: action.params.value } }),
      );
    }
    case "rollback": {
      const target = requireTarget(action, current);
      if (!context.replicaSets) {
        throw new RemediationRefused("NEED_REPLICASETS", "rollback needs the namespace's ReplicaSets");
      }
      const { template } = revisionTemplate(target, context.replicaSets, action.params.toRevision);
      // A JSON patch replaces the template wholesale, as `kubectl rollout undo` does; a strategic
      // merge would keep env vars or volumes the bad revision added. The `test` ops make the
      // server refuse atomically if the Deployment was replaced or its spec changed after the read.
      const tests = [
        ["/metadata/uid", target.metadata.uid],
        ["/metadata/generation", target.metadata.generation],
      ].filter(([, value]) => value !== undefined);
      return {
        method: "PATCH",
        path: objectPath(kind, namespace, name),
        contentType: PatchType.json,
        body: [
          ...tests.map(([path, value]) => ({ op: "test", path, value })),
          { op: "replace", path: "/spec/template", value: template },
        ],
      };
    }
    case "rollout-restart": {
      requireTarget(action, current);
      if (!context.now) throw new RemediationRefused("NEED_TIME", "rollout-restart needs the time to stamp");
      return workloadPatch(action, {
        spec: { template: { metadata: { annotations: { [RESTARTED_AT_ANNOTATION]: context.now } } } },
      });
    }
    case "scale": {
      requireTarget(action, current);
      return {
        method: "PATCH",
        path: objectPath(kind, namespace, name, "scale"),
        contentType: PatchType.merge,
        body: { spec: { replicas: action.params.replicas } },
      };
    }
    case "delete-pod": {
      const target = requireTarget(action, current);
      const uid = target.metadata.uid;
      return {
        method: "DELETE",
        path: objectPath(kind, namespace, name),
        contentType: "application/json",
        // The server deletes only this incarnation: a pod recreated under the same name survives.
        body: {
          apiVersion: "v1",
          kind: "DeleteOptions",
          ...(uid === undefined ? {} : { preconditions: { uid } }),
        },
      };
    }
  }
}

function workloadPatch(action: RemediationAction, body: unknown): KubeRequest {
  const { kind, namespace, name } = action.target;
  return {
    method: "PATCH",
    path: objectPath(kind, namespace, name),
    contentType: PatchType.strategicMerge,
    body,
  };
}

/** Controller kinds that recreate a deleted pod. */
const RECREATING_OWNERS = new Set(["ReplicaSet", "StatefulSet", "DaemonSet", "Job"]);

/** Risk of an action on this target, by rule (see src/domain/risk.ts). */
export function riskOf(action: RemediationAction, current: KubeObject | undefined): Risk {
  const owned = (current?.metadata.ownerReferences ?? []).some(
    (owner) => owner.controller === true && RECREATING_OWNERS.has(owner.kind),
  );
  return actionRisk(action, { podOwnedByController: owned });
}

/** Stable id of a proposal: `set-resources:prod-api/analytics-service/app`. */
export function proposalId(action: RemediationAction): string {
  const base = `${action.action}:${action.target.namespace}/${action.target.name}`;
  return "container" in action.params ? `${base}/${action.params.container}` : base;
}

/** Parses untrusted input (a model's suggestion) as a catalog action, or refuses with the reasons. */
export function parseAction(input: unknown): RemediationAction {
  const parsed = remediationActionSchema.safeParse(input);
  if (!parsed.success) {
    const problems = parsed.error.issues.map(
      (issue) => `${issue.path.join(".") || "(root)"}: ${issue.message}`,
    );
    throw new RemediationRefused("NOT_IN_CATALOG", `not a catalog action: ${problems.join("; ")}`);
  }
  return parsed.data;
}

/**
 * A proposal for a catalog action on `current` (its target as read now). Validates the action
 * against the catalog and checks that it can apply (container exists, revision exists when
 * ReplicaSets are given…); throws RemediationRefused otherwise.
 */
export function proposalFromAction(
  action: RemediationAction,
  current: KubeObject | undefined,
  rootCauseId: string,
  context: BuildContext = {},
): RemediationProposal {
  const parsed = parseAction({ action: action.action, target: action.target, params: action.params });
  // Proves the action applies to this object; rollback is checked only when history is at hand.
  if (parsed.action !== "rollback" || context.replicaSets) {
    buildRequest(parsed, current, { ...context, now: context.now ?? "1970-01-01T00:00:00Z" });
  }
  return {
    ...parsed,
    id: proposalId(parsed),
    rootCauseId,
    risk: riskOf(parsed, current),
    summary: describeSummary(parsed, current),
    change: describeChange(parsed, current, context.replicaSets),
    preconditions: withTemplateDiff(parsed, current, context, preconditionsFor(parsed, current)),
  } as RemediationProposal;
}

/** A rollback's preconditions also carry the exact template diff shown to the approver. */
function withTemplateDiff(
  action: RemediationAction,
  current: KubeObject | undefined,
  context: BuildContext,
  preconditions: Preconditions,
): Preconditions {
  if (action.action !== "rollback" || !current || !context.replicaSets) return preconditions;
  const diff = rollbackDiff(current, context.replicaSets, action.params.toRevision);
  return diff ? { ...preconditions, templateDiff: diff } : preconditions;
}
