import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { ConfigError } from "../errors.js";
import { installDebianPackages } from "./apt.js";

const run = promisify(execFile);

/** Where Debian's chromium package puts the browser. */
const CANDIDATES = ["/usr/bin/chromium", "/usr/bin/chromium-browser"];

/**
 * The headless Chromium binary, installing Debian's `chromium` (and a colour emoji font, so the
 * bot's symbols render as Slack shows them) when it is missing. Throws a ConfigError saying how
 * to install it when that is not possible.
 */
export function ensureChromium(log: (line: string) => void = () => {}): string {
  const found = CANDIDATES.find((path) => existsSync(path));
  if (found) return found;
  try {
    installDebianPackages(["chromium", "fonts-noto-color-emoji"], log);
  } catch (error) {
    throw new ConfigError(
      "CHROMIUM_MISSING",
      `headless Chromium is needed and could not be installed (${String(error)}); run: apt-get install -y chromium fonts-noto-color-emoji`,
    );
  }
  const installed = CANDIDATES.find((path) => existsSync(path));
  if (!installed)
    throw new ConfigError("CHROMIUM_MISSING", "apt-get installed chromium but no binary was found");
  return installed;
}

/** A viewport. */
export interface Viewport {
  width: number;
  height: number;
}

/**
 * Runs headless Chromium once on `url` with a fresh profile and nothing that talks to the
 * network on its own (no component updates, sync, background fetches).
 */
async function headless(binary: string, url: string, viewport: Viewport, extra: string[]): Promise<string> {
  const profile = mkdtempSync(join(tmpdir(), "k8s-triage-chromium-"));
  try {
    const { stdout } = await run(
      binary,
      [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--no-first-run",
        "--disable-component-update",
        "--disable-sync",
        "--hide-scrollbars",
        `--user-data-dir=${profile}`,
        `--window-size=${viewport.width},${viewport.height}`,
        ...extra,
        url,
      ],
      { timeout: 60_000, maxBuffer: 64 * 1024 * 1024 },
    );
    return stdout;
  } finally {
    rmSync(profile, { recursive: true, force: true });
  }
}

/** The DOM after the page's scripts ran (`--dump-dom`). */
export function dumpDom(binary: string, url: string, viewport: Viewport): Promise<string> {
  return headless(binary, url, viewport, ["--virtual-time-budget=5000", "--dump-dom"]);
}

/** A PNG screenshot of the viewport. */
export async function screenshot(
  binary: string,
  url: string,
  file: string,
  viewport: Viewport,
): Promise<void> {
  await headless(binary, url, viewport, ["--virtual-time-budget=5000", `--screenshot=${file}`]);
}
