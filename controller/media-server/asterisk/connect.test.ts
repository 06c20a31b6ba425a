import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable, type Duplex } from 'node:stream';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocketServer, type WebSocket } from 'ws';
import { isHotlineError } from '../../../lib/errors.js';
import { connectAri, type AriConnectOptions } from './connect.js';
import { AriRest } from './rest.js';

/** A peer that serves ARI's API documents and its event WebSocket, the way Asterisk does. */
async function fakeAri(opts: { refuseUpgrade?: number; holdUpgrade?: boolean } = {}) {
  const upgrades: IncomingMessage[] = [];
  const sockets: WebSocket[] = [];
  const held: Duplex[] = [];
  const server: Server = createServer((req, res) => {
    res.setHeader('content-type', 'application/json');
    if (req.url === '/ari/api-docs/resources.json')
      return res.end(JSON.stringify({ apis: [{ path: '/api-docs/events.{format}' }] }));
    if (req.url === '/ari/api-docs/events.json') return res.end('{}');
    res.statusCode = 404;
    res.end('{"message":"Not found"}');
  });
  const wss = new WebSocketServer({ noServer: true });
  server.on('upgrade', (req, socket, head) => {
    upgrades.push(req);
    if (opts.holdUpgrade) return void held.push(socket);
    if (opts.refuseUpgrade)
      return socket.end(`HTTP/1.1 ${opts.refuseUpgrade} Refused\r\nContent-Length: 0\r\n\r\n`);
    wss.handleUpgrade(req, socket, head, (ws) => sockets.push(ws));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const close = async (): Promise<void> => {
    for (const s of sockets) s.terminate();
    for (const s of held) s.destroy();
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  };
  return { url, upgrades, sockets, close };
}

/** A logger whose lines the test can read. */
function capture(): { log: pino.Logger; lines: () => Record<string, unknown>[] } {
  const out: string[] = [];
  const log = pino(
    { level: 'debug' },
    new Writable({ write: (c: Buffer, _e, cb) => (out.push(c.toString()), cb()) }),
  );
  return { log, lines: () => out.map((l) => JSON.parse(l) as Record<string, unknown>) };
}

const until = async (check: () => boolean): Promise<void> => {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((r) => setTimeout(r, 10));
  expect(check()).toBe(true);
};

describe('connectAri', () => {
  let done: (() => Promise<void>) | undefined;
  afterEach(async () => {
    await done?.();
    done = undefined;
  });

  const options = (url: string, extra: Partial<AriConnectOptions> = {}): AriConnectOptions => ({
    url,
    username: 'hotline',
    password: 's3cret',
    app: 'hotline',
    timeoutMs: 2000,
    signal: new AbortController().signal,
    onEvent: () => undefined,
    log: pino({ level: 'silent' }),
    ...extra,
  });

  it('opens the event socket with Basic auth (no password in the URL) and hands on parsed events', async () => {
    const peer = await fakeAri();
    done = peer.close;
    const seen: unknown[] = [];
    const events = await connectAri(
      new AriRest(peer.url, 'hotline', 's3cret'),
      options(peer.url, { onEvent: (e) => seen.push(e) }),
    );
    const upgrade = peer.upgrades[0]!;
    expect(upgrade.url).toBe('/ari/events?app=hotline');
    expect(upgrade.headers.authorization).toBe(
      `Basic ${Buffer.from('hotline:s3cret').toString('base64')}`,
    );
    await until(() => peer.sockets.length === 1);
    peer.sockets[0]!.send(JSON.stringify({ type: 'StasisStart', channel: { id: 'c1' } }));
    await until(() => seen.length === 1);
    expect(seen[0]).toEqual({ type: 'StasisStart', channel: { id: 'c1' } });
    events.close();
    expect(await events.lost).toBe('closing');
  });

  it('contains its failures: a broken event or a throwing listener is logged, and the socket stays up', async () => {
    const peer = await fakeAri();
    done = peer.close;
    const { log, lines } = capture();
    const before = ['uncaughtException', 'unhandledRejection'].map((e) => process.listenerCount(e));
    let calls = 0;
    const events = await connectAri(
      new AriRest(peer.url, 'u', 'p'),
      options(peer.url, {
        log,
        onEvent: () => {
          calls++;
          // ari-client's failure mode, in our own listener: a bare string thrown from a socket callback.
          // eslint-disable-next-line @typescript-eslint/only-throw-error
          throw 'swagger says no';
        },
      }),
    );
    expect(
      ['uncaughtException', 'unhandledRejection'].map((e) => process.listenerCount(e)),
    ).toEqual(before);
    await until(() => peer.sockets.length === 1);
    const ws = peer.sockets[0]!;
    ws.send('not json {');
    ws.send(JSON.stringify({ type: 'ChannelDestroyed' }));
    await until(() => calls === 1 && lines().length === 2);
    expect(lines().map((l) => l.msg)).toEqual([
      'ARI sent an event that is not JSON; dropped',
      'ARI event handling failed',
    ]);
    ws.send(JSON.stringify({ type: 'ChannelDestroyed' }));
    await until(() => calls === 2);
    // The peer going away is reported through `lost`, not thrown.
    ws.terminate();
    expect(await events.lost).toMatch(/ARI WebSocket closed/);
  });

  it('reports a refused upgrade as a typed error: 401 is an authentication failure', async () => {
    const peer = await fakeAri({ refuseUpgrade: 401 });
    done = peer.close;
    const err = await connectAri(new AriRest(peer.url, 'u', 'p'), options(peer.url)).catch(
      (e: unknown) => e,
    );
    expect(isHotlineError(err, 'MEDIA_AUTH_FAILED')).toBe(true);
  });

  it('gives up when its signal is aborted while the upgrade hangs', async () => {
    const peer = await fakeAri({ holdUpgrade: true });
    done = peer.close;
    const abort = new AbortController();
    setTimeout(() => abort.abort(), 100);
    const err = await connectAri(
      new AriRest(peer.url, 'u', 'p'),
      options(peer.url, { signal: abort.signal, timeoutMs: 10_000 }),
    ).catch((e: unknown) => e);
    expect(isHotlineError(err, 'MEDIA_NOT_CONNECTED')).toBe(true);
  });

  it('does not open the socket while ARI answers 404', async () => {
    const server = createServer((_req, res) => ((res.statusCode = 404), res.end()));
    let upgraded = false;
    server.on('upgrade', () => (upgraded = true));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    done = () => new Promise((r) => server.close(() => r()));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const err = await connectAri(new AriRest(url, 'u', 'p'), options(url)).catch((e: unknown) => e);
    expect(isHotlineError(err, 'MEDIA_NOT_FOUND')).toBe(true);
    expect(upgraded).toBe(false);
  });
});
