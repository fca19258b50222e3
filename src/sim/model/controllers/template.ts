import type { PodTemplateSpec } from "../../../domain/kube.js";
import { canonicalJson } from "../util/hash.js";

type Json = Record<string, unknown>;

const HASH_LABEL = "pod-template-hash";

// Values the API server fills in when a client leaves them out; a template written without them
// (a state file) and the same template after defaulting (a PATCH) are the same template.
const POD_DEFAULTS: Json = {
  restartPolicy: "Always",
  terminationGracePeriodSeconds: 30,
  dnsPolicy: "ClusterFirst",
  schedulerName: "default-scheduler",
};
const CONTAINER_DEFAULTS: Json = {
  terminationMessagePath: "/dev/termination-log",
  terminationMessagePolicy: "File",
};

function isEmptyObject(value: unknown): boolean {
  return (
    typeof value === "object" && value !== null && !Array.isArray(value) && Object.keys(value).length === 0
  );
}

function defaultPullPolicy(image: unknown): string {
  const text = typeof image === "string" ? image : "";
  const tag = text.includes("@") ? "digest" : (text.split("/").pop() ?? "").split(":")[1];
  return !tag || tag === "latest" ? "Always" : "IfNotPresent";
}

function stripContainer(container: Json): Json {
  const result: Json = {};
  for (const [key, value] of Object.entries(container)) {
    if (CONTAINER_DEFAULTS[key] === value || isEmptyObject(value)) continue;
    if (key === "imagePullPolicy" && value === defaultPullPolicy(container.image)) continue;
    result[key] = value;
  }
  return result;
}

/** The template without the pod-template-hash label (what a Deployment's template looks like). */
export function withoutHash(template: PodTemplateSpec): PodTemplateSpec {
  const labels = { ...template.metadata?.labels };
  delete labels[HASH_LABEL];
  return { ...template, metadata: { ...template.metadata, labels } };
}

/**
 * A comparable form of a pod template: without the hash label and API-server defaults, keys
 * sorted. Two templates are the same rollout revision exactly when their keys are equal.
 */
export function templateKey(template: PodTemplateSpec): string {
  const plain = withoutHash(template);
  const spec: Json = {};
  for (const [key, value] of Object.entries(plain.spec ?? {})) {
    if (POD_DEFAULTS[key] === value || isEmptyObject(value)) continue;
    spec[key] =
      (key === "containers" || key === "initContainers") && Array.isArray(value)
        ? value.map((container) => stripContainer(container as Json))
        : value;
  }
  const metadata: Json = {};
  for (const [key, value] of Object.entries(plain.metadata ?? {})) {
    if (!isEmptyObject(value)) metadata[key] = value;
  }
  return canonicalJson({ metadata, spec });
}
