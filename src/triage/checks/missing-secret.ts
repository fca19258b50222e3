import type { TriageContext } from "../context.js";
import { type Finding, kubectl, makeFinding } from "../finding.js";
import { templateSpec } from "../workloads.js";
import { byWorkload, inspectCommands, label, viewsOf } from "./common.js";
import { missingRefSightings } from "./missing-refs.js";
import { placeholder, referencedKeys } from "./secret-refs.js";

/**
 * missing-secret: Secrets are never read, so a missing one is known only from the kubelet
 * (`secret "db-credentials" not found`, `couldn't find key url in Secret prod-api/db-credentials`).
 * The fix needs the real value, which only a human has: commands carry placeholders, never values.
 */
export function checkMissingSecret(ctx: TriageContext): Finding[] {
  return byWorkload(missingRefSightings(ctx, "Secret")).map((group) => {
    const w = group.workload;
    const views = viewsOf(group);
    const spec = templateSpec(w.kind, group.owner.workloadObject) ?? views[0]?.pod.spec;
    const secrets = new Map<string, Set<string>>();
    const missingKeyOnly = new Set<string>();
    for (const { value } of group.items) {
      const keys = secrets.get(value.ref.name) ?? new Set<string>();
      if (value.ref.key) {
        keys.add(value.ref.key);
        missingKeyOnly.add(value.ref.name);
      }
      secrets.set(value.ref.name, keys);
    }
    const nextSteps: string[] = [];
    const commands: string[] = [];
    const described: string[] = [];
    for (const [name, keys] of secrets) {
      const wanted = keys.size > 0 ? [...keys] : referencedKeys(spec, "Secret", name);
      if (missingKeyOnly.has(name)) {
        described.push(`Secret ${name} has no key ${[...keys].join(", ")}`);
        const data = wanted.map((key) => `"${key}":"${placeholder(key)}"`).join(",");
        nextSteps.push(
          `Add key ${wanted.join(", ")} to the existing Secret ${w.namespace}/${name} with the real value from your secret store (a merge patch keeps its other keys).`,
        );
        commands.push(
          `${kubectl(w.namespace)} patch secret ${name} --type merge -p '{"stringData":{${data}}}'`,
        );
      } else {
        described.push(`Secret ${name} does not exist`);
        nextSteps.push(
          `Create Secret ${w.namespace}/${name} with the real value(s) from your secret store (or re-sync it from your external-secrets / sealed-secrets source); the bot never invents secret values.`,
        );
        const literals = (wanted.length > 0 ? wanted : ["<key>"])
          .map((key) => `--from-literal=${key}=${key === "<key>" ? "<value>" : placeholder(key)}`)
          .join(" ");
        commands.push(`kubectl create secret generic ${name} -n ${w.namespace} ${literals}`);
      }
    }
    nextSteps.push(
      "The kubelet retries on its own: the pods start within about a minute of the Secret being complete.",
    );
    return makeFinding({
      category: "missing-secret",
      resource: w,
      affected: views.map((v) => v.ref),
      evidence: group.items.map((item) => item.value.quote),
      confidence: 0.95,
      summary: `${label(w)} cannot start its containers: ${described.join("; ")} in ${w.namespace}`,
      nextSteps,
      commands: [...commands, ...inspectCommands(w, views[0]?.ref)],
    });
  });
}
