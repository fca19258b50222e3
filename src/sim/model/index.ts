import type { Job, Workload } from "../../domain/kube.js";
import type { ClusterView, Reconciler } from "../types.js";
import { Cluster } from "./cluster.js";
import { runDaemonSets } from "./controllers/daemonset.js";
import { runDeployments } from "./controllers/deployment.js";
import { deploymentStatuses, replicaSetStatuses } from "./controllers/deployment-status.js";
import { runEndpoints } from "./controllers/endpoints.js";
import { runJobs } from "./controllers/job.js";
import { runNodeLifecycle } from "./controllers/node-lifecycle.js";
import { runVolumeController } from "./controllers/pvc.js";
import { runQuotaController } from "./controllers/quota.js";
import { type CreateFailures, runReplicaSets } from "./controllers/replicaset.js";
import { runScheduler } from "./controllers/scheduler.js";
import { runStatefulSets, statefulSetStatuses } from "./controllers/statefulset.js";
import { runKubelets } from "./kubelet/index.js";

export { ANNOTATIONS, COMPUTED_STATUS_ANNOTATION } from "./annotations.js";
export { isComputed } from "./kubelet/index.js";

/**
 * Enough passes for the longest chain one change can set off (a Job replacing failed pods one
 * back-off at a time, a dependency healing its dependents); a settled cluster stops after one.
 */
const MAX_PASSES = 12;

/** One pass of every controller, in the order a change propagates through a real cluster. */
function runPass(cluster: Cluster): void {
  const view = cluster.view;
  runNodeLifecycle(cluster);
  runVolumeController(cluster);
  const deployments = view.list("Deployment") as Workload[];
  const replicaSets = runDeployments(cluster, deployments, view.list("ReplicaSet") as Workload[]);
  const failures: CreateFailures = new Map();
  runReplicaSets(cluster, replicaSets, failures);
  const statefulSets = view.list("StatefulSet") as Workload[];
  const revisions = runStatefulSets(cluster, statefulSets);
  runJobs(cluster, view.list("Job") as Job[]);
  runDaemonSets(cluster, view.list("DaemonSet") as Workload[]);
  runScheduler(cluster);
  runKubelets(cluster);
  replicaSetStatuses(cluster, replicaSets, failures);
  deploymentStatuses(cluster, deployments, replicaSets, failures);
  statefulSetStatuses(cluster, statefulSets, revisions);
  runEndpoints(cluster);
  runQuotaController(cluster);
}

/**
 * The simulated kubelet, scheduler and controllers, run by the API server after every change and
 * clock advance. Passes repeat until one writes nothing, so the cluster is settled afterwards and
 * running it again without a change (or clock advance) writes nothing at all. The cluster is
 * listed once; later passes reuse that listing, which the model's own writes keep current.
 */
export const reconcileCluster: Reconciler = (view: ClusterView) => {
  let cluster: Cluster | undefined;
  for (let pass = 0; pass < MAX_PASSES; pass++) {
    const sameInstant = eventsDerivedAt.get(view) === view.now();
    if (!cluster || cluster.stale) cluster = new Cluster(view, { sameInstant });
    else cluster.startPass(sameInstant);
    runPass(cluster);
    eventsDerivedAt.set(view, cluster.now);
    if (cluster.totalWrites === 0) return;
  }
};

/** The simulated instant at which each view last had every event derived (see Cluster.sameInstant). */
const eventsDerivedAt = new WeakMap<ClusterView, string>();
