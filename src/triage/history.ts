import type { TriageContext } from "./context.js";
import { allEventsOf, quoteEvent } from "./events.js";
import { objectKey } from "./snapshot-index.js";
import { supersededBy } from "./superseded.js";

/** Most history lines kept in a result: enough to show what was discounted, short for Slack. */
const MAX_HISTORY = 10;

/**
 * Warnings in scope that a later success answered, quoted with what answered them
 * (`… — history: SuccessfulCreate at …`), so a reader sees they were weighed and discounted.
 */
export function supersededWarnings(ctx: TriageContext): string[] {
  const out: string[] = [];
  for (const event of ctx.snapshot.events) {
    if (event.type !== "Warning") continue;
    const involved = event.involvedObject;
    const namespace = involved.namespace ?? event.metadata.namespace;
    if (!ctx.inScope(namespace)) continue;
    const kind = involved.kind ?? "";
    const object = ctx.index.byKey.get(objectKey(kind, namespace, involved.name));
    const events = object ? allEventsOf(ctx.index, kind, object) : [];
    const answer = supersededBy(event, events, object);
    if (answer) out.push(`${quoteEvent(event)} — history: ${answer}`);
    if (out.length >= MAX_HISTORY) break;
  }
  return out;
}
