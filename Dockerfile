# Production image. Build: docker build -t reranker-registry .
FROM node:20-bookworm-slim AS build
WORKDIR /app
# openapi.json: postinstall generates the API types rrctl (src/cli) is compiled against
COPY package.json package-lock.json prisma.config.ts openapi.json ./
COPY scripts ./scripts
COPY prisma ./prisma
# postinstall runs `prisma generate` (offline; see scripts/prisma-generate.mjs). onnxruntime-node
# ships its CPU library in the package; its install script would only fetch CUDA libraries.
ENV ONNXRUNTIME_NODE_INSTALL=skip
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY web ./web
RUN npm run build && npm prune --omit=dev --ignore-scripts

FROM node:20-bookworm-slim
ENV NODE_ENV=production \
    UV_THREADPOOL_SIZE=8 \
    HOST=0.0.0.0 \
    PORT=8080 \
    DATA_DIR=/data
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/prisma ./prisma
RUN mkdir -p /data && chown node:node /data
USER node
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=3s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:8080/readyz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
# Migrations run at start (MIGRATE_ON_START=true); SIGTERM drains in-flight requests.
CMD ["node", "dist/main.js"]
