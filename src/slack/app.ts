import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { App, type CustomRoute } from "@slack/bolt";
import { ConfigError, errorMessage } from "../errors.js";
import { boltLogger } from "./bolt-logger.js";
import { createSlackClient, slackClientOptions } from "./client.js";
import type { SlackDeps } from "./deps.js";
import type { ListenerDeps } from "./listeners/context.js";
import { registerListeners } from "./listeners/index.js";
import { SlackNotifier } from "./notifier.js";
import { type PosterOptions, SlackPoster } from "./poster.js";
import { createReceiver } from "./receiver.js";
import { dropRedeliveries } from "./redelivery.js";
import { type RouteServer, startRouteServer } from "./route-server.js";
import { healthRoutes } from "./routes.js";
import { createGroupResolver } from "./usergroups.js";

/** How the Slack app connects and serves. */
export interface SlackAppOptions {
  /** xoxb- bot token. */
  botToken: string;
  /** Verifies every HTTP request (v0 HMAC-SHA256, 5-minute window both ways). */
  signingSecret: string;
  /** xapp- token: Socket Mode instead of the HTTP receiver when set. */
  appToken?: string;
  /** Web API base (a local fake in tests and the demo). */
  apiUrl?: string;
  /** HTTP port (0 for any free port); in Socket Mode, the port of the health routes. */
  port?: number;
  /** Listen address (default all interfaces; tests use 127.0.0.1). */
  host?: string;
  /**
   * Extra routes on the same server, e.g. `/alertmanager` and `/metrics`; the function form gets
   * the app's poster (the Alertmanager route posts alerts through it).
   */
  customRoutes?: CustomRoute[] | ((slack: { poster: SlackPoster }) => CustomRoute[]);
  /** Slash command name (default `/triage`). */
  commandName?: string;
  /** Poster tuning (pacing, retries); tests shorten the waits. */
  poster?: Omit<PosterOptions, "client" | "logger">;
  /** How long inbound event ids are remembered to drop Slack retries (default 1 h). */
  eventTtlSeconds?: number;
}

/** A running (or startable) Slack app and the pieces workers reuse. */
export interface SlackApp {
  app: App;
  poster: SlackPoster;
  notifier: SlackNotifier;
  /** Bot identity from auth.test. */
  bot: { userId: string; botId: string; teamId?: string };
  /** Starts listening; returns the HTTP port (the health port in Socket Mode). */
  start(): Promise<{ port: number }>;
  stop(): Promise<void>;
}

/**
 * Tells "Slack refused the token" (a platform error such as invalid_auth: fix the token) from
 * "Slack could not be reached" (network, DNS, TLS, a 5xx or a 429: wait and retry); the two need
 * different actions, so they get different codes.
 */
export function slackAuthError(error: unknown, apiUrl: string | undefined): ConfigError {
  const code = (error as { code?: string } | undefined)?.code;
  const where = apiUrl ?? "https://slack.com/api/";
  if (
    code === "slack_webapi_request_error" ||
    code === "slack_webapi_http_error" ||
    code === "slack_webapi_rate_limited_error"
  ) {
    const original = (error as { original?: unknown }).original;
    return new ConfigError(
      "SLACK_UNREACHABLE",
      `Slack at ${where} is unreachable: ${errorMessage(original ?? error)} (the token was not checked)`,
      { cause: error },
    );
  }
  return new ConfigError("SLACK_AUTH", `SLACK_BOT_TOKEN was refused by Slack: ${errorMessage(error)}`, {
    cause: error,
  });
}

/**
 * Builds the Bolt app: verifies the token (auth.test) so a wrong token fails at startup with a
 * clear error, registers the listeners (behind the redelivery check), and mounts `/healthz`,
 * `/readyz` and any extra routes on the same server as `/slack/events`. In Socket Mode (an app
 * token) Slack's requests come over the WebSocket and the routes get a server of their own.
 */
export async function createSlackApp(deps: SlackDeps, options: SlackAppOptions): Promise<SlackApp> {
  const client = createSlackClient(options.botToken, options.apiUrl);
  let identity: { userId: string; botId: string; teamId?: string };
  try {
    const auth = await client.auth.test();
    if (!auth.user_id || !auth.bot_id)
      throw new Error("auth.test did not name a bot user (is this a bot token?)");
    identity = {
      userId: auth.user_id,
      botId: auth.bot_id,
      ...(auth.team_id ? { teamId: auth.team_id } : {}),
    };
  } catch (error) {
    throw slackAuthError(error, options.apiUrl);
  }
  const logger = deps.logger.child({ component: "slack" });
  // Listeners, routes and workers all post through one poster, so per-channel pacing is shared.
  const poster = new SlackPoster({ client, logger, ...options.poster });
  const extra =
    typeof options.customRoutes === "function"
      ? options.customRoutes({ poster })
      : (options.customRoutes ?? []);
  const routes = [...healthRoutes(deps), ...extra];
  const socketMode = Boolean(options.appToken);
  const bolt = boltLogger(logger);
  const app = new App({
    token: options.botToken,
    botId: identity.botId,
    botUserId: identity.userId,
    logger: bolt,
    // No conversation state is kept in Bolt (all state is in Redis): skip its per-request middleware.
    convoStore: false,
    clientOptions: slackClientOptions(options.apiUrl),
    ...(socketMode
      ? {
          socketMode: true,
          appToken: options.appToken,
          // The routes get their own server (see route-server.ts): Bolt's ignores the host.
          // Socket Mode opens its connection with its own Web API client: point it at the same API.
          installerOptions: { clientOptions: slackClientOptions(options.apiUrl) },
        }
      : {
          // Bolt's receiver behind our two-sided timestamp window and 413 connection rule.
          receiver: createReceiver({
            signingSecret: options.signingSecret,
            port: options.port ?? 3000,
            customRoutes: routes,
            boltLogger: bolt,
            logger,
          }),
        }),
  });
  const notifier = new SlackNotifier({
    poster,
    store: deps.store,
    policy: deps.policy,
    clock: deps.clock,
    logger,
    ...(deps.clusterName ? { clusterName: deps.clusterName } : {}),
  });
  const listenerDeps: ListenerDeps = {
    ...deps,
    logger,
    poster,
    groups: createGroupResolver({
      policy: deps.policy,
      members: (group) => poster.groupMembers(group),
      logger,
    }),
    commandName: options.commandName ?? "/triage",
    eventTtlSeconds: options.eventTtlSeconds ?? 3600,
  };
  app.use(dropRedeliveries({ once: deps.once, logger, ttlSeconds: listenerDeps.eventTtlSeconds }));
  registerListeners(app, listenerDeps);
  app.error(async (error) => {
    logger.error("unhandled error in a Slack listener", { error: errorMessage(error), code: error.code });
  });

  let server: Server | undefined;
  let routeServer: RouteServer | undefined;
  return {
    app,
    poster,
    notifier,
    bot: identity,
    async start() {
      if (socketMode) {
        // Health first, as with HTTP: the process answers /healthz while the socket connects.
        routeServer = await startRouteServer(routes, {
          port: options.port ?? 3000,
          ...(options.host ? { host: options.host } : {}),
        });
        try {
          await app.start();
        } catch (error) {
          await routeServer.close();
          routeServer = undefined;
          throw error;
        }
        return { port: routeServer.port };
      }
      const listen = options.host
        ? { port: options.port ?? 3000, host: options.host }
        : (options.port ?? 3000);
      server = (await app.start(listen)) as Server;
      return { port: (server.address() as AddressInfo).port };
    },
    async stop() {
      server?.closeAllConnections();
      await routeServer?.close();
      await app.stop();
    },
  };
}
