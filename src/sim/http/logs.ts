import type { Pod } from "../../domain/kube.js";
import { badRequest, notFound } from "../status.js";
import type { Reply, ResourceRequest, SimContext } from "./context.js";

/**
 * `pods/log`: container logs from the store's log table, with the real kubelet's errors for a
 * missing container name, an unknown container, a container still waiting, and a missing
 * previous instance. `follow` returns what there is and ends; `timestamps` is ignored.
 */

function intParam(value: string | undefined, name: string): number | undefined {
  if (value === undefined || value === "") return undefined;
  const number = Number(value);
  if (!Number.isInteger(number) || number < 0)
    throw badRequest(`${name}: Invalid value: ${value}: must be greater than or equal to 0`);
  return number;
}

function tail(text: string, lines: number): string {
  if (lines === 0) return "";
  const trailing = text.endsWith("\n");
  const all = (trailing ? text.slice(0, -1) : text).split("\n");
  const kept = all.slice(Math.max(0, all.length - lines)).join("\n");
  return trailing ? `${kept}\n` : kept;
}

function pickContainer(pod: Pod, requested: string | undefined): string {
  const name = pod.metadata.name ?? "";
  const containers = (pod.spec?.containers ?? []).map((container) => container.name);
  const init = (pod.spec?.initContainers ?? []).map((container) => container.name);
  const ephemeral = ((pod.spec?.ephemeralContainers ?? []) as { name: string }[]).map(
    (container) => container.name,
  );
  if (requested) {
    if (![...containers, ...init, ...ephemeral].includes(requested))
      throw badRequest(`container ${requested} is not valid for pod ${name}`);
    return requested;
  }
  const preferred = pod.metadata.annotations?.["kubectl.kubernetes.io/default-container"];
  if (containers.length === 1) return containers[0]!;
  if (preferred && containers.includes(preferred)) return preferred;
  let message = `a container name must be specified for pod ${name}, choose one of: [${containers.join(" ")}]`;
  if (init.length > 0) message += ` or one of the init containers: [${init.join(" ")}]`;
  if (ephemeral.length > 0) message += ` or one of the ephemeral containers: [${ephemeral.join(" ")}]`;
  throw badRequest(message);
}

function waitingMessage(pod: Pod, container: string): string | undefined {
  const statuses = [...(pod.status?.containerStatuses ?? []), ...(pod.status?.initContainerStatuses ?? [])];
  const status = statuses.find((candidate) => candidate.name === container);
  const waiting = status?.state?.waiting;
  if (!status || !waiting || (status.restartCount ?? 0) > 0 || status.lastState?.terminated) return undefined;
  const reason = waiting.reason ?? "ContainerCreating";
  const why =
    reason === "ImagePullBackOff" || reason === "ErrImagePull" ? "trying and failing to pull image" : reason;
  return `container "${container}" in pod "${pod.metadata.name ?? ""}" is waiting to start: ${why}`;
}

export function getLog(context: SimContext, request: ResourceRequest): Reply {
  const { namespace = "", name = "" } = request.route;
  const pod = context.store.getStored("Pod", namespace, name) as Pod | undefined;
  if (!pod) throw notFound({ group: "", plural: "pods" }, name);
  const container = pickContainer(pod, request.query.container);
  const previous = request.query.previous === "true";
  const single = (pod.spec?.containers?.length ?? 0) === 1 || container === pod.spec?.containers?.[0]?.name;
  let text = context.store.logs.get(namespace, name, container, previous, single);
  if (text === undefined) {
    if (previous) throw badRequest(`previous terminated container "${container}" in pod "${name}" not found`);
    const waiting = waitingMessage(pod, container);
    if (waiting) throw badRequest(waiting);
    text = "";
  }
  const tailLines = intParam(request.query.tailLines, "tailLines");
  if (tailLines !== undefined) text = tail(text, tailLines);
  const limitBytes = intParam(request.query.limitBytes, "limitBytes");
  if (limitBytes !== undefined && limitBytes > 0)
    text = Buffer.from(text).subarray(0, limitBytes).toString("utf8");
  return { status: 200, raw: text, contentType: "text/plain" };
}
