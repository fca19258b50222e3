import type { SlackClient } from "./client.js";

/** One file of a multi-file upload: a text file, or an image with the alt text a screen reader reads. */
export type UploadFile =
  | { filename: string; title: string; content: string }
  | { filename: string; title: string; bytes: Buffer; altText: string };

/** Slack's limit for an image's alt text (files.getUploadURLExternal answers alt_txt_too_large over it). */
export const ALT_TEXT_MAX = 1000;

/** An upload URL that did not take the bytes, shaped like the web client's HTTP errors so retry.ts classifies it. */
class UploadHttpError extends Error {
  readonly code = "slack_webapi_http_error";
  constructor(
    readonly statusCode: number,
    filename: string,
  ) {
    super(`upload of ${filename} answered HTTP ${statusCode}`);
  }
}

/**
 * Slack's external upload, done step by step rather than with the web client's filesUploadV2:
 * files.getUploadURLExternal takes an image's alt text as `alt_txt` (its documented argument;
 * filesUploadV2 sends `alt_text`, which the method does not list), the bytes go to the upload URL
 * raw, and one files.completeUploadExternal shares every file in one thread message. Alt text is
 * sent for images only: there is a report of Slack failing to share non-image files with it.
 */
export async function uploadExternal(
  client: SlackClient,
  args: { channel: string; threadTs: string; files: UploadFile[]; comment?: string },
): Promise<void> {
  const ids: Array<{ id: string; title: string }> = [];
  for (const file of args.files) {
    const bytes = "bytes" in file ? file.bytes : Buffer.from(file.content, "utf8");
    const request: Record<string, unknown> = { filename: file.filename, length: bytes.length };
    if ("bytes" in file && file.altText) request.alt_txt = file.altText.slice(0, ALT_TEXT_MAX);
    const target = (await client.apiCall("files.getUploadURLExternal", request)) as {
      upload_url?: string;
      file_id?: string;
    };
    if (!target.upload_url || !target.file_id) throw new Error(`no upload URL for ${file.filename}`);
    const response = await fetch(target.upload_url, {
      method: "POST",
      body: bytes,
      headers: { "content-type": "application/octet-stream" },
      signal: AbortSignal.timeout(30_000),
    });
    if (response.status !== 200) throw new UploadHttpError(response.status, file.filename);
    ids.push({ id: target.file_id, title: file.title });
  }
  const [first, ...rest] = ids;
  if (!first) return;
  await client.files.completeUploadExternal({
    files: [first, ...rest],
    channel_id: args.channel,
    thread_ts: args.threadTs,
    ...(args.comment ? { initial_comment: args.comment } : {}),
  });
}
