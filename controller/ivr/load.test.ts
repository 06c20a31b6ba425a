import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readCatalogue } from '../../media/prompts.js';
import { createLogger } from '../log/logger.js';
import { PROJECT_ROOT } from '../../lib/project-root.js';
import { defaultFlowsDir, FlowDirectory } from './directory.js';
import { loadFlowFolder } from './load.js';
import { indexPrompts } from './prompt-index.js';
import { flowJsonSchema } from './schema.js';

const prompts = indexPrompts(await readCatalogue());
const ctx = { prompts, queues: new Set(['billing', 'tech', 'general', 'vip']) };

const GOOD = `flow: t
numbers: ["4008009001"]
language: en
start: main
nodes:
  main:
    verb: menu
    prompt: menu-main
    options: { "1": bye }
    onFail: bye
  bye: { verb: hangup, prompt: goodbye }
`;

function folder(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'hotline-flows-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

function problemsOf(text: string): string[] {
  const r = loadFlowFolder(folder({ 'f.yaml': text }), ctx);
  return [...r.failed.values()].flat();
}

describe('flow files', () => {
  it('the shipped sample flows pass every check', () => {
    const r = loadFlowFolder(defaultFlowsDir(), ctx);
    expect([...r.failed.values()].flat()).toEqual([]);
    expect(r.conflicts).toEqual([]);
    expect([...r.flows.values()].map((f) => f.flow).sort()).toEqual(['hotline-en', 'hotline-zh']);
  });

  it('a good file loads with a version that changes with its content', () => {
    const a = loadFlowFolder(folder({ 'f.yaml': GOOD }), ctx);
    const b = loadFlowFolder(folder({ 'f.yaml': `${GOOD}# edited\n` }), ctx);
    const [fa] = a.flows.values();
    const [fb] = b.flows.values();
    expect(fa?.version).toMatch(/^[0-9a-f]{12}$/);
    expect(fa?.version).not.toBe(fb?.version);
  });

  const cases: [string, string, RegExp][] = [
    [
      'an unknown verb',
      GOOD.replace('verb: hangup', 'verb: dance'),
      /f\.yaml:11: nodes\.bye\.verb: /,
    ],
    [
      'a missing prompt',
      GOOD.replace('prompt: goodbye', 'prompt: no-such-prompt'),
      /f\.yaml:11: nodes\.bye\.prompt: prompt "no-such-prompt" missing in language en/,
    ],
    [
      'a dangling node',
      GOOD.replace('"1": bye', '"1": nowhere'),
      /f\.yaml:9: nodes\.main\.options\.1: no node "nowhere"/,
    ],
    [
      'an unreachable node',
      `${GOOD}  lost: { verb: hangup }\n`,
      /f\.yaml:12: nodes\.lost: unreachable from the start/,
    ],
    [
      'a loop with no exit',
      GOOD.replace(
        'options: { "1": bye }\n    onFail: bye',
        'options: { "1": again }\n    onFail: again',
      ).replace(
        '  bye: { verb: hangup, prompt: goodbye }',
        '  again: { verb: play, play: goodbye, next: main }\n  bye: { verb: hangup }',
      ),
      /nodes\.main: a loop with no exit/,
    ],
    [
      'a bad pattern',
      GOOD.replace('numbers: ["4008009001"]', 'patterns: ["^400(8"]'),
      /f\.yaml:2: patterns\.0: a valid regular expression/,
    ],
    [
      'a duplicate key',
      GOOD.replace('  bye: {', '  main: { verb: hangup }\n  bye: {'),
      /f\.yaml:11: yaml: Map keys must be unique/,
    ],
    [
      'a wrong type',
      GOOD.replace('onFail: bye', 'onFail: bye\n    retries: many'),
      /f\.yaml:11: nodes\.main\.retries: /,
    ],
    [
      'an unknown key',
      GOOD.replace('onFail: bye', 'onFail: bye\n    colour: blue'),
      /f\.yaml:11: nodes\.main\.colour: unknown key/,
    ],
    [
      'an unknown queue',
      GOOD.replace(
        '  bye: { verb: hangup, prompt: goodbye }',
        '  bye: { verb: queue, queue: sales }',
      ),
      /nodes\.bye\.queue: no queue "sales"/,
    ],
    [
      'a missing start',
      GOOD.replace('start: main', 'start: begin'),
      /f\.yaml:4: start: no node "begin"/,
    ],
    [
      'no number at all',
      GOOD.replace('numbers: ["4008009001"]\n', ''),
      /f\.yaml:\d+: numbers: the flow serves no number/,
    ],
  ];

  it.each(cases)('%s is refused with file:line: key: reason', (_what, text, expected) => {
    const problems = problemsOf(text);
    expect(problems.join('\n')).toMatch(expected);
    for (const p of problems) expect(p).toMatch(/^\S+\.yaml:\d+: \S+: .+/);
  });

  it('a number served by two flows is a conflict', () => {
    const r = loadFlowFolder(
      folder({ 'a.yaml': GOOD, 'b.yaml': GOOD.replace('flow: t', 'flow: u') }),
      ctx,
    );
    expect(r.conflicts.join('\n')).toMatch(
      /b\.yaml:1: numbers: 4008009001 is also served by .*a\.yaml/,
    );
  });

  it('the committed JSON Schema is the one the code generates', () => {
    const committed: unknown = JSON.parse(
      readFileSync(join(PROJECT_ROOT, 'dialplan', 'flows', 'flow.schema.json'), 'utf8'),
    );
    expect(committed).toEqual(flowJsonSchema());
  });
});

describe('FlowDirectory', () => {
  const log = createLogger({ level: 'silent', name: 'test' });

  it('serves exact numbers before patterns, and keeps the last good version of a broken file', () => {
    const dir = folder({
      'a.yaml': GOOD,
      'b.yaml': GOOD.replace('flow: t', 'flow: p').replace(
        'numbers: ["4008009001"]',
        'patterns: ["^40080090"]',
      ),
    });
    const flows = new FlowDirectory(dir, () => ctx, log);
    expect(flows.reload()).toEqual([]);
    expect(flows.forNumber('4008009001')?.flow).toBe('t');
    expect(flows.forNumber('4008009002')?.flow).toBe('p');
    expect(flows.forNumber('4001234567')).toBeUndefined();
    const before = flows.forNumber('4008009001');
    writeFileSync(join(dir, 'a.yaml'), GOOD.replace('verb: hangup', 'verb: dance'));
    const problems = flows.reload();
    expect(problems.length).toBeGreaterThan(0);
    // The broken edit is refused; the version that served before still serves.
    expect(flows.forNumber('4008009001')).toBe(before);
    writeFileSync(join(dir, 'a.yaml'), GOOD.replace('prompt: goodbye', 'prompt: no-match'));
    expect(flows.reload()).toEqual([]);
    expect(flows.forNumber('4008009001')?.version).not.toBe(before?.version);
  });

  it('picks up a changed file by itself when watching', async () => {
    const dir = folder({ 'a.yaml': GOOD });
    const flows = new FlowDirectory(dir, () => ctx, log);
    flows.reload();
    flows.watch();
    try {
      const before = flows.forNumber('4008009001')?.version;
      writeFileSync(join(dir, 'a.yaml'), `${GOOD}# changed\n`);
      for (let i = 0; i < 40 && flows.forNumber('4008009001')?.version === before; i++)
        await new Promise((r) => setTimeout(r, 50));
      expect(flows.forNumber('4008009001')?.version).not.toBe(before);
    } finally {
      flows.close();
    }
  });
});
