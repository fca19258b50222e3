import type { Container, Pod, Service } from "../../../domain/kube.js";
import { ANNOTATIONS, simAnnotation, simFails, simInteger, simQuantity } from "../annotations.js";
import type { Cluster } from "../cluster.js";
import { parseQuantity } from "../util/quantity.js";

/** Why a container stops. */
export type StopCause = "oom" | "exit" | "dependency" | "liveness" | "completed";

/** What a started container does: keep running, or stop after `runSeconds` with an exit code. */
export type Behaviour =
  | { kind: "run" }
  | {
      kind: "stop";
      cause: StopCause;
      exitCode: number;
      reason: string;
      runSeconds: number;
      log?: string;
      probeMessage?: string;
    };

interface ProbeTiming {
  initialDelaySeconds?: number;
  periodSeconds?: number;
  failureThreshold?: number;
}

/** Seconds from start until the kubelet kills a container whose liveness probe always fails. */
export function livenessKillSeconds(probe: ProbeTiming | undefined): number {
  return (probe?.initialDelaySeconds ?? 0) + (probe?.periodSeconds ?? 10) * (probe?.failureThreshold ?? 3);
}

/** `name[.namespace][:port]` -> service coordinates. */
function parseDependency(
  entry: string,
  namespace: string,
): { name: string; namespace: string; port?: number } {
  const [host = "", port] = entry.split(":");
  const [name = "", serviceNamespace] = host.split(".");
  const parsed = port === undefined ? undefined : Number(port);
  return {
    name,
    namespace: serviceNamespace ?? namespace,
    ...(parsed !== undefined && Number.isInteger(parsed) ? { port: parsed } : {}),
  };
}

function hasReadyEndpoints(cluster: Cluster, namespace: string, name: string): boolean {
  const endpoints = cluster.endpoints.get(`${namespace}/${name}`) as
    | { subsets?: { addresses?: unknown[] }[] }
    | undefined;
  return (endpoints?.subsets ?? []).some((subset) => (subset.addresses ?? []).length > 0);
}

/**
 * The dependency failure log of a container that needs `triage.sim/depends-on` services, or
 * undefined when every one of them exists and has a ready endpoint.
 */
function dependencyFailure(cluster: Cluster, pod: Pod, container: Container): string | undefined {
  const raw = simAnnotation(pod, ANNOTATIONS.dependsOn, container.name);
  if (!raw) return undefined;
  const namespace = pod.metadata.namespace ?? "";
  for (const entry of raw.split(/[\s,]+/).filter(Boolean)) {
    const dependency = parseDependency(entry, namespace);
    const service = cluster.services.get(`${dependency.namespace}/${dependency.name}`) as Service | undefined;
    const port = dependency.port ?? service?.spec?.ports?.[0]?.port ?? 80;
    const host = `${dependency.name}.${dependency.namespace}.svc.cluster.local`;
    if (!service) {
      return `dial tcp: lookup ${host} on 10.96.0.10:53: no such host`;
    }
    if (!hasReadyEndpoints(cluster, dependency.namespace, dependency.name)) {
      return `dial tcp ${service.spec?.clusterIP ?? host}:${port}: connect: connection refused`;
    }
  }
  return undefined;
}

/**
 * How a container behaves once started, from its spec, the pod's `triage.sim/*` annotations and
 * the cluster: memory use above the limit is an OOM kill, a declared exit code exits, an
 * unavailable dependency exits 1, a failing liveness probe gets it killed; init containers and
 * containers of run-to-completion pods complete; anything else keeps running.
 */
export function behaviourOf(cluster: Cluster, pod: Pod, container: Container, init: boolean): Behaviour {
  const name = container.name;
  const runSeconds = simInteger(pod, ANNOTATIONS.runSeconds, name);
  const log = simAnnotation(pod, ANNOTATIONS.log, name);
  const withLog = log === undefined ? {} : { log };
  const usage = simQuantity(pod, ANNOTATIONS.memoryUsage, name);
  const limit = parseQuantity(container.resources?.limits?.memory);
  if (usage !== undefined && limit !== undefined && usage > limit) {
    return {
      kind: "stop",
      cause: "oom",
      exitCode: 137,
      reason: "OOMKilled",
      runSeconds: runSeconds ?? 5,
      ...withLog,
    };
  }
  const exitCode = simInteger(pod, ANNOTATIONS.exitCode, name);
  const declaredReason = simAnnotation(pod, ANNOTATIONS.terminationReason, name);
  if (exitCode !== undefined) {
    const reason = declaredReason ?? (exitCode === 0 ? "Completed" : "Error");
    return {
      kind: "stop",
      cause: exitCode === 0 ? "completed" : "exit",
      exitCode,
      reason,
      runSeconds: runSeconds ?? 3,
      ...withLog,
    };
  }
  const dependency = dependencyFailure(cluster, pod, container);
  if (dependency) {
    return {
      kind: "stop",
      cause: "dependency",
      exitCode: 1,
      reason: "Error",
      runSeconds: runSeconds ?? 3,
      log: log ?? `level=error msg="cannot reach dependency, exiting" error="${dependency}"\n`,
    };
  }
  if (!init && simFails(pod, ANNOTATIONS.liveness, name)) {
    return {
      kind: "stop",
      cause: "liveness",
      exitCode: 137,
      reason: declaredReason ?? "Error",
      runSeconds: runSeconds ?? livenessKillSeconds(container.livenessProbe),
      probeMessage:
        simAnnotation(pod, ANNOTATIONS.livenessMessage, name) ?? "HTTP probe failed with statuscode: 500",
      ...withLog,
    };
  }
  if (init || (pod.spec.restartPolicy ?? "Always") !== "Always") {
    return {
      kind: "stop",
      cause: "completed",
      exitCode: 0,
      reason: "Completed",
      runSeconds: runSeconds ?? (init ? 2 : 5),
      ...withLog,
    };
  }
  return { kind: "run" };
}
