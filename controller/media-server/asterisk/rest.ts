import { Agent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { HotlineError } from '../../../lib/errors.js';
import { withDeadline, type WaitOptions } from '../../../lib/wait.js';

/**
 * A small ARI REST client on node:http with keep-alive. ari-client turns every HTTP error into a
 * bare Error with the body as message, which would force us to compare message strings; here 404
 * and 409 become typed errors and every request has a deadline. (fetch cost three times the CPU
 * per request in a profile at 10 calls/s.)
 */
export class AriRest {
  private readonly base: URL;
  private readonly auth: string;
  private readonly agent: Agent;
  private readonly send: typeof httpRequest;

  constructor(url: string, username: string, password: string) {
    this.base = new URL(url);
    this.auth = `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
    const https = this.base.protocol === 'https:';
    this.agent = https
      ? new HttpsAgent({ keepAlive: true, maxSockets: 64 })
      : new Agent({ keepAlive: true, maxSockets: 64 });
    this.send = https ? httpsRequest : httpRequest;
  }

  async request<T = unknown>(
    method: 'GET' | 'POST' | 'PUT' | 'DELETE',
    path: string,
    opts: WaitOptions & {
      query?: Record<string, string | number | boolean | undefined>;
      body?: unknown;
    },
  ): Promise<T> {
    let query = '';
    for (const [k, v] of Object.entries(opts.query ?? {})) {
      if (v !== undefined)
        query += `${query ? '&' : '?'}${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`;
    }
    const what = `ARI ${method} ${path}`;
    const body = opts.body === undefined ? undefined : JSON.stringify(opts.body);
    const { status, text } = await withDeadline(what, opts, (signal) =>
      this.exchange(method, `/ari${path}${query}`, body, signal, what),
    );
    if (status >= 200 && status < 300) return (text ? JSON.parse(text) : undefined) as T;
    throw new HotlineError(codeFor(status), `${what}: ${status} ${ariMessage(text)}`, {
      details: { status },
    });
  }

  close(): void {
    this.agent.destroy();
  }

  private exchange(
    method: string,
    path: string,
    body: string | undefined,
    signal: AbortSignal,
    what: string,
  ): Promise<{ status: number; text: string }> {
    return new Promise((resolve, reject) => {
      const headers: Record<string, string | number> = { authorization: this.auth };
      if (body !== undefined) {
        headers['content-type'] = 'application/json';
        headers['content-length'] = Buffer.byteLength(body);
      }
      const req = this.send(
        {
          host: this.base.hostname,
          port: this.base.port || undefined,
          method,
          path,
          headers,
          agent: this.agent,
          signal,
        },
        (res: IncomingMessage) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () =>
            resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }),
          );
          res.on('error', reject);
        },
      );
      req.on('error', (err) => {
        if (signal.aborted) reject(err);
        else
          reject(
            new HotlineError(
              'MEDIA_NOT_CONNECTED',
              `${what}: Asterisk unreachable (${(err as NodeJS.ErrnoException).code ?? err.message})`,
              { cause: err },
            ),
          );
      });
      req.end(body);
    });
  }
}

function codeFor(
  status: number,
): 'MEDIA_NOT_FOUND' | 'MEDIA_CONFLICT' | 'MEDIA_REJECTED' | 'MEDIA_FAILED' {
  if (status === 404) return 'MEDIA_NOT_FOUND';
  if (status === 409 || status === 412) return 'MEDIA_CONFLICT';
  if (status >= 400 && status < 500) return 'MEDIA_REJECTED';
  return 'MEDIA_FAILED';
}

function ariMessage(text: string): string {
  try {
    const body = JSON.parse(text) as { message?: unknown };
    return typeof body.message === 'string' ? body.message : text.slice(0, 200);
  } catch {
    return text.slice(0, 200);
  }
}
