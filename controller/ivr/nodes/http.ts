import { HotlineError } from '../../../lib/errors.js';
import type { FlowNode } from '../schema.js';
import type { NodeHandler } from '../run-state.js';
import { render } from '../template.js';

type Node = Extract<FlowNode, { verb: 'http' }>;

/**
 * Fetches customer data (VIP flag, open orders...) within its deadline; the JSON answer goes into
 * a variable. A timeout, a refused connection, a non-2xx status or a body that is not JSON takes
 * the declared error branch: the caller is never left waiting on someone else's server.
 */
export const http: NodeHandler<Node> = async (call, node, run) => {
  const scope = run.scope();
  const url = render(node.url, scope);
  const headers: Record<string, string> = Object.fromEntries(
    Object.entries(node.headers).map(([k, v]) => [k, render(v, scope)]),
  );
  let body: string | undefined;
  if (node.body) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(
      Object.fromEntries(
        Object.entries(node.body).map(([k, v]) => [
          k,
          typeof v === 'string' ? render(v, scope) : v,
        ]),
      ),
    );
  }
  const started = Date.now();
  try {
    const res = await fetch(url, {
      method: node.method,
      headers,
      body: body ?? null,
      signal: AbortSignal.any([call.signal, AbortSignal.timeout(node.timeoutMs)]),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`status ${res.status}`);
    run.vars[node.saveAs] = JSON.parse(text) as unknown;
    call.note(`lookup ok (${Date.now() - started} ms)`);
    return { next: node.next, exit: 'ok' };
  } catch (err) {
    if (call.signal.aborted) throw new HotlineError('CALL_ENDED', 'call ended during a lookup');
    const reason = err instanceof Error && err.name === 'TimeoutError' ? 'timeout' : 'error';
    // The URL may carry the caller's number: log the host only.
    call.log.warn({ host: new URL(url).host, reason, err }, 'lookup failed');
    call.note(`lookup ${reason}`);
    return { next: node.onError, exit: reason };
  }
};
