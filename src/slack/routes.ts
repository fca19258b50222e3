import type { CustomRoute } from "@slack/bolt";
import { runReadiness } from "../health/index.js";
import type { SlackDeps } from "./deps.js";

/**
 * `/healthz` (the process is alive) and `/readyz` (its dependencies answer), served by Bolt's own
 * HTTP server next to `/slack/events`; other areas add `/alertmanager` and `/metrics` through
 * `SlackAppOptions.customRoutes`.
 */
export function healthRoutes(deps: Pick<SlackDeps, "readiness">): CustomRoute[] {
  return [
    {
      path: "/healthz",
      method: ["GET"],
      handler: (_req, res) => {
        res.writeHead(200, { "content-type": "text/plain", "cache-control": "no-store" });
        res.end("ok\n");
      },
    },
    {
      path: "/readyz",
      method: ["GET"],
      handler: (_req, res) => {
        runReadiness(deps.readiness).then((report) => {
          res.writeHead(report.ready ? 200 : 503, {
            "content-type": "application/json",
            "cache-control": "no-store",
          });
          res.end(`${JSON.stringify(report)}\n`);
        });
      },
    },
  ];
}
