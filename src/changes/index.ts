/**
 * What changed: the change timeline of a snapshot (rollouts, configuration, Secret metadata,
 * scaling, quotas and policies, nodes, Helm releases, GitOps syncs), which changes explain a root
 * cause, Helm release and GitOps owner facts, and what managing tools mean for a live patch.
 * Pure over snapshot data; the read path (src/k8s) collects what it needs, metadata only for
 * Secrets.
 */
export {
  type CauseFacts,
  CHANGE_WINDOW_MS,
  explainingChanges,
  leadOf,
  type RelationSources,
  relatedKeys,
} from "./correlate.js";
export {
  type GitOpsFailure,
  type GitOpsObjects,
  type GitOpsOwner,
  gitOpsChanges,
  gitOpsFailures,
  gitOpsOwnerOf,
  ownerObject,
} from "./gitops.js";
export {
  type HelmReleaseHistory,
  type HelmRevision,
  helmReleases,
  helmRevisionOf,
  releaseOf,
  rollbackCommand,
  UNFINISHED_STATUSES,
} from "./helm.js";
export { isSystemManager, type ManagedEntry, managedEntries } from "./managed.js";
export { gitPatchFor, managedByFor } from "./managed-by.js";
export { manualChangesOf } from "./manual.js";
export { renderTimeline } from "./render.js";
export { diffTemplates, imageChange, type TemplateDifference } from "./template-diff.js";
export { buildTimeline, type TimelineOptions } from "./timeline.js";
