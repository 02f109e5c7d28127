# syntax=docker/dockerfile:1
# One image for the five apps and the console; the app is chosen by the APP build argument (its default) or the
# APP environment variable at run time:
#   docker build --build-arg APP=plant-simulator -t energy-site/plant-simulator .
#   docker run -e APP=ocpp-csms energy-site/plant-simulator

# Node 24, an LTS line: Nest 12 and its toolchain declare Node >= 22 (README, "Choices").
FROM node:24-bookworm-slim AS deps
WORKDIR /app
# better-sqlite3 is built from source (its prebuilt binaries come from outside the npm registry).
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
# patches/ (applied by patch-package on postinstall) must be there when npm ci runs.
COPY package.json package-lock.json ./
COPY patches ./patches
RUN npm ci --no-audit --no-fund

FROM deps AS build
COPY . .
RUN npm run build && npm prune --omit=dev

FROM node:24-bookworm-slim AS runtime
ARG APP=plant-simulator
ENV NODE_ENV=production \
    APP=${APP}
WORKDIR /app
COPY --from=build --chown=node:node /app/package.json ./package.json
COPY --from=build --chown=node:node /app/node_modules ./node_modules
COPY --from=build --chown=node:node /app/dist ./dist
USER node
# solarhub-api 8000, gridpilot-optimizer 8001, ocpp-csms 8002 (+ 9000 OCPP), plant-simulator 8090, iot-mock 8091, console 3000
EXPOSE 3000 8000 8001 8002 8090 8091 9000
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:'+process.env.PORT+'/health/live').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
STOPSIGNAL SIGTERM
CMD ["sh", "-c", "exec node dist/apps/${APP}/main.js"]
