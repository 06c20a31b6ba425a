import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { isHotlineError } from '../../../lib/errors.js';
import { connectAri } from './connect.js';
import { AriRest } from './rest.js';

/**
 * An HTTP peer that answers ARI's Swagger documents the way a half-started (or stopping)
 * Asterisk does: the probe sees them, then they vanish (404) when ari-client loads them.
 */
function flakyAri(): Promise<{ server: Server; url: string }> {
  let docRequests = 0;
  const server = createServer((req, res) => {
    if (req.url === '/ari/api-docs/resources.json') {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ apiVersion: '10.0.0', swaggerVersion: '1.1', basePath: `http://${req.headers.host}/ari`, apis: [{ path: '/api-docs/asterisk.{format}' }] }));
      return;
    }
    if (req.url === '/ari/api-docs/asterisk.json' && docRequests++ === 0) {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ apiVersion: '10.0.0', swaggerVersion: '1.1', basePath: `http://${req.headers.host}/ari`, resourcePath: '/api-docs/asterisk.{format}', apis: [], models: {} }));
      return;
    }
    res.statusCode = 404;
    res.end('{"message":"Not found"}');
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` })));
}

describe('connectAri', () => {
  let server: Server | undefined;
  afterEach(() => server?.close());

  it('turns swagger-client’s thrown string into a typed rejection; the process survives', async () => {
    const peer = await flakyAri();
    server = peer.server;
    const before = process.listenerCount('uncaughtException');
    const err = await connectAri(new AriRest(peer.url, 'u', 'p'), peer.url, 'u', 'p', 2000).catch((e: unknown) => e);
    expect(isHotlineError(err, 'MEDIA_NOT_CONNECTED')).toBe(true);
    await new Promise((r) => setImmediate(r));
    await new Promise((r) => setImmediate(r));
    expect(process.listenerCount('uncaughtException')).toBe(before);
  });

  it('does not call ari-client at all while ARI answers 404', async () => {
    server = createServer((_req, res) => ((res.statusCode = 404), res.end()));
    await new Promise<void>((r) => server?.listen(0, '127.0.0.1', () => r()));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const err = await connectAri(new AriRest(url, 'u', 'p'), url, 'u', 'p', 2000).catch((e: unknown) => e);
    expect(isHotlineError(err, 'MEDIA_NOT_FOUND')).toBe(true);
  });
});
