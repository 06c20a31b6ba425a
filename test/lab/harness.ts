import { labAsterisk } from '../../controller/config/servers.js';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CallRecord, CallRecordStore } from '../../controller/calls/record.js';
import { createLogger } from '../../controller/log/logger.js';
import type { RoutingService } from '../../controller/acd/service.js';
import { PROJECT_ROOT } from '../../lib/project-root.js';
import { AsteriskServer } from '../../controller/media-server/asterisk/server.js';
import type { MediaServer } from '../../controller/media-server/types.js';
import type { AsteriskServerConfig } from '../../controller/config/schema.js';
import { runSipp } from '../../tools/sipp/sipp.js';
import type { ContractHarness } from '../contract/media-server.contract.js';
import { labConfig } from './lab-config.js';

export const silentLog = createLogger({
  level: process.env.TEST_LOG_LEVEL ?? 'silent',
  name: 'test',
});

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

/** Places a SIPp call into the lab the way the contract describes (to Asterisk unless `target` says where). */
export function placeSippCall(opts: {
  number: string;
  dtmf?: string;
  hangupAfterMs?: number;
  target?: string;
}): { done: Promise<unknown> } {
  const target = opts.target ? { target: opts.target } : {};
  const done =
    opts.hangupAfterMs !== undefined
      ? runSipp({
          scenario: 'uac-400-hangup-during-prompt',
          service: opts.number,
          timeoutMs: 30_000,
          ...target,
        })
      : runSipp({
          scenario: 'uac-400-dtmf-expect-bye',
          service: opts.number,
          dtmf: opts.dtmf ?? '',
          timeoutMs: 40_000,
          ...target,
        });
  return { done };
}

export async function asteriskHarness(
  overrides: Partial<AsteriskServerConfig> = {},
): Promise<ContractHarness> {
  const config = labConfig();
  const base = labAsterisk(config);
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

/** The controller's record of a call, once it has ended (or the last one seen after ~5 s). */
export async function recordOf(
  store: CallRecordStore,
  sipCallId: string,
): Promise<CallRecord | undefined> {
  let record: CallRecord | undefined;
  for (let i = 0; i < 50; i++) {
    record = await store.findBySipCallId(sipCallId);
    if (record?.state === 'ended') return record;
    await new Promise((r) => setTimeout(r, 100));
  }
  return record;
}

/** A copy of dialplan/routing with text replacements applied to agents.yaml and queues.yaml. */
export function routingCopy(
  edits: { agents?: [string, string][]; queues?: [string, string][] } = {},
): string {
  const dir = mkdtempSync(join(tmpdir(), 'hotline-routing-lab-'));
  cpSync(join(PROJECT_ROOT, 'dialplan', 'routing'), dir, { recursive: true });
  for (const [file, list] of [
    ['agents.yaml', edits.agents],
    ['queues.yaml', edits.queues],
  ] as const) {
    let text = readFileSync(join(dir, file), 'utf8');
    for (const [from, to] of list ?? []) {
      if (!text.includes(from)) throw new Error(`${file} has no ${JSON.stringify(from)}`);
      text = text.replace(from, to);
    }
    writeFileSync(join(dir, file), text);
  }
  return dir;
}

/** Logs every configured agent out, then the given ones in (available). */
export async function onlyAvailable(routing: RoutingService, ids: string[]): Promise<void> {
  for (const a of routing.config.agents)
    await routing.agents.change(a.id, 'logged-out').catch(() => undefined);
  for (const id of ids) await routing.agents.change(id, 'available');
  // Let the state changes reach the router through pub/sub.
  await new Promise((r) => setTimeout(r, 100));
}
