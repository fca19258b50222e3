import { describe, expect, it } from "vitest";
import { triage } from "../../../src/triage/index.js";
import {
  app,
  crashLoop,
  ingress,
  log,
  networkPolicy,
  service,
  snapshot,
} from "../../fixtures/triage/builders.js";
import { evidenceHas, onlyCause } from "./helpers.js";

describe("service-no-endpoints", () => {
  it("a selector that matches no pod, with the near-miss workload quoted", () => {
    const api = app("payments", { labels: { app: "payments" } });
    const svc = service("payments", { app: "payment" });
    const { cause } = onlyCause(
      snapshot("default", api.part, { services: [svc], ingresses: [ingress("shop", "payments", 80)] }),
      "service-no-endpoints",
    );
    expect(cause.resource).toEqual({ kind: "Service", namespace: "default", name: "payments" });
    expect(evidenceHas(cause, "selector app=payment matches no pods in default")).toBe(true);
    expect(evidenceHas(cause, "Deployment default/payments pod labels app=payments")).toBe(true);
    expect(cause.affected).toContainEqual({ kind: "Ingress", namespace: "default", name: "shop" });
  });

  it("a Service in front of failing pods is not itself the cause", () => {
    const api = app("api", { state: crashLoop(1) });
    const result = triage(snapshot("default", api.part, { services: [service("api", { app: "api" })] }));
    expect(result.rootCauses.map((c) => c.category)).toEqual(["crash-loop"]);
  });
});

describe("ingress-misconfigured", () => {
  it("routes to a Service that does not exist, or to a port it does not expose", () => {
    const web = app("web");
    const { cause } = onlyCause(
      snapshot("default", web.part, {
        services: [service("web", { app: "web" })],
        ingresses: [ingress("site", "webb", 80)],
      }),
      "ingress-misconfigured",
    );
    expect(evidenceHas(cause, "-> service webb:80, which does not exist in default")).toBe(true);
    const wrongPort = triage(
      snapshot("default", app("web").part, {
        services: [service("web", { app: "web" })],
        ingresses: [ingress("site", "web", 8443)],
      }),
    );
    expect(wrongPort.rootCauses[0]?.evidence[0]).toContain("port 8443, but the Service exposes http/80");
  });
});

describe("dependency-unavailable", () => {
  function chain() {
    const db = app("postgres", {
      namespace: "shop",
      state: { waiting: "ImagePullBackOff", message: 'Back-off pulling image "postgres:99"' },
    });
    const api = app("orders", { namespace: "shop", replicas: 3, state: crashLoop(1) });
    const logs = api.pods.map((pod) =>
      log(
        pod,
        "orders",
        "starting\nFATAL: dial tcp postgres.shop.svc.cluster.local:5432: connect: connection refused\n",
      ),
    );
    return snapshot("shop", db.part, api.part, {
      services: [service("postgres", { app: "postgres" }, { namespace: "shop", port: 5432 })],
      logs,
    });
  }

  it("links the crash-looping client to the failing Service's own cause, which ranks first", () => {
    const result = triage(chain());
    expect(result.rootCauses.map((c) => c.category)).toEqual(["image-pull", "dependency-unavailable"]);
    const [dbCause, appCause] = result.rootCauses;
    expect(appCause?.causedBy).toBe(dbCause?.id);
    expect(appCause?.resource).toEqual({ kind: "Deployment", namespace: "shop", name: "orders" });
    expect(evidenceHas(appCause!, "postgres.shop.svc.cluster.local:5432: connect: connection refused")).toBe(
      true,
    );
    expect(evidenceHas(appCause!, "Service shop/postgres (selector app=postgres): 0 of 1 pods ready")).toBe(
      true,
    );
    // The dependency lists its dependents among what it affects.
    expect(dbCause?.affected).toContainEqual({ kind: "Deployment", namespace: "shop", name: "orders" });
  });

  it("a refused connection to a healthy Service stays a crash loop", () => {
    const db = app("postgres", { namespace: "shop" });
    const api = app("orders", { namespace: "shop", state: crashLoop(1) });
    const logs = [log(api.pods[0]!, "orders", "dial tcp postgres:5432: connect: connection refused")];
    const result = triage(
      snapshot("shop", db.part, api.part, {
        services: [service("postgres", { app: "postgres" }, { namespace: "shop" })],
        logs,
      }),
    );
    expect(result.rootCauses.map((c) => c.category)).toEqual(["crash-loop"]);
  });

  it("a bare word that happens to be a Service name is not a host", () => {
    const db = app("cache", { namespace: "shop", state: crashLoop(1) });
    const api = app("orders", { namespace: "shop", state: crashLoop(1) });
    const logs = [log(api.pods[0]!, "orders", "warming cache failed: connection refused by upstream")];
    const result = triage(
      snapshot("shop", db.part, api.part, {
        services: [service("cache", { app: "cache" }, { namespace: "shop" })],
        logs,
      }),
    );
    expect(result.rootCauses.map((c) => c.category)).toEqual(["crash-loop", "crash-loop"]);
  });

  it("a Service with no endpoints at all is the cause its clients wait on", () => {
    const api = app("orders", { namespace: "shop", state: crashLoop(1) });
    const logs = [log(api.pods[0]!, "orders", "redis: dial tcp redis:6379: connect: connection refused")];
    const result = triage(
      snapshot("shop", api.part, {
        services: [service("redis", { app: "redis" }, { namespace: "shop" })],
        logs,
      }),
    );
    expect(result.rootCauses.map((c) => c.id)).toEqual([
      "service-no-endpoints:Service/shop/redis",
      "dependency-unavailable:Deployment/shop/orders",
    ]);
    expect(result.rootCauses[1]?.causedBy).toBe("service-no-endpoints:Service/shop/redis");
  });
});

describe("dependency cycles", () => {
  it("two services that wait on each other: both reported, the chain is never closed", () => {
    const a = app("alpha", { namespace: "x", state: crashLoop(1) });
    const b = app("beta", { namespace: "x", state: crashLoop(1) });
    const logs = [
      log(a.pods[0]!, "alpha", "dial tcp beta:80: connect: connection refused"),
      log(b.pods[0]!, "beta", "dial tcp alpha:80: connect: connection refused"),
    ];
    const services = [
      service("alpha", { app: "alpha" }, { namespace: "x" }),
      service("beta", { app: "beta" }, { namespace: "x" }),
    ];
    const result = triage(snapshot("x", a.part, b.part, { services, logs }));
    expect(result.rootCauses.map((c) => c.category)).toEqual([
      "dependency-unavailable",
      "dependency-unavailable",
    ]);
    const linked = result.rootCauses.filter((c) => c.causedBy !== undefined);
    expect(linked).toHaveLength(1);
    expect(result.rootCauses[0]?.id).toBe(linked[0]?.causedBy);
  });
});

describe("network-policy", () => {
  it("a default-deny ingress policy in front of a healthy Service the client times out on", () => {
    const db = app("postgres", { namespace: "shop" });
    const api = app("orders", { namespace: "shop", state: crashLoop(1) });
    const logs = [log(api.pods[0]!, "orders", "dial tcp postgres.shop:5432: i/o timeout")];
    const deny = networkPolicy("deny-all", { podSelector: {}, policyTypes: ["Ingress"] }, "shop");
    const { cause, result } = onlyCause(
      snapshot("shop", db.part, api.part, {
        services: [
          service("postgres", { app: "postgres" }, { namespace: "shop", port: 5432, targetPort: 5432 }),
        ],
        logs,
        networkPolicies: [deny],
      }),
      "network-policy",
    );
    expect(cause.resource).toEqual({ kind: "NetworkPolicy", namespace: "shop", name: "deny-all" });
    expect(evidenceHas(cause, "dial tcp postgres.shop:5432: i/o timeout")).toBe(true);
    expect(result.rootCauses.map((c) => c.category)).toEqual(["network-policy"]);
  });

  it("a policy whose rule admits the client is not blamed", () => {
    const db = app("postgres", { namespace: "shop" });
    const api = app("orders", { namespace: "shop", state: crashLoop(1) });
    const logs = [log(api.pods[0]!, "orders", "dial tcp postgres.shop:5432: i/o timeout")];
    const allow = networkPolicy(
      "db",
      {
        podSelector: { matchLabels: { app: "postgres" } },
        policyTypes: ["Ingress"],
        ingress: [{ from: [{ podSelector: { matchLabels: { app: "orders" } } }], ports: [{ port: 5432 }] }],
      },
      "shop",
    );
    const result = triage(
      snapshot("shop", db.part, api.part, {
        services: [
          service("postgres", { app: "postgres" }, { namespace: "shop", port: 5432, targetPort: 5432 }),
        ],
        logs,
        networkPolicies: [allow],
      }),
    );
    expect(result.rootCauses.map((c) => c.category)).toEqual(["crash-loop"]);
  });

  it("egress isolation without a DNS rule, from a DNS timeout", () => {
    const api = app("orders", { namespace: "shop", state: crashLoop(1) });
    const logs = [
      log(
        api.pods[0]!,
        "orders",
        "dial tcp: lookup api.stripe.com on 10.96.0.10:53: read udp 10.0.0.5:4000->10.96.0.10:53: i/o timeout",
      ),
    ];
    const egress = networkPolicy(
      "lockdown",
      {
        podSelector: { matchLabels: { app: "orders" } },
        policyTypes: ["Egress"],
        egress: [{ to: [{ podSelector: { matchLabels: { app: "postgres" } } }], ports: [{ port: 5432 }] }],
      },
      "shop",
    );
    const { cause } = onlyCause(
      snapshot("shop", api.part, { logs, networkPolicies: [egress] }),
      "network-policy",
    );
    expect(cause.evidence.join("\n")).toContain("no egress rule allows DNS (port 53)");
  });
});
