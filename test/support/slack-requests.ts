export * from "../../src/dev/slack-requests.js";
