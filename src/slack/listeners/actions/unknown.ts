import type { App } from "@slack/bolt";
import { errorMessage } from "../../../errors.js";
import { sections } from "../../blocks/kit.js";
import { APPROVE_ACTION_ID, DENY_ACTION_ID } from "../../blocks/proposal.js";
import type { ListenerDeps } from "../context.js";

const OURS = new Set<string>([APPROVE_ACTION_ID, DENY_ACTION_ID]);

/**
 * Any other action id (forged, or from an older message layout): acked so Slack does not show an
 * error, explained to the clicker, and nothing happens.
 */
export function register(app: App, deps: ListenerDeps): void {
  app.action(/.*/, async ({ ack, body, action }) => {
    const actionId = "action_id" in action ? action.action_id : undefined;
    if (actionId && OURS.has(actionId)) return;
    await ack();
    deps.logger.warn("refused an unknown action", { actionId, user: body.user.id });
    const channel = body.channel?.id;
    if (!channel) return;
    const text = "That button is not something I recognise. Nothing was changed.";
    await deps.poster
      .ephemeral(channel, body.user.id, { text, blocks: sections(text) })
      .catch((error: unknown) => {
        deps.logger.warn("cannot post ephemeral", { error: errorMessage(error) });
      });
  });
}
