import { createLogger } from '../../controller/log/logger.js';
import { AsteriskServer } from '../../controller/media-server/asterisk/server.js';
import type { MediaServer } from '../../controller/media-server/types.js';
import type { AsteriskServerConfig } from '../../controller/config/schema.js';
import { runSipp } from '../sipp/sipp.js';
import type { ContractHarness } from '../contract/media-server.contract.js';
import { labConfig } from './lab-config.js';

export const silentLog = createLogger({ level: process.env.TEST_LOG_LEVEL ?? 'silent', name: 'test' });

export function waitReady(server: MediaServer, timeoutMs = 15_000): Promise<void> {
  return new Promise((resolve, reject) => {
    if (server.status().ready) return resolve();
    const timer = setTimeout(() => {
      off();
      reject(new Error(`${server.id} not ready: ${server.status().reason}`));
    }, timeoutMs);
    const off = server.onStatus((s) => {
      if (!s.ready) return;
      clearTimeout(timer);
      off();
      resolve();
    });
  });
}

/** Places a SIPp call into the lab the way the contract describes. */
export function placeSippCall(opts: { number: string; dtmf?: string; hangupAfterMs?: number }): { done: Promise<unknown> } {
  const done =
    opts.hangupAfterMs !== undefined
      ? runSipp({ scenario: 'uac-400-hangup-during-prompt', service: opts.number, timeoutMs: 30_000 })
      : runSipp({ scenario: 'uac-400-dtmf-expect-bye', service: opts.number, dtmf: opts.dtmf ?? '', timeoutMs: 40_000 });
  return { done };
}

export async function asteriskHarness(overrides: Partial<AsteriskServerConfig> = {}): Promise<ContractHarness> {
  const config = labConfig();
  const base = config.mediaServers[0];
  if (!base) throw new Error('no media server in the lab configuration');
  const server = new AsteriskServer({ ...base, ...overrides }, silentLog);
  server.start();
  await waitReady(server);
  return {
    server,
    placeCall: placeSippCall,
    answeringEndpoint: 'Local/echo@hotline-lab',
    shortMedia: { type: 'sound', name: 'beep' },
    longMedia: { type: 'tone', tone: 'ring' },
    close: () => server.close(),
  };
}
