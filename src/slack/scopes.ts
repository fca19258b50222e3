/**
 * The OAuth scopes behind everything the app does, so manifest.yml can ask for exactly these
 * (a test scans src/slack for Web API calls and compares with the manifest).
 */

/** Web API method → bot scopes it needs (empty: no scope required). */
export const METHOD_SCOPES: Readonly<Record<string, readonly string[]>> = {
  "auth.test": [],
  "chat.postMessage": ["chat:write"],
  "chat.update": ["chat:write"],
  "chat.delete": ["chat:write"],
  "chat.postEphemeral": ["chat:write"],
  "chat.getPermalink": [],
  "reactions.add": ["reactions:write"],
  "views.publish": [],
  "usergroups.users.list": ["usergroups:read"],
  // The web client's files.uploadV2 = files.getUploadURLExternal + upload + files.completeUploadExternal.
  filesUploadV2: ["files:write"],
  "files.getUploadURLExternal": ["files:write"],
  "files.completeUploadExternal": ["files:write"],
};

/** Event subscription → bot scope it needs. */
export const EVENT_SCOPES: Readonly<Record<string, string | undefined>> = {
  app_mention: "app_mentions:read",
  "message.channels": "channels:history",
  "message.groups": "groups:history",
  app_home_opened: undefined,
};

/** Scopes for features that are not method calls or events. */
export const FEATURE_SCOPES = { slashCommands: "commands" } as const;

/** The events the listeners subscribe to (manifest `bot_events`). */
export const BOT_EVENTS = ["app_home_opened", "app_mention", "message.channels", "message.groups"] as const;

/**
 * Web API methods called in a source file: `client.chat.postMessage(`, `client.usergroups.users.list(`,
 * `client.filesUploadV2(` and `.apiCall("method")`.
 */
export function methodsCalledIn(source: string): string[] {
  const found = new Set<string>();
  for (const match of source.matchAll(/\bclient\.([a-z]+(?:\.[a-zA-Z]+){1,2})\s*\(/g)) {
    if (match[1]) found.add(match[1]);
  }
  for (const match of source.matchAll(/\bclient\.(filesUploadV2)\s*\(/g)) {
    if (match[1]) found.add(match[1]);
  }
  for (const match of source.matchAll(/\.apiCall\(\s*["'`]([a-zA-Z.]+)["'`]/g)) {
    if (match[1]) found.add(match[1]);
  }
  return [...found].sort();
}

/** The bot scopes needed for the given methods and events. */
export function requiredScopes(methods: readonly string[], events: readonly string[]): string[] {
  const scopes = new Set<string>([FEATURE_SCOPES.slashCommands]);
  for (const method of methods) for (const scope of METHOD_SCOPES[method] ?? []) scopes.add(scope);
  for (const event of events) {
    const scope = EVENT_SCOPES[event];
    if (scope) scopes.add(scope);
  }
  return [...scopes].sort();
}
