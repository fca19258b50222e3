import type { PodSpec } from "../../domain/kube.js";

/** What the kubelet says when a referenced object or key is missing, parsed from its message. */
export interface MissingRef {
  kind: "Secret" | "ConfigMap";
  name: string;
  key?: string;
  /** The message fragment, verbatim. */
  quote: string;
}

const PATTERNS: { kind: MissingRef["kind"]; re: RegExp; name: number; key?: number }[] = [
  { kind: "Secret", re: /secrets? "([^"]+)" not found/gi, name: 1 },
  { kind: "Secret", re: /couldn't find key (\S+) in Secret [^/\s]+\/([^\s,;]+)/gi, name: 2, key: 1 },
  { kind: "ConfigMap", re: /configmaps? "([^"]+)" not found/gi, name: 1 },
  { kind: "ConfigMap", re: /couldn't find key (\S+) in ConfigMap [^/\s]+\/([^\s,;]+)/gi, name: 2, key: 1 },
];

/** Every missing Secret/ConfigMap (or key) named in a kubelet message. */
export function missingRefs(message: string | undefined): MissingRef[] {
  // Nearly every message is about something else: skip the four regexes for those.
  if (!message || !(message.includes("not found") || message.includes("couldn't find key"))) return [];
  const refs: MissingRef[] = [];
  for (const pattern of PATTERNS) {
    for (const match of message.matchAll(pattern.re)) {
      const name = match[pattern.name];
      if (!name) continue;
      const key = pattern.key === undefined ? undefined : match[pattern.key];
      refs.push({ kind: pattern.kind, name, ...(key ? { key } : {}), quote: match[0] });
    }
  }
  return refs;
}

/** Keys of the named Secret or ConfigMap that the pod spec reads through env (for the fix command). */
export function referencedKeys(spec: PodSpec | undefined, kind: MissingRef["kind"], name: string): string[] {
  const keys = new Set<string>();
  for (const container of [...(spec?.initContainers ?? []), ...(spec?.containers ?? [])]) {
    for (const env of container.env ?? []) {
      const ref = kind === "Secret" ? env.valueFrom?.secretKeyRef : env.valueFrom?.configMapKeyRef;
      if (ref?.name === name) keys.add(ref.key);
    }
  }
  return [...keys];
}

/** `<URL>` from `url`: a placeholder an operator cannot mistake for a value. */
export function placeholder(key: string): string {
  return `<${key.toUpperCase().replace(/[^A-Z0-9]+/g, "_")}>`;
}
