import type { App } from "@slack/bolt";
import * as approve from "./actions/approve.js";
import * as deny from "./actions/deny.js";
import * as unknownAction from "./actions/unknown.js";
import * as triage from "./commands/triage.js";
import type { ListenerDeps } from "./context.js";
import * as alertMessage from "./events/alert-message.js";
import * as appHomeOpened from "./events/app-home-opened.js";
import * as appMention from "./events/app-mention.js";

/** Registers every listener, bolt-js style: one `register(app, deps)` per handler file. */
export function registerListeners(app: App, deps: ListenerDeps): void {
  for (const listener of [triage, alertMessage, appMention, appHomeOpened, approve, deny, unknownAction]) {
    listener.register(app, deps);
  }
}
