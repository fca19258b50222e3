import type { AllMiddlewareArgs, BlockButtonAction, SlackActionMiddlewareArgs } from "@slack/bolt";
import type { Investigation, ProposalRecord } from "../../../domain/investigation.js";
import { errorMessage } from "../../../errors.js";
import { placeMismatch } from "../../../queue/decisions.js";
import { DEFAULT_CLUSTER } from "../../../queue/scope.js";
import { approvalStartDeadline, isWellFormedToken } from "../../../queue/tokens.js";
import { type SlackMessage, sections } from "../../blocks/kit.js";
import { proposalMessages } from "../../blocks/proposal.js";
import type { Decision, DecisionPlace, DecisionResult } from "../../deps.js";
import { escapeMrkdwn, mentionIds, mentionUser, slackDate } from "../../mrkdwn.js";
import type { ListenerDeps } from "../context.js";

type ButtonArgs = SlackActionMiddlewareArgs<BlockButtonAction> & AllMiddlewareArgs;

function notice(text: string): SlackMessage {
  return { text, blocks: sections(text) };
}

/** The refusal in words, naming who decided first. */
function refusalText(result: Exclude<DecisionResult, { ok: true }>): string {
  const when = result.at ? ` ${slackDate(result.at)}` : "";
  switch (result.reason) {
    case "already-approved":
      return `Already approved by ${mentionUser(result.by)}${when}. Nothing else was changed.`;
    case "already-denied":
      return `Already denied by ${mentionUser(result.by)}${when}. Nothing was changed.`;
    case "expired":
      return `This proposal expired${when}. Nothing was changed; run /triage again for a fresh proposal.`;
    case "unknown-token":
      return "This proposal is unknown or no longer valid. Nothing was changed.";
    case "wrong-message":
      return "This button does not belong to the proposal shown in this message. Nothing was changed.";
  }
}

/** Re-renders the clicked message from the record (buttons gone once decided or expired). */
async function rerender(
  deps: ListenerDeps,
  channel: string,
  ts: string,
  investigation: Investigation,
  record: ProposalRecord,
): Promise<void> {
  const index = investigation.proposals.findIndex((item) => item.token === record.token);
  const messages = proposalMessages(
    record,
    { index: Math.max(0, index), total: investigation.proposals.length },
    deps.clock(),
    investigation.trigger.cluster
      ? { clusterName: investigation.trigger.cluster }
      : deps.clusterName
        ? { clusterName: deps.clusterName }
        : {},
  );
  const last = messages[messages.length - 1];
  // The buttons sit on the last part of a split proposal, which is the message that was clicked.
  if (last) await deps.poster.update(channel, ts, last);
}

/**
 * Approve / Deny. The button carries only the proposal's opaque token. Acks at once, then:
 * well-formed token → known proposal → clicked in the message it was posted in → authorized approver (policy users/groups per namespace
 * and channel) → atomic first-wins decision (an approval enqueues the remediation). Every
 * refusal is explained ephemerally to the clicker and changes nothing; the message is then
 * re-rendered with who decided and when, and the buttons are gone.
 */
export function decisionHandler(deps: ListenerDeps, decision: Decision) {
  return async ({ ack, body, action, respond }: ButtonArgs): Promise<void> => {
    await ack();
    const user = body.user.id;
    const channel = body.channel?.id ?? body.container?.channel_id;
    const messageTs = body.message?.ts ?? body.container?.message_ts;
    const threadTs = body.message?.thread_ts;
    if (!channel) return;
    // Refusals go back through the action's response_url: it has its own budget, so a burst of
    // refused clicks does not queue paced chat.postEphemeral calls behind the channel's posts.
    const ephemeral = (text: string) =>
      deps.poster.ephemeral(channel, user, notice(text), threadTs).catch((error: unknown) => {
        deps.logger.warn("cannot post ephemeral", { error: errorMessage(error) });
      });
    const tell = async (text: string) => {
      if (!body.response_url) return ephemeral(text);
      try {
        await respond({ response_type: "ephemeral", replace_original: false, ...notice(text) });
      } catch (error) {
        deps.logger.warn("cannot answer through response_url", { error: errorMessage(error) });
        await ephemeral(text);
      }
    };
    try {
      const token = action.value ?? "";
      if (!isWellFormedToken(token)) {
        deps.logger.warn("refused a malformed proposal token", { user, channel });
        await tell("This button is not a valid proposal. Nothing was changed.");
        return;
      }
      const found = await deps.store.findByToken(token);
      if (!found) {
        await tell("This proposal is unknown or no longer valid. Nothing was changed.");
        return;
      }
      const place: DecisionPlace = {
        channel,
        ...(messageTs ? { messageTs } : {}),
        ...(threadTs ? { threadTs } : {}),
      };
      const misplaced = placeMismatch(found.investigation, found.proposal, place);
      if (misplaced) {
        // The clicked message is left exactly as it was: it never showed this proposal.
        await deps.producer.recordRefusal({
          investigationId: found.investigation.id,
          actor: user,
          decision,
          reason: "wrong-message",
          detail: misplaced,
          place,
        });
        deps.logger.warn("refused a decision from another message", {
          user,
          decision,
          investigationId: found.investigation.id,
          reason: misplaced,
        });
        await tell(refusalText({ ok: false, reason: "wrong-message", message: misplaced }));
        return;
      }
      const proposal = found.proposal.proposal;
      const groups = await deps.groups.groupsOf(user);
      // Approvers may be scoped per cluster: the policy as the proposal's own cluster sees it.
      const cluster = found.investigation.trigger.cluster;
      const policy = deps.clusters ? deps.clusters.policyFor(cluster ?? DEFAULT_CLUSTER) : deps.policy;
      const allowed = deps.authorize(policy, {
        userId: user,
        userGroups: groups,
        channel,
        namespace: proposal.target.namespace,
        risk: proposal.risk,
        ...(found.investigation.trigger.requestedBy
          ? { requestedBy: found.investigation.trigger.requestedBy }
          : {}),
      });
      if (!allowed.allow) {
        deps.logger.info("unauthorized decision refused", { user, decision, proposalId: proposal.id });
        await tell(
          `You can't ${decision} this: ${mentionIds(escapeMrkdwn(allowed.reason))}. Nothing was changed.`,
        );
        return;
      }
      const result = await deps.producer.decide(token, decision, user, place);
      if (!result.ok) {
        await tell(refusalText(result));
        if (result.reason === "wrong-message") return;
        // The clicked message is re-rendered once per state (buttons gone, who decided), however
        // many refused clicks arrive: each re-render is a paced chat.update.
        const current = await deps.store.findByToken(token);
        if (
          current &&
          messageTs &&
          (await deps.once.claim(`rerender:${token}:${current.proposal.state}`, 24 * 3600))
        )
          await rerender(deps, channel, messageTs, current.investigation, current.proposal);
        return;
      }
      deps.logger.info("proposal decided", {
        user,
        decision,
        proposalId: proposal.id,
        investigationId: result.investigation.id,
      });
      if (messageTs) {
        await deps.once.claim(`rerender:${token}:${result.proposal.state}`, 24 * 3600);
        await rerender(deps, channel, messageTs, result.investigation, result.proposal);
      }
      if (decision === "approve" && deps.clusters) {
        // The job waits on its own cluster's queue; say so when no executor there is beating.
        const routed = await deps.clusters
          .route({
            namespace: proposal.target.namespace,
            cluster: cluster ?? DEFAULT_CLUSTER,
            needs: "remediations",
          })
          .catch(() => undefined);
        if (routed && !routed.ok) {
          await tell(
            `Approved, but it cannot run yet: ${escapeMrkdwn(routed.problem.replace(/ Nothing was started.*$/, ""))} It runs if the executor is back by ${slackDate(approvalStartDeadline(result.proposal).toISOString())}; after that it is not applied, and you can run \`/triage ${escapeMrkdwn(proposal.target.namespace)}\` again.`,
          );
        }
      }
    } catch (error) {
      deps.logger.error("decision failed", { user, decision, error: errorMessage(error) });
      await tell(
        `Sorry, that did not go through: ${escapeMrkdwn(errorMessage(error))}. Try again in a moment.`,
      );
    }
  };
}
