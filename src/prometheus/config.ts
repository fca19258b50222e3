import { ConfigError } from "../errors.js";
import type { PrometheusClientOptions } from "./client.js";

/** The environment variables the Prometheus reader reads. */
export interface PrometheusEnv {
  PROMETHEUS_URL?: string | undefined;
  PROMETHEUS_BEARER_TOKEN?: string | undefined;
  PROMETHEUS_USERNAME?: string | undefined;
  PROMETHEUS_PASSWORD?: string | undefined;
  PROMETHEUS_CA_FILE?: string | undefined;
  PROMETHEUS_INSECURE_SKIP_VERIFY?: boolean | undefined;
  PROMETHEUS_TIMEOUT_SECONDS?: number | undefined;
}

/** Client options from the environment; undefined when PROMETHEUS_URL is unset (Prometheus off). */
export function prometheusOptionsFromEnv(env: PrometheusEnv): PrometheusClientOptions | undefined {
  if (!env.PROMETHEUS_URL) return undefined;
  let url: URL;
  try {
    url = new URL(env.PROMETHEUS_URL);
  } catch {
    throw new ConfigError(
      "PROMETHEUS_URL_INVALID",
      `PROMETHEUS_URL '${env.PROMETHEUS_URL}' is not a URL; use e.g. http://prometheus-operated.monitoring:9090`,
    );
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new ConfigError("PROMETHEUS_URL_INVALID", "PROMETHEUS_URL must be http:// or https://");
  }
  if (url.username || url.password) {
    throw new ConfigError(
      "PROMETHEUS_URL_INVALID",
      "PROMETHEUS_URL must not carry credentials; use PROMETHEUS_USERNAME/PROMETHEUS_PASSWORD (from a Secret)",
    );
  }
  if (env.PROMETHEUS_BEARER_TOKEN && env.PROMETHEUS_USERNAME) {
    throw new ConfigError(
      "PROMETHEUS_AUTH_CONFLICT",
      "set either PROMETHEUS_BEARER_TOKEN or PROMETHEUS_USERNAME/PROMETHEUS_PASSWORD, not both",
    );
  }
  return {
    url: env.PROMETHEUS_URL,
    ...(env.PROMETHEUS_BEARER_TOKEN ? { bearerToken: env.PROMETHEUS_BEARER_TOKEN } : {}),
    ...(env.PROMETHEUS_USERNAME ? { username: env.PROMETHEUS_USERNAME } : {}),
    ...(env.PROMETHEUS_PASSWORD ? { password: env.PROMETHEUS_PASSWORD } : {}),
    ...(env.PROMETHEUS_CA_FILE ? { caFile: env.PROMETHEUS_CA_FILE } : {}),
    ...(env.PROMETHEUS_INSECURE_SKIP_VERIFY ? { insecureSkipVerify: true } : {}),
    ...(env.PROMETHEUS_TIMEOUT_SECONDS ? { limits: { timeoutSeconds: env.PROMETHEUS_TIMEOUT_SECONDS } } : {}),
  };
}
