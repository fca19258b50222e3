import { isAllowed } from "../identities.js";
import { badRequest, methodNotAllowed } from "../status.js";
import type { Reply, ResourceRequest } from "./context.js";
import { parseBody, readBodyBuffer } from "./negotiate.js";
import { decodeAccessReview } from "./protobuf.js";

/**
 * SelfSubjectAccessReview (`kubectl auth can-i`): answers whether the caller's identity may do
 * something, from the same rules that authorize its requests. Nothing is stored.
 */
export async function accessReview(request: ResourceRequest): Promise<Reply> {
  if (request.request.method !== "POST") throw methodNotAllowed();
  const contentType = request.request.headers["content-type"] ?? "";
  const raw = await readBodyBuffer(request.request);
  const decoded = contentType.includes("protobuf")
    ? decodeAccessReview(raw)
    : parseBody(raw.toString("utf8"), contentType);
  const body = decoded as {
    spec?: {
      resourceAttributes?: {
        verb?: string;
        group?: string;
        resource?: string;
        subresource?: string;
        namespace?: string;
        name?: string;
      };
      nonResourceAttributes?: { path?: string; verb?: string };
    };
  };
  const spec = body?.spec ?? {};
  let allowed: boolean;
  if (spec.resourceAttributes) {
    const attributes = spec.resourceAttributes;
    allowed = isAllowed(request.identity, {
      verb: attributes.verb ?? "",
      group: attributes.group ?? "",
      resource: attributes.resource ?? "",
      ...(attributes.subresource ? { subresource: attributes.subresource } : {}),
      ...(attributes.namespace ? { namespace: attributes.namespace } : {}),
      ...(attributes.name ? { name: attributes.name } : {}),
    });
  } else if (spec.nonResourceAttributes) {
    // Discovery, health and version are open to every authenticated identity; /sim/* to admins.
    const path = spec.nonResourceAttributes.path ?? "";
    allowed = path.startsWith("/sim/")
      ? request.identity.simAdmin === true
      : spec.nonResourceAttributes.verb === "get";
  } else {
    throw badRequest("spec.resourceAttributes or spec.nonResourceAttributes is required");
  }
  // The RBAC authorizer gives no reason for a denial; kubectl then prints a bare "no".
  const status: Record<string, unknown> = { allowed };
  if (allowed) status.reason = `allowed by the rules of identity "${request.identity.name}"`;
  return {
    status: 201,
    body: {
      kind: "SelfSubjectAccessReview",
      apiVersion: "authorization.k8s.io/v1",
      metadata: { creationTimestamp: null },
      spec,
      status,
    },
  };
}
