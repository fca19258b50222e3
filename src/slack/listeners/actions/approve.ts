import type { App, BlockButtonAction } from "@slack/bolt";
import { APPROVE_ACTION_ID } from "../../blocks/proposal.js";
import type { ListenerDeps } from "../context.js";
import { decisionHandler } from "./decide.js";

/** The Approve button of a proposed remediation. */
export function register(app: App, deps: ListenerDeps): void {
  app.action<BlockButtonAction>(APPROVE_ACTION_ID, decisionHandler(deps, "approve"));
}
