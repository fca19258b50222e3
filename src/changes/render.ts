import type { Change } from "../domain/changes.js";

/** One line per change, oldest first: `14:26:00Z  rollout  Deployment shop/api  image … (by helm)`. */
export function renderTimeline(changes: Change[], limit = 50): string {
  if (changes.length === 0) return "No changes recorded in the window.";
  const shown = changes.slice(-limit);
  const lines = shown.map((change) => {
    const where = change.resource.namespace
      ? `${change.resource.kind} ${change.resource.namespace}/${change.resource.name}`
      : `${change.resource.kind} ${change.resource.name}`;
    const by = change.manager ? ` (by ${change.manager})` : "";
    const details = change.details.length > 1 ? `\n    ${change.details.slice(0, 8).join("\n    ")}` : "";
    return `${change.at}  ${change.kind.padEnd(14)} ${where}: ${change.summary}${by}${details}`;
  });
  const cut =
    changes.length > shown.length ? [`(${changes.length - shown.length} older changes not shown)`] : [];
  return [...cut, ...lines].join("\n");
}
