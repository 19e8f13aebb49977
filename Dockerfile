# syntax=docker/dockerfile:1
#
# Switchboard: one image for the web server (default command) and the worker
# (`node ace.js queue:work`). See docker-compose.yml for the whole stack.
#
#   docker build -t switchboard .
#   docker run --env-file .env -p 3333:3333 switchboard

ARG NODE_IMAGE=node:20-bookworm-slim

# --- base: the runtime every stage shares ----------------------------------------------
FROM ${NODE_IMAGE} AS base
WORKDIR /app

# --- toolchain: what native addons compile with (isolated-vm, the marketplace's sandbox,
# builds against Node's headers when npm installs it). Only the install stages have it.
FROM base AS toolchain
RUN apt-get update \
    && apt-get install -y --no-install-recommends python3 make g++ \
    && rm -rf /var/lib/apt/lists/*

# --- deps: every dependency (dev ones too: TypeScript, Vite, the assembler) --------------
FROM toolchain AS deps
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund

# --- build: `node ace build` compiles TypeScript into ./build, runs `vite build` (through
# the @adonisjs/vite build hook) and copies views, lang files, public/ (with the built
# assets), package.json and package-lock.json next to the compiled code. It also writes a
# plain build/ace.js that imports ./bin/console.js without ts-node.
FROM deps AS build
COPY . .
RUN node ace build

# --- prod-deps: production dependencies only, compiled where the toolchain is -----------
FROM toolchain AS prod-deps
COPY --from=build /app/build/package.json /app/build/package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

# --- production: compiled app + production dependencies only, run as a non-root user ----
FROM base AS production
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3333

COPY --from=build /app/build ./
COPY --from=prod-deps /app/node_modules ./node_modules
RUN mkdir -p storage tmp \
    && chown node:node storage tmp

# The app's files stay root-owned (read-only for the app); uploads and the mailbox
# (storage/, tmp/) belong to the `node` user and are volumes in docker-compose.yml.
USER node

EXPOSE 3333

# GET /health is 200 when PostgreSQL and Redis answer, 503 otherwise.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3333) + '/health', { signal: AbortSignal.timeout(4000) }).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]

# The web server and each worker start their own sandbox runner child on the first marketplace
# call (node --no-node-snapshot app/sandbox/runner_main.js, docs/marketplace.md): no extra
# service or port; a runner exits when its parent does.
CMD ["node", "bin/server.js"]
