/**
 * Kubernetes RBAC, evaluated as the API server's RBAC authorizer does (no aggregation): a request
 * is allowed when some binding of the subject grants a rule matching its verb, API group,
 * resource (with subresource as `pods/log`), resource name and, for RoleBindings, namespace.
 * Deny-by-default; there are no deny rules in RBAC.
 */

/** What a request wants to do to which resource. */
export interface AccessRequest {
  verb: string;
  group: string;
  resource: string;
  subresource?: string;
  /** The request's namespace (absent for cluster-scoped resources and all-namespace lists). */
  namespace?: string;
  /** The object's name (absent for list, watch, and create of a collection). */
  name?: string;
  /** The negotiated response form (`metadata` for PartialObjectMetadata), when known. */
  form?: string;
}

/** One rule of a Role or ClusterRole, as rendered. */
export interface RbacPolicyRule {
  verbs: string[];
  apiGroups?: string[];
  resources?: string[];
  resourceNames?: string[];
  nonResourceURLs?: string[];
}

/** A rule with the scope its binding gives it: a namespace (RoleBinding) or the cluster. */
export interface ScopedRule extends RbacPolicyRule {
  /** Undefined: cluster-wide (ClusterRoleBinding). */
  namespace?: string;
  /** Where the rule came from, for reports ("ClusterRole x via RoleBinding ns/y"). */
  source: string;
}

interface RbacObject {
  kind: string;
  metadata: { name: string; namespace?: string };
  rules?: RbacPolicyRule[];
  roleRef?: { kind: string; name: string };
  subjects?: { kind: string; name: string; namespace?: string }[];
}

const RBAC_KINDS = new Set(["Role", "ClusterRole", "RoleBinding", "ClusterRoleBinding"]);

/**
 * The rules a ServiceAccount holds under the given RBAC objects (any other objects are ignored).
 * A RoleBinding to a ClusterRole grants the ClusterRole's rules in the binding's namespace only.
 */
export function rulesForServiceAccount(
  objects: readonly unknown[],
  serviceAccount: { namespace: string; name: string },
): ScopedRule[] {
  const rbac = objects.filter(
    (object): object is RbacObject =>
      typeof object === "object" && object !== null && RBAC_KINDS.has((object as RbacObject).kind),
  );
  const role = (kind: string, name: string, namespace?: string) =>
    rbac.find(
      (object) =>
        object.kind === kind &&
        object.metadata.name === name &&
        (kind === "ClusterRole" || object.metadata.namespace === namespace),
    );
  const rules: ScopedRule[] = [];
  for (const binding of rbac) {
    if (binding.kind !== "RoleBinding" && binding.kind !== "ClusterRoleBinding") continue;
    const bound = (binding.subjects ?? []).some(
      (subject) =>
        subject.kind === "ServiceAccount" &&
        subject.name === serviceAccount.name &&
        subject.namespace === serviceAccount.namespace,
    );
    if (!bound || !binding.roleRef) continue;
    const namespace = binding.kind === "RoleBinding" ? binding.metadata.namespace : undefined;
    const target = role(binding.roleRef.kind, binding.roleRef.name, namespace);
    if (!target) continue; // A binding to a missing role grants nothing, as in Kubernetes.
    const source = `${binding.roleRef.kind} ${binding.roleRef.name} via ${binding.kind} ${namespace ? `${namespace}/` : ""}${binding.metadata.name}`;
    for (const rule of target.rules ?? [])
      rules.push({ ...rule, ...(namespace ? { namespace } : {}), source });
  }
  return rules;
}

function matches(list: string[] | undefined, value: string): boolean {
  return (list ?? []).some((entry) => entry === "*" || entry === value);
}

function matchesResource(list: string[] | undefined, resource: string, subresource?: string): boolean {
  const full = subresource ? `${resource}/${subresource}` : resource;
  return (list ?? []).some(
    (entry) => entry === "*" || entry === full || (subresource !== undefined && entry === `*/${subresource}`),
  );
}

/** The rule that allows `request`, or undefined (denied). */
export function allowingRule(rules: readonly ScopedRule[], request: AccessRequest): ScopedRule | undefined {
  return rules.find((rule) => {
    if (rule.nonResourceURLs && !rule.resources) return false;
    if (!matches(rule.verbs, request.verb)) return false;
    if (!matches(rule.apiGroups, request.group)) return false;
    if (!matchesResource(rule.resources, request.resource, request.subresource)) return false;
    if (rule.namespace !== undefined && rule.namespace !== request.namespace) return false;
    if (rule.resourceNames && rule.resourceNames.length > 0) {
      if (request.name === undefined || !rule.resourceNames.includes(request.name)) return false;
    }
    return true;
  });
}
