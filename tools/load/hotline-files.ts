import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'yaml';
import { toYaml } from '../../lib/yaml.js';
import type { LoadAgent } from './lab-agents.js';
import type { BaselineQueue } from './baseline.js';

export const LOAD_QUEUE = 'load';
export const LOAD_REDIS_DB = 13;
export const LOAD_KEY_PREFIX = 'hotline-load:';

/**
 * What the controller under test reads: the generated agents and one queue (routing folder), a
 * flow that answers, walks the keypad path (one menu per key, the sample flow's menu prompt) and
 * queues, and a configuration file: the admin's own, with these folders, its own Redis database
 * and no file watching.
 */
export async function writeHotlineFiles(
  dir: string,
  o: {
    agents: LoadAgent[];
    queue: BaselineQueue;
    keys: string;
    service: string;
    record: boolean;
    baseConfigFile: string | undefined;
    redisUrl: string;
    logLevel: string;
    overload?: { maxCalls: number; maxNewPerSecond: number };
  },
): Promise<string> {
  const routing = join(dir, 'routing');
  const flows = join(dir, 'flows');
  await mkdir(routing, { recursive: true });
  await mkdir(flows, { recursive: true });
  await writeFile(
    join(routing, 'agents.yaml'),
    toYaml({
      agents: o.agents.map((a) => ({
        id: a.id,
        name: a.id,
        endpoint: a.endpoint,
        skills: { load: 1 },
      })),
    }),
  );
  await writeFile(
    join(routing, 'queues.yaml'),
    toYaml({
      skills: ['load'],
      queues: [
        {
          id: LOAD_QUEUE,
          skill: 'load',
          strategy: o.queue.strategy,
          wrapUpSeconds: 0,
          noAnswerSeconds: o.queue.noAnswerSeconds,
          maxWaitSeconds: o.queue.maxWaitSeconds,
          maxLength: 100_000,
          record: o.record ? 'always' : 'never',
          announce: { positionEverySeconds: o.queue.announceEverySeconds },
        },
      ],
    }),
  );
  await writeFile(join(flows, 'load.yaml'), toYaml(loadFlow(o.keys, o.service)));
  const base = o.baseConfigFile
    ? ((parse(await readFile(o.baseConfigFile, 'utf8')) as Record<string, unknown> | null) ?? {})
    : {};
  const config = {
    ...base,
    log: { ...(base.log as object | undefined), level: o.logLevel },
    redis: {
      ...(base.redis as object | undefined),
      url: o.redisUrl.replace(/(\/\d+)?$/, `/${LOAD_REDIS_DB}`),
      keyPrefix: LOAD_KEY_PREFIX,
    },
    routing: { dir: routing },
    flows: { ...(base.flows as object | undefined), dir: flows, watch: false },
    ...(o.overload
      ? { overload: { ...(base.overload as object | undefined), ...o.overload } }
      : {}),
  };
  const file = join(dir, 'hotline.yaml');
  await writeFile(file, toYaml(config));
  return file;
}

/** answer → one menu per key of the path → queue. */
export function loadFlow(keys: string, service: string): Record<string, unknown> {
  const path = [...keys.replace(/,/g, '')];
  const nodes: Record<string, unknown> = {
    answer: { verb: 'answer', next: path.length ? 'menu1' : 'queue' },
  };
  path.forEach((key, i) => {
    const next = i + 1 < path.length ? `menu${i + 2}` : 'queue';
    nodes[`menu${i + 1}`] = {
      verb: 'menu',
      prompt: 'menu-main',
      options: { [key]: next },
      onFail: 'queue',
    };
  });
  nodes.queue = { verb: 'queue', queue: LOAD_QUEUE };
  return { flow: 'load', numbers: [service], language: 'en', start: 'answer', nodes };
}
