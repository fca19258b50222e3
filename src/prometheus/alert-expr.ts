/**
 * The PromQL expression behind an alert, from its `generatorURL`: Prometheus links every alert to
 * `<prometheus>/graph?g0.expr=<expr>&g0.tab=1`. Undefined when the URL is absent, unparsable or
 * carries no expression (Alertmanager alerts from other sources).
 */
export function alertExpression(generatorURL: string | undefined): string | undefined {
  if (!generatorURL) return undefined;
  let url: URL;
  try {
    url = new URL(generatorURL);
  } catch {
    return undefined;
  }
  const expr = url.searchParams.get("g0.expr")?.trim();
  // One PromQL expression of a rule is at most a few KiB; anything bigger is not a rule's.
  return expr && expr.length <= 8192 ? expr : undefined;
}
