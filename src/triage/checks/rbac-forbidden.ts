import type { ResourceRef } from "../../domain/types.js";
import type { TriageContext } from "../context.js";
import { quoteEvent } from "../events.js";
import { type Finding, groupBy, kubectl, makeFinding } from "../finding.js";
import { quoteLog } from "../logs.js";
import { type Ownership, refKey } from "../owners.js";
import { label } from "./common.js";
import { controllerEvents } from "./controller-events.js";

/**
 * API refusals by RBAC, a missing ServiceAccount, or an admission policy (PodSecurity, a
 * validating webhook). Quota and LimitRange refusals belong to quota-exceeded. Admission is not
 * RBAC, but it is the same kind of wall (the API refuses the pod) and the summary says which.
 */
const RBAC =
  /forbidden: (?:User "[^"]+" cannot|error looking up service account)|serviceaccounts? "[^"]+" not found|cannot (?:get|list|watch|create|update|patch|delete) resource|violates PodSecurity "[^"]+"|admission webhook "[^"]+" denied the request/i;
const ADMISSION = /violates PodSecurity "[^"]+"|admission webhook "[^"]+" denied the request/i;
const ACCOUNT = /system:serviceaccount:([^:"\s]+):([^"\s]+)/;

interface Sighting {
  owner: Ownership;
  pod?: ResourceRef;
  quote: string;
  message: string;
}

/**
 * rbac-forbidden: controllers refused pod creation (`is forbidden: error looking up service
 * account`) or an app's own API calls denied (`User "system:serviceaccount:…" cannot list …`).
 * Permissions are never changed automatically: the steps say what to grant, a human grants it.
 */
export function checkRbacForbidden(ctx: TriageContext): Finding[] {
  const sightings: Sighting[] = [];
  for (const ce of controllerEvents(ctx, RBAC)) {
    sightings.push({ owner: ce.owner, quote: quoteEvent(ce.event), message: ce.event.message ?? "" });
  }
  for (const view of ctx.pods) {
    if (view.healthy) continue;
    for (const log of ctx.logs(view.pod)) {
      const line = log.text.split(/\r?\n/).find((l) => RBAC.test(l));
      if (line)
        sightings.push({ owner: view.owner, pod: view.ref, quote: quoteLog(log, line), message: line });
    }
  }
  return [...groupBy(sightings, (s) => refKey(s.owner.workload)).values()].map((items) => {
    const w = items[0]!.owner.workload;
    const messages = items.map((i) => i.message).join("\n");
    const account = ACCOUNT.exec(messages);
    const missingAccount = /error looking up service account|serviceaccounts? "[^"]+" not found/i.exec(
      messages,
    );
    const admission = ADMISSION.exec(messages);
    const pods = items.map((i) => i.pod).filter((ref) => ref !== undefined);
    const sa = account ? `${account[1]}/${account[2]}` : undefined;
    return makeFinding({
      category: "rbac-forbidden",
      resource: w,
      affected: [w, ...pods],
      evidence: items.map((i) => i.quote),
      // The API's own refusal on a controller is certain; an app's log line saying so is nearly.
      confidence: items.some((i) => i.pod === undefined) ? 0.9 : 0.8,
      summary: missingAccount
        ? `${label(w)} cannot create pods: its ServiceAccount does not exist (${missingAccount[0]})`
        : admission
          ? `${label(w)} cannot create pods: refused by admission policy (${admission[0]}), not by RBAC`
          : `${label(w)} is denied by RBAC${sa ? ` (ServiceAccount ${sa})` : ""}: ${/cannot \w+ resource "?[^"\s]*"?/i.exec(messages)?.[0] ?? "forbidden"}`,
      nextSteps: [
        missingAccount
          ? "Create the ServiceAccount the pod template names (or fix serviceAccountName); the controller retries on its own."
          : admission
            ? "Make the pod template satisfy the policy quoted in the evidence (securityContext, image source…), or ask the policy's owner for an exception."
            : "Grant the ServiceAccount the missing verb/resource with a Role and RoleBinding (review it: RBAC is never changed automatically).",
      ],
      commands: sa
        ? [`kubectl auth can-i --list --as=system:serviceaccount:${sa.replace("/", ":")} -n ${account?.[1]}`]
        : [
            `${kubectl(w.namespace)} get serviceaccounts`,
            `${kubectl(w.namespace)} describe ${w.kind.toLowerCase()} ${w.name}`,
          ],
    });
  });
}
