import { HotlineError } from '../../../lib/errors.js';
import type { Bridge, Channel } from '../../media-server/types.js';
import { eitherEnds, firstAnswer } from '../../session/verbs/legs.js';
import type { FlowNode } from '../schema.js';
import type { NodeHandler } from '../run-state.js';
import { render } from '../template.js';
import { ignored } from '../../../lib/settle.js';

type Node = Extract<FlowNode, { verb: 'transfer' }>;

/**
 * Connects the caller to another number or endpoint: the far end is rung through the media server
 * and, once it answers, shares a bridge with the caller until either hangs up. No answer, busy or
 * a refused dial takes `onFail`.
 */
export const transfer: NodeHandler<Node> = async (call, node, run, deps) => {
  const endpoint = endpointFor(render(node.to, run.scope()), deps.transferEndpoint);
  const opts = { timeoutMs: call.commandTimeoutMs, signal: call.signal };
  let leg: Channel | undefined;
  let bridge: Bridge | undefined;
  try {
    leg = await call.server.originate(
      {
        endpoint,
        ringTimeoutSeconds: node.ringSeconds,
        callerNumber: call.channel.info.callerNumber,
      },
      opts,
    );
    call.note('transfer ringing');
    const answered = await firstAnswer(
      new Map([['far', leg]]),
      (node.ringSeconds + 2) * 1000,
      call.signal,
    );
    if (!answered) {
      call.note('transfer not answered');
      return { next: node.onFail, exit: 'no-answer' };
    }
    bridge = await call.server.createBridge('mixing', opts);
    await bridge.add([call.channel.id, leg.id], opts);
    run.reachedPerson = true;
    call.note('transferred');
    await eitherEnds(call.signal, leg.ended);
    return { end: 'transferred', exit: 'connected' };
  } catch (err) {
    if (call.signal.aborted) throw err;
    if (err instanceof HotlineError && err.code.startsWith('MEDIA_')) {
      call.log.warn({ err }, 'transfer failed');
      return { next: node.onFail, exit: 'failed' };
    }
    throw err;
  } finally {
    await leg?.hangup().catch(ignored(call.log, 'hanging up the transfer leg'));
    await bridge
      ?.destroy({ timeoutMs: call.commandTimeoutMs })
      .catch(ignored(call.log, 'removing the transfer bridge'));
  }
};

/**
 * Digits go out through the trunk template (`PJSIP/{number}@carrier`); a SIP URI goes out through
 * the same trunk (`PJSIP/carrier/sip:...`); anything else is already an endpoint.
 */
export function endpointFor(to: string, template: string): string {
  if (/^\+?\d+$/.test(to)) return template.replace('{number}', to);
  const trunk = /^(\w+)\/\{number\}@([\w.-]+)$/.exec(template);
  if (to.startsWith('sip:') && trunk) return `${trunk[1]}/${trunk[2]}/${to}`;
  return to;
}
