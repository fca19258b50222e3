import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { Ajv } from "ajv";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { executorRules, type PolicyRule, readerRules, rulesYaml } from "../../../src/deploy/rbac.js";
import { collectedKinds } from "../../../src/k8s/kinds.js";
import { FORBIDDEN_RESOURCES, WRITE_PERMISSIONS } from "../../../src/remediation/request.js";

const chart = join(import.meta.dirname, "..", "..", "..", "helm", "k8s-triage-bot");
const read = (path: string) => readFileSync(join(chart, path), "utf8");
const WRITE_VERBS = [
  "create",
  "update",
  "patch",
  "delete",
  "deletecollection",
  "escalate",
  "bind",
  "impersonate",
];

function valueAt(values: unknown, path: string[]): unknown {
  let current: unknown = values;
  for (const key of path) {
    if (current === null || typeof current !== "object" || !(key in current)) return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

describe("Helm chart", () => {
  const values = parse(read("values.yaml")) as Record<string, unknown>;

  it("has a valid Chart.yaml", () => {
    const meta = parse(read("Chart.yaml")) as Record<string, string>;
    expect(meta.apiVersion).toBe("v2");
    expect(meta.name).toBe("k8s-triage-bot");
    expect(meta.version).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it("values.yaml satisfies values.schema.json, and the schema rejects a typo", () => {
    const ajv = new Ajv({ allErrors: true, strict: false });
    const validate = ajv.compile(JSON.parse(read("values.schema.json")));
    expect(validate(values), JSON.stringify(validate.errors)).toBe(true);
    expect(validate({ ...values, wroker: {} })).toBe(false);
    expect(validate({ ...values, serve: { replicas: 0 } })).toBe(false);
  });

  it("every .Values path the templates use exists in values.yaml", () => {
    const templates = readdirSync(join(chart, "templates")).map((file) => read(join("templates", file)));
    const paths = new Set<string>();
    for (const text of templates)
      for (const match of text.matchAll(/\.Values\.([A-Za-z0-9_.]+)/g)) paths.add(match[1] ?? "");
    expect(paths.size).toBeGreaterThan(20);
    const missing = [...paths].filter((path) => valueAt(values, path.split(".")) === undefined);
    expect(missing).toEqual([]);
  });

  it("the RBAC rule files are exactly what the code generates (run `npm run gen:rbac` after changing kinds or actions)", () => {
    expect(read("files/reader-rules.yaml")).toBe(rulesYaml(readerRules()));
    expect(read("files/writer-rules.yaml")).toBe(rulesYaml(executorRules()));
  });

  it("the reader role can read every collected kind, has no write verb and only list on Secrets", () => {
    const rules = readerRules();
    const verbs = rules.flatMap((rule) => rule.verbs);
    expect(verbs.filter((verb) => WRITE_VERBS.includes(verb) || verb === "*")).toEqual([]);
    const resources = rules.flatMap((rule) => rule.resources ?? []);
    expect(resources).not.toContain("*");
    // Secrets: the metadata-only list (Helm release labels, managedFields times); never get or watch.
    const onSecrets = rules.filter((rule) => rule.resources?.includes("secrets"));
    expect(onSecrets).toEqual([{ apiGroups: [""], resources: ["secrets"], verbs: ["list"] }]);
    for (const kind of collectedKinds()) {
      const covering = rules.find(
        (rule: PolicyRule) => rule.apiGroups?.includes(kind.group) && rule.resources?.includes(kind.plural),
      );
      // watch only where the code watches (the watcher's Warning events): no unused verb.
      const expected = kind.metadataOnly
        ? ["list"]
        : kind.group === "" && kind.plural === "events"
          ? ["get", "list", "watch"]
          : ["get", "list"];
      expect(covering?.verbs, `${kind.group}/${kind.plural}`).toEqual(expected);
    }
  });

  it("the reader role grew only by read verbs on the change timeline's kinds", () => {
    // The reader rules before the change timeline (#17), as group/resource:verb.
    const before = new Set(
      [
        ...[
          "configmaps",
          "endpoints",
          "events",
          "limitranges",
          "namespaces",
          "nodes",
          "persistentvolumeclaims",
        ],
        ...["persistentvolumes", "pods", "resourcequotas", "serviceaccounts", "services"],
      ]
        .map((r) => `/${r}`)
        .concat(["apps/daemonsets", "apps/deployments", "apps/replicasets", "apps/statefulsets"])
        .concat(["autoscaling/horizontalpodautoscalers", "batch/cronjobs", "batch/jobs"])
        .concat([
          "networking.k8s.io/ingressclasses",
          "networking.k8s.io/ingresses",
          "networking.k8s.io/networkpolicies",
        ])
        .concat(["policy/poddisruptionbudgets", "storage.k8s.io/storageclasses"])
        // Since #12 the reader watches only what the watcher watches (events).
        .flatMap((key) => ["get", "list"].map((verb) => `${key}:${verb}`))
        .concat(["/events:watch", "/pods/log:get"]),
    );
    const now = readerRules().flatMap((rule) =>
      (rule.resources ?? []).flatMap((resource) =>
        rule.verbs.map((verb) => `${rule.apiGroups?.[0]}/${resource}:${verb}`),
      ),
    );
    for (const key of before) expect(now, key).toContain(key);
    const added = now.filter((key) => !before.has(key)).sort();
    expect(added).toEqual(
      [
        "/secrets:list",
        ...["apps/controllerrevisions", "argoproj.io/applications", "helm.toolkit.fluxcd.io/helmreleases"]
          .concat(["kustomize.toolkit.fluxcd.io/kustomizations"])
          // #19: usage from metrics-server, read-only.
          .concat(["metrics.k8s.io/nodes", "metrics.k8s.io/pods"])
          .flatMap((key) => ["get", "list"].map((verb) => `${key}:${verb}`)),
      ].sort(),
    );
  });

  it("the executor role covers exactly the catalog's writes and never Secrets or RBAC", () => {
    const rules = executorRules();
    const granted = new Set(
      rules.flatMap((rule) =>
        (rule.resources ?? []).flatMap((resource) =>
          rule.verbs
            .filter((verb) => WRITE_VERBS.includes(verb))
            .map((verb) => `${rule.apiGroups?.[0]}/${resource}:${verb}`),
        ),
      ),
    );
    const needed = new Set<string>();
    const verbOf: Record<string, string> = { POST: "create", PATCH: "patch", DELETE: "delete" };
    for (const [key, allowed] of Object.entries(WRITE_PERMISSIONS)) {
      const [group = "", ...rest] = key.split("/");
      for (const method of [...allowed.collection, ...allowed.object])
        needed.add(`${group}/${rest.join("/")}:${verbOf[method]}`);
    }
    expect([...granted].sort()).toEqual([...needed].sort());
    const resources = rules.flatMap((rule) => rule.resources ?? []);
    for (const forbidden of FORBIDDEN_RESOURCES) expect(resources).not.toContain(forbidden);
  });

  it("runs remediation only in the executor Deployment, under the writer identity", () => {
    const executor = read("templates/deployment-executor.yaml");
    expect(executor).toContain('serviceAccountName: {{ include "k8s-triage-bot.writerServiceAccount" . }}');
    expect(executor).toContain('args: ["worker", "--queues", "remediations"]');
    const worker = read("templates/deployment-worker.yaml");
    expect(worker).toContain('serviceAccountName: {{ include "k8s-triage-bot.readerServiceAccount" . }}');
    expect(worker).toContain('args: ["worker", "--queues", "investigations,follow-ups,notifications"]');
    expect(read("templates/deployment-watcher.yaml")).toContain("readerServiceAccount");
    expect(read("templates/deployment-serve.yaml")).toContain("automountServiceAccountToken: false");
  });

  // Rendering with real Helm (unpacked from a dev dependency) is in test/integration/helm/.

  it("ships a Dockerfile that runs as non-root with a healthcheck on Node 22", () => {
    const dockerfile = readFileSync(join(chart, "..", "..", "Dockerfile"), "utf8");
    expect(dockerfile).toMatch(/^FROM node:22-slim AS build/m);
    expect(dockerfile).toMatch(/npm ci --omit=dev/);
    expect(dockerfile).toMatch(/^USER node$/m);
    expect(dockerfile).toMatch(/^HEALTHCHECK /m);
    expect(existsSync(join(chart, "..", "..", ".dockerignore"))).toBe(true);
  });
});
