import type { KubeObject } from "../domain/kube.js";

/**
 * The API server's defaulting for the fields clients and the triage rules read (restart policy,
 * image pull policy, deployment strategy and progress deadline…), applied on create and update
 * through the REST API. Objects loaded from state files are taken as they are.
 */

type Json = Record<string, unknown>;

function record(value: unknown): Json | undefined {
  return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Json) : undefined;
}

function setDefault(target: Json, key: string, value: unknown): void {
  if (target[key] === undefined) target[key] = value;
}

function defaultContainers(list: unknown): void {
  if (!Array.isArray(list)) return;
  for (const item of list) {
    const container = record(item);
    if (!container) continue;
    const image = typeof container.image === "string" ? container.image : "";
    const tag = image.includes("@") ? "digest" : (image.split("/").pop() ?? "").split(":")[1];
    setDefault(container, "imagePullPolicy", !tag || tag === "latest" ? "Always" : "IfNotPresent");
    setDefault(container, "terminationMessagePath", "/dev/termination-log");
    setDefault(container, "terminationMessagePolicy", "File");
    setDefault(container, "resources", {});
  }
}

function defaultPodSpec(value: unknown): void {
  const spec = record(value);
  if (!spec) return;
  setDefault(spec, "restartPolicy", "Always");
  setDefault(spec, "terminationGracePeriodSeconds", 30);
  setDefault(spec, "dnsPolicy", "ClusterFirst");
  setDefault(spec, "schedulerName", "default-scheduler");
  setDefault(spec, "securityContext", {});
  if (spec.serviceAccountName === undefined && typeof spec.serviceAccount === "string")
    spec.serviceAccountName = spec.serviceAccount;
  defaultContainers(spec.containers);
  defaultContainers(spec.initContainers);
}

function qosClass(spec: Json | undefined): string {
  const containers = Array.isArray(spec?.containers) ? (spec.containers as Json[]) : [];
  let any = false;
  let guaranteed = containers.length > 0;
  for (const container of containers) {
    const resources = record(container.resources) ?? {};
    const requests = record(resources.requests) ?? {};
    const limits = record(resources.limits) ?? {};
    if (Object.keys(requests).length > 0 || Object.keys(limits).length > 0) any = true;
    for (const name of ["cpu", "memory"]) {
      const limit = limits[name];
      const request = requests[name] ?? limit;
      if (limit === undefined || request !== limit) guaranteed = false;
    }
  }
  if (!any) return "BestEffort";
  return guaranteed ? "Guaranteed" : "Burstable";
}

/** Fills defaults in place. */
export function applyDefaults(object: KubeObject): void {
  const spec = record(object.spec);
  switch (object.kind) {
    case "Pod":
      defaultPodSpec(spec);
      break;
    case "Deployment":
      if (!spec) break;
      setDefault(spec, "replicas", 1);
      setDefault(spec, "revisionHistoryLimit", 10);
      setDefault(spec, "progressDeadlineSeconds", 600);
      setDefault(spec, "strategy", {
        type: "RollingUpdate",
        rollingUpdate: { maxUnavailable: "25%", maxSurge: "25%" },
      });
      defaultPodSpec(record(spec.template)?.spec);
      break;
    case "ReplicaSet":
    case "StatefulSet":
    case "DaemonSet":
    case "Job":
      if (spec && object.kind !== "DaemonSet" && object.kind !== "Job") setDefault(spec, "replicas", 1);
      if (spec && object.kind === "Job") setDefault(spec, "backoffLimit", 6);
      defaultPodSpec(record(spec?.template)?.spec);
      break;
    case "PersistentVolumeClaim":
      if (spec) setDefault(spec, "volumeMode", "Filesystem");
      break;
    case "Service":
      if (spec) setDefault(spec, "type", "ClusterIP");
      break;
  }
}

/** The status a freshly created object starts with (controllers fill in the rest). */
export function initialStatus(object: KubeObject): unknown {
  switch (object.kind) {
    case "Pod":
      return { phase: "Pending", qosClass: qosClass(record(object.spec)) };
    case "PersistentVolumeClaim":
      return { phase: "Pending" };
    case "Namespace":
      return { phase: "Active" };
    default:
      return undefined;
  }
}
