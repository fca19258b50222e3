import type { Endpoints, HorizontalPodAutoscaler, Job, Workload } from "../../domain/kube.js";
import { age, humanDuration } from "../pod-status.js";
import { num, type Printer } from "./common.js";

/** Table printers of endpoints, jobs, daemon sets and autoscalers, after the real server's. */

function endpointList(endpoints: Endpoints): string {
  const addresses: string[] = [];
  for (const subset of endpoints.subsets ?? []) {
    const ports = (subset.ports ?? []) as { port?: number }[];
    for (const address of subset.addresses ?? []) {
      if (ports.length === 0) addresses.push(address.ip);
      for (const port of ports) addresses.push(`${address.ip}:${port.port ?? ""}`);
    }
  }
  if (addresses.length === 0) return "<none>";
  const shown = addresses.slice(0, 3).join(",");
  return addresses.length > 3 ? `${shown} + ${addresses.length - 3} more...` : shown;
}

function jobStatus(job: Job): string {
  const conditions = job.status?.conditions ?? [];
  const holds = (type: string) =>
    conditions.some((condition) => condition.type === type && condition.status === "True");
  if (holds("Complete")) return "Complete";
  if (holds("Failed")) return "Failed";
  if (holds("Suspended")) return "Suspended";
  return "Running";
}

function jobDuration(job: Job, nowMs: number): string {
  const start = job.status?.startTime ? Date.parse(job.status.startTime) : Number.NaN;
  if (Number.isNaN(start)) return "";
  const end = job.status?.completionTime ? Date.parse(job.status.completionTime) : nowMs;
  return humanDuration(end - start);
}

function hpaTargets(hpa: HorizontalPodAutoscaler): string {
  const metrics = (hpa.spec?.metrics ?? []) as {
    resource?: { name?: string; target?: { averageUtilization?: number } };
  }[];
  const targets = metrics.map((metric) => {
    const target = metric.resource?.target?.averageUtilization;
    return target === undefined
      ? "<unknown>"
      : `${metric.resource?.name ?? "resource"}: <unknown>/${target}%`;
  });
  return targets.length > 0 ? targets.join(", ") : "<none>";
}

/** Endpoints, Job, DaemonSet, HorizontalPodAutoscaler. */
export const MORE_PRINTERS: Record<string, Printer> = {
  Endpoints: {
    columns: [
      ["Name", "string"],
      ["Endpoints", "string"],
      ["Age", "string"],
    ],
    cells: (object, nowMs) => [
      object.metadata.name ?? "",
      endpointList(object as Endpoints),
      age(object.metadata.creationTimestamp, nowMs),
    ],
  },
  Job: {
    columns: [
      ["Name", "string"],
      ["Status", "string"],
      ["Completions", "string"],
      ["Duration", "string"],
      ["Age", "string"],
    ],
    cells: (object, nowMs) => {
      const job = object as Job;
      return [
        job.metadata.name ?? "",
        jobStatus(job),
        `${num(job.status?.succeeded)}/${num(job.spec?.completions ?? 1)}`,
        jobDuration(job, nowMs),
        age(job.metadata.creationTimestamp, nowMs),
      ];
    },
  },
  DaemonSet: {
    columns: [
      ["Name", "string"],
      ["Desired", "integer"],
      ["Current", "integer"],
      ["Ready", "integer"],
      ["Up-to-date", "integer"],
      ["Available", "integer"],
      ["Node Selector", "string"],
      ["Age", "string"],
    ],
    cells: (object, nowMs) => {
      const set = object as Workload;
      const status = set.status ?? {};
      const selector = Object.entries(set.spec?.template?.spec?.nodeSelector ?? {})
        .map(([key, value]) => `${key}=${value}`)
        .join(",");
      return [
        set.metadata.name ?? "",
        num(status.desiredNumberScheduled),
        num(status.currentNumberScheduled),
        num(status.numberReady),
        num(status.updatedNumberScheduled),
        num(status.numberAvailable),
        selector || "<none>",
        age(set.metadata.creationTimestamp, nowMs),
      ];
    },
  },
  HorizontalPodAutoscaler: {
    columns: [
      ["Name", "string"],
      ["Reference", "string"],
      ["Targets", "string"],
      ["MinPods", "string"],
      ["MaxPods", "string"],
      ["Replicas", "string"],
      ["Age", "string"],
    ],
    cells: (object, nowMs) => {
      const hpa = object as HorizontalPodAutoscaler;
      const target = hpa.spec?.scaleTargetRef;
      return [
        hpa.metadata.name ?? "",
        target ? `${target.kind}/${target.name}` : "",
        hpaTargets(hpa),
        String(hpa.spec?.minReplicas ?? 1),
        String(hpa.spec?.maxReplicas ?? ""),
        String(hpa.status?.currentReplicas ?? 0),
        age(hpa.metadata.creationTimestamp, nowMs),
      ];
    },
  },
};
