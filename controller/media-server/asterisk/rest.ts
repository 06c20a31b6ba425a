import { HotlineError } from '../../errors.js';
import { withDeadline, type WaitOptions } from '../../util/wait.js';

/**
 * A small ARI REST client over fetch. ari-client turns every HTTP error into a bare Error with the
 * body as message, which would force us to compare message strings; here 404 and 409 become typed
 * errors and every request has a deadline.
 */
export class AriRest {
  private readonly base: string;
  private readonly auth: string;

  constructor(url: string, username: string, password: string) {
    this.base = `${url.replace(/\/+$/, '')}/ari`;
    this.auth = `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
  }

  async request<T = unknown>(
    method: 'GET' | 'POST' | 'DELETE',
    path: string,
    opts: WaitOptions & { query?: Record<string, string | number | boolean | undefined>; body?: unknown },
  ): Promise<T> {
    const url = new URL(this.base + path);
    for (const [k, v] of Object.entries(opts.query ?? {})) if (v !== undefined) url.searchParams.set(k, String(v));
    const what = `ARI ${method} ${path}`;
    const res = await withDeadline(what, opts, async (signal) => {
      try {
        return await fetch(url, {
          method,
          signal,
          headers: { authorization: this.auth, ...(opts.body === undefined ? {} : { 'content-type': 'application/json' }) },
          ...(opts.body === undefined ? {} : { body: JSON.stringify(opts.body) }),
        });
      } catch (err) {
        if (signal.aborted) throw err;
        throw new HotlineError('MEDIA_NOT_CONNECTED', `${what}: Asterisk unreachable`, { cause: err });
      }
    });
    const text = await res.text();
    if (res.ok) return (text ? JSON.parse(text) : undefined) as T;
    throw new HotlineError(codeFor(res.status), `${what}: ${res.status} ${ariMessage(text)}`, { details: { status: res.status } });
  }
}

function codeFor(status: number): 'MEDIA_NOT_FOUND' | 'MEDIA_CONFLICT' | 'MEDIA_REJECTED' | 'MEDIA_FAILED' {
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
