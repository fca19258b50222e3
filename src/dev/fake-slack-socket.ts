import { randomBytes, randomUUID } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { type WebSocket, WebSocketServer } from "ws";

/** The envelope types Slack delivers over Socket Mode that this app handles. */
export type EnvelopeType = "slash_commands" | "interactive" | "events_api";

/** Why Slack asks a Socket Mode client to go away (`disconnect.reason`). */
export type DisconnectReason = "refresh_requested" | "warning" | "link_disabled";

/** One delivery of an envelope on one connection. */
export interface EnvelopeDelivery {
  /** 0 for the first delivery; Slack's `retry_attempt` on redeliveries. */
  attempt: number;
  connection: number;
  at: number;
}

/** One ack the client sent for an envelope: `{envelope_id, payload?}` on the socket. */
export interface EnvelopeAck {
  connection: number;
  at: number;
  /** Milliseconds from the latest delivery to this ack. */
  latencyMs: number;
  payload?: Record<string, unknown>;
}

/** An envelope the fake sent, with every delivery and ack it saw. */
export interface FakeEnvelope {
  envelopeId: string;
  type: EnvelopeType;
  payload: Record<string, unknown>;
  acceptsResponsePayload: boolean;
  deliveries: EnvelopeDelivery[];
  acks: EnvelopeAck[];
  /** Set when a delivery went unacked for longer than the ack deadline (Slack's 3 s). */
  late: boolean;
}

/** One WebSocket connection a client opened with a ticket from apps.connections.open. */
export interface FakeConnection {
  id: number;
  openedAt: number;
  closedAt?: number;
  /** Close code the connection ended with (1000 when the client closed it after a disconnect). */
  closeCode?: number;
}

export interface FakeSocketModeOptions {
  /** The app id named in `hello.connection_info` and the URL (default A0TRIAGE). */
  appId?: string;
  /** How long an envelope may stay unacked before it is flagged late (default 3000 ms, as Slack). */
  ackDeadlineMs?: number;
  /** Server pings, as Slack sends them to keep the link alive (default every 5 s). */
  pingIntervalMs?: number;
}

type Waiter = { check: () => boolean; resolve: () => void };

/**
 * A local Slack Socket Mode endpoint on 127.0.0.1 for tests and the offline demo. Each
 * `apps.connections.open` gets a single-use `ws://…/link/?ticket=…&app_id=…` URL; a connection
 * on it gets `hello`, then envelopes shaped like Slack's. Every ack is recorded with its latency,
 * an envelope not acked within the deadline is flagged, `disconnect` messages can be sent, and
 * envelopes a closed connection left unacked are redelivered on the next connection with
 * `retry_attempt` > 0 (as Slack does). An envelope sent while no connection is open waits for one.
 */
export class FakeSocketMode {
  readonly envelopes: FakeEnvelope[] = [];
  readonly connections: FakeConnection[] = [];
  readonly appId: string;
  private readonly ackDeadlineMs: number;
  private readonly pingIntervalMs: number;
  private readonly tickets = new Set<string>();
  private readonly sockets = new Map<number, WebSocket>();
  private readonly dropAcksFor = new Set<string>();
  private readonly waiters = new Set<Waiter>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private server: Server | undefined;
  private wss: WebSocketServer | undefined;
  private base = "";

  constructor(options: FakeSocketModeOptions = {}) {
    this.appId = options.appId ?? "A0TRIAGE";
    this.ackDeadlineMs = options.ackDeadlineMs ?? 3000;
    this.pingIntervalMs = options.pingIntervalMs ?? 5000;
  }

  async start(): Promise<this> {
    const server = createServer((_req, res) => res.writeHead(426).end("Socket Mode: upgrade required\n"));
    const wss = new WebSocketServer({ noServer: true });
    server.on("upgrade", (req, socket, head) => {
      const url = new URL(req.url ?? "/", "http://127.0.0.1");
      const ticket = url.searchParams.get("ticket") ?? "";
      // Tickets are single use, as Slack's: a reconnect must call apps.connections.open again.
      if (url.pathname !== "/link/" || !this.tickets.delete(ticket)) {
        socket.end("HTTP/1.1 401 Unauthorized\r\nConnection: close\r\n\r\n");
        return;
      }
      wss.handleUpgrade(req, socket, head, (ws) => this.accept(ws));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    this.server = server;
    this.wss = wss;
    this.base = `ws://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    for (const ws of this.sockets.values()) ws.terminate();
    this.sockets.clear();
    const server = this.server;
    this.server = undefined;
    this.wss?.close();
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** What `apps.connections.open` answers: a fresh single-use URL. */
  openConnection(): { ok: true; url: string } {
    if (!this.base) throw new Error("fake Socket Mode is not started");
    const ticket = randomBytes(16).toString("hex");
    this.tickets.add(ticket);
    return { ok: true, url: `${this.base}/link/?ticket=${ticket}&app_id=${this.appId}` };
  }

  /**
   * Sends an envelope on the newest open connection (or when one opens). `ackLost` makes the fake
   * ignore this envelope's first ack, as if it was lost on a connection Slack was recycling.
   */
  deliver(
    type: EnvelopeType,
    payload: Record<string, unknown>,
    options: { acceptsResponsePayload?: boolean; ackLost?: boolean } = {},
  ): FakeEnvelope {
    const envelope: FakeEnvelope = {
      envelopeId: randomUUID(),
      type,
      payload,
      // As Slack: a slash command's ack may carry the reply; block_actions and events take none.
      acceptsResponsePayload: options.acceptsResponsePayload ?? type === "slash_commands",
      deliveries: [],
      acks: [],
      late: false,
    };
    if (options.ackLost) this.dropAcksFor.add(envelope.envelopeId);
    this.envelopes.push(envelope);
    const connection = this.newestConnection();
    if (connection !== undefined) this.send(envelope, connection);
    return envelope;
  }

  /** Asks the client on the newest connection to reconnect, as Slack does before recycling a host. */
  disconnect(reason: DisconnectReason): void {
    const connection = this.newestConnection();
    const ws = connection === undefined ? undefined : this.sockets.get(connection);
    if (!ws) throw new Error("fake Socket Mode: no open connection to disconnect");
    ws.send(JSON.stringify({ type: "disconnect", reason, debug_info: { host: "applink-fake-1" } }));
  }

  /** Resolves once `count` connections have said hello in total. */
  waitForConnections(count: number, timeoutMs = 20_000): Promise<void> {
    return this.until(() => this.connections.length >= count, timeoutMs, `${count} connections`);
  }

  /** Resolves with the envelope's first recorded ack. */
  async waitForAck(envelope: FakeEnvelope, timeoutMs = 20_000): Promise<EnvelopeAck> {
    await this.until(() => envelope.acks.length > 0, timeoutMs, `an ack of ${envelope.envelopeId}`);
    return envelope.acks[0] as EnvelopeAck;
  }

  /** Envelopes some delivery of which went unacked past the deadline. */
  lateEnvelopes(): FakeEnvelope[] {
    return this.envelopes.filter((envelope) => envelope.late);
  }

  private newestConnection(): number | undefined {
    return [...this.sockets.keys()].at(-1);
  }

  private accept(ws: WebSocket): void {
    const id = this.connections.length + 1;
    const openedAt = Date.now();
    const connection: FakeConnection = { id, openedAt };
    this.connections.push(connection);
    this.sockets.set(id, ws);
    const ping = setInterval(() => ws.ping(Buffer.from(`ping-${Date.now()}`)), this.pingIntervalMs);
    ws.on("message", (data, isBinary) => {
      if (!isBinary) this.onMessage(id, data.toString());
    });
    ws.on("close", (code) => {
      clearInterval(ping);
      connection.closedAt = Date.now();
      connection.closeCode = code;
      this.sockets.delete(id);
      this.notify();
    });
    ws.send(
      JSON.stringify({
        type: "hello",
        num_connections: this.sockets.size,
        debug_info: { host: "applink-fake-1", build_number: 1, approximate_connection_time: 18060 },
        connection_info: { app_id: this.appId },
      }),
    );
    // Whatever an earlier connection left unacked (or nobody was connected for) comes now.
    for (const envelope of this.envelopes) {
      if (envelope.acks.length > 0) continue;
      const last = envelope.deliveries.at(-1);
      if (last && this.sockets.has(last.connection)) continue;
      this.send(envelope, id);
    }
    this.notify();
  }

  private send(envelope: FakeEnvelope, connection: number): void {
    const ws = this.sockets.get(connection);
    if (!ws) return;
    const attempt = envelope.deliveries.length;
    const delivery: EnvelopeDelivery = { attempt, connection, at: Date.now() };
    envelope.deliveries.push(delivery);
    ws.send(
      JSON.stringify({
        envelope_id: envelope.envelopeId,
        payload: envelope.payload,
        type: envelope.type,
        accepts_response_payload: envelope.acceptsResponsePayload,
        ...(envelope.type === "events_api" || attempt > 0
          ? { retry_attempt: attempt, retry_reason: attempt > 0 ? "timeout" : "" }
          : {}),
      }),
    );
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      const acked = envelope.acks.some((ack) => ack.at - delivery.at <= this.ackDeadlineMs);
      if (!acked) envelope.late = true;
    }, this.ackDeadlineMs);
    timer.unref();
    this.timers.add(timer);
  }

  private onMessage(connection: number, text: string): void {
    let message: { envelope_id?: unknown; payload?: unknown };
    try {
      message = JSON.parse(text) as typeof message;
    } catch {
      return;
    }
    const envelope = this.envelopes.find((item) => item.envelopeId === message.envelope_id);
    if (!envelope) return;
    if (this.dropAcksFor.delete(envelope.envelopeId)) return;
    const at = Date.now();
    const last = envelope.deliveries.at(-1);
    const payload = message.payload as Record<string, unknown> | undefined;
    const carries = payload && typeof payload === "object" && Object.keys(payload).length > 0;
    envelope.acks.push({
      connection,
      at,
      latencyMs: last ? at - last.at : 0,
      ...(carries ? { payload } : {}),
    });
    if (last && at - last.at > this.ackDeadlineMs) envelope.late = true;
    this.notify();
  }

  private until(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
    if (check()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        check,
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
      };
      const timer = setTimeout(() => {
        this.waiters.delete(waiter);
        reject(new Error(`fake Socket Mode: no ${what} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiters.add(waiter);
    });
  }

  private notify(): void {
    for (const waiter of this.waiters) {
      if (!waiter.check()) continue;
      this.waiters.delete(waiter);
      waiter.resolve();
    }
  }
}
