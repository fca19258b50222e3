import { type ChildProcess, spawn } from "node:child_process";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { freePort } from "../../src/dev/local-redis.js";
import type { Rendered } from "./chart.js";

/**
 * Runs a rendered Deployment of the project's image as a local process, as a kubelet would run its
 * container: the image's ENTRYPOINT (`node dist/cli.js`) with the container's args, the env the
 * manifest gives (secretKeyRef values from the test's Secret, optional keys left out as Kubernetes
 * does), ConfigMap volumes written to a directory, and the service account's credentials as a
 * kubeconfig (what the projected token gives an in-cluster client). Every pod has its own network
 * namespace in Kubernetes; here each declared container port is mapped to a free loopback port and
 * env values naming the port are rewritten alike.
 */

interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: { secretKeyRef?: { name: string; key: string; optional?: boolean } };
}
interface Probe {
  httpGet: { path: string; port: string | number };
}
interface Container {
  name: string;
  args?: string[];
  env?: EnvVar[];
  ports?: { name?: string; containerPort: number }[];
  livenessProbe?: Probe;
  readinessProbe?: Probe;
  volumeMounts?: { name: string; mountPath: string }[];
}
/** The parts of a rendered Deployment the runner reads. */
export interface DeploymentObject extends Rendered {
  spec: {
    template: {
      spec: {
        serviceAccountName?: string;
        automountServiceAccountToken?: boolean;
        containers: Container[];
        volumes?: { name: string; configMap?: { name: string }; emptyDir?: unknown }[];
      };
    };
  };
}

/** A running pod (one replica). */
export interface LocalPod {
  component: string;
  serviceAccount: string | undefined;
  child: ChildProcess;
  /** Declared port name → the loopback port it is served on. */
  ports: Map<string, number>;
  env: Record<string, string>;
  output(): string;
  /** GET on a probe as the kubelet does it: the httpGet path on the named port; the status code. */
  probe(which: "livenessProbe" | "readinessProbe"): Promise<number | undefined>;
  stop(): Promise<void>;
}

export interface RunOptions {
  dist: string;
  cwd: string;
  objects: Rendered[];
  /** The Secret's data (the test supplies it; the chart only references it). */
  secret: Record<string, string>;
  /** A kubeconfig file for a ServiceAccount name, as its projected token would give. */
  kubeconfigFor(serviceAccount: string): string | undefined;
  workDir: string;
  /** Env the test adds on top (nothing the chart sets is overridden). */
  extraEnv?: Record<string, string>;
}

export async function runDeployment(deployment: DeploymentObject, options: RunOptions): Promise<LocalPod> {
  const pod = deployment.spec.template.spec;
  const container = pod.containers[0] as Container;
  const component = deployment.metadata.labels?.["app.kubernetes.io/component"] ?? deployment.metadata.name;
  const ports = new Map<string, number>();
  const remap = new Map<string, string>();
  for (const port of container.ports ?? []) {
    const local = await freePort();
    if (port.name) ports.set(port.name, local);
    remap.set(String(port.containerPort), String(local));
  }
  const env: Record<string, string> = { NODE_ENV: "production" };
  for (const variable of container.env ?? []) {
    if (variable.value !== undefined) env[variable.name] = remap.get(variable.value) ?? variable.value;
    const ref = variable.valueFrom?.secretKeyRef;
    if (ref) {
      const value = options.secret[ref.key];
      if (value !== undefined) env[variable.name] = value;
      else if (!ref.optional)
        throw new Error(`${component}: secret key ${ref.key} is required but not supplied`);
    }
  }
  // ConfigMap volumes become directories; env values under a mount path point into them.
  const root = join(options.workDir, component);
  const original = { ...env };
  for (const mount of container.volumeMounts ?? []) {
    const volume = pod.volumes?.find((candidate) => candidate.name === mount.name);
    const dir = join(root, mount.name);
    await mkdir(dir, { recursive: true });
    if (volume?.configMap) {
      const configMap = options.objects.find(
        (object) => object.kind === "ConfigMap" && object.metadata.name === volume.configMap?.name,
      ) as (Rendered & { data?: Record<string, string> }) | undefined;
      if (!configMap) throw new Error(`${component}: ConfigMap ${volume.configMap.name} was not rendered`);
      for (const [file, text] of Object.entries(configMap.data ?? {})) await writeFile(join(dir, file), text);
    }
    for (const [name, value] of Object.entries(original)) {
      if (value === mount.mountPath || value.startsWith(`${mount.mountPath}/`))
        env[name] = dir + value.slice(mount.mountPath.length);
    }
  }
  const serviceAccount = pod.serviceAccountName;
  if (serviceAccount && pod.automountServiceAccountToken !== false) {
    const kubeconfig = options.kubeconfigFor(serviceAccount);
    if (!kubeconfig) throw new Error(`${component}: no identity for ServiceAccount ${serviceAccount}`);
    env.KUBECONFIG = kubeconfig;
  }
  const full = { PATH: process.env.PATH ?? "", HOME: root, ...options.extraEnv, ...env };
  const child = spawn(process.execPath, [join(options.dist, "cli.js"), ...(container.args ?? [])], {
    cwd: options.cwd,
    env: full,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout?.on("data", (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr?.on("data", (chunk: Buffer) => {
    output += chunk.toString();
  });
  return {
    component,
    serviceAccount,
    child,
    ports,
    env: full,
    output: () => output,
    async probe(which) {
      const probe = container[which];
      if (!probe) return undefined;
      const port =
        typeof probe.httpGet.port === "number" ? probe.httpGet.port : ports.get(probe.httpGet.port);
      if (port === undefined)
        throw new Error(`${component}: ${which} names undeclared port ${probe.httpGet.port}`);
      try {
        const response = await fetch(`http://127.0.0.1:${port}${probe.httpGet.path}`, {
          signal: AbortSignal.timeout(1000),
        });
        await response.arrayBuffer();
        return response.status;
      } catch {
        return undefined;
      }
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
