# syntax=docker/dockerfile:1
# The chain's Node.js services in one image: the price feeder (clients/feeder/feeder.mjs), the
# provider agent (clients/provider/agent.mjs) and the economy exporter
# (clients/exporter/exporter.mjs), with the npm packages of clients/package-lock.json (npm ci).
# Build from the repository root:
#   docker build -f docker/clients.Dockerfile -t capacloud-clients:local .
# The entrypoint is node; the command names the service, e.g.
#   docker run --rm capacloud-clients:local provider/agent.mjs --help
FROM node:20.20.2-bookworm-slim

WORKDIR /app
COPY clients/package.json clients/package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund --loglevel=error
COPY clients/ ./

# The base image's unprivileged user `node` (uid and gid 1000); the services keep no state.
USER 1000:1000
ENTRYPOINT ["node"]
CMD ["capa.mjs", "--help"]
