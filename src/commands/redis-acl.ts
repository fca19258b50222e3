import { parseArgs } from "node:util";
import { parseEnv } from "../config/env.js";
import { InputError } from "../errors.js";
import { aclFileLine, aclSetUserLine, agentAclRules, centralAclRules } from "../queue/acl.js";

const USAGE = `usage: k8s-triage redis-acl --user NAME (--cluster NAME | --central) [--prefix P]
                          [--password-env VAR] [--aclfile] [--allow-key PATTERN]

Prints the Redis ACL rules of one user, so Redis itself keeps clusters apart: an agent user of
--cluster may only touch that cluster's keys and channels (<prefix>:<cluster>:*, plain and
{hash-tagged}); the --central user (Slack app, routing) reaches every cluster under the prefix.

  --user NAME          ACL user name (the role's REDIS_USERNAME)
  --cluster NAME       the agent's cluster (CLUSTER_NAME of that agent)
  --central            the central user instead of an agent user
  --prefix P           base key prefix (default: QUEUE_PREFIX, k8s-triage)
  --password-env VAR   read the password from environment variable VAR; it is printed only as
                       its SHA-256 (#…). Without it, add one later: ACL SETUSER NAME >password
  --aclfile            print an aclfile line (user NAME …) instead of an ACL SETUSER command
  --allow-key PATTERN  (agent, repeatable) a further key pattern under the prefix the agent may
                       touch, e.g. its own entry of a shared registry: k8s-triage:agents:eu-1

Run the ACL SETUSER line on every Redis node (ACLs are not replicated), e.g.
  k8s-triage redis-acl --user agent-eu-1 --cluster eu-1 --password-env PW | redis-cli -x …`;

/** `k8s-triage redis-acl`: prints ACL SETUSER (or aclfile) lines for an agent or the central user. */
export async function run(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      user: { type: "string" },
      cluster: { type: "string" },
      central: { type: "boolean", default: false },
      prefix: { type: "string" },
      "password-env": { type: "string" },
      aclfile: { type: "boolean", default: false },
      "allow-key": { type: "string", multiple: true },
      help: { type: "boolean", short: "h", default: false },
    },
    strict: true,
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const user = values.user;
  if (!user) throw new InputError("REDIS_ACL_ARGS", "--user is required (the ACL user name)");
  if (values.central === (values.cluster !== undefined)) {
    throw new InputError("REDIS_ACL_ARGS", "give exactly one of --cluster NAME (an agent user) or --central");
  }
  let password: string | undefined;
  const variable = values["password-env"];
  if (variable !== undefined) {
    password = process.env[variable];
    if (!password)
      throw new InputError("REDIS_ACL_ARGS", `--password-env ${variable}: ${variable} is not set`);
  }
  const base = values.prefix ?? parseEnv().QUEUE_PREFIX;
  const spec = { user, base, ...(password === undefined ? {} : { password }) };
  const rules =
    values.cluster === undefined
      ? centralAclRules(spec)
      : agentAclRules({ ...spec, cluster: values.cluster });
  console.log(values.aclfile ? aclFileLine(user, rules) : aclSetUserLine(user, rules));
  return 0;
}
