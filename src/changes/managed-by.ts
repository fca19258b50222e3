import type { RemediationProposal } from "../domain/actions.js";
import type { ManagedBy } from "../domain/changes.js";
import type { KubeObject, Workload } from "../domain/kube.js";
import type { Snapshot } from "../domain/types.js";
import { type GitOpsOwner, gitOpsOwnerOf, ownerObject, sourceOf } from "./gitops.js";
import { helmReleases, releaseOf, rollbackCommand } from "./helm.js";

/**
 * What a live patch of a managed object means. A Helm-managed object keeps a live patch only until
 * the next `helm upgrade`; a GitOps-managed one loses it at the controller's next sync, so the fix
 * belongs in Git: the proposal carries the manifest diff to commit.
 */

const REVISION = "deployment.kubernetes.io/revision";

function imagesOf(spec: Workload["spec"]["template"]["spec"] | undefined): Map<string, string> {
  return new Map(
    [...(spec?.initContainers ?? []), ...(spec?.containers ?? [])].flatMap((c) =>
      c.image ? [[c.name, c.image] as const] : [],
    ),
  );
}

/** Container-level `[field, before, after]` lines the proposal changes, from its params and the live object. */
function containerEdits(
  proposal: RemediationProposal,
  target: Workload,
  snapshot: Snapshot,
): Map<string, [string, string, string][]> {
  const edits = new Map<string, [string, string, string][]>();
  const add = (container: string, field: string, before: string, after: string) => {
    if (before === after) return;
    edits.set(container, [...(edits.get(container) ?? []), [field, before, after]]);
  };
  const spec = target.spec?.template?.spec;
  const containers = [...(spec?.initContainers ?? []), ...(spec?.containers ?? [])];
  switch (proposal.action) {
    case "set-image": {
      const c = containers.find((x) => x.name === proposal.params.container);
      add(proposal.params.container, "image", c?.image ?? "", proposal.params.image);
      break;
    }
    case "rollback": {
      const rs = snapshot.replicaSets.find(
        (r) =>
          r.metadata.namespace === proposal.target.namespace &&
          r.metadata.ownerReferences?.some(
            (o) => o.kind === "Deployment" && o.name === proposal.target.name,
          ) &&
          Number(r.metadata.annotations?.[REVISION]) === proposal.params.toRevision,
      );
      const then = imagesOf(rs?.spec?.template?.spec);
      for (const [name, now] of imagesOf(spec)) add(name, "image", now, then.get(name) ?? now);
      break;
    }
    case "set-resources": {
      const c = containers.find((x) => x.name === proposal.params.container);
      for (const kind of ["requests", "limits"] as const)
        for (const [name, value] of Object.entries(proposal.params[kind] ?? {}))
          if (value)
            add(
              proposal.params.container,
              `resources.${kind}.${name}`,
              c?.resources?.[kind]?.[name] ?? "unset",
              value,
            );
      break;
    }
    case "patch-workload": {
      const c = containers.find((x) => x.name === proposal.params.container);
      const [probe = "", field = ""] = proposal.params.field.split(".");
      const current = (c?.[probe] as Record<string, unknown> | undefined)?.[field];
      add(
        proposal.params.container,
        proposal.params.field,
        String(current ?? "unset"),
        String(proposal.params.value),
      );
      break;
    }
    default:
      break;
  }
  return edits;
}

/** The manifest change to commit, as a unified diff of the target's container section. */
export function gitPatchFor(
  proposal: RemediationProposal,
  target: Workload,
  snapshot: Snapshot,
  source?: { repoURL?: string; path?: string; revision?: string },
): string | undefined {
  const edits = containerEdits(proposal, target, snapshot);
  if (edits.size === 0) return undefined;
  const file = `${source?.path ? `${source.path.replace(/\/$/, "")}/` : ""}${proposal.target.name}.yaml`;
  const lines = [
    ...(source?.repoURL
      ? [`# repository: ${source.repoURL}${source.revision ? ` (${source.revision})` : ""}`]
      : []),
    `--- a/${file}`,
    `+++ b/${file}`,
    `@@ ${proposal.target.kind} ${proposal.target.namespace}/${proposal.target.name} @@`,
    " spec:",
    "   template:",
    "     spec:",
    "       containers:",
  ];
  for (const [container, changes] of edits) {
    lines.push(`       - name: ${container}`);
    for (const [field, before, after] of changes) {
      const parts = field.split(".");
      const leaf = parts.pop() ?? field;
      // Container fields sit 8 columns in; each nesting level adds 2 (after the diff marker column).
      parts.forEach((part, depth) => {
        lines.push(` ${" ".repeat(8 + 2 * depth)}${part}:`);
      });
      const pad = " ".repeat(8 + 2 * parts.length);
      lines.push(`-${pad}${leaf}: ${before}`, `+${pad}${leaf}: ${after}`);
    }
  }
  return lines.join("\n");
}

function gitOpsNote(
  owner: GitOpsOwner,
  object: KubeObject | undefined,
  proposal: RemediationProposal,
  target: Workload,
  snapshot: Snapshot,
): ManagedBy {
  const where = owner.namespace ? `${owner.namespace}/${owner.name}` : owner.name;
  const controller = owner.tool === "argocd" ? `Argo CD Application ${where}` : `Flux ${owner.kind} ${where}`;
  const suspend =
    owner.tool === "argocd"
      ? `argocd app set ${owner.namespace && owner.namespace !== "argocd" ? `${owner.namespace}/` : ""}${owner.name} --sync-policy none`
      : `flux suspend ${owner.kind === "Kustomization" ? "kustomization" : "helmrelease"} ${owner.name} -n ${owner.namespace ?? "flux-system"}`;
  const patch = gitPatchFor(proposal, target, snapshot, sourceOf(object));
  return {
    tool: owner.tool,
    owner: owner.name,
    ...(owner.namespace ? { ownerNamespace: owner.namespace } : {}),
    warning: `${proposal.target.kind} ${proposal.target.name} is managed by ${controller}: commit the change to Git; a live patch is reverted at the next sync unless sync is suspended (${suspend}).`,
    humanCommands: [suspend],
    ...(patch ? { gitPatch: patch } : {}),
  };
}

/** Who manages a proposal's target (GitOps first: it reverts soonest), or undefined. */
export function managedByFor(
  proposal: RemediationProposal,
  snapshot: Snapshot,
  target: KubeObject | undefined,
): ManagedBy | undefined {
  if (!target) return undefined;
  const gitops = gitOpsOwnerOf(target);
  if (gitops) {
    const object = ownerObject(snapshot, gitops);
    // Argo CD's label does not name the Application's namespace; the object does.
    const owner = object?.metadata.namespace ? { ...gitops, namespace: object.metadata.namespace } : gitops;
    return gitOpsNote(owner, object, proposal, target as Workload, snapshot);
  }
  const release = releaseOf(target);
  if (!release) return undefined;
  const history = helmReleases(snapshot.secrets).find(
    (r) => r.name === release.name && r.namespace === release.namespace,
  );
  const rollback = history ? rollbackCommand(history) : undefined;
  return {
    tool: "helm",
    owner: release.name,
    ownerNamespace: release.namespace,
    warning: `${proposal.target.kind} ${proposal.target.name} belongs to Helm release ${release.name}: the next helm upgrade overwrites this live patch; carry the fix into the chart values${rollback ? `, or roll the release back with ${rollback}` : ""}.`,
    humanCommands: rollback ? [rollback] : [],
  };
}
