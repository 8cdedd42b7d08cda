# syntax=docker/dockerfile:1
# The jobs API image: `docker build -t jobs-api .`, then
#   docker run -p 4000:4000 -v jobs-data:/data -e JOBS_ADMIN_API_KEY=... jobs-api
# The same image runs the worker: `docker run ... jobs-api node dist/worker.js`.

# Build stage: every dependency (the prisma CLI generates the client, tsc compiles, GraphiQL's
# browser files are copied into dist/, Vite builds the dashboard into web/dist).
FROM node:24-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
COPY packages/client/package.json ./packages/client/
COPY scripts ./scripts
COPY prisma ./prisma
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY packages/client/tsconfig.build.json ./packages/client/
COPY packages/client/src ./packages/client/src
COPY src ./src
COPY web ./web
RUN npm run build && npm run build:web

# Runtime stage: production dependencies, the compiled server and the SQL migrations it applies.
FROM node:24-bookworm-slim AS runtime
# tini is PID 1: it hands SIGTERM to node and reaps zombies (node is not written to be an init).
# hadolint ignore=DL3008
RUN apt-get update \
  && apt-get install -y --no-install-recommends tini \
  && rm -rf /var/lib/apt/lists/*
ENV NODE_ENV=production \
    PORT=4000 \
    JOBS_DATA_DIR=/data
WORKDIR /app
# The client package is a workspace the server imports (@jobs-api/client): npm links it from here.
COPY package.json package-lock.json ./
COPY packages/client/package.json ./packages/client/
# No install scripts: the generated Prisma client is compiled into dist/ already. --omit=optional
# drops the prisma CLI and typescript, which npm otherwise installs as @prisma/client's optional peers.
RUN npm ci --omit=dev --omit=optional --ignore-scripts --no-audit --no-fund \
  && npm cache clean --force
COPY --from=build /app/dist ./dist
COPY --from=build /app/packages/client/dist ./packages/client/dist
COPY --from=build /app/web/dist ./web/dist
COPY prisma/migrations ./prisma/migrations
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME ["/data"]
EXPOSE 4000
HEALTHCHECK --interval=10s --timeout=3s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 4000) + '/readyz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
ENTRYPOINT ["/usr/bin/tini", "--"]
CMD ["node", "--enable-source-maps", "dist/main.js"]
