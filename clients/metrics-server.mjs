// The HTTP side of the long-running services built on prom-client (the provider agent, the
// economy exporter): GET /metrics from a prom-client registry, GET /health from a function that
// says `{ healthy, ... }` (200 when healthy, 503 when not, the object as JSON either way).

import { createServer } from 'node:http';

/// Serves `registry` and `health` on host:port; resolves with the listening server.
export function serveMetrics({ registry, health, host, port }) {
  const server = createServer(async (req, res) => {
    const path = new URL(req.url, 'http://localhost').pathname;
    if (path === '/metrics') {
      res.writeHead(200, { 'content-type': registry.contentType });
      res.end(await registry.metrics());
    } else if (path === '/health') {
      const answer = health();
      res.writeHead(answer.healthy ? 200 : 503, { 'content-type': 'application/json' });
      res.end(`${JSON.stringify(answer)}\n`);
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
