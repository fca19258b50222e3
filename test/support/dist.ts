import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, readdir, readFile, rename, rm } from "node:fs/promises";
import { join, relative } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);
const ROOT = join(import.meta.dirname, "..", "..");

async function files(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await files(path)));
    else out.push(path);
  }
  return out.sort();
}

/** A hash of everything the build reads, so a cached build is reused only while it is current. */
async function sourceHash(): Promise<string> {
  const hash = createHash("sha256");
  const inputs = [
    ...(await files(join(ROOT, "src"))),
    join(ROOT, "tsconfig.json"),
    join(ROOT, "tsconfig.build.json"),
    join(ROOT, "scripts", "copy-assets.mjs"),
  ];
  for (const path of inputs) {
    hash.update(relative(ROOT, path));
    hash.update(await readFile(path));
  }
  return hash.digest("hex").slice(0, 16);
}

/**
 * Builds the project exactly as `npm run build` does (tsc with tsconfig.build.json, then the asset
 * copy) into node_modules/.cache/k8s-triage/dist-<hash>/ and returns that directory. Node resolves
 * the packages from the repository's node_modules, as in the image. Several test files may ask at
 * once: each builds into its own temporary directory and the first rename wins.
 */
export async function builtDist(): Promise<string> {
  const cache = join(ROOT, "node_modules", ".cache", "k8s-triage");
  const target = join(cache, `dist-${await sourceHash()}`);
  if (existsSync(join(target, "cli.js"))) return target;
  await mkdir(cache, { recursive: true });
  const temporary = `${target}.tmp-${process.pid}-${Date.now()}`;
  const tsc = join(ROOT, "node_modules", "typescript", "bin", "tsc");
  await run(process.execPath, [tsc, "-p", join(ROOT, "tsconfig.build.json"), "--outDir", temporary], {
    cwd: ROOT,
  });
  await run(process.execPath, [join(ROOT, "scripts", "copy-assets.mjs"), temporary], { cwd: ROOT });
  try {
    await rename(temporary, target);
  } catch {
    // Another test file finished the same build first; use it.
    await rm(temporary, { recursive: true, force: true });
  }
  return target;
}
