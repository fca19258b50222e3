import type { SlackDeps } from "../deps.js";
import type { SlackPoster } from "../poster.js";
import type { GroupResolver } from "../usergroups.js";

/** What every listener gets: the app's dependencies plus the Slack-side helpers built from them. */
export interface ListenerDeps extends SlackDeps {
  poster: SlackPoster;
  groups: GroupResolver;
  /** The slash command's name, `/triage` unless configured otherwise. */
  commandName: string;
  /** How long inbound event ids are remembered to drop Slack's retries. */
  eventTtlSeconds: number;
}
