import type { Container, PodSpec, PodTemplateSpec, Probe } from "../domain/kube.js";

/**
 * What differs between two pod templates, field by field, in the words a responder uses: image,
 * env, resources, command/args, probes, and the ConfigMaps and Secrets it mounts. Env values are
 * already redacted by the read path; only what is shown in the template is compared.
 */

/** One difference between two revisions. */
export interface TemplateDifference {
  /** `image`, `env`, `resources`, `command`, `args`, `probe`, `config-ref`, `containers`. */
  field: string;
  container?: string;
  text: string;
}

const PROBES = ["readinessProbe", "livenessProbe", "startupProbe"] as const;

/** `shop/api:2.1.0` → [`shop/api`, `2.1.0`]; digests stay whole. */
function splitImage(image: string): [string, string] {
  const at = image.indexOf("@");
  if (at >= 0) return [image.slice(0, at), image.slice(at + 1)];
  const colon = image.lastIndexOf(":");
  if (colon > image.lastIndexOf("/")) return [image.slice(0, colon), image.slice(colon + 1)];
  return [image, "latest"];
}

/** `image shop/api 2.1.0 → 2.1.1` (same repository) or `image a:1 → b:2`. */
export function imageChange(from: string, to: string): string {
  const [fromRepo, fromTag] = splitImage(from);
  const [toRepo, toTag] = splitImage(to);
  return fromRepo === toRepo ? `image ${fromRepo} ${fromTag} → ${toTag}` : `image ${from} → ${to}`;
}

function envText(container: Container): Map<string, string> {
  const out = new Map<string, string>();
  for (const env of container.env ?? []) {
    const from = env.valueFrom;
    const value =
      env.value !== undefined
        ? env.value
        : from?.secretKeyRef
          ? `<secret ${from.secretKeyRef.name}/${from.secretKeyRef.key}>`
          : from?.configMapKeyRef
            ? `<configmap ${from.configMapKeyRef.name}/${from.configMapKeyRef.key}>`
            : "<from field>";
    out.set(env.name, value);
  }
  return out;
}

function resourceText(container: Container): Map<string, string> {
  const out = new Map<string, string>();
  for (const kind of ["requests", "limits"] as const) {
    for (const [name, value] of Object.entries(container.resources?.[kind] ?? {}))
      if (value !== undefined) out.set(`${kind}.${name}`, value);
  }
  return out;
}

function mapDiff(label: string, before: Map<string, string>, after: Map<string, string>): string[] {
  const out: string[] = [];
  for (const [key, value] of after) {
    const old = before.get(key);
    if (old === undefined) out.push(`${label} ${key} added (${value})`);
    else if (old !== value) out.push(`${label} ${key} ${old} → ${value}`);
  }
  for (const key of before.keys()) if (!after.has(key)) out.push(`${label} ${key} removed`);
  return out;
}

function probeDiff(name: string, before: Probe | undefined, after: Probe | undefined): string[] {
  if (!before && !after) return [];
  if (!before) return [`${name} added`];
  if (!after) return [`${name} removed`];
  const out: string[] = [];
  const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
  for (const key of keys) {
    const a = JSON.stringify(before[key]);
    const b = JSON.stringify(after[key]);
    if (a !== b) out.push(`${name}.${key} ${a ?? "unset"} → ${b ?? "unset"}`);
  }
  return out;
}

function listText(list: string[] | undefined): string {
  return list && list.length > 0 ? JSON.stringify(list) : "unset";
}

function containerDiff(before: Container, after: Container): TemplateDifference[] {
  const name = after.name;
  const out: TemplateDifference[] = [];
  const push = (field: string, text: string) => out.push({ field, container: name, text });
  if ((before.image ?? "") !== (after.image ?? ""))
    push("image", imageChange(before.image ?? "unset", after.image ?? "unset"));
  for (const field of ["command", "args"] as const) {
    const a = listText(before[field]);
    const b = listText(after[field]);
    if (a !== b) push(field, `${field} ${a} → ${b}`);
  }
  for (const text of mapDiff("env", envText(before), envText(after))) push("env", text);
  for (const text of mapDiff("resources", resourceText(before), resourceText(after))) push("resources", text);
  for (const probe of PROBES)
    for (const text of probeDiff(probe, before[probe], after[probe])) push("probe", text);
  const refs = (c: Container) =>
    new Map(
      (c.envFrom ?? []).map((source) => {
        const ref = source.configMapRef
          ? `configmap ${source.configMapRef.name}`
          : `secret ${source.secretRef?.name ?? "?"}`;
        return [ref, ref] as const;
      }),
    );
  for (const text of mapDiff("envFrom", refs(before), refs(after))) push("config-ref", text);
  return out;
}

function volumeRefs(spec: PodSpec | undefined): Map<string, string> {
  const out = new Map<string, string>();
  for (const volume of spec?.volumes ?? []) {
    if (volume.configMap?.name) out.set(volume.name, `configmap ${volume.configMap.name}`);
    else if (volume.secret?.secretName) out.set(volume.name, `secret ${volume.secret.secretName}`);
    else if (volume.persistentVolumeClaim)
      out.set(volume.name, `pvc ${volume.persistentVolumeClaim.claimName}`);
  }
  return out;
}

/** Every difference from `before` to `after`, containers in `after`'s order. */
export function diffTemplates(
  before: PodTemplateSpec | undefined,
  after: PodTemplateSpec | undefined,
): TemplateDifference[] {
  const a = before?.spec;
  const b = after?.spec;
  const out: TemplateDifference[] = [];
  const all = (spec: PodSpec | undefined) => [...(spec?.initContainers ?? []), ...(spec?.containers ?? [])];
  const old = new Map(all(a).map((c) => [c.name, c]));
  for (const container of all(b)) {
    const previous = old.get(container.name);
    if (!previous)
      out.push({ field: "containers", container: container.name, text: `container ${container.name} added` });
    else out.push(...containerDiff(previous, container));
  }
  const now = new Set(all(b).map((c) => c.name));
  for (const name of old.keys())
    if (!now.has(name)) out.push({ field: "containers", container: name, text: `container ${name} removed` });
  for (const text of mapDiff("volume", volumeRefs(a), volumeRefs(b))) out.push({ field: "config-ref", text });
  return out;
}

/** One line for a set of differences: the first one, plus "and N more"; the container goes in `where`. */
export function diffSummary(differences: TemplateDifference[]): { text: string; where?: string } {
  const first = differences[0];
  if (!first) return { text: "pod template changed" };
  const text = differences.length > 1 ? `${first.text} and ${differences.length - 1} more` : first.text;
  return first.container && first.field !== "containers"
    ? { text, where: `container ${first.container}` }
    : { text };
}

const RESTARTED_AT = "kubectl.kubernetes.io/restartedAt";

/** True when only `kubectl rollout restart`'s annotation differs (a restart, not a change). */
export function isRestartOnly(
  before: PodTemplateSpec | undefined,
  after: PodTemplateSpec | undefined,
): boolean {
  const a = before?.metadata?.annotations?.[RESTARTED_AT];
  const b = after?.metadata?.annotations?.[RESTARTED_AT];
  return b !== undefined && a !== b && diffTemplates(before, after).length === 0;
}
