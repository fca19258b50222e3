import { randomBytes } from "node:crypto";
import { type AccessRequest, allowingRule, type ScopedRule } from "./rbac.js";

export type { AccessRequest };

/**
 * Who may do what on the simulated cluster. Each bearer token maps to an identity whose rules
 * read like RBAC PolicyRules; `deny` entries win over rules (so "everything but Secrets" is easy
 * to say). Subresources are named `pods/log`, `deployments/scale`, as in RBAC.
 */

/** One allowance: verbs on resources in API groups ("*" matches anything). */
export interface AccessRule {
  verbs: string[];
  /** Default ["*"]. "" is the core group. */
  apiGroups?: string[];
  /** Default ["*"]. "*" covers subresources; "pods" alone does not cover "pods/log". */
  resources?: string[];
}

/** A resource denial that overrides every rule (any verb). */
export interface AccessDenial {
  resources: string[];
  /** Default ["*"]. */
  apiGroups?: string[];
  /**
   * Leaves a `list` answered as PartialObjectMetadataList to the rules: the reader may list Secret
   * metadata but never receive a Secret's data. Stricter than RBAC (whose `list` would also allow
   * full objects), so a test against the simulated cluster fails if the reader ever asks for data.
   */
  allowMetadataList?: boolean;
}

/** A user of the simulated cluster. */
export interface Identity {
  /** User name, as it appears in 403 messages and the request record. */
  name: string;
  /** Bearer token. */
  token: string;
  rules: AccessRule[];
  deny?: AccessDenial[];
  /** May use the /sim/* control endpoints (request record, clock). */
  simAdmin?: boolean;
  /**
   * Real RBAC instead of `rules`/`deny`: the rules a ServiceAccount holds under rendered Roles,
   * ClusterRoles and bindings (see ./rbac.ts), scoped by namespace and resource name.
   */
  rbac?: ScopedRule[];
}

/** The three identities every simulated cluster has. */
export interface DefaultIdentities {
  admin: Identity;
  reader: Identity;
  executor: Identity;
}

const READ = ["get", "list", "watch"];
const WORKLOAD_GROUPS = [
  "",
  "apps",
  "batch",
  "networking.k8s.io",
  "storage.k8s.io",
  "autoscaling",
  "policy",
  "events.k8s.io",
];

function token(name: string): string {
  return `sim-${name}-${randomBytes(16).toString("hex")}`;
}

/**
 * admin: everything. reader: get/list/watch on everything except Secrets, which it may only list as
 * metadata (PartialObjectMetadataList). executor: read the
 * workload groups, plus exactly the writes of the remediation catalog (delete pods, patch/update
 * workloads and their scale, create PVCs); never Secrets or RBAC.
 */
export function defaultIdentities(
  tokens: Partial<Record<keyof DefaultIdentities, string>> = {},
): DefaultIdentities {
  return {
    admin: {
      name: "admin",
      token: tokens.admin ?? token("admin"),
      rules: [{ verbs: ["*"] }],
      simAdmin: true,
    },
    reader: {
      name: "reader",
      token: tokens.reader ?? token("reader"),
      rules: [{ verbs: READ }],
      // Secrets: a metadata-only list, as the reader role is used (never get, watch or data).
      deny: [{ resources: ["secrets"], apiGroups: [""], allowMetadataList: true }],
    },
    executor: {
      name: "executor",
      token: tokens.executor ?? token("executor"),
      rules: [
        { verbs: READ, apiGroups: WORKLOAD_GROUPS },
        { verbs: ["delete"], apiGroups: [""], resources: ["pods"] },
        { verbs: ["create"], apiGroups: [""], resources: ["persistentvolumeclaims"] },
        {
          verbs: ["patch", "update"],
          apiGroups: ["apps"],
          resources: ["deployments", "statefulsets", "daemonsets"],
        },
        {
          verbs: ["get", "patch", "update"],
          apiGroups: ["apps"],
          resources: ["deployments/scale", "statefulsets/scale"],
        },
      ],
      deny: [
        { resources: ["secrets"], apiGroups: [""] },
        { resources: ["*"], apiGroups: ["rbac.authorization.k8s.io"] },
      ],
    },
  };
}

function matchesResource(patterns: string[] | undefined, resource: string, subresource?: string): boolean {
  const list = patterns ?? ["*"];
  const full = subresource ? `${resource}/${subresource}` : resource;
  return list.some(
    (pattern) =>
      pattern === "*" || pattern === full || (pattern === `${resource}/*` && subresource !== undefined),
  );
}

function matchesGroup(patterns: string[] | undefined, group: string): boolean {
  return (patterns ?? ["*"]).some((pattern) => pattern === "*" || pattern === group);
}

/** True when the identity may perform the request. */
export function isAllowed(identity: Identity, request: AccessRequest): boolean {
  if (identity.rbac) return allowingRule(identity.rbac, request) !== undefined;
  for (const denial of identity.deny ?? []) {
    const metadataList = request.verb === "list" && request.form === "metadata";
    if (
      !(denial.allowMetadataList && metadataList) &&
      matchesGroup(denial.apiGroups, request.group) &&
      denial.resources.some((pattern) => pattern === "*" || pattern === request.resource)
    ) {
      return false;
    }
  }
  return identity.rules.some(
    (rule) =>
      (rule.verbs.includes("*") || rule.verbs.includes(request.verb)) &&
      matchesGroup(rule.apiGroups, request.group) &&
      matchesResource(rule.resources, request.resource, request.subresource),
  );
}
