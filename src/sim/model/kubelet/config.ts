import type { Container, KubeObject, Pod } from "../../../domain/kube.js";
import { ANNOTATIONS, simList } from "../annotations.js";
import type { Cluster } from "../cluster.js";

/**
 * Keys a Secret or ConfigMap is known to hold, or undefined when unknown. State files carry
 * Secrets as metadata only; such a Secret may declare its keys with `triage.sim/keys`, and
 * otherwise every key is assumed present.
 */
function knownKeys(object: KubeObject): Set<string> | undefined {
  const keys = new Set<string>();
  let known = false;
  for (const field of ["data", "stringData", "binaryData"]) {
    const value = object[field];
    if (value && typeof value === "object") {
      known = true;
      for (const key of Object.keys(value)) keys.add(key);
    }
  }
  const declared = simList(object, ANNOTATIONS.secretKeys);
  if (declared.length > 0) known = true;
  for (const key of declared) keys.add(key);
  return known ? keys : undefined;
}

type SourceKind = "secret" | "configmap";

function lookup(cluster: Cluster, kind: SourceKind, namespace: string, name: string): KubeObject | undefined {
  return (kind === "secret" ? cluster.secrets : cluster.configMaps).get(`${namespace}/${name}`);
}

function keyError(
  cluster: Cluster,
  kind: SourceKind,
  namespace: string,
  name: string,
  key: string,
): string | undefined {
  const object = lookup(cluster, kind, namespace, name);
  if (!object) return `${kind} "${name}" not found`;
  const keys = knownKeys(object);
  if (keys && !keys.has(key)) {
    return `couldn't find key ${key} in ${kind === "secret" ? "Secret" : "ConfigMap"} ${namespace}/${name}`;
  }
  return undefined;
}

/**
 * The kubelet's CreateContainerConfigError message for a container whose env or envFrom names a
 * Secret/ConfigMap (or key) that does not exist, or undefined when its config can be generated.
 */
export function containerConfigError(cluster: Cluster, pod: Pod, container: Container): string | undefined {
  const namespace = pod.metadata.namespace ?? "";
  for (const source of container.envFrom ?? []) {
    if (
      source.secretRef &&
      !source.secretRef.optional &&
      !lookup(cluster, "secret", namespace, source.secretRef.name)
    ) {
      return `secret "${source.secretRef.name}" not found`;
    }
    if (
      source.configMapRef &&
      !source.configMapRef.optional &&
      !lookup(cluster, "configmap", namespace, source.configMapRef.name)
    ) {
      return `configmap "${source.configMapRef.name}" not found`;
    }
  }
  for (const variable of container.env ?? []) {
    const secret = variable.valueFrom?.secretKeyRef;
    if (secret && !secret.optional) {
      const error = keyError(cluster, "secret", namespace, secret.name, secret.key);
      if (error) return error;
    }
    const configMap = variable.valueFrom?.configMapKeyRef;
    if (configMap && !configMap.optional) {
      const error = keyError(cluster, "configmap", namespace, configMap.name, configMap.key);
      if (error) return error;
    }
  }
  return undefined;
}

/** A volume the kubelet cannot mount. */
export interface MountFailure {
  volume: string;
  /** The FailedMount event message. */
  message: string;
}

/** The first Secret/ConfigMap volume (plain or projected) whose source is missing. */
export function mountFailure(cluster: Cluster, pod: Pod): MountFailure | undefined {
  const namespace = pod.metadata.namespace ?? "";
  for (const volume of pod.spec.volumes ?? []) {
    const missing: { kind: SourceKind; name: string }[] = [];
    if (volume.secret?.secretName && !volume.secret.optional)
      missing.push({ kind: "secret", name: volume.secret.secretName });
    if (volume.configMap?.name && !volume.configMap.optional)
      missing.push({ kind: "configmap", name: volume.configMap.name });
    const projected = volume.projected as
      | {
          sources?: {
            secret?: { name?: string; optional?: boolean };
            configMap?: { name?: string; optional?: boolean };
          }[];
        }
      | undefined;
    for (const source of projected?.sources ?? []) {
      if (source.secret?.name && !source.secret.optional)
        missing.push({ kind: "secret", name: source.secret.name });
      if (source.configMap?.name && !source.configMap.optional)
        missing.push({ kind: "configmap", name: source.configMap.name });
    }
    for (const entry of missing) {
      if (!lookup(cluster, entry.kind, namespace, entry.name)) {
        return {
          volume: volume.name,
          message: `MountVolume.SetUp failed for volume "${volume.name}" : ${entry.kind} "${entry.name}" not found`,
        };
      }
    }
  }
  return undefined;
}
