import { RemediationRefused } from "../errors.js";

/**
 * The exact HTTP requests the executor may send, and the guard every one of them passes before it
 * leaves the process. The guard parses the path itself instead of trusting any label a caller
 * attached, so a future catalog entry (or a bug) cannot smuggle a write to Secrets or RBAC.
 */

/** Patch flavours the catalog uses, as Content-Type values. */
export const PatchType = {
  strategicMerge: "application/strategic-merge-patch+json",
  merge: "application/merge-patch+json",
  json: "application/json-patch+json",
} as const;
/** A PATCH Content-Type the catalog uses. */
export type PatchContentType = (typeof PatchType)[keyof typeof PatchType];

/** One mutating Kubernetes API request, exactly as it will be sent (minus dryRun/fieldManager). */
export interface KubeRequest {
  method: "POST" | "PATCH" | "DELETE";
  /** Absolute API path without query, e.g. `/apis/apps/v1/namespaces/a/deployments/web`. */
  path: string;
  contentType?: "application/json" | PatchContentType;
  body?: unknown;
}

/** The API coordinates a request path names. */
export interface RequestTarget {
  group: string;
  version: string;
  namespace: string;
  plural: string;
  name?: string;
  subresource?: string;
}

/** Resources no request may touch, whatever catalog entry or rollback produced it. */
export const FORBIDDEN_RESOURCES: readonly string[] = [
  "secrets",
  "serviceaccounts",
  "roles",
  "rolebindings",
  "clusterroles",
  "clusterrolebindings",
  "certificatesigningrequests",
  "tokenreviews",
  "subjectaccessreviews",
];

/**
 * What each writable resource allows: `group/plural[/subresource]` → methods on the collection
 * and on one object. Exported so the Helm chart's executor role is generated from it.
 */
export const WRITE_PERMISSIONS: Readonly<
  Record<string, { collection: readonly string[]; object: readonly string[] }>
> = {
  "/persistentvolumeclaims": { collection: ["POST"], object: ["DELETE"] },
  "/pods": { collection: [], object: ["DELETE"] },
  "apps/deployments": { collection: [], object: ["PATCH"] },
  "apps/statefulsets": { collection: [], object: ["PATCH"] },
  "apps/daemonsets": { collection: [], object: ["PATCH"] },
  "apps/deployments/scale": { collection: [], object: ["PATCH"] },
  "apps/statefulsets/scale": { collection: [], object: ["PATCH"] },
};

const SEGMENT = "([a-z0-9]([-a-z0-9.]*[a-z0-9])?)";
const CORE_PATH = new RegExp(`^/api/(v1)/namespaces/${SEGMENT}/([a-z]+)(?:/${SEGMENT})?(?:/([a-z]+))?$`);
const GROUP_PATH = new RegExp(
  `^/apis/([a-z0-9.-]+)/(v[0-9a-z]+)/namespaces/${SEGMENT}/([a-z]+)(?:/${SEGMENT})?(?:/([a-z]+))?$`,
);

/** Parses a namespaced API path; undefined for anything else (cluster-scoped, queries, odd characters). */
export function parseRequestPath(path: string): RequestTarget | undefined {
  const core = CORE_PATH.exec(path);
  if (core) {
    return compact({
      group: "",
      version: core[1] ?? "",
      namespace: core[2] ?? "",
      plural: core[4] ?? "",
      name: core[5],
      subresource: core[7],
    });
  }
  const grouped = GROUP_PATH.exec(path);
  if (grouped) {
    return compact({
      group: grouped[1] ?? "",
      version: grouped[2] ?? "",
      namespace: grouped[3] ?? "",
      plural: grouped[5] ?? "",
      name: grouped[6],
      subresource: grouped[8],
    });
  }
  return undefined;
}

function compact(target: RequestTarget): RequestTarget {
  const out: RequestTarget = {
    group: target.group,
    version: target.version,
    namespace: target.namespace,
    plural: target.plural,
  };
  if (target.name !== undefined) out.name = target.name;
  if (target.subresource !== undefined) out.subresource = target.subresource;
  return out;
}

/**
 * Throws RemediationRefused when a path names Secrets, ServiceAccounts or RBAC objects. Applied to
 * the executor's reads as well: its identity has no business looking at them either.
 */
export function assertNotForbidden(method: string, path: string): void {
  // Checked on the raw (decoded) path so even an unparseable path naming a secret is caught.
  const segments = decodeURIComponentSafe(path.split("?")[0] ?? "")
    .toLowerCase()
    .split("/");
  for (const forbidden of FORBIDDEN_RESOURCES) {
    if (segments.includes(forbidden)) {
      throw new RemediationRefused(
        "FORBIDDEN_RESOURCE",
        `refused ${method} ${path}: the bot never creates, modifies or reads ${forbidden} with its write identity`,
      );
    }
  }
}

/**
 * Throws RemediationRefused unless the request is one the executor may send: a namespaced path,
 * never a Secret, ServiceAccount (or its token) or RBAC object, and only the resource/verb pairs
 * the catalog needs. Returns the parsed target.
 */
export function assertAllowedRequest(request: KubeRequest): RequestTarget {
  const what = `${request.method} ${request.path}`;
  assertNotForbidden(request.method, request.path);
  const target = parseRequestPath(request.path);
  if (!target) {
    throw new RemediationRefused("REQUEST_PATH", `refused ${what}: not a namespaced object path`);
  }
  const key = `${target.group}/${target.plural}${target.subresource ? `/${target.subresource}` : ""}`;
  const allowed = WRITE_PERMISSIONS[key];
  const methods = target.name === undefined ? allowed?.collection : allowed?.object;
  if (!methods?.includes(request.method)) {
    throw new RemediationRefused(
      "REQUEST_NOT_ALLOWED",
      `refused ${what}: ${request.method} on ${key.replace(/^\//, "")} is not a catalog change`,
    );
  }
  const kind = bodyKind(request.body);
  if (
    kind !== undefined &&
    /^(Secret|ServiceAccount|Role|RoleBinding|ClusterRole|ClusterRoleBinding)$/.test(kind)
  ) {
    throw new RemediationRefused("FORBIDDEN_RESOURCE", `refused ${what}: the body is a ${kind}`);
  }
  if (request.method === "POST" && !createsWhatPathSays(request.body, target)) {
    throw new RemediationRefused(
      "REQUEST_BODY",
      `refused ${what}: the body must be a ${CREATE_KINDS[target.plural] ?? "?"} in namespace ${target.namespace}`,
    );
  }
  if (request.method !== "DELETE" && request.body === undefined) {
    throw new RemediationRefused("REQUEST_BODY", `refused ${what}: no body`);
  }
  return target;
}

/** The kind a POST to each creatable collection must carry. */
const CREATE_KINDS: Record<string, string> = { persistentvolumeclaims: "PersistentVolumeClaim" };

function createsWhatPathSays(body: unknown, target: RequestTarget): boolean {
  if (typeof body !== "object" || body === null) return false;
  const { kind, metadata } = body as { kind?: unknown; metadata?: { namespace?: unknown } };
  const namespace = metadata?.namespace;
  return kind === CREATE_KINDS[target.plural] && (namespace === undefined || namespace === target.namespace);
}

function bodyKind(body: unknown): string | undefined {
  if (typeof body !== "object" || body === null || Array.isArray(body)) return undefined;
  const kind = (body as { kind?: unknown }).kind;
  return typeof kind === "string" ? kind : undefined;
}

function decodeURIComponentSafe(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** One line naming a request, for summaries and audit: `PATCH /apis/... (strategic-merge-patch)`. */
export function describeRequest(request: KubeRequest): string {
  const flavour = request.contentType?.replace(/^application\//, "").replace(/\+json$/, "");
  return `${request.method} ${request.path}${flavour && flavour !== "json" ? ` (${flavour})` : ""}`;
}
