import type { KubeObject, Pod } from "../../../domain/kube.js";
import { ANNOTATIONS, simList } from "../annotations.js";
import type { Cluster } from "../cluster.js";

/** A parsed image reference. */
export interface ImageRef {
  /** As written in the pod spec. */
  raw: string;
  /** Registry host ("docker.io" when none is written). */
  registry: string;
  /** Repository path inside the registry ("library/nginx"). */
  repository: string;
  /** Tag or digest ("1.25", "sha256:…"); "latest" when none is written. */
  reference: string;
  /** The fully qualified name containerd reports ("docker.io/library/nginx:1.25"). */
  normalized: string;
}

/** Parses an image reference the way containerd normalizes it. */
export function parseImage(raw: string): ImageRef {
  let rest = raw;
  let digest: string | undefined;
  const at = rest.indexOf("@");
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
  }
  const slash = rest.indexOf("/");
  const first = slash >= 0 ? rest.slice(0, slash) : "";
  const hasHost = slash >= 0 && (first.includes(".") || first.includes(":") || first === "localhost");
  const registry = hasHost ? first : "docker.io";
  let path = hasHost ? rest.slice(slash + 1) : rest;
  let tag: string | undefined;
  const colon = path.lastIndexOf(":");
  if (colon > path.lastIndexOf("/")) {
    tag = path.slice(colon + 1);
    path = path.slice(0, colon);
  }
  const repository = registry === "docker.io" && !path.includes("/") ? `library/${path}` : path;
  const reference = digest ?? tag ?? "latest";
  const normalized = `${registry}/${repository}${digest ? `@${digest}` : `:${reference}`}`;
  return { raw, registry, repository, reference, normalized };
}

/** Registry hosts that never resolve, whatever the scenario says (reserved TLDs). */
const RESERVED_TLDS = [".invalid", ".example", ".test"];

/** Why an image cannot be pulled: the kubelet's error text after `Failed to pull image "X": `. */
export interface PullFailure {
  message: string;
}

/** The declaring objects: the pod, its namespace, and kube-system (cluster-wide facts). */
function declarers(cluster: Cluster, pod: Pod): (KubeObject | undefined)[] {
  return [pod, cluster.namespaces.get(pod.metadata.namespace ?? ""), cluster.namespaces.get("kube-system")];
}

/**
 * The pull failure of `image` for `pod`, or undefined when it pulls. A registry is unresolvable
 * when its host has a reserved TLD or is listed in `triage.sim/unresolvable-registries`; an image
 * is missing when listed in `triage.sim/missing-images` (on the pod, its namespace or kube-system).
 */
export function pullFailure(cluster: Cluster, pod: Pod, image: string): PullFailure | undefined {
  const ref = parseImage(image);
  const sources = declarers(cluster, pod);
  const unresolvable = sources.flatMap((source) => simList(source, ANNOTATIONS.unresolvableRegistries));
  const host = ref.registry.replace(/:\d+$/, "");
  const prefix = `rpc error: code = Unknown desc = failed to pull and unpack image "${ref.normalized}": failed to resolve reference "${ref.normalized}"`;
  if (
    unresolvable.includes(host) ||
    unresolvable.includes(ref.registry) ||
    RESERVED_TLDS.some((tld) => host.endsWith(tld))
  ) {
    const url = `https://${ref.registry === "docker.io" ? "registry-1.docker.io" : ref.registry}/v2/${ref.repository}/manifests/${ref.reference}`;
    return {
      message: `${prefix}: failed to do request: Head "${url}": dial tcp: lookup ${host} on 10.96.0.10:53: no such host`,
    };
  }
  const missing = sources.flatMap((source) => simList(source, ANNOTATIONS.missingImages));
  if (
    missing.some(
      (entry) =>
        entry === image || entry === ref.normalized || parseImage(entry).normalized === ref.normalized,
    )
  ) {
    return {
      message: `rpc error: code = NotFound desc = failed to pull and unpack image "${ref.normalized}": failed to resolve reference "${ref.normalized}": ${ref.normalized}: not found`,
    };
  }
  return undefined;
}
