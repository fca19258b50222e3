import { gitOpsFailures, gitOpsOwnerOf } from "../../changes/index.js";
import type { TriageContext } from "../context.js";
import { type Finding, makeFinding } from "../finding.js";
import { managedWorkloads } from "./managed-workloads.js";

/**
 * gitops-sync-failed (and helm-release-failed for a Flux HelmRelease): an Argo CD Application
 * whose sync failed or that is Degraded, or a Flux Kustomization/HelmRelease that is not Ready,
 * deploying into the triaged namespace. The controller's own message is the evidence.
 */
export function checkGitOpsSyncFailed(ctx: TriageContext): Finding[] {
  return gitOpsFailures(ctx.snapshot, ctx.namespace).map((failure) => {
    const { owner } = failure;
    const workloads = managedWorkloads(ctx, (object) => {
      const o = gitOpsOwnerOf(object);
      return (
        o?.kind === owner.kind &&
        o.name === owner.name &&
        (o.namespace === undefined || o.namespace === owner.namespace)
      );
    });
    const failing = workloads.filter((w) => w.unhealthyPods.length > 0);
    const noun = owner.tool === "argocd" ? "Argo CD Application" : `Flux ${owner.kind}`;
    const where = `${owner.namespace ? `${owner.namespace}/` : ""}${owner.name}`;
    const source = failure.source;
    const cli =
      owner.tool === "argocd"
        ? [
            `argocd app get ${owner.name}`,
            `kubectl -n ${owner.namespace} get application ${owner.name} -o yaml`,
          ]
        : [
            `flux get ${owner.kind === "Kustomization" ? "kustomizations" : "helmreleases"} -n ${owner.namespace} ${owner.name}`,
            `kubectl -n ${owner.namespace} describe ${owner.kind.toLowerCase()} ${owner.name}`,
          ];
    return makeFinding({
      category: owner.kind === "HelmRelease" ? "helm-release-failed" : "gitops-sync-failed",
      resource: failure.ref,
      affected: [...workloads.map((w) => w.ref), ...failing.flatMap((w) => w.unhealthyPods)],
      evidence: [
        `${noun} ${where}: ${failure.state}: ${failure.message}`,
        ...(source?.repoURL
          ? [
              `source: ${source.repoURL}${source.path ? ` path ${source.path}` : ""}${source.revision ? ` @ ${source.revision}` : ""}`,
            ]
          : []),
        ...workloads.map((w) => w.line),
      ],
      confidence: 0.85,
      summary: `${noun} ${owner.name} ${failure.state}: ${failure.message}`,
      nextSteps: [
        "Fix the manifests in Git (the controller applies what Git says; a live patch is reverted at the next sync).",
        "If a bad commit caused it, revert that commit and let the controller sync.",
      ],
      commands: cli,
    });
  });
}
