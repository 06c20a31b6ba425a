import type { IncomingMessage } from 'node:http';
import WebSocket from 'ws';
import { HotlineError } from '../../../lib/errors.js';
import type { Logger } from '../../log/logger.js';
import type { AriRest } from './rest.js';

/** How often the event socket is pinged; a socket that missed a whole round is dropped. */
const HEARTBEAT_MS = 15_000;

export interface AriConnectOptions {
  url: string;
  username: string;
  password: string;
  /** The Stasis application the socket subscribes to. */
  app: string;
  timeoutMs: number;
  signal: AbortSignal;
  /** Each event as ARI sent it (parsed JSON); translation is translate.ts's job. */
  onEvent: (event: unknown) => void;
  log: Logger;
}

/** An open ARI event socket. */
export interface AriEvents {
  /** Resolves, with the reason, when the socket is gone (closed, failed or silent too long). */
  readonly lost: Promise<string>;
  close(): void;
}

/**
 * Connects to ARI: checks that every API document answers (Asterisk fully started, all its ARI
 * modules loaded), then opens the event WebSocket with `ws`. Commands go through AriRest. Every
 * failure of the socket, before or after it opens, ends here as a rejection or as `lost`; nothing
 * is thrown from a socket callback (docs/ari-client.md says why we no longer use ari-client).
 */
export async function connectAri(rest: AriRest, opts: AriConnectOptions): Promise<AriEvents> {
  await probeApiDocs(rest, opts);
  return openEvents(opts);
}

async function probeApiDocs(rest: AriRest, opts: AriConnectOptions): Promise<void> {
  const wait = { timeoutMs: opts.timeoutMs, signal: opts.signal };
  const index = await rest.request<{ apis?: { path: string }[] }>(
    'GET',
    '/api-docs/resources.json',
    wait,
  );
  const paths = (index?.apis ?? []).map((a) => a.path.replace('{format}', 'json'));
  if (paths.length === 0) throw new HotlineError('MEDIA_NOT_CONNECTED', 'ARI lists no APIs yet');
  // One after another: in parallel, each request's deadline would add its own abort listener to
  // the one signal (about twenty documents, past Node's leak warning).
  for (const p of paths) await rest.request('GET', p, wait);
}

function eventsUrl(base: string, app: string): string {
  const url = new URL(base);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  url.pathname = `${url.pathname.replace(/\/$/, '')}/ari/events`;
  url.search = `?app=${encodeURIComponent(app)}`;
  return url.toString();
}

function openEvents(opts: AriConnectOptions): Promise<AriEvents> {
  // Credentials go in the Authorization header, not in the URL (where Asterisk would log them).
  const auth = `Basic ${Buffer.from(`${opts.username}:${opts.password}`).toString('base64')}`;
  const ws = new WebSocket(eventsUrl(opts.url, opts.app), {
    headers: { authorization: auth },
    handshakeTimeout: opts.timeoutMs,
    perMessageDeflate: false,
  });
  let settle: ((reason: string) => void) | undefined;
  const lost = new Promise<string>((resolve) => (settle = resolve));
  const end = (reason: string): void => {
    settle?.(reason);
    settle = undefined;
  };
  // A socket error is reported once, as `lost` (or the rejection below), never thrown.
  ws.on('error', (err) => end(`ARI WebSocket error: ${err.message}`));
  ws.on('close', (code) => end(`ARI WebSocket closed (${code})`));

  return new Promise<AriEvents>((resolve, reject) => {
    let opened = false;
    const fail = (err: HotlineError): void => {
      if (opened) return;
      opts.signal.removeEventListener('abort', onAbort);
      ws.terminate();
      reject(err);
    };
    const onAbort = (): void =>
      fail(new HotlineError('MEDIA_NOT_CONNECTED', 'ARI WebSocket: connect abandoned'));
    opts.signal.addEventListener('abort', onAbort, { once: true });
    if (opts.signal.aborted) return onAbort();
    ws.once('unexpected-response', (_req, res: IncomingMessage) => {
      const status = res.statusCode ?? 0;
      res.resume();
      fail(
        new HotlineError(
          status === 401 || status === 403 ? 'MEDIA_AUTH_FAILED' : 'MEDIA_NOT_CONNECTED',
          `ARI WebSocket refused: HTTP ${status}`,
          { details: { status } },
        ),
      );
    });
    void lost.then((reason) => fail(new HotlineError('MEDIA_NOT_CONNECTED', reason)));
    ws.once('open', () => {
      opened = true;
      opts.signal.removeEventListener('abort', onAbort);
      ws.on('message', (data: Buffer) => deliver(data, opts));
      const heartbeat = startHeartbeat(ws, end);
      void lost.then(() => clearInterval(heartbeat));
      resolve({
        lost,
        close: () => {
          end('closing');
          ws.close();
        },
      });
    });
  });
}

/** Parses and hands on one event; a malformed event or a failing listener is logged, not thrown. */
function deliver(data: Buffer, opts: AriConnectOptions): void {
  let event: unknown;
  try {
    event = JSON.parse(data.toString('utf8')) as unknown;
  } catch {
    opts.log.warn({ bytes: data.length }, 'ARI sent an event that is not JSON; dropped');
    return;
  }
  try {
    opts.onEvent(event);
  } catch (err) {
    opts.log.error(
      { err: err instanceof Error ? err.message : String(err) },
      'ARI event handling failed',
    );
  }
}

/** Detects a peer that vanished without closing (no FIN): no pong for a whole round drops it. */
function startHeartbeat(ws: WebSocket, end: (reason: string) => void): NodeJS.Timeout {
  let alive = true;
  ws.on('pong', () => (alive = true));
  const timer = setInterval(() => {
    if (!alive) {
      end(`ARI WebSocket silent for ${HEARTBEAT_MS} ms`);
      ws.terminate();
      return;
    }
    alive = false;
    ws.ping();
  }, HEARTBEAT_MS);
  timer.unref();
  return timer;
}
