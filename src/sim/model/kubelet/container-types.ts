import type { Container, ContainerStatus, Pod } from "../../../domain/kube.js";
import type { EventSource } from "../events.js";
import { hexFrom } from "../util/hash.js";
import { parseImage } from "./images.js";

/** One container to bring up to date. */
export interface ContainerInput {
  pod: Pod;
  container: Container;
  init: boolean;
  previous: ContainerStatus | undefined;
  /** When the container could first start (sandbox ready, or the previous init container done). */
  eligibleMs: number;
  source: EventSource;
}

/** The container's new status and what the pod needs to know about it. */
export interface ContainerResult {
  status: ContainerStatus;
  /** Ever started (a pod with a started app container is Running). */
  started: boolean;
  /** Finished successfully and will not run again (gates the next init container). */
  completedMs?: number;
  /** Finished and will not run again (any exit code). */
  final: boolean;
  ready: boolean;
  readyMs?: number;
}

/** The `pod=` part of kubelet messages: name_namespace(uid). */
export function podLabel(pod: Pod): string {
  return `${pod.metadata.name}_${pod.metadata.namespace}(${pod.metadata.uid ?? ""})`;
}

export function imageId(image: string): string {
  const ref = parseImage(image);
  return `${ref.registry}/${ref.repository}@sha256:${hexFrom(ref.normalized, 64)}`;
}

export function waitingStatus(input: ContainerInput, reason: string, message?: string): ContainerStatus {
  const previous = input.previous;
  return {
    name: input.container.name,
    state: { waiting: message === undefined ? { reason } : { reason, message } },
    lastState: previous?.lastState ?? {},
    ready: false,
    restartCount: previous?.restartCount ?? 0,
    image: input.container.image ?? "",
    imageID: previous?.imageID ?? "",
    started: false,
  };
}
