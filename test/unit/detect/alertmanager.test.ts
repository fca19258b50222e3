import { describe, expect, it } from "vitest";
import { alertMessage } from "../../../src/detect/alert-blocks.js";
import { alertmanagerPayloadSchema, groupAlerts } from "../../../src/detect/alertmanager.js";
import { firingPayload } from "../../fixtures/detect/alertmanager-payloads.js";

describe("Alertmanager payloads", () => {
  it("groups alerts per workload: two crash-looping pods of one Deployment are one group", () => {
    const payload = alertmanagerPayloadSchema.parse(firingPayload());
    const { groups, skipped } = groupAlerts(payload);
    expect(groups).toHaveLength(2);
    const gateway = groups.find((group) => group.workload?.name === "api-gateway");
    expect(gateway).toMatchObject({
      namespace: "prod-api",
      status: "firing",
      alertnames: ["KubePodCrashLooping"],
    });
    expect(gateway?.alerts).toHaveLength(2);
    expect(groups.find((group) => group.workload?.name === "payment-service")?.workload?.kind).toBe(
      "Deployment",
    );
    expect(skipped).toEqual(["NodeDiskPressure: no namespace label, cannot pick what to triage"]);
  });

  it("keeps the same group key for the resolved notification of the same group", () => {
    const firing = groupAlerts(alertmanagerPayloadSchema.parse(firingPayload())).groups;
    const resolvedPayload = firingPayload({ status: "resolved" });
    for (const alert of resolvedPayload.alerts as { status: string }[]) alert.status = "resolved";
    const resolved = groupAlerts(alertmanagerPayloadSchema.parse(resolvedPayload)).groups;
    expect(resolved.map((group) => group.key).sort()).toEqual(firing.map((group) => group.key).sort());
    expect(resolved.every((group) => group.status === "resolved")).toBe(true);
  });

  it("rejects payloads that are not version 4 or have no alerts, naming the field", () => {
    const result = alertmanagerPayloadSchema.safeParse(firingPayload({ version: "3", alerts: [] }));
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((issue) => issue.path.join("."))).toEqual(
      expect.arrayContaining(["version", "alerts"]),
    );
  });

  it("renders a firing and a resolved message with escaped, untrusted summary text", () => {
    const [group] = groupAlerts(alertmanagerPayloadSchema.parse(firingPayload())).groups;
    if (!group) throw new Error("no group");
    group.summary = "<!channel> & friends";
    const firing = alertMessage(group, "2026-11-21T03:05:00Z");
    expect(firing.text).toMatch(/^🔥 FIRING: KubePodCrashLooping in prod-api \(deployment\/api-gateway\)/);
    expect(JSON.stringify(firing.blocks)).toContain("&lt;!channel&gt; &amp; friends");
    const resolved = alertMessage({ ...group, status: "resolved" }, "2026-11-21T03:05:00Z");
    expect(resolved.text).toMatch(/^✅ RESOLVED/);
  });
});

describe("Alertmanager payloads from several clusters", () => {
  it("splits the same workload of two clusters into two groups named by the cluster label", () => {
    const payload = alertmanagerPayloadSchema.parse(firingPayload());
    const unlabelled = groupAlerts(payload).groups;
    const alerts = payload.alerts.filter(
      (alert) => alert.labels.deployment === "api-gateway" || alert.labels.pod,
    );
    const first = alerts[0];
    expect(first).toBeDefined();
    const twoClusters = {
      ...payload,
      alerts: [
        { ...first, labels: { ...first?.labels, cluster: "eu-1" } },
        { ...first, labels: { ...first?.labels, cluster: "us-1" } },
      ],
    } as typeof payload;
    const groups = groupAlerts(twoClusters).groups;
    expect(groups.map((group) => group.cluster).sort()).toEqual(["eu-1", "us-1"]);
    expect(new Set(groups.map((group) => group.key)).size).toBe(2);
    // Alerts without the label keep the keys they always had.
    expect(unlabelled.every((group) => group.cluster === undefined)).toBe(true);
    const custom = {
      ...payload,
      alerts: [{ ...first, labels: { ...first?.labels, k8s_cluster: "ap-1" } }],
    } as typeof payload;
    expect(groupAlerts(custom, { clusterLabel: "k8s_cluster" }).groups[0]?.cluster).toBe("ap-1");
  });
});
