import type { KubeObject } from "../../../../src/domain/kube.js";
import type { ClusterReader, ListOptions, LogOptions } from "../../../../src/k8s/reader.js";

const PLURALS: Record<string, string> = {
  Pod: "pods",
  Deployment: "deployments",
  ReplicaSet: "replicasets",
  StatefulSet: "statefulsets",
  Service: "services",
  Endpoints: "endpoints",
  Event: "events",
  PersistentVolumeClaim: "persistentvolumeclaims",
  StorageClass: "storageclasses",
  Secret: "secrets",
  ConfigMap: "configmaps",
  Node: "nodes",
};

function matchesSelector(object: KubeObject, selector: string | undefined): boolean {
  if (!selector) return true;
  return selector.split(",").every((term) => {
    const [key, value] = term.split("=");
    return key !== undefined && object.metadata.labels?.[key] === value;
  });
}

/** A ClusterReader over in-memory objects (no redaction: tests check the agent's own scrubbing). */
export class MemoryReader implements ClusterReader {
  requestCount = 0;
  readonly calls: string[] = [];
  constructor(
    private readonly objects: KubeObject[],
    private readonly logs: Record<string, string> = {},
    private readonly readyzBody = "[+]ping ok\nreadyz check passed",
  ) {}

  private of(plural: string): KubeObject[] {
    return this.objects.filter((o) => PLURALS[o.kind ?? ""] === plural);
  }

  async list(plural: string, options: ListOptions = {}): Promise<KubeObject[]> {
    this.requestCount++;
    this.calls.push(`list ${plural} ${options.namespace ?? "*"}`);
    return structuredClone(
      this.of(plural).filter(
        (o) =>
          (!options.namespace || o.metadata.namespace === options.namespace) &&
          matchesSelector(o, options.labelSelector),
      ),
    );
  }

  async get(plural: string, name: string, namespace?: string): Promise<KubeObject | undefined> {
    this.requestCount++;
    this.calls.push(`get ${plural} ${namespace ?? ""}/${name}`);
    const found = this.of(plural).find(
      (o) => o.metadata.name === name && (o.metadata.namespace ?? undefined) === namespace,
    );
    return found ? structuredClone(found) : undefined;
  }

  async podLog(namespace: string, pod: string, options: LogOptions = {}): Promise<string> {
    this.requestCount++;
    this.calls.push(`log ${namespace}/${pod}`);
    const text = this.logs[`${namespace}/${pod}${options.previous ? ":previous" : ""}`];
    if (text === undefined) throw new Error(`pods "${pod}" not found`);
    return text;
  }

  async readyz(): Promise<string> {
    this.requestCount++;
    return this.readyzBody;
  }

  async version(): Promise<string> {
    return "v1.31.0";
  }

  async watch(): Promise<void> {}
}
