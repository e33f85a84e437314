// The HTTP side of the chain's long-running services (the price feeder, the provider agent, the
// economy exporter): GET /metrics answers `render()` in Prometheus' text format, GET /health
// answers `health()`'s `body` as JSON with 200 when `healthy` and 503 when not; other methods
// get 405, other paths 404.

import { createServer } from 'node:http';

/// Serves `render` and `health` on host:port; resolves with the listening server.
export function serveMetrics({ render, contentType = 'text/plain; version=0.0.4; charset=utf-8', health, host, port }) {
  const server = createServer(async (req, res) => {
    const path = new URL(req.url, 'http://localhost').pathname;
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' }).end();
    } else if (path === '/metrics') {
      res.writeHead(200, { 'content-type': contentType });
      res.end(await render());
    } else if (path === '/health') {
      const { healthy, body } = health();
      res.writeHead(healthy ? 200 : 503, { 'content-type': 'application/json' });
      res.end(`${JSON.stringify(body)}\n`);
    } else {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('try /metrics or /health\n');
    }
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve(server);
    });
  });
}

/// The same for a prom-client registry and a `health()` that returns its own body
/// (`{ healthy, ... }`).
export function serveRegistry({ registry, health, host, port }) {
  return serveMetrics({
    render: () => registry.metrics(),
    contentType: registry.contentType,
    health: () => {
      const body = health();
      return { healthy: body.healthy, body };
    },
    host,
    port,
  });
}
