import { describe, expect, it } from "vitest";
import {
  buildTimeline,
  diffTemplates,
  gitOpsFailures,
  gitOpsOwnerOf,
  helmReleases,
  managedEntries,
} from "../../../src/changes/index.js";
import type { KubeObject, PodTemplateSpec } from "../../../src/domain/kube.js";
import { emptySnapshot } from "../../../src/domain/snapshot.js";
import { redactObject } from "../../../src/k8s/redact.js";
import { triage } from "../../../src/triage/index.js";

const base = {
  collectedAt: "2026-01-15T14:30:00Z",
  source: { type: "file" as const, path: "t" },
  scope: { allNamespaces: true },
};

const template = (image: string, extra: Record<string, unknown> = {}): PodTemplateSpec =>
  ({
    metadata: { labels: { app: "db" } },
    spec: { containers: [{ name: "db", image, ...extra }] },
  }) as PodTemplateSpec;

describe("managedFields", () => {
  it("flattens fieldsV1 into field paths, newest entry first", () => {
    const object: KubeObject = {
      metadata: {
        managedFields: [
          {
            manager: "helm",
            operation: "Update",
            time: "2026-01-15T10:00:00Z",
            fieldsV1: { "f:spec": { "f:replicas": {} } },
          },
          {
            manager: "kubectl-edit",
            operation: "Update",
            time: "2026-01-15T14:00:00Z",
            fieldsV1: {
              "f:spec": {
                "f:template": {
                  "f:spec": { "f:containers": { 'k:{"name":"api"}': { ".": {}, "f:image": {} } } },
                },
              },
            },
          },
        ],
      },
    };
    expect(managedEntries(object).map((e) => [e.manager, e.fields])).toEqual([
      ["kubectl-edit", ["spec.template.spec.containers[api].image"]],
      ["helm", ["spec.replicas"]],
    ]);
  });

  it("the read path keeps them (trimmed) on timeline kinds and drops them on pods and status writes", () => {
    const entry = (manager: string, subresource?: string) => ({
      manager,
      operation: "Update",
      time: "2026-01-15T14:00:00Z",
      ...(subresource ? { subresource } : {}),
      fieldsV1: { "f:data": { "f:KEY": {} } },
    });
    const cm = redactObject({
      kind: "ConfigMap",
      metadata: { name: "c", managedFields: [entry("kubectl-edit"), entry("x", "status")] },
      data: { KEY: "v" },
    });
    expect(cm.metadata.managedFields).toEqual([{ ...entry("kubectl-edit") }]);
    expect(cm.data).toEqual({ KEY: "[REDACTED]" });
    const pod = redactObject({ kind: "Pod", metadata: { name: "p", managedFields: [entry("kubelet")] } });
    expect(pod.metadata.managedFields).toBeUndefined();
  });
});

describe("template diffs", () => {
  it("names image, env, resources, command and probe changes per container", () => {
    const before = template("shop/db:15.4", {
      env: [{ name: "MODE", value: "a" }],
      resources: { limits: { memory: "1Gi" } },
    });
    const after = template("shop/db:16.1", {
      env: [
        { name: "MODE", value: "b" },
        { name: "NEW", value: "1" },
      ],
      resources: { limits: { memory: "512Mi" } },
      command: ["postgres", "-c", "x"],
      readinessProbe: { tcpSocket: { port: 5432 }, timeoutSeconds: 1 },
    });
    expect(diffTemplates(before, after).map((d) => d.text)).toEqual([
      "image shop/db 15.4 → 16.1",
      'command unset → ["postgres","-c","x"]',
      "env MODE a → b",
      "env NEW added (1)",
      "resources limits.memory 1Gi → 512Mi",
      "readinessProbe added",
    ]);
  });
});

describe("timeline", () => {
  it("a revision that mounts another ConfigMap says how its keys differ", () => {
    const withCm = (name: string): PodTemplateSpec =>
      ({
        spec: {
          containers: [{ name: "api", image: "a:1" }],
          volumes: [{ name: "config", configMap: { name } }],
        },
      }) as PodTemplateSpec;
    const owner = [{ apiVersion: "apps/v1", kind: "Deployment", name: "api", uid: "d-1", controller: true }];
    const rs = (n: number, cm: string, at: string) => ({
      kind: "ReplicaSet",
      metadata: {
        name: `api-${n}`,
        namespace: "shop",
        creationTimestamp: at,
        annotations: { "deployment.kubernetes.io/revision": String(n) },
        ownerReferences: owner,
      },
      spec: { template: withCm(cm) },
    });
    const cm = (name: string, keys: string[]): KubeObject => ({
      kind: "ConfigMap",
      metadata: { name, namespace: "shop" },
      data: Object.fromEntries(keys.map((k) => [k, "[REDACTED]"])),
    });
    const snapshot = emptySnapshot({
      ...base,
      deployments: [
        {
          kind: "Deployment",
          metadata: { name: "api", namespace: "shop", uid: "d-1" },
          spec: { template: withCm("api-config-b7") },
        } as never,
      ],
      replicaSets: [
        rs(1, "api-config-a1", "2026-01-14T10:00:00Z"),
        rs(2, "api-config-b7", "2026-01-15T14:00:00Z"),
      ] as never,
      configMaps: [cm("api-config-a1", ["DB_URL", "POOL"]), cm("api-config-b7", ["DB_URL", "POOL_SIZE"])],
    });
    const [change] = buildTimeline(snapshot);
    expect(change?.summary).toBe(
      "volume config configmap api-config-a1 → configmap api-config-b7 (revision 1 → 2)",
    );
    expect(change?.details).toContain(
      "ConfigMap api-config-b7 vs api-config-a1: keys added POOL_SIZE; keys removed POOL",
    );
  });

  it("StatefulSet revisions from ControllerRevisions, Secret edits by metadata only, node taints", () => {
    const sts = {
      kind: "StatefulSet",
      metadata: {
        name: "db",
        namespace: "data",
        uid: "sts-1",
        managedFields: [
          {
            manager: "kubectl-set",
            operation: "Update",
            time: "2026-01-15T14:10:00Z",
            fieldsV1: { "f:spec": { "f:template": {} } },
          },
        ],
      },
      spec: { template: template("shop/db:16.1") },
    };
    const revision = (n: number, image: string, at: string): KubeObject => ({
      kind: "ControllerRevision",
      metadata: {
        name: `db-${n}`,
        namespace: "data",
        creationTimestamp: at,
        ownerReferences: [
          { apiVersion: "apps/v1", kind: "StatefulSet", name: "db", uid: "sts-1", controller: true },
        ],
      },
      revision: n,
      data: { spec: { template: { ...template(image), $patch: "replace" } } },
    });
    const secret: KubeObject = {
      kind: "Secret",
      metadata: {
        name: "db-credentials",
        namespace: "data",
        creationTimestamp: "2025-01-01T00:00:00Z",
        managedFields: [
          {
            manager: "kubectl-edit",
            operation: "Update",
            time: "2026-01-15T14:05:00Z",
            fieldsV1: { "f:data": { "f:password": {} } },
          },
        ],
      },
    };
    const node: KubeObject = {
      kind: "Node",
      metadata: {
        name: "worker-1",
        managedFields: [
          {
            manager: "kubectl-taint",
            operation: "Update",
            time: "2026-01-15T14:20:00Z",
            fieldsV1: { "f:spec": { "f:taints": {} } },
          },
          {
            manager: "kubelet",
            operation: "Update",
            time: "2026-01-15T14:29:00Z",
            subresource: "status",
            fieldsV1: { "f:status": {} },
          },
        ],
      },
    };
    const snapshot = emptySnapshot({
      ...base,
      statefulSets: [sts as never],
      controllerRevisions: [
        revision(1, "shop/db:15.4", "2025-12-01T00:00:00Z"),
        revision(2, "shop/db:16.1", "2026-01-15T14:10:00Z"),
      ],
      secrets: [secret],
      nodes: [node as never],
    });
    expect(buildTimeline(snapshot).map((c) => `${c.at} ${c.kind} ${c.summary} ${c.manager}`)).toEqual([
      "2026-01-15T14:05:00Z secret Secret db-credentials changed (data.password) kubectl-edit",
      "2026-01-15T14:10:00Z rollout image shop/db 15.4 → 16.1 (container db, revision 1 → 2) kubectl-set",
      "2026-01-15T14:20:00Z node Node worker-1 changed (spec.taints) kubectl-taint",
    ]);
  });
});

describe("Helm and GitOps owners", () => {
  const helmSecret = (version: number, status: string, at: string): KubeObject => ({
    kind: "Secret",
    metadata: {
      name: `sh.helm.release.v1.api.v${version}`,
      namespace: "prod",
      creationTimestamp: at,
      labels: { owner: "helm", name: "api", status, version: String(version), modifiedAt: "1768486920" },
    },
  });

  it("reads release history from labels only, and a stuck pending-upgrade is a root cause", () => {
    const secrets = [
      helmSecret(3, "superseded", "2026-01-01T00:00:00Z"),
      helmSecret(4, "pending-upgrade", "2026-01-15T14:20:00Z"),
    ];
    const [release] = helmReleases(secrets);
    expect(release?.latest).toMatchObject({
      revision: 4,
      status: "pending-upgrade",
      modifiedAt: "2026-01-15T14:22:00Z",
    });
    expect(release?.lastGood?.revision).toBe(3);
    const result = triage(
      emptySnapshot({ ...base, scope: { namespace: "prod", allNamespaces: false }, secrets }),
      { namespace: "prod" },
    );
    const cause = result.rootCauses.find((c) => c.category === "helm-release-failed");
    expect(cause?.summary).toContain("stuck pending-upgrade");
    expect(cause?.commands).toContain("helm rollback api 3 -n prod");
  });

  it("finds the owner from Argo CD's tracking id and label, and Flux's labels", () => {
    const meta = (labels: Record<string, string>, annotations: Record<string, string> = {}): KubeObject => ({
      metadata: { labels, annotations },
    });
    expect(
      gitOpsOwnerOf(meta({}, { "argocd.argoproj.io/tracking-id": "shop:apps/Deployment:shop/web" })),
    ).toEqual({ tool: "argocd", kind: "Application", name: "shop" });
    expect(gitOpsOwnerOf(meta({ "argocd.argoproj.io/instance": "team_shop" }))).toEqual({
      tool: "argocd",
      kind: "Application",
      name: "shop",
      namespace: "team",
    });
    expect(
      gitOpsOwnerOf(
        meta({
          "kustomize.toolkit.fluxcd.io/name": "apps",
          "kustomize.toolkit.fluxcd.io/namespace": "flux-system",
        }),
      ),
    ).toEqual({ tool: "flux", kind: "Kustomization", name: "apps", namespace: "flux-system" });
    expect(
      gitOpsOwnerOf(
        meta({ "helm.toolkit.fluxcd.io/name": "podinfo", "helm.toolkit.fluxcd.io/namespace": "apps" }),
      ),
    ).toEqual({ tool: "flux", kind: "HelmRelease", name: "podinfo", namespace: "apps" });
    expect(gitOpsOwnerOf(meta({ app: "x" }))).toBeUndefined();
  });

  it("a not-Ready Flux Kustomization deploying into the namespace is a root cause with its message", () => {
    const kustomization: KubeObject = {
      apiVersion: "kustomize.toolkit.fluxcd.io/v1",
      kind: "Kustomization",
      metadata: { name: "apps", namespace: "flux-system" },
      spec: {
        targetNamespace: "shop",
        path: "./apps/shop",
        sourceRef: { kind: "GitRepository", name: "flux-system" },
      },
      status: {
        conditions: [
          {
            type: "Ready",
            status: "False",
            reason: "ReconciliationFailed",
            message:
              "Deployment/shop/web dry-run failed: spec.template.spec.containers[0].image: Required value",
            lastTransitionTime: "2026-01-15T14:25:00Z",
          },
        ],
        lastAttemptedRevision: "main@sha1:4f2a1c9",
      },
    };
    const snapshot = emptySnapshot({
      ...base,
      scope: { namespace: "shop", allNamespaces: false },
      fluxKustomizations: [kustomization],
    });
    expect(gitOpsFailures(snapshot, "other")).toEqual([]);
    const result = triage(snapshot, { namespace: "shop" });
    const cause = result.rootCauses.find((c) => c.category === "gitops-sync-failed");
    expect(cause?.resource).toEqual({ kind: "Kustomization", namespace: "flux-system", name: "apps" });
    expect(cause?.summary).toContain("not ready (ReconciliationFailed)");
    expect(cause?.evidence[0]).toContain("dry-run failed");
    expect(result.changes?.[0]?.summary).toBe("Flux Kustomization apps failed main@sha1:4f2a1c9");
  });
});
