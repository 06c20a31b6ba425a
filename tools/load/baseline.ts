import type { LoadAgent } from './lab-agents.js';
import type { StrategyName } from '../../controller/acd/strategies/types.js';

/**
 * The app_queue baseline: the same agents as static members of one Queue(), and a dialplan that
 * answers, walks the same keypad path (one Read() per key, with the prompt our flow plays), then
 * queues. No controller is involved.
 */
export const BASELINE_QUEUE = 'hotline-load';

/** The app_queue strategy closest to each of ours (app_queue has nothing like least talk time). */
export const APP_QUEUE_STRATEGY: Record<StrategyName, string> = {
  'weighted-round-robin': 'rrmemory',
  'longest-idle': 'leastrecent',
  'fewest-calls': 'fewestcalls',
  'least-talk-time': 'leastrecent',
  'ring-all': 'ringall',
  random: 'random',
  linear: 'linear',
};

export interface BaselineQueue {
  strategy: StrategyName;
  noAnswerSeconds: number;
  maxWaitSeconds: number;
  announceEverySeconds: number;
  /** app_queue may ring an agent already on a call (its default); off matches hotline, one call per agent. */
  ringInUse?: boolean;
}

export function queuesConf(agents: LoadAgent[], q: BaselineQueue): string {
  return [
    '; Written by `hotline load --baseline app_queue` for one run.',
    '[general]',
    'persistentmembers = no',
    'shared_lastcall = no',
    '',
    `[${BASELINE_QUEUE}]`,
    `strategy = ${APP_QUEUE_STRATEGY[q.strategy]}`,
    `timeout = ${q.noAnswerSeconds}`,
    'retry = 1',
    'wrapuptime = 0',
    `ringinuse = ${q.ringInUse ? 'yes' : 'no'}`,
    'autofill = yes',
    'joinempty = yes',
    'leavewhenempty = no',
    'musicclass = default',
    `announce-frequency = ${q.announceEverySeconds}`,
    'announce-position = yes',
    'announce-holdtime = no',
    ...agents.map((a) => `member => ${a.endpoint},0,${a.id}`),
    '',
  ].join('\n');
}

/** extensions_load.conf; `prompt` is the menu prompt as Asterisk names it (no extension). */
export function extensionsLoadConf(
  keys: string,
  prompt: string,
  q: BaselineQueue,
  digitTimeoutSeconds = 5,
): string {
  const reads = [...keys.replace(/,/g, '')].map(
    () => ` same => n,Read(choice,${prompt},1,,1,${digitTimeoutSeconds})`,
  );
  return [
    '; Written by `hotline load --baseline app_queue` for one run.',
    '[load-baseline]',
    'exten => _X.,1,Answer()',
    ...reads,
    ` same => n,Queue(${BASELINE_QUEUE},,,,${q.maxWaitSeconds})`,
    ' same => n,Hangup()',
    '',
  ].join('\n');
}
