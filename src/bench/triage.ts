import type { ChildProcess } from "node:child_process";
import { KubeConfig } from "@kubernetes/client-node";
import { collectSnapshot } from "../k8s/collect.js";
import { ReadOnlyHttp } from "../k8s/http.js";
import { collectedKinds, resourcePath } from "../k8s/kinds.js";
import { createClusterReader } from "../k8s/kube-reader.js";
import { runBounded } from "../k8s/pool.js";
import { triage } from "../triage/index.js";
import { forkSibling } from "./fork.js";
import type { BenchContext, BenchRow, BenchSection, BenchSectionResult } from "./types.js";

/**
 * Triage of synthetic clusters (1k, 10k, 50k pods, ~5 events each) served by the simulated API
 * server in a child process: wall time of collect + triage, peak memory, API requests, and the
 * ratio to merely fetching and JSON-parsing the same lists (the floor any client pays).
 */

const SIZES = [1_000, 10_000, 50_000];
const PAGE_SIZE = 500;
const CONCURRENCY = 6;

interface ServedCluster {
  kc: KubeConfig;
  /** Objects served, by kind. */
  counts: Record<string, number>;
  /** The simulated cluster's clock. */
  clock: string;
  stop(): Promise<void>;
}

async function serve(pods: number): Promise<ServedCluster> {
  const child: ChildProcess = forkSibling(import.meta.url, "./sim-child", [String(pods)]);
  type Ready = { url: string; kubeconfig: string; counts: Record<string, number>; clock: string };
  const message = await new Promise<Ready>((resolve, reject) => {
    child.once("message", (value) => resolve(value as Ready));
    child.once("exit", (code) =>
      reject(new Error(`simulated cluster exited with code ${code} before serving`)),
    );
  });
  const kc = new KubeConfig();
  kc.loadFromString(message.kubeconfig);
  return {
    kc,
    counts: message.counts,
    clock: message.clock,
    stop: async () => {
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.disconnect();
      await exited;
    },
  };
}

/** Peak RSS and heap while `work` runs, sampled every 5 ms (plus before and after). */
async function measured<T>(
  work: () => Promise<T>,
): Promise<{ value: T; ms: number; peakRssMb: number; peakHeapMb: number }> {
  let peakRss = 0;
  let peakHeap = 0;
  const sample = () => {
    const usage = process.memoryUsage();
    peakRss = Math.max(peakRss, usage.rss);
    peakHeap = Math.max(peakHeap, usage.heapUsed);
  };
  sample();
  const timer = setInterval(sample, 5);
  const started = performance.now();
  try {
    const value = await work();
    const ms = performance.now() - started;
    sample();
    return { value, ms, peakRssMb: peakRss / 2 ** 20, peakHeapMb: peakHeap / 2 ** 20 };
  } finally {
    clearInterval(timer);
  }
}

/** The floor: the same list requests, pages and concurrency, with nothing done but JSON.parse. */
async function fetchAndParse(kc: KubeConfig): Promise<number> {
  const http = new ReadOnlyHttp(kc);
  let items = 0;
  try {
    await runBounded(
      collectedKinds().map((kind) => async () => {
        let token: string | undefined;
        do {
          const response = await http.get(resourcePath(kind), {
            query: { limit: PAGE_SIZE, continue: token },
          });
          const page = JSON.parse(response.body) as { items?: unknown[]; metadata?: { continue?: string } };
          items += page.items?.length ?? 0;
          token = page.metadata?.continue || undefined;
        } while (token);
      }),
      CONCURRENCY,
    );
  } finally {
    http.close();
  }
  return items;
}

async function collectAndTriage(kc: KubeConfig, now: string) {
  const reader = createClusterReader(kc, { pageSize: PAGE_SIZE });
  try {
    const collectStart = performance.now();
    const snapshot = await collectSnapshot(
      reader,
      { allNamespaces: true },
      { concurrency: CONCURRENCY, now },
    );
    const collectMs = performance.now() - collectStart;
    const triageStart = performance.now();
    const result = triage(snapshot);
    return { snapshot, result, collectMs, triageMs: performance.now() - triageStart };
  } finally {
    reader.close();
  }
}

/** List requests beyond the first page of each kind: the only requests allowed to grow. */
function extraPages(counts: Record<string, number>): number {
  return collectedKinds().reduce(
    (sum, kind) => sum + Math.max(0, Math.ceil((counts[kind.kind] ?? 0) / PAGE_SIZE) - 1),
    0,
  );
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
};

async function benchSize(
  pods: number,
  context: BenchContext,
): Promise<{ row: BenchRow; figures: Record<string, number> }> {
  context.progress(`  ${pods} pods: starting the simulated cluster`);
  const served = await serve(pods);
  try {
    // Warm both paths once (JIT, connection pool), then take the median of a few runs.
    const runs = pods >= 50_000 ? 1 : 3;
    await fetchAndParse(served.kc);
    await collectAndTriage(served.kc, served.clock);
    const baseline: number[] = [];
    const totals: number[] = [];
    let last: Awaited<ReturnType<typeof measured<Awaited<ReturnType<typeof collectAndTriage>>>>> | undefined;
    for (let i = 0; i < runs; i++) {
      context.progress(`  ${pods} pods: run ${i + 1}/${runs}`);
      const floor = performance.now();
      await fetchAndParse(served.kc);
      baseline.push(performance.now() - floor);
      last = await measured(() => collectAndTriage(served.kc, served.clock));
      totals.push(last.ms);
    }
    if (!last) throw new Error("no benchmark run");
    const { snapshot, result, collectMs, triageMs } = last.value;
    const totalMs = median(totals);
    const baselineMs = median(baseline);
    const figures = {
      pods: snapshot.pods.length,
      eventsServed: served.counts.Event ?? 0,
      eventsKept: snapshot.events.length,
      objects: Object.values(served.counts).reduce((a, b) => a + b, 0),
      apiRequests: snapshot.requestCount ?? 0,
      extraPages: extraPages(served.counts),
      fixedRequests: (snapshot.requestCount ?? 0) - extraPages(served.counts),
      logs: snapshot.logs.length,
      collectMs: Math.round(collectMs),
      triageMs: Math.round(triageMs),
      totalMs: Math.round(totalMs),
      fetchParseMs: Math.round(baselineMs),
      ratio: Number((totalMs / baselineMs).toFixed(2)),
      peakRssMb: Math.round(last.peakRssMb),
      peakHeapMb: Math.round(last.peakHeapMb),
      rootCauses: result.rootCauses.length,
      gaps: snapshot.gaps.length,
    };
    return { row: { ...figures }, figures };
  } finally {
    await served.stop();
  }
}

const section: BenchSection = {
  name: "triage",
  describe: "collect + deterministic triage of synthetic clusters through the simulated API server",
  async run(context: BenchContext): Promise<BenchSectionResult> {
    const sizes = context.quick ? SIZES.filter((size) => size < 50_000) : SIZES;
    const rows: BenchRow[] = [];
    const figures: Record<string, unknown> = {};
    for (const size of sizes) {
      const measuredSize = await benchSize(size, context);
      rows.push(measuredSize.row);
      figures[String(size)] = measuredSize.figures;
    }
    const at = (size: number) => figures[String(size)] as Record<string, number> | undefined;
    const tenK = at(10_000);
    const checks = [
      {
        name: "10,000 pods collected and triaged in under 2 s",
        ok: (tenK?.totalMs ?? Number.POSITIVE_INFINITY) < 2_000,
        detail: `${tenK?.totalMs ?? "?"} ms`,
      },
      {
        name: "collect + triage at most 2x fetching and parsing the same lists",
        ok: rows.every((row) => Number(row.ratio) <= 2),
        detail: rows.map((row) => `${row.pods} pods: ${row.ratio}x`).join(", "),
      },
      {
        // One request per kind, /version, /readyz, PodMetrics and NodeMetrics, and at most 20
        // logs; only extra pages may grow.
        name: "requests independent of pod count apart from list pages",
        ok: sizes.every(
          (size) =>
            (at(size)?.fixedRequests ?? Number.POSITIVE_INFINITY) <= collectedKinds().length + 2 + 2 + 20,
        ),
        detail: sizes
          .map(
            (size) =>
              `${size} pods: ${at(size)?.apiRequests} requests = ${at(size)?.fixedRequests} + ${at(size)?.extraPages} extra pages`,
          )
          .join(", "),
      },
    ];
    return {
      columns: [
        "pods",
        "eventsServed",
        "eventsKept",
        "apiRequests",
        "fixedRequests",
        "logs",
        "collectMs",
        "triageMs",
        "totalMs",
        "fetchParseMs",
        "ratio",
        "peakRssMb",
        "peakHeapMb",
        "rootCauses",
      ],
      rows,
      figures,
      checks,
    };
  },
};

export default section;
