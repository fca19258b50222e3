import type { TriageContext } from "../context.js";
import { type Finding, kubectl, makeFinding } from "../finding.js";
import { findContainer } from "../workloads.js";
import { byWorkload, inspectCommands, issuesOf, label, podEventQuotes, viewsOf } from "./common.js";

/** True when the pull error is about the registry itself, so any image from it would fail too. */
export function registryFailing(messages: string[]): boolean {
  const text = messages.join("\n");
  if (/not found|manifest unknown|does not exist|invalid reference/i.test(text)) return false;
  return /no such host|server misbehaving|lookup .* on .*:53|unauthorized|authentication required|denied|timeout|connection refused|TLS handshake/i.test(
    text,
  );
}

/** The registry host of an image reference (`docker.io` when none is named). */
export function registryOf(image: string): string {
  const first = image.split("/")[0] ?? "";
  const isHost = image.includes("/") && (first.includes(".") || first.includes(":") || first === "localhost");
  return isHost ? first : "docker.io";
}

/** What the kubelet's pull error means, in a phrase, from its verbatim message. */
export function diagnosePull(messages: string[], registry: string): string {
  const text = messages.join("\n");
  if (/no such host|server misbehaving|lookup .* on .*:53/i.test(text)) {
    return `the registry host ${registry} does not resolve (DNS lookup failed)`;
  }
  if (/unauthorized|authentication required|denied|forbidden|401|403/i.test(text)) {
    return `the registry ${registry} refused the pull credentials (check imagePullSecrets)`;
  }
  if (/not found|manifest unknown|does not exist/i.test(text))
    return "the image or tag does not exist in the registry";
  if (/InvalidImageName|invalid reference format/i.test(text)) return "the image name is invalid";
  if (/timeout|i\/o timeout|connection refused|TLS handshake/i.test(text)) {
    return `the registry ${registry} is unreachable from the node`;
  }
  return "the image cannot be pulled";
}

/** image-pull: containers waiting in ErrImagePull / ImagePullBackOff, with the kubelet's reason. */
export function checkImagePull(ctx: TriageContext): Finding[] {
  return byWorkload(issuesOf(ctx, ["image-pull"])).map((group) => {
    const views = viewsOf(group);
    const images: Record<string, string> = {};
    for (const { view, value } of group.items) {
      const image = findContainer(view.pod.spec, value.container)?.image ?? value.status.image;
      if (image) images[value.container] = image;
    }
    const imageList = [...new Set(Object.values(images))];
    // The kubelet's "Failed to pull image" carries the registry's answer: quote it first.
    const informative = (q: string) => Number(/Failed to pull image/.test(q));
    const events = podEventQuotes(
      views,
      ["Failed", "ErrImagePull", "BackOff", "InspectFailed"],
      /image|pull/i,
    ).sort((a, b) => informative(b) - informative(a));
    const states = group.items.map((item) => item.value.quote);
    const registry = registryOf(imageList[0] ?? "");
    const diagnosis = diagnosePull([...events, ...states], registry);
    const first = views[0];
    const w = group.workload;
    return makeFinding({
      category: "image-pull",
      resource: w,
      affected: views.map((v) => v.ref),
      evidence: [...events.slice(0, 4), ...states],
      confidence: events.length > 0 ? 0.95 : 0.9,
      summary: `${label(w)} cannot pull image ${imageList.join(", ")}: ${diagnosis}`,
      nextSteps: [
        `Check that ${imageList.join(", ")} exists and that ${registry} is reachable and resolvable from the nodes.`,
        "If a recent rollout introduced this image, roll back to the last revision that ran.",
      ],
      commands: [
        ...inspectCommands(w, first?.ref),
        ...(w.kind === "Deployment" ? [`${kubectl(w.namespace)} rollout history deployment/${w.name}`] : []),
      ],
      ...(w.kind === "Deployment"
        ? {
            fix: {
              type: "rollback" as const,
              workload: w,
              failingImages: images,
              ...(registryFailing([...events, ...states]) ? { avoidRegistry: registry } : {}),
            },
          }
        : {}),
    });
  });
}
