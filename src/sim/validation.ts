import type { KubeObject } from "../domain/kube.js";
import type { KindSpec } from "./kinds.js";
import type { StatusCause } from "./status.js";

/**
 * The subset of the API server's validation that matters to clients of the simulated cluster:
 * names, the required fields of pods, workloads and PVCs, and immutable selectors. Returns the
 * causes of a 422 Invalid, worded like the real server's.
 */

const SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
/** Kinds whose names must be DNS-1123 labels rather than subdomains. */
const LABEL_NAMED = new Set(["Namespace", "Service"]);

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function required(field: string, detail?: string): StatusCause {
  return {
    reason: "FieldValueRequired",
    message: detail ? `Required value: ${detail}` : "Required value",
    field,
  };
}

function invalidValue(field: string, value: unknown, detail: string): StatusCause {
  return {
    reason: "FieldValueInvalid",
    message: `Invalid value: ${JSON.stringify(value)}: ${detail}`,
    field,
  };
}

function nameCauses(kind: string, name: string, field: string): StatusCause[] {
  if (LABEL_NAMED.has(kind)) {
    if (name.length > 63 || !LABEL.test(name)) {
      return [
        invalidValue(
          field,
          name,
          "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')",
        ),
      ];
    }
    return [];
  }
  if (name.length > 253 || !SUBDOMAIN.test(name)) {
    return [
      invalidValue(
        field,
        name,
        "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')",
      ),
    ];
  }
  return [];
}

function containerCauses(containers: unknown, field: string, requireOne: boolean): StatusCause[] {
  if (containers === undefined || (Array.isArray(containers) && containers.length === 0)) {
    return requireOne ? [required(field)] : [];
  }
  if (!Array.isArray(containers)) return [invalidValue(field, containers, "must be a list of containers")];
  const causes: StatusCause[] = [];
  const seen = new Set<string>();
  containers.forEach((container, index) => {
    const at = `${field}[${index}]`;
    if (!isRecord(container)) {
      causes.push(invalidValue(at, container, "must be a container"));
      return;
    }
    const name = container.name;
    if (typeof name !== "string" || name === "") causes.push(required(`${at}.name`));
    else if (!LABEL.test(name) || name.length > 63) causes.push(...nameCauses("Service", name, `${at}.name`));
    else if (seen.has(name))
      causes.push({
        reason: "FieldValueDuplicate",
        message: `Duplicate value: "${name}"`,
        field: `${at}.name`,
      });
    if (typeof name === "string") seen.add(name);
    if (typeof container.image !== "string" || container.image.trim() === "")
      causes.push(required(`${at}.image`));
  });
  return causes;
}

function podSpecCauses(spec: unknown, field: string): StatusCause[] {
  if (!isRecord(spec)) return [required(`${field}.containers`)];
  return [
    ...containerCauses(spec.containers, `${field}.containers`, true),
    ...containerCauses(spec.initContainers, `${field}.initContainers`, false),
  ];
}

function renderLabels(labels: unknown): string {
  const entries = isRecord(labels) ? Object.entries(labels) : [];
  return `map[string]string{${entries.map(([key, value]) => `"${key}":"${String(value)}"`).join(", ")}}`;
}

function selectorMatches(selector: unknown, labels: unknown): boolean {
  if (!isRecord(selector)) return false;
  const match = isRecord(selector.matchLabels) ? selector.matchLabels : {};
  const have = isRecord(labels) ? labels : {};
  if (Object.keys(match).length === 0 && !Array.isArray(selector.matchExpressions)) return false;
  return Object.entries(match).every(([key, value]) => have[key] === value);
}

function workloadCauses(object: KubeObject): StatusCause[] {
  const spec = isRecord(object.spec) ? object.spec : {};
  const causes: StatusCause[] = [];
  if (spec.selector === undefined) causes.push(required("spec.selector"));
  const template = isRecord(spec.template) ? spec.template : undefined;
  if (!template) {
    causes.push(required("spec.template"));
    return causes;
  }
  const labels = isRecord(template.metadata) ? template.metadata.labels : undefined;
  if (spec.selector !== undefined && !selectorMatches(spec.selector, labels)) {
    causes.push(
      invalidValue(
        "spec.template.metadata.labels",
        renderLabels(labels),
        "`selector` does not match template `labels`",
      ),
    );
  }
  if (typeof spec.replicas === "number" && spec.replicas < 0) {
    causes.push(invalidValue("spec.replicas", spec.replicas, "must be greater than or equal to 0"));
  }
  causes.push(...podSpecCauses(template.spec, "spec.template.spec"));
  return causes;
}

function pvcCauses(object: KubeObject): StatusCause[] {
  const spec = isRecord(object.spec) ? object.spec : {};
  const causes: StatusCause[] = [];
  if (!Array.isArray(spec.accessModes) || spec.accessModes.length === 0) {
    causes.push(required("spec.accessModes", "at least 1 access mode is required"));
  }
  const resources = isRecord(spec.resources) ? spec.resources : {};
  const requests = isRecord(resources.requests) ? resources.requests : {};
  if (requests.storage === undefined) causes.push(required("spec.resources[storage]"));
  return causes;
}

const POD_UPDATE_RULE =
  "pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)";

/** A pod's spec is immutable but for images, the deadline and added tolerations. */
function podUpdateCauses(existing: KubeObject, updated: KubeObject): StatusCause[] {
  const comparable = (spec: unknown) => {
    const copy = structuredClone(isRecord(spec) ? spec : {});
    for (const field of ["containers", "initContainers"]) {
      const list = copy[field];
      if (Array.isArray(list)) for (const container of list) if (isRecord(container)) delete container.image;
    }
    delete copy.activeDeadlineSeconds;
    delete copy.tolerations;
    return JSON.stringify(copy);
  };
  if (comparable(existing.spec) === comparable(updated.spec)) return [];
  return [{ reason: "FieldValueForbidden", message: `Forbidden: ${POD_UPDATE_RULE}`, field: "spec" }];
}

/** Causes of a 422 for a create or update; `existing` is set on update. */
export function validateObject(spec: KindSpec, object: KubeObject, existing?: KubeObject): StatusCause[] {
  const causes: StatusCause[] = [];
  const name = object.metadata.name;
  if (!name) causes.push(required("metadata.name", "name or generateName is required"));
  else causes.push(...nameCauses(spec.kind, name, "metadata.name"));
  if (spec.namespaced && object.metadata.namespace && !LABEL.test(object.metadata.namespace)) {
    causes.push(...nameCauses("Namespace", object.metadata.namespace, "metadata.namespace"));
  }
  switch (spec.kind) {
    case "Pod":
      causes.push(...podSpecCauses(object.spec, "spec"));
      if (existing) causes.push(...podUpdateCauses(existing, object));
      break;
    case "Deployment":
    case "ReplicaSet":
    case "StatefulSet":
    case "DaemonSet":
      causes.push(...workloadCauses(object));
      if (
        existing &&
        JSON.stringify((existing.spec as Record<string, unknown> | undefined)?.selector) !==
          JSON.stringify((object.spec as Record<string, unknown> | undefined)?.selector)
      ) {
        const selector = (object.spec as Record<string, unknown> | undefined)?.selector;
        causes.push({
          reason: "FieldValueInvalid",
          message: `Invalid value: ${JSON.stringify(selector)}: field is immutable`,
          field: "spec.selector",
        });
      }
      break;
    case "PersistentVolumeClaim":
      if (!existing) causes.push(...pvcCauses(object));
      break;
  }
  return causes;
}
