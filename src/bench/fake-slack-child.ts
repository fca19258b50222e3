import { FakeSlack } from "../dev/fake-slack.js";

/**
 * The fake Slack Web API in its own process for the slack-ack bench, so answering the app's posts
 * never delays the load generator's reading of acks. Sends {url, token, responseUrl} over IPC and
 * exits on disconnect.
 */
async function main(): Promise<void> {
  if (!process.send) throw new Error("fake-slack-child must be forked with an IPC channel");
  const fake = await new FakeSlack().start();
  process.send({ url: fake.url, token: fake.token, responseUrl: fake.responseUrl("bench") });
  process.once("disconnect", () => {
    void fake.stop().then(() => process.exit(0));
  });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
