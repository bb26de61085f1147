# toolstream: one image for the API (node dist/api-main.js) and the workers (node dist/worker-main.js).
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npx tsc -p tsconfig.build.json && npm prune --omit=dev

FROM node:20-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
# The web view bundles src/web/app.ts (and the shared reducer it imports) from source on first request.
COPY src ./src
RUN mkdir -p /data/workspaces && chown node:node /data/workspaces
USER node
EXPOSE 3000
CMD ["node", "dist/api-main.js"]
