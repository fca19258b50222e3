/**
 * The fake Slack workspace's state: channels with messages, threads, reactions, files, ephemeral
 * messages and Home views, as the fake Web API (fake-slack.ts) builds it from the calls it gets.
 */

/** A message in a channel, as the fake keeps it. */
export interface FakeMessage {
  channel: string;
  ts: string;
  /** The parent's ts when this is a thread reply. */
  threadTs?: string;
  user?: string;
  botId?: string;
  text: string;
  blocks?: unknown[];
  attachments?: unknown[];
  files?: FakeFile[];
  reactions: string[];
  /** Every text the message had, oldest first (chat.update appends). */
  edits: string[];
}

/** A file shared in a message: its text, or its bytes when binary (an image), as Slack keeps it. */
export interface FakeFile {
  id: string;
  title: string;
  name: string;
  /** The upload as UTF-8 text (meaningful for text files). */
  content: string;
  /** The uploaded bytes, exactly. */
  bytes: Buffer;
  /** Detected from the bytes, as Slack does: "png" for a PNG signature, else "text". */
  filetype: "png" | "text";
  mimetype: string;
  /** The alt text given to files.getUploadURLExternal, read to screen readers. */
  altText?: string;
}

/** An upload between files.getUploadURLExternal and files.completeUploadExternal. */
export interface FakeUpload {
  filename: string;
  length: number;
  altText?: string;
  content?: string;
  bytes?: Buffer;
}

/** An ephemeral message (only `user` saw it). */
export interface FakeEphemeral {
  channel: string;
  user: string;
  threadTs?: string;
  text: string;
  blocks?: unknown[];
}

/** One channel and its top-level messages, each with its thread replies, in posting order. */
export interface TranscriptChannel {
  channel: string;
  messages: (FakeMessage & { replies: FakeMessage[] })[];
}

/** Generates Slack-style, strictly increasing message timestamps. */
export class TsClock {
  private last = 0;
  next(): string {
    const micros = Math.max(Date.now() * 1000, this.last + 1);
    this.last = micros;
    const seconds = Math.floor(micros / 1_000_000);
    return `${seconds}.${String(micros % 1_000_000).padStart(6, "0")}`;
  }
}

/** In-memory workspace state. */
export class FakeWorkspace {
  readonly messages: FakeMessage[] = [];
  readonly ephemerals: FakeEphemeral[] = [];
  readonly homeViews = new Map<string, unknown>();
  readonly uploads = new Map<string, FakeUpload>();

  find(channel: string, ts: string): FakeMessage | undefined {
    return this.messages.find((message) => message.channel === channel && message.ts === ts);
  }

  add(message: Omit<FakeMessage, "reactions" | "edits">): FakeMessage {
    const stored: FakeMessage = { ...message, reactions: [], edits: [message.text] };
    this.messages.push(stored);
    return stored;
  }

  /** Channels with their messages and threads, in posting order. */
  transcript(): TranscriptChannel[] {
    const channels = new Map<string, TranscriptChannel>();
    for (const message of this.messages) {
      if (message.threadTs && message.threadTs !== message.ts) continue;
      let entry = channels.get(message.channel);
      if (!entry) {
        entry = { channel: message.channel, messages: [] };
        channels.set(message.channel, entry);
      }
      entry.messages.push({ ...message, replies: this.replies(message.channel, message.ts) });
    }
    // Replies to threads whose parent the fake never saw (an alert posted by another integration).
    for (const message of this.messages) {
      if (!message.threadTs || this.find(message.channel, message.threadTs)) continue;
      let entry = channels.get(message.channel);
      if (!entry) {
        entry = { channel: message.channel, messages: [] };
        channels.set(message.channel, entry);
      }
      if (!entry.messages.some((parent) => parent.ts === message.threadTs)) {
        entry.messages.push({
          channel: message.channel,
          ts: message.threadTs,
          text: "(message not posted through this API)",
          reactions: [],
          edits: [],
          replies: this.replies(message.channel, message.threadTs),
        });
      }
    }
    return [...channels.values()];
  }

  replies(channel: string, threadTs: string): FakeMessage[] {
    return this.messages.filter(
      (message) => message.channel === channel && message.threadTs === threadTs && message.ts !== threadTs,
    );
  }
}
