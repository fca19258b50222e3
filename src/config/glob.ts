/** Matches simple globs (`*` any run, `?` one char) such as `prod-*`; anchored, case-sensitive. */
export function globMatch(pattern: string, value: string): boolean {
  if (pattern === "*") return true;
  const source = pattern
    .replace(/[.+^${}()|[\]\\]/g, "\\$&")
    .replace(/\*/g, ".*")
    .replace(/\?/g, ".");
  return new RegExp(`^${source}$`).test(value);
}

/** True when any of the patterns matches. */
export function anyGlob(patterns: readonly string[], value: string): boolean {
  return patterns.some((pattern) => globMatch(pattern, value));
}
