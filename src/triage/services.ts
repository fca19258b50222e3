import type { Endpoints, Pod, Service } from "../domain/kube.js";
import type { ResourceRef } from "../domain/types.js";
import type { TriageContext } from "./context.js";
import { formatSelector } from "./labels.js";
import { refKey, refOf } from "./owners.js";
import { podReady } from "./pod-view.js";
import { objectKey } from "./snapshot-index.js";

/** Whether a Service has anything ready behind it, and why not. */
export interface ServiceHealth {
  service: Service;
  ref: ResourceRef;
  /** Pods its selector matches (Succeeded ones excluded). */
  backends: Pod[];
  /** Names of those pods, for O(1) "is this pod behind it" checks. */
  backendNames: Set<string>;
  readyBackends: number;
  /** The workloads those pods belong to. */
  workloads: ResourceRef[];
  /** The pods themselves, as refs (a node's cause names pods, not workloads). */
  podRefs: ResourceRef[];
  up: boolean;
  /** Verbatim description: `selector app=db matches no pods in prod-api`, `0 of 2 pods ready`. */
  state: string;
  /** The same in a few words for a summary: `0 of 2 pods ready`, `no pods match its selector`. */
  brief: string;
}

function readyAddresses(endpoints: Endpoints | undefined): number {
  return (endpoints?.subsets ?? []).reduce((sum, subset) => sum + (subset.addresses?.length ?? 0), 0);
}

/** Health of one Service, memoized per context (O(matching pods) once per Service). */
export function serviceHealth(ctx: TriageContext, service: Service): ServiceHealth {
  const ref = refOf("Service", service);
  const memoKey = `service-health:${refKey(ref)}`;
  const cached = ctx.memo.get(memoKey) as ServiceHealth | undefined;
  if (cached) return cached;
  const selector = service.spec?.selector ?? {};
  const namespace = ref.namespace;
  let health: ServiceHealth;
  if (Object.keys(selector).length === 0) {
    // No selector: endpoints are managed by hand (an external database); trust them.
    const endpoints = ctx.index.byKey.get(objectKey("Endpoints", namespace, ref.name)) as
      | Endpoints
      | undefined;
    const ready = readyAddresses(endpoints);
    health = {
      service,
      ref,
      backends: [],
      backendNames: new Set(),
      podRefs: [],
      readyBackends: ready,
      workloads: [],
      up: ready > 0 || service.spec?.type === "ExternalName",
      state: `Service ${namespace}/${ref.name} has no selector and ${ready} ready endpoint address(es)`,
      brief: `${ready} ready endpoint address(es)`,
    };
  } else {
    const backends = ctx.index.podLabels
      .select(namespace, selector)
      .filter((pod) => pod.status?.phase !== "Succeeded" && pod.status?.phase !== "Failed");
    const ready = backends.filter(podReady).length;
    const workloads = new Map<string, ResourceRef>();
    for (const pod of backends) {
      const workload = ctx.owners.resolve("Pod", pod).workload;
      workloads.set(refKey(workload), workload);
    }
    const sel = formatSelector(selector);
    health = {
      service,
      ref,
      backends,
      backendNames: new Set(backends.map((pod) => pod.metadata.name ?? "")),
      podRefs: backends.map((pod) => refOf("Pod", pod)),
      readyBackends: ready,
      workloads: [...workloads.values()],
      up: ready > 0,
      state:
        backends.length === 0
          ? `Service ${namespace}/${ref.name} selector ${sel} matches no pods in ${namespace}`
          : `Service ${namespace}/${ref.name} (selector ${sel}): ${ready} of ${backends.length} pods ready`,
      brief:
        backends.length === 0 ? "no pods match its selector" : `${ready} of ${backends.length} pods ready`,
    };
  }
  ctx.memo.set(memoKey, health);
  return health;
}
