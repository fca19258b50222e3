/**
 * The standard kube-state-metrics and cAdvisor series the deterministic checks read, as PromQL
 * for one namespace (and optionally a set of pods). Each answers one number per container.
 */

/** A PromQL string literal (double-quoted, escaped). */
export function promString(value: string): string {
  return JSON.stringify(value);
}

/** RE2 literal of a name (pod names are DNS labels, but escape anyway). */
function reLiteral(value: string): string {
  return value.replace(/[\\.+*?()|[\]{}^$]/g, "\\$&");
}

/** `namespace="ns"` plus `pod=~"a|b"` when pods are given. */
export function scopeMatchers(namespace: string, pods: string[] = []): string {
  const ns = `namespace=${promString(namespace)}`;
  return pods.length > 0 ? `${ns}, pod=~${promString(pods.map(reLiteral).join("|"))}` : ns;
}

const BY = "by (namespace, pod, container)";

/** The container-level checks, keyed by the {@link ContainerMetrics} field each fills. */
export function containerQueries(namespace: string, pods: string[] = []) {
  const s = scopeMatchers(namespace, pods);
  const cadvisor = `${s}, container!="", container!="POD"`;
  return {
    restarts: `max ${BY} (kube_pod_container_status_restarts_total{${s}})`,
    // One container's counter never resets (a new pod is a new series): max - min is exact.
    restartsLastHour: `max ${BY} (max_over_time(kube_pod_container_status_restarts_total{${s}}[1h]) - min_over_time(kube_pod_container_status_restarts_total{${s}}[1h]))`,
    lastTerminatedOOMKilled: `max ${BY} (kube_pod_container_status_last_terminated_reason{${s}, reason="OOMKilled"})`,
    throttledRatio: `sum ${BY} (rate(container_cpu_cfs_throttled_periods_total{${cadvisor}}[5m])) / sum ${BY} (rate(container_cpu_cfs_periods_total{${cadvisor}}[5m]))`,
    workingSetBytes: `max ${BY} (container_memory_working_set_bytes{${cadvisor}})`,
    peakWorkingSetBytes: `max ${BY} (max_over_time(container_memory_working_set_bytes{${cadvisor}}[1h]))`,
    memoryLimitBytes: `max ${BY} (kube_pod_container_resource_limits{${s}, resource="memory"})`,
  } as const;
}

/** The working set of one container over time (the memory chart). */
export function workingSetQuery(namespace: string, pod: string, container: string): string {
  return `max by (pod, container) (container_memory_working_set_bytes{namespace=${promString(namespace)}, pod=${promString(pod)}, container=${promString(container)}})`;
}
