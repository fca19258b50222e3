import type { KubeObject, PodSpec } from "../../domain/kube.js";
import type { TriageContext } from "../context.js";
import { type Finding, kubectl, makeFinding } from "../finding.js";
import type { PodView } from "../pod-view.js";
import { kindUnknown } from "../presence.js";
import { objectKey } from "../snapshot-index.js";
import { byWorkload, inspectCommands, label, viewsOf } from "./common.js";
import { type MissingRefSighting, missingRefSightings } from "./missing-refs.js";

/**
 * True when no container of the pod ever ran: only then can a spec reference explain it (a state
 * file may simply leave out ConfigMaps of pods that run fine).
 */
function neverStarted(view: PodView): boolean {
  const statuses = view.pod.status?.containerStatuses ?? [];
  return statuses.every(
    (s) =>
      s.restartCount === 0 &&
      ["ContainerCreating", "CreateContainerConfigError"].includes(
        s.state?.waiting?.reason ?? "ContainerCreating",
      ),
  );
}

/** ConfigMaps (and keys) the pod spec requires that the snapshot does not have. */
function specSightings(ctx: TriageContext, view: PodView): MissingRefSighting[] {
  const spec: PodSpec = view.pod.spec;
  const ns = view.ref.namespace;
  const sightings: MissingRefSighting[] = [];
  const where = `Pod ${ns}/${view.ref.name}`;
  // A dump without ConfigMaps cannot show one missing: only the kubelet's own words can then.
  if (kindUnknown(ctx, "ConfigMap")) return sightings;
  const find = (name: string) =>
    ctx.index.byKey.get(objectKey("ConfigMap", ns, name)) as KubeObject | undefined;
  const keysOf = (cm: KubeObject) =>
    new Set([...Object.keys((cm.data as object) ?? {}), ...Object.keys((cm.binaryData as object) ?? {})]);
  for (const volume of spec.volumes ?? []) {
    const name = volume.configMap?.name;
    if (name && !volume.configMap?.optional && !find(name)) {
      sightings.push({
        ref: { kind: "ConfigMap", name, quote: name },
        quote: `${where} volume ${volume.name} mounts ConfigMap ${name}, which does not exist in ${ns}`,
      });
    }
  }
  for (const container of [...(spec.initContainers ?? []), ...spec.containers]) {
    for (const source of container.envFrom ?? []) {
      const name = source.configMapRef?.name;
      if (name && !source.configMapRef?.optional && !find(name)) {
        sightings.push({
          ref: { kind: "ConfigMap", name, quote: name },
          quote: `${where} container ${container.name} envFrom ConfigMap ${name}, which does not exist in ${ns}`,
        });
      }
    }
    for (const env of container.env ?? []) {
      const ref = env.valueFrom?.configMapKeyRef;
      if (!ref || ref.optional) continue;
      const cm = find(ref.name);
      if (!cm) {
        sightings.push({
          ref: { kind: "ConfigMap", name: ref.name, quote: ref.name },
          quote: `${where} container ${container.name} env ${env.name} reads ConfigMap ${ref.name}, which does not exist in ${ns}`,
        });
      } else if (!keysOf(cm).has(ref.key)) {
        sightings.push({
          ref: { kind: "ConfigMap", name: ref.name, key: ref.key, quote: ref.key },
          quote: `${where} container ${container.name} env ${env.name} reads key ${ref.key} of ConfigMap ${ref.name}, which has no such key`,
        });
      }
    }
  }
  return sightings;
}

/**
 * missing-configmap: from the kubelet's message, and (ConfigMaps are in the snapshot, keys kept)
 * from the spec of pods that are stuck, when ConfigMaps could be listed at all.
 */
export function checkMissingConfigMap(ctx: TriageContext): Finding[] {
  const pairs = missingRefSightings(ctx, "ConfigMap");
  const kubeletSeen = new Set(pairs.map((p) => p.view));
  const listed = !ctx.snapshot.gaps.some((gap) => gap.resource === "configmaps");
  if (listed) {
    for (const view of ctx.pods) {
      if (view.healthy || kubeletSeen.has(view) || !view.scheduled || !neverStarted(view)) continue;
      for (const value of specSightings(ctx, view)) pairs.push({ view, value });
    }
  }
  return byWorkload(pairs).map((group) => {
    const w = group.workload;
    const views = viewsOf(group);
    const fromKubelet = group.items.some((item) => kubeletSeen.has(item.view));
    const names = new Map<string, Set<string>>();
    for (const { value } of group.items) {
      const keys = names.get(value.ref.name) ?? new Set<string>();
      if (value.ref.key) keys.add(value.ref.key);
      names.set(value.ref.name, keys);
    }
    const described = [...names].map(([name, keys]) =>
      keys.size > 0
        ? `ConfigMap ${name} has no key ${[...keys].join(", ")}`
        : `ConfigMap ${name} does not exist`,
    );
    const commands = [...names].map(([name, keys]) =>
      keys.size > 0
        ? `${kubectl(w.namespace)} edit configmap ${name}   # add key(s): ${[...keys].join(", ")}`
        : `${kubectl(w.namespace)} create configmap ${name} --from-literal=<key>=<value>`,
    );
    return makeFinding({
      category: "missing-configmap",
      resource: w,
      affected: views.map((v) => v.ref),
      evidence: group.items.map((item) => item.value.quote),
      confidence: fromKubelet ? 0.95 : 0.8,
      summary: `${label(w)} cannot start its containers: ${described.join("; ")} in ${w.namespace}`,
      nextSteps: [
        `Restore ${[...names.keys()].join(", ")} from where it is defined (Helm chart, GitOps repo) rather than by hand when you can; the kubelet retries on its own.`,
      ],
      commands: [...commands, ...inspectCommands(w, views[0]?.ref)],
    });
  });
}
