import type { App } from "@slack/bolt";
import { errorMessage } from "../../../errors.js";
import { HOME_LIMIT, homeView } from "../../blocks/home.js";
import { archivesLink } from "../../links.js";
import type { ListenerDeps } from "../context.js";

/** App Home: recent investigations with status and links to their threads (views.publish). */
export function register(app: App, deps: ListenerDeps): void {
  app.event("app_home_opened", async ({ event }) => {
    if (event.tab !== "home") return;
    try {
      const investigations = await deps.store.recent(HOME_LIMIT);
      const links = new Map<string, string>();
      for (const item of investigations) {
        const url = archivesLink(item.thread);
        if (url) links.set(item.id, url);
      }
      await deps.poster.publishHome(event.user, homeView(investigations, links, deps.clock()));
    } catch (error) {
      deps.logger.warn("cannot publish App Home", { user: event.user, error: errorMessage(error) });
    }
  });
}
