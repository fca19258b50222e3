import { randomBytes } from "node:crypto";
import { rcaFromTriage } from "../agent/fallback.js";
import type { RemediationProposal } from "../domain/actions.js";
import type { Investigation } from "../domain/investigation.js";
import type { RcaReport } from "../domain/rca.js";
import type { TriageResult } from "../domain/types.js";
import { errorMessage } from "../errors.js";
import type { Logger } from "../log.js";
import type { InvestigationStore } from "../queue/store.js";
import { investigationView, rcaView, slackLink, triageView } from "./views.js";

/** URI of the list of recent investigations (subscribe to hear about new incidents). */
export const INVESTIGATIONS_URI = "triage://investigations";

/** URI of one investigation. */
export function investigationUri(id: string): string {
  return `${INVESTIGATIONS_URI}/${encodeURIComponent(id)}`;
}

/** A triage this server ran itself (the `triage` tool); kept in memory, newest last. */
export interface LocalRun {
  id: string;
  namespace: string;
  ranAt: string;
  triage: TriageResult;
  rca: RcaReport;
}

/** One line of the investigation list. */
export interface InvestigationSummary {
  id: string;
  uri: string;
  origin: "store" | "mcp";
  namespace: string;
  source: string;
  status: string;
  createdAt: string;
  headline?: string;
  severity?: string;
  categories: string[];
  slackLink?: string;
}

/** How many of its own runs the server remembers. */
const LOCAL_LIMIT = 50;

/**
 * Recent investigations from two places: the Redis investigation store that the watcher, the
 * Alertmanager webhook and Slack write (when REDIS_URL is set), and the triages this server ran.
 */
export class InvestigationCatalog {
  private readonly local: LocalRun[] = [];

  constructor(
    readonly store: InvestigationStore | undefined,
    private readonly options: {
      slackWorkspaceUrl?: string;
      log?: Logger;
      /** Namespaces this server may show (the policy's); other investigations stay hidden. */
      visible?: (namespace: string) => boolean;
    } = {},
  ) {}

  private visible(namespace: string): boolean {
    return this.options.visible?.(namespace) ?? true;
  }

  /** A store read that degrades to "nothing stored" when Redis is away (logged, not thrown). */
  private async fromStore<T>(what: string, read: (store: InvestigationStore) => Promise<T>, fallback: T) {
    if (!this.store) return fallback;
    try {
      return await read(this.store);
    } catch (error) {
      this.options.log?.warn(`cannot read ${what} from the investigation store`, {
        error: errorMessage(error),
      });
      return fallback;
    }
  }

  /** Records a triage the server ran; returns it with its id. */
  recordLocal(triage: TriageResult, now: Date): LocalRun {
    const run: LocalRun = {
      id: `mcp-${now.getTime().toString(36)}-${randomBytes(3).toString("hex")}`,
      namespace: triage.namespace,
      ranAt: now.toISOString(),
      triage,
      rca: rcaFromTriage(triage, "run by the MCP server's triage tool (deterministic engine)"),
    };
    this.local.push(run);
    if (this.local.length > LOCAL_LIMIT) this.local.shift();
    return run;
  }

  /** The newest local run of a namespace. */
  latestLocal(namespace: string): LocalRun | undefined {
    return this.local.findLast((run) => run.namespace === namespace);
  }

  /** Newest first; store records first fetched, then merged with local runs by time. */
  async recent(limit = 20): Promise<InvestigationSummary[]> {
    const stored = await this.fromStore("recent investigations", (store) => store.recent(limit), []);
    const all = [
      ...stored.filter((record) => this.visible(record.trigger.namespace)).map((r) => this.summaryOf(r)),
      ...this.local.map((run) => localSummary(run)),
    ];
    return all.sort((a, b) => b.createdAt.localeCompare(a.createdAt)).slice(0, limit);
  }

  /** The stored record or local run, or undefined. */
  async find(id: string): Promise<{ record: Investigation } | { run: LocalRun } | undefined> {
    const run = this.local.find((candidate) => candidate.id === id);
    if (run) return { run };
    const record = id.startsWith("mcp-")
      ? undefined
      : await this.fromStore(`investigation ${id}`, (store) => store.get(id), undefined);
    return record && this.visible(record.trigger.namespace) ? { record } : undefined;
  }

  /** The JSON a client reads for one investigation, or undefined when unknown or expired. */
  async view(id: string): Promise<unknown | undefined> {
    const found = await this.find(id);
    if (!found) return undefined;
    if ("record" in found) return investigationView(found.record, this.options.slackWorkspaceUrl);
    const { run } = found;
    return {
      id: run.id,
      origin: "mcp",
      status: "completed",
      createdAt: run.ranAt,
      trigger: { source: "mcp", namespace: run.namespace, receivedAt: run.ranAt },
      triage: triageView(run.triage),
      rca: rcaView(run.rca),
      proposals: run.triage.remediations.map((proposal) => ({ id: proposal.id, state: "not offered" })),
    };
  }

  /** A proposal of an investigation, with the Slack thread it can be approved in. */
  async proposal(
    id: string,
    proposalId: string,
  ): Promise<{ proposal: RemediationProposal; namespace: string; slackLink?: string } | undefined> {
    const found = await this.find(id);
    if (!found) return undefined;
    if ("run" in found) {
      const proposal = found.run.triage.remediations.find((candidate) => candidate.id === proposalId);
      return proposal ? { proposal, namespace: found.run.namespace } : undefined;
    }
    const { record } = found;
    const proposal =
      record.proposals.find((entry) => entry.proposal.id === proposalId)?.proposal ??
      record.triage?.remediations.find((candidate) => candidate.id === proposalId);
    if (!proposal) return undefined;
    const link = slackLink(record.thread, this.options.slackWorkspaceUrl);
    return { proposal, namespace: record.trigger.namespace, ...(link ? { slackLink: link } : {}) };
  }

  private summaryOf(record: Investigation): InvestigationSummary {
    const link = slackLink(record.thread, this.options.slackWorkspaceUrl);
    const headline = record.rca?.summary ?? record.triage?.headline;
    const severity = record.rca?.severity ?? record.triage?.severity;
    return {
      id: record.id,
      uri: investigationUri(record.id),
      origin: "store",
      namespace: record.trigger.namespace,
      source: record.trigger.source,
      status: record.status,
      createdAt: record.createdAt,
      ...(headline ? { headline } : {}),
      ...(severity ? { severity } : {}),
      categories: [...new Set((record.triage?.rootCauses ?? []).map((cause) => cause.category))],
      ...(link ? { slackLink: link } : {}),
    };
  }
}

function localSummary(run: LocalRun): InvestigationSummary {
  return {
    id: run.id,
    uri: investigationUri(run.id),
    origin: "mcp",
    namespace: run.namespace,
    source: "mcp",
    status: "completed",
    createdAt: run.ranAt,
    headline: run.triage.headline,
    severity: run.triage.severity,
    categories: [...new Set(run.triage.rootCauses.map((cause) => cause.category))],
  };
}
