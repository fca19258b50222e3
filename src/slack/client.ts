import { webApi } from "@slack/bolt";

/** Slack's Web API client, as Bolt and the notifier use it. */
export type SlackClient = webApi.WebClient;
export type SlackClientOptions = webApi.WebClientOptions;

/**
 * Client options shared by the Bolt app and the workers' notifier: the poster owns retries and
 * 429 handling (so it can keep per-channel order and turn exhaustion into a typed error), so the
 * client itself must not retry or sleep on rate limits.
 */
export function slackClientOptions(apiUrl: string | undefined): SlackClientOptions {
  const options: SlackClientOptions = {
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
    timeout: 10_000,
    logLevel: webApi.LogLevel.ERROR,
  };
  if (apiUrl) options.slackApiUrl = apiUrl.endsWith("/") ? apiUrl : `${apiUrl}/`;
  return options;
}

/** A Web API client for processes without Bolt (workers posting results). */
export function createSlackClient(token: string, apiUrl?: string): SlackClient {
  return new webApi.WebClient(token, slackClientOptions(apiUrl));
}
