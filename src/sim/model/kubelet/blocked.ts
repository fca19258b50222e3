import type { Cluster } from "../cluster.js";
import { containerConfigError } from "./config.js";
import { type ContainerInput, type ContainerResult, imageId, waitingStatus } from "./container-types.js";
import { pullAttempts } from "./cycle.js";
import { pullFailure } from "./images.js";

/** A container that cannot start yet: image pull failing or config missing. */
export function blocked(cluster: Cluster, input: ContainerInput): ContainerResult | undefined {
  const { pod, container, source } = input;
  const fieldPath = `spec.${input.init ? "initContainers" : "containers"}{${container.name}}`;
  const image = container.image ?? "";
  const failure = image ? pullFailure(cluster, pod, image) : undefined;
  if (failure) {
    const attempts = pullAttempts(input.eligibleMs, cluster.nowMs);
    const events = cluster.events;
    const timeline = { firstMs: input.eligibleMs, fieldPath };
    events.timeline(pod, "Normal", "Pulling", `Pulling image "${image}"`, source, {
      ...timeline,
      count: attempts.failures + 1,
    });
    if (attempts.failures === 0)
      return {
        status: waitingStatus(input, input.init ? "PodInitializing" : "ContainerCreating"),
        started: false,
        final: false,
        ready: false,
      };
    const count = attempts.failures;
    const lastMs = attempts.lastFailureMs ?? cluster.nowMs;
    events.timeline(pod, "Warning", "Failed", `Failed to pull image "${image}": ${failure.message}`, source, {
      ...timeline,
      count,
      lastMs,
    });
    events.timeline(pod, "Warning", "Failed", "Error: ErrImagePull", source, { ...timeline, count, lastMs });
    events.timeline(pod, "Normal", "BackOff", `Back-off pulling image "${image}"`, source, {
      ...timeline,
      count,
    });
    events.timeline(pod, "Warning", "Failed", "Error: ImagePullBackOff", source, { ...timeline, count });
    const status = attempts.fresh
      ? waitingStatus(input, "ErrImagePull", failure.message)
      : waitingStatus(input, "ImagePullBackOff", `Back-off pulling image "${image}"`);
    return { status, started: false, final: false, ready: false };
  }
  const configError = containerConfigError(cluster, pod, container);
  if (configError) {
    const timeline = { firstMs: input.eligibleMs, fieldPath };
    cluster.events.timeline(
      pod,
      "Normal",
      "Pulled",
      `Container image "${image}" already present on machine`,
      source,
      { ...timeline, count: 1 },
    );
    const retries = pullAttempts(input.eligibleMs - 1000, cluster.nowMs).failures;
    cluster.events.timeline(pod, "Warning", "Failed", `Error: ${configError}`, source, {
      ...timeline,
      count: Math.max(1, retries),
    });
    const status = waitingStatus(input, "CreateContainerConfigError", configError);
    status.imageID = imageId(image);
    return { status, started: false, final: false, ready: false };
  }
  return undefined;
}
