// Copies non-TypeScript runtime assets (prompts, scenario state files) next to the compiled
// modules, because the code finds them relative to its own file (import.meta.url).
import { cpSync, existsSync, readdirSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const src = join(root, "src");
// `node scripts/copy-assets.mjs [OUT_DIR]`: OUT_DIR defaults to dist/ (the dist test builds elsewhere).
const dist = process.argv[2] ? resolve(process.argv[2]) : join(root, "dist");
const assetExtensions = [".md", ".yaml", ".yml"];

function walk(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) walk(path);
    else if (assetExtensions.some((ext) => entry.name.endsWith(ext))) {
      const target = join(dist, relative(src, path));
      cpSync(path, target);
    }
  }
}

if (!existsSync(dist)) throw new Error("dist/ does not exist: run tsc first");
walk(src);
