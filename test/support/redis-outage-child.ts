/**
 * Child process for the Redis-outage logging test: opens the project's connections (producer,
 * worker, and a duplicate as BullMQ makes) to a port where no Redis listens, lets them retry for
 * a while, then exits. Its stderr is what an operator would see during an outage.
 */
import { createServer } from "node:net";
import { createProducerConnection, createWorkerConnection } from "../../src/queue/connection.js";

const port = await new Promise<number>((resolve) => {
  const probe = createServer().listen(0, "127.0.0.1", () => {
    const address = probe.address();
    probe.close(() => resolve(typeof address === "object" && address ? address.port : 1));
  });
});
const url = `redis://127.0.0.1:${port}`;
const producer = createProducerConnection(url, "producer");
const worker = createWorkerConnection(url, "worker");
const blocking = worker.duplicate();
await new Promise((resolve) => setTimeout(resolve, Number(process.argv[2] ?? 1500)));
for (const connection of [producer, worker, blocking]) connection.disconnect();
process.exit(0);
