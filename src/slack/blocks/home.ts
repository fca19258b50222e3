import type { types } from "@slack/bolt";
import type { Investigation } from "../../domain/investigation.js";
import { code } from "../mrkdwn.js";
import { investigationLine } from "./command.js";
import { type Block, contexts, divider, header, sections } from "./kit.js";
import { LIMITS } from "./limits.js";

/** How many investigations the Home tab lists (each takes one block; the view allows 100). */
export const HOME_LIMIT = 40;

/** The App Home tab: recent investigations with status and links to their threads. */
export function homeView(
  investigations: Investigation[],
  permalinks: ReadonlyMap<string, string>,
  now: Date,
): types.HomeView {
  const blocks: Block[] = [
    header("Kubernetes triage"),
    ...sections(
      `Run ${code("/triage <namespace> [what is wrong]")} in a channel, or post alerts to an incident channel. Results arrive in a thread with proposed fixes to approve.`,
    ),
    divider(),
  ];
  if (investigations.length === 0) {
    blocks.push(...sections("_No investigations yet._"));
  } else {
    for (const investigation of investigations.slice(0, HOME_LIMIT)) {
      blocks.push(...sections(investigationLine(investigation, permalinks.get(investigation.id))));
    }
  }
  blocks.push(...contexts([`Updated ${now.toISOString().slice(0, 16).replace("T", " ")} UTC`]));
  return { type: "home", blocks: blocks.slice(0, LIMITS.blocksPerHomeView) };
}
