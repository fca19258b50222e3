import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { TRIAGE_USAGE_HINT } from "../../../src/slack/blocks/command.js";
import { BOT_EVENTS, METHOD_SCOPES, methodsCalledIn, requiredScopes } from "../../../src/slack/scopes.js";

interface Manifest {
  features: {
    slash_commands: { command: string; usage_hint: string; url: string }[];
    app_home: { home_tab_enabled: boolean };
  };
  oauth_config: { scopes: { bot: string[] } };
  settings: {
    event_subscriptions: { request_url: string; bot_events: string[] };
    interactivity: { is_enabled: boolean; request_url: string };
  };
}

const manifest = parse(readFileSync("manifest.yml", "utf8")) as Manifest;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sourceFiles(path) : path.endsWith(".ts") ? [path] : [];
  });
}

// scopes.ts documents the call forms it scans for; it calls nothing itself.
const callers = sourceFiles("src/slack").filter((file) => !file.endsWith("scopes.ts"));
const called = [...new Set(callers.flatMap((file) => methodsCalledIn(readFileSync(file, "utf8"))))].sort();

describe("manifest.yml", () => {
  it("finds the Web API calls the code makes", () => {
    expect(called).toEqual(
      expect.arrayContaining([
        "chat.postMessage",
        "chat.update",
        "reactions.add",
        "views.publish",
        "filesUploadV2",
      ]),
    );
  });

  it("knows the scope of every Web API method the code calls", () => {
    expect(called.filter((method) => !(method in METHOD_SCOPES))).toEqual([]);
  });

  it("asks for exactly the bot scopes the code and its event subscriptions use", () => {
    const events = manifest.settings.event_subscriptions.bot_events;
    expect([...manifest.oauth_config.scopes.bot].sort()).toEqual(requiredScopes(called, events));
  });

  it("subscribes to exactly the events the listeners handle, with interactivity on /slack/events", () => {
    expect([...manifest.settings.event_subscriptions.bot_events].sort()).toEqual([...BOT_EVENTS].sort());
    expect(manifest.settings.interactivity.is_enabled).toBe(true);
    expect(manifest.settings.interactivity.request_url).toMatch(/\/slack\/events$/);
    expect(manifest.settings.event_subscriptions.request_url).toMatch(/\/slack\/events$/);
    expect(manifest.features.app_home.home_tab_enabled).toBe(true);
  });

  it("declares /triage with the usage hint the help text shows", () => {
    expect(manifest.features.slash_commands).toEqual([
      expect.objectContaining({ command: "/triage", usage_hint: TRIAGE_USAGE_HINT }),
    ]);
  });

  it("scans call sites of every form", () => {
    expect(
      methodsCalledIn(
        'client.chat.postMessage({}); this.client.usergroups.users.list({}); client.filesUploadV2({}); web.apiCall("team.info")',
      ),
    ).toEqual(["chat.postMessage", "filesUploadV2", "team.info", "usergroups.users.list"]);
  });
});
