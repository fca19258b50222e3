import type { App, BlockButtonAction } from "@slack/bolt";
import { DENY_ACTION_ID } from "../../blocks/proposal.js";
import type { ListenerDeps } from "../context.js";
import { decisionHandler } from "./decide.js";

/** The Deny button of a proposed remediation. */
export function register(app: App, deps: ListenerDeps): void {
  app.action<BlockButtonAction>(DENY_ACTION_ID, decisionHandler(deps, "deny"));
}
