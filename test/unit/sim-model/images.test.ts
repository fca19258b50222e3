import { describe, expect, it } from "vitest";
import {
  cluster,
  deployment,
  isReady,
  namespace,
  node,
  patchDeployment,
  podOf,
  podsOf,
  reconcile,
  storageClass,
} from "./fixtures.js";

const unresolvable = [
  node("node-1"),
  namespace("default"),
  namespace("kube-system", { "triage.sim/unresolvable-registries": "company-registry.io" }),
  storageClass(),
];
const image = "company-registry.io/payment-service:v2.1.0";
const dnsError =
  'rpc error: code = Unknown desc = failed to pull and unpack image "company-registry.io/payment-service:v2.1.0": failed to resolve reference "company-registry.io/payment-service:v2.1.0": failed to do request: Head "https://company-registry.io/v2/payment-service/manifests/v2.1.0": dial tcp: lookup company-registry.io on 10.96.0.10:53: no such host';

describe("image pulls", () => {
  it("fails to pull from an unresolvable registry: ErrImagePull, then ImagePullBackOff", () => {
    const view = cluster([deployment("payment-service", { image })], unresolvable);
    reconcile(view, 1);
    const first = podOf(view, "payment-service");
    expect(first.status?.containerStatuses?.[0]?.state?.waiting).toEqual({
      reason: "ErrImagePull",
      message: dnsError,
    });
    reconcile(view, 5);
    const pod = podOf(view, "payment-service");
    expect(pod.status?.phase).toBe("Pending");
    expect(pod.status?.containerStatuses?.[0]?.state?.waiting).toEqual({
      reason: "ImagePullBackOff",
      message: `Back-off pulling image "${image}"`,
    });
    const messages = view
      .eventsFor(pod.metadata.name ?? "")
      .map((event) => `${event.reason}: ${event.message}`);
    expect(messages).toContain(`Failed: Failed to pull image "${image}": ${dnsError}`);
    expect(messages).toContain("Failed: Error: ErrImagePull");
    expect(messages).toContain(`BackOff: Back-off pulling image "${image}"`);
    expect(messages).toContain("Failed: Error: ImagePullBackOff");
  });

  it("keeps retrying with growing counts as the clock moves", () => {
    const view = cluster([deployment("payment-service", { image })], unresolvable);
    reconcile(view, 3600);
    const pod = podOf(view, "payment-service");
    const pulling = view.eventsFor(pod.metadata.name ?? "", "Pulling")[0];
    expect(pulling?.count).toBeGreaterThan(10);
    expect(pod.status?.containerStatuses?.[0]?.state?.waiting?.reason).toBe("ImagePullBackOff");
  });

  it("reports unknown tags declared missing as NotFound", () => {
    const view = cluster([
      deployment("web", { image: "nginx:1.99", annotations: { "triage.sim/missing-images": "nginx:1.99" } }),
    ]);
    reconcile(view, 1);
    expect(podOf(view, "web").status?.containerStatuses?.[0]?.state?.waiting?.message).toBe(
      'rpc error: code = NotFound desc = failed to pull and unpack image "docker.io/library/nginx:1.99": failed to resolve reference "docker.io/library/nginx:1.99": docker.io/library/nginx:1.99: not found',
    );
  });

  it("heals when the image is patched to a pullable one (new ReplicaSet, old pods gone)", () => {
    const view = cluster([deployment("payment-service", { image, replicas: 2 })], unresolvable);
    reconcile(view, 60);
    patchDeployment(view, "default", "payment-service", (current) => {
      current.spec.template.spec.containers[0]!.image = "ghcr.io/acme/payment-service:v2.0.3";
    });
    const pods = podsOf(view, "payment-service");
    expect(pods).toHaveLength(2);
    expect(pods.every(isReady)).toBe(true);
    expect(pods.every((pod) => pod.spec.containers[0]?.image === "ghcr.io/acme/payment-service:v2.0.3")).toBe(
      true,
    );
  });
});
