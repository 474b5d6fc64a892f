# syntax=docker/dockerfile:1
# One image for every process: the API (default command), the worker
# (`node dist/apps/api/src/worker.js`) and migrations (`npm run migration:run`).

# --- build: install everything, compile, then drop dev dependencies -----------------------
FROM node:20-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json nest-cli.json ./
COPY apps apps
COPY libs libs
COPY migrations migrations
COPY bench bench
COPY test/utils test/utils
COPY test/factories test/factories
RUN npx nest build && npm prune --omit=dev --no-audit --no-fund

# --- runtime: compiled code and production dependencies only, as a non-root user ---------
FROM node:20-slim AS runtime
# Heap limit: 384 MiB of old space inside a 512 MiB container limit (the rest is code,
# stacks, buffers and the young generation). Readiness drops at READY_MAX_HEAP_PERCENT of
# this limit, long before the OOM killer would act. Change both together.
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000 \
    DEMO_PROJECT=false \
    NODE_OPTIONS=--max-old-space-size=384
WORKDIR /app
COPY --from=build --chown=node:node /app/package.json /app/package-lock.json ./
COPY --from=build --chown=node:node /app/node_modules node_modules
COPY --from=build --chown=node:node /app/dist dist
COPY --chown=node:node scripts scripts
USER node
EXPOSE 3000
# Docker's health = liveness: answered from memory, never by the database or Redis.
HEALTHCHECK --interval=10s --timeout=5s --start-period=30s --retries=6 \
  CMD ["node", "scripts/healthcheck.js", "/health/live"]
# node directly (not npm): signals reach the app, which drains on SIGTERM.
CMD ["node", "dist/apps/api/src/main.js"]
