import ari, { type AriClient } from 'ari-client';
import { HotlineError } from '../../../lib/errors.js';
import type { AriRest } from './rest.js';

/**
 * ari-client's connect loads ARI's Swagger documents through swagger-client, whose failure path
 * calls back *and then throws a string* from inside an HTTP callback: an uncaught exception that
 * would take the whole controller down whenever Asterisk is starting, stopping or half-loaded.
 * So: first check with our own client that every API document answers 200 (which closes most of
 * that window), and while connect runs, contain exactly that kind of throw (a bare string).
 */
export async function connectAri(rest: AriRest, url: string, user: string, pass: string, timeoutMs: number): Promise<AriClient> {
  await probeApiDocs(rest, timeoutMs);
  const release = containSwaggerThrows();
  try {
    return await Promise.resolve(ari.connect(url, user, pass));
  } catch (err) {
    throw new HotlineError('MEDIA_NOT_CONNECTED', `ARI connect failed: ${typeof err === 'string' ? err : err instanceof Error ? err.message : 'unknown'}`, { cause: err });
  } finally {
    // swagger-client throws right after it reports the failure; let that tick pass first.
    setImmediate(release);
  }
}

async function probeApiDocs(rest: AriRest, timeoutMs: number): Promise<void> {
  const index = await rest.request<{ apis?: { path: string }[] }>('GET', '/api-docs/resources.json', { timeoutMs });
  const paths = (index?.apis ?? []).map((a) => a.path.replace('{format}', 'json'));
  if (paths.length === 0) throw new HotlineError('MEDIA_NOT_CONNECTED', 'ARI lists no APIs yet');
  await Promise.all(paths.map((p) => rest.request('GET', p, { timeoutMs })));
}

let guards = 0;
const swallow = (err: unknown): void => {
  if (typeof err === 'string') return;
  // Anything else is a real crash: behave as Node would without us.
  process.removeListener('uncaughtException', swallow);
  throw err;
};

function containSwaggerThrows(): () => void {
  if (guards++ === 0) process.on('uncaughtException', swallow);
  let released = false;
  return () => {
    if (released) return;
    released = true;
    if (--guards === 0) process.removeListener('uncaughtException', swallow);
  };
}
