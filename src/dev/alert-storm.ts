import { createHash } from "node:crypto";

/**
 * An Alertmanager storm as kube-prometheus-stack sends it: `alerts` firing alerts over
 * `workloads` Deployments in `namespaces` namespaces, each with the full kube-state-metrics label
 * set, the mixin's description/summary/runbook annotations and a Prometheus generatorURL. Used
 * by the webhook tests and `npm run bench` to size and time real-shaped deliveries.
 */
export function alertStorm(options: {
  alerts: number;
  workloads: number;
  namespaces?: number;
  groupKey?: string;
}) {
  const namespaces = options.namespaces ?? 3;
  const hex = (seed: string, length: number) =>
    createHash("sha256").update(seed).digest("hex").slice(0, length);
  const alerts = Array.from({ length: options.alerts }, (_, i) => {
    const w = i % options.workloads;
    const namespace = `prod-${["api", "web", "data", "edge", "jobs"][w % namespaces] ?? "api"}`;
    const workload = `service-${w}`;
    const pod = `${workload}-7d9f8b6c5d-${hex(`pod${i}`, 5).replace(/[0-9]/g, "x")}`;
    const container = i % 3 === 0 ? "istio-proxy" : workload;
    const expr = `max_over_time(kube_pod_container_status_waiting_reason{job="kube-state-metrics",namespace=~".*",reason="CrashLoopBackOff"}[5m]) >= 1`;
    return {
      status: "firing",
      labels: {
        alertname: "KubePodCrashLooping",
        cluster: "prod-eu-west-1",
        container,
        endpoint: "http",
        instance: `10.42.${w % 250}.${i % 250}:8080`,
        job: "kube-state-metrics",
        namespace,
        pod,
        prometheus: "monitoring/kube-prometheus-stack-prometheus",
        reason: "CrashLoopBackOff",
        service: "kube-prometheus-stack-kube-state-metrics",
        severity: "warning",
        team: ["payments", "checkout", "platform"][w % 3] ?? "platform",
        uid: `${hex(`uid${i}`, 8)}-${hex(`a${i}`, 4)}-${hex(`b${i}`, 4)}-${hex(`c${i}`, 4)}-${hex(`d${i}`, 12)}`,
      },
      annotations: {
        description: `Pod ${namespace}/${pod} (${container}) is in waiting state (reason: "CrashLoopBackOff") on cluster prod-eu-west-1; it has restarted ${5 + (i % 40)} times in the last hour. Check the container logs and recent rollouts of ${workload}.`,
        dashboard_url: `https://grafana.example.com/d/85a562078cdf77779eaa1add43ccec1e/kubernetes-compute-resources-pod?var-namespace=${namespace}&var-pod=${pod}`,
        runbook_url: "https://runbooks.prometheus-operator.dev/runbooks/kubernetes/kubepodcrashlooping",
        summary: "Pod is crash looping.",
      },
      startsAt: new Date(Date.UTC(2026, 10, 21, 3, 0, i % 60)).toISOString(),
      endsAt: "0001-01-01T00:00:00Z",
      generatorURL: `http://kube-prometheus-stack-prometheus.monitoring:9090/graph?g0.expr=${encodeURIComponent(expr)}&g0.tab=1`,
      fingerprint: hex(`fp${i}`, 16),
    };
  });
  return {
    version: "4",
    groupKey: options.groupKey ?? '{}/{severity="warning"}:{alertname="KubePodCrashLooping"}',
    truncatedAlerts: 0,
    status: "firing",
    receiver: "triage-bot",
    groupLabels: { alertname: "KubePodCrashLooping" },
    commonLabels: { alertname: "KubePodCrashLooping", job: "kube-state-metrics", severity: "warning" },
    commonAnnotations: { summary: "Pod is crash looping." },
    externalURL: "http://kube-prometheus-stack-alertmanager.monitoring:9093",
    alerts,
  };
}
