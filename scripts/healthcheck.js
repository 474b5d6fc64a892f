'use strict';
/**
 * Container health check without curl (node:20-slim has none):
 *   node scripts/healthcheck.js /health/live
 * Exits 0 on a 2xx from http://127.0.0.1:$PORT<path> within 4 s, else 1.
 */
const path = process.argv[2] || '/health/live';
const port = process.env.PORT || '3000';
fetch(`http://127.0.0.1:${port}${path}`, { signal: AbortSignal.timeout(4000) })
  .then((res) => process.exit(res.ok ? 0 : 1))
  .catch(() => process.exit(1));
