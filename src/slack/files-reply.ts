import { type RenderChartOptions, renderChartPng } from "../charts/index.js";
import type { Investigation } from "../domain/investigation.js";
import type { MetricChart } from "../domain/metrics.js";
import { errorMessage } from "../errors.js";
import type { Logger } from "../log.js";
import type { RenderContext } from "./blocks/incident.js";
import type { SlackMessage } from "./blocks/kit.js";
import { sections } from "./blocks/kit.js";
import { escapeMrkdwn } from "./mrkdwn.js";
import type { SlackPoster, UploadFile } from "./poster.js";

/** The charts drawn for the files reply, and a short note per chart that could not be drawn. */
export interface ChartUploads {
  files: Array<Extract<UploadFile, { bytes: Buffer }>>;
  titles: string[];
  notes: string[];
}

/** A file name Slack shows under the image: the title's words, safe for any file system. */
export function chartFileName(chart: MetricChart, index: number, investigationId: string): string {
  const slug = chart.title
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 48);
  return `chart-${index + 1}-${slug || "metrics"}-${investigationId}.png`;
}

/**
 * Renders each chart to PNG for upload. A chart that cannot be drawn is logged and becomes a note
 * in the reply's comment: a picture is a nicety and never holds up the evidence or the job.
 */
export async function renderChartUploads(
  charts: MetricChart[],
  investigationId: string,
  logger: Logger,
  options: RenderChartOptions = {},
): Promise<ChartUploads> {
  const out: ChartUploads = { files: [], titles: [], notes: [] };
  for (const [index, chart] of charts.entries()) {
    try {
      const bytes = await renderChartPng(chart, options);
      out.files.push({
        filename: chartFileName(chart, index, investigationId),
        title: chart.title,
        bytes,
        altText: chart.altText,
      });
      out.titles.push(chart.title);
    } catch (error) {
      logger.warn("chart not drawn", { investigationId, chart: chart.title, error });
      out.notes.push(`The chart "${chart.title}" could not be drawn: ${errorMessage(error)}`);
    }
  }
  return out;
}

/**
 * The files reply's comment (mrkdwn): what the pictures show, what the evidence file holds, what
 * failed. Titles and notes carry cluster names, so they are escaped and cannot ping or link.
 */
export function filesComment(evidence: boolean, charts: ChartUploads): string {
  const lines: string[] = [];
  if (charts.titles.length > 0) lines.push(`📈 ${charts.titles.map(escapeMrkdwn).join(" · ")}`);
  if (evidence)
    lines.push(
      "Every affected object, every quote with its source, the commands, and each fix's exact change.",
    );
  for (const note of charts.notes) lines.push(`⚠️ ${escapeMrkdwn(note)}`);
  return lines.join("\n");
}

/** A short reply when the charts were the whole files reply and could not be posted. */
export function chartFailureMessage(notes: string[], clusterName: string | undefined): SlackMessage {
  const where = clusterName ? ` (${clusterName})` : "";
  const text = escapeMrkdwn(`⚠️ Charts not posted${where}: ${notes.join("; ")}`);
  return { text, blocks: sections(text) };
}

/** What the files reply needs from the notifier. */
export interface FilesReplyDeps {
  poster: SlackPoster;
  logger: Logger;
  chartOptions: RenderChartOptions;
  context: RenderContext;
}

/**
 * Posts the files reply: the evidence file (when planned) and the charts in one upload, so they
 * are one message in the thread. A chart that fails to draw or upload is logged and noted; the
 * evidence still goes up (its own failure throws, so the job retries) and the investigation goes on.
 */
export async function postFilesReply(
  deps: FilesReplyDeps,
  args: {
    investigation: Investigation;
    thread: { channel: string; threadTs: string };
    charts: MetricChart[];
    evidence?: { filename: string; title: string; content: string };
  },
): Promise<void> {
  const { poster, logger, context } = deps;
  const { channel, threadTs } = args.thread;
  const evidence: UploadFile[] = args.evidence ? [args.evidence] : [];
  const charts = await renderChartUploads(args.charts, args.investigation.id, logger, deps.chartOptions);
  const over = (args.investigation.charts?.length ?? 0) - args.charts.length;
  if (over > 0)
    charts.notes.push(
      `${over} more chart${over === 1 ? "" : "s"} not posted (the thread shows at most ${args.charts.length}).`,
    );
  const upload = (files: UploadFile[], comment: string) =>
    poster.uploadFiles({ channel, threadTs, files, comment });
  const note = async (notes: string[]) => {
    try {
      await poster.post(channel, chartFailureMessage(notes, context.clusterName), threadTs);
    } catch (error) {
      logger.warn("chart failure note not posted", { channel, error });
    }
  };
  if (evidence.length + charts.files.length === 0) {
    if (charts.notes.length > 0) await note(charts.notes);
    return;
  }
  try {
    await upload([...evidence, ...charts.files], filesComment(evidence.length > 0, charts));
  } catch (error) {
    if (charts.files.length === 0) throw error;
    logger.warn("chart upload failed", { investigationId: args.investigation.id, error });
    const failed: ChartUploads = {
      files: [],
      titles: [],
      notes: [...charts.notes, `Charts could not be uploaded: ${errorMessage(error)}`],
    };
    if (evidence.length > 0) await upload(evidence, filesComment(true, failed));
    else await note(failed.notes);
  }
}
