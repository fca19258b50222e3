import type { Ingress, Service } from "../../domain/kube.js";
import type { TriageContext } from "../context.js";
import { type Finding, kubectl, makeFinding } from "../finding.js";
import { refOf } from "../owners.js";
import { presenceOf } from "../presence.js";
import { objectKey } from "../snapshot-index.js";

type Backend = { service?: { name: string; port?: { number?: number; name?: string } } };

function backendsOf(ingress: Ingress): { where: string; backend: Backend }[] {
  const list: { where: string; backend: Backend }[] = [];
  if (ingress.spec?.defaultBackend)
    list.push({ where: "defaultBackend", backend: ingress.spec.defaultBackend });
  for (const rule of ingress.spec?.rules ?? []) {
    for (const path of rule.http?.paths ?? []) {
      list.push({ where: `rule ${rule.host ?? "*"}${path.path ?? "/"}`, backend: path.backend });
    }
  }
  return list;
}

/** ingress-misconfigured: routes to Services or ports that do not exist, or an unknown IngressClass. */
export function checkIngressMisconfigured(ctx: TriageContext): Finding[] {
  const findings: Finding[] = [];
  for (const ingress of ctx.snapshot.ingresses) {
    const ns = ingress.metadata.namespace ?? "";
    if (!ctx.inScope(ns)) continue;
    const ref = refOf("Ingress", ingress);
    const problems: string[] = [];
    const missing = new Set<string>();
    for (const { where, backend } of backendsOf(ingress)) {
      const target = backend.service;
      if (!target) continue;
      const service = ctx.index.byKey.get(objectKey("Service", ns, target.name)) as Service | undefined;
      const port = target.port?.number ?? target.port?.name;
      if (!service) {
        // A dump without Services says nothing about this one.
        if (presenceOf(ctx, "Service", ns, target.name) !== "missing") continue;
        missing.add(target.name);
        problems.push(
          `Ingress ${ns}/${ref.name} ${where} -> service ${target.name}:${port ?? ""}, which does not exist in ${ns}`,
        );
        continue;
      }
      const ports = service.spec?.ports ?? [];
      const ok =
        port === undefined ||
        ports.some((p) => (typeof port === "number" ? p.port === port : p.name === port));
      if (!ok) {
        const have = ports.map((p) => `${p.name ? `${p.name}/` : ""}${p.port}`).join(", ");
        problems.push(
          `Ingress ${ns}/${ref.name} ${where} -> service ${target.name} port ${port}, but the Service exposes ${have || "no ports"}`,
        );
      }
    }
    const className = ingress.spec?.ingressClassName;
    const classes = ctx.snapshot.ingressClasses;
    if (className && classes.length > 0 && !classes.some((c) => c.metadata.name === className)) {
      problems.push(
        `Ingress ${ns}/${ref.name} ingressClassName ${className}, which does not exist (have: ${classes.map((c) => c.metadata.name).join(", ")})`,
      );
    }
    if (problems.length === 0) continue;
    findings.push(
      makeFinding({
        category: "ingress-misconfigured",
        resource: ref,
        affected: [ref],
        evidence: problems,
        confidence: missing.size > 0 ? 0.9 : 0.85,
        summary: `Ingress ${ref.name} routes to ${missing.size > 0 ? `missing Service ${[...missing].join(", ")}` : "a backend or class that does not exist"}: requests through it fail`,
        nextSteps: [
          "Point the Ingress backend at an existing Service and one of its ports (or create the Service it names).",
        ],
        commands: [`${kubectl(ns)} describe ingress ${ref.name}`, `${kubectl(ns)} get services`],
      }),
    );
  }
  return findings;
}
