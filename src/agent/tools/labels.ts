/**
 * Where a piece of evidence came from, in an on-call engineer's words: the tool call behind a
 * `toolu_…` id, rendered as "logs of pod X, previous container". Unknown shapes fall back to the
 * tool's name; the input is the model's (untrusted) and is only ever shown escaped.
 */
export function toolCallLabel(name: string, input: unknown): string {
  const i = (typeof input === "object" && input !== null ? input : {}) as Record<string, unknown>;
  const text = (key: string) => (typeof i[key] === "string" ? (i[key] as string) : undefined);
  const object = [text("kind"), text("name")].filter(Boolean).join(" ");
  switch (name) {
    case "pod_logs": {
      const container = text("container") ? `container ${text("container")}` : "its container";
      return `logs of pod ${text("pod") ?? "?"}, ${i.previous === true ? `previous ${container}` : container}`;
    }
    case "get_resource":
      return object ? `the ${object} object` : "an object read from the cluster";
    case "describe":
      return object ? `describe ${object}` : "a describe of an object";
    case "get_events":
      return object ? `events of ${object}` : `events in ${text("namespace") ?? "the namespace"}`;
    case "list_resources":
      return `list of ${text("kind") ?? "objects"} in ${text("namespace") ?? "the namespace"}`;
    case "owner_chain":
      return object ? `owners of ${object}` : "an ownership chain";
    case "service_endpoints":
      return `endpoints of Service ${text("name") ?? text("service") ?? "?"}`;
    case "rollout_history":
      return `rollout history of ${object || "a workload"}`;
    case "storage_classes":
      return "the cluster's StorageClasses";
    case "readyz":
      return "the API server's /readyz";
    case "resource_usage":
      return `metrics-server usage in ${text("namespace") ?? "the namespace"}`;
    case "dry_run_action":
      return "a server-side dry run";
    default:
      return `the ${name} lookup`;
  }
}
