# syntax=docker/dockerfile:1.7
# Build stage: full install, compile TypeScript, copy runtime assets (prompts, scenarios).
FROM node:22-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
# The lockfile lists every platform's optional binaries (Biome, msgpackr), so `npm ci` accepts it on
# linux/amd64 and linux/arm64 alike.
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY scripts ./scripts
COPY src ./src
RUN npm run build

# Runtime stage: production dependencies only, non-root, read-only friendly.
FROM node:22-slim AS runtime
ENV NODE_ENV=production \
    PORT=3000 \
    HEALTH_PORT=9090
WORKDIR /app
COPY package.json package-lock.json ./
# No dev dependencies: no tsx, esbuild, TypeScript or test tools; dist/ runs on plain Node.
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist
COPY bin ./bin
COPY manifest.yml ./
# The node image's unprivileged user (uid 1000); the Helm chart also enforces runAsNonRoot.
USER node
EXPOSE 3000 9090
# Node is PID 1: the CLI installs its own SIGTERM/SIGINT handlers (graceful drain of workers,
# Bolt server close), so no init shim is needed and SIGTERM reaches the process directly.
STOPSIGNAL SIGTERM
# Every role (serve included) answers /healthz on HEALTH_PORT from its first moment.
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["node", "-e", "const p=process.env.HEALTH_PORT||process.env.PORT||3000;fetch('http://127.0.0.1:'+p+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
ENTRYPOINT ["node", "dist/cli.js"]
CMD ["serve"]
