import type { FlowFile, FlowNode, Language, Sound, Sounds } from './schema.js';

export interface FlowProblem {
  path: (string | number)[];
  reason: string;
}

export interface CheckContext {
  /** Prompt ids known per language (the catalogue). */
  prompts: ReadonlyMap<Language, ReadonlySet<string>>;
  /** Queue ids the router knows; undefined skips the check. */
  queues?: ReadonlySet<string> | undefined;
}

/** Verbs after which a call can end: every path must reach one. */
const ENDS: ReadonlySet<FlowNode['verb']> = new Set([
  'hangup',
  'voicemail',
  'callback',
  'queue',
  'transfer',
]);

/**
 * The checks a schema cannot make: every named node exists, every node is reachable from the
 * start, no loop lacks a way out, prompts exist in every language the flow can switch to, and
 * queues exist. Each problem names the key path it is about.
 */
export function checkFlow(flow: FlowFile, ctx: CheckContext): FlowProblem[] {
  const problems: FlowProblem[] = [];
  const ids = new Set(Object.keys(flow.nodes));
  if (!ids.has(flow.start)) problems.push({ path: ['start'], reason: `no node "${flow.start}"` });
  if (flow.numbers.length === 0 && flow.patterns.length === 0)
    problems.push({
      path: ['numbers'],
      reason: 'the flow serves no number (give numbers or patterns)',
    });
  const languages = new Set<Language>([flow.language]);
  for (const node of Object.values(flow.nodes))
    if (node.verb === 'language') for (const l of Object.values(node.options)) languages.add(l);

  for (const [id, node] of Object.entries(flow.nodes)) {
    for (const [key, target] of edges(node)) {
      if (!ids.has(target))
        problems.push({ path: ['nodes', id, ...key], reason: `no node "${target}"` });
    }
    for (const [key, list] of soundsOf(node)) {
      asList(list).forEach((sound, i) => {
        const prompt = promptOf(sound);
        if (prompt === undefined) return;
        for (const l of languages) {
          if (!ctx.prompts.get(l)?.has(prompt))
            problems.push({
              path: ['nodes', id, key, ...(Array.isArray(list) ? [i] : [])],
              reason: `prompt "${prompt}" missing in language ${l}`,
            });
        }
      });
    }
    if (node.verb === 'branch') {
      node.when.forEach((w, i) => {
        const cal = 'open' in w.if ? w.if.open : 'closed' in w.if ? w.if.closed : undefined;
        if (cal !== undefined && !flow.calendars[cal])
          problems.push({ path: ['nodes', id, 'when', i, 'if'], reason: `no calendar "${cal}"` });
      });
    }
    if (
      node.verb === 'menu' &&
      Object.keys(node.options).length === 0 &&
      node.intents.length === 0
    ) {
      problems.push({
        path: ['nodes', id],
        reason: 'a menu needs options (keys) or intents (speech)',
      });
    }
    if (node.verb === 'gather' && node.minDigits > node.maxDigits)
      problems.push({ path: ['nodes', id, 'minDigits'], reason: 'more than maxDigits' });
    if (node.verb === 'queue' && ctx.queues && !ctx.queues.has(node.queue))
      problems.push({
        path: ['nodes', id, 'queue'],
        reason: `no queue "${node.queue}" in the routing configuration`,
      });
  }
  if (problems.length > 0) return problems;

  const reachable = walk([flow.start], (id) => edges(flow.nodes[id]!).map(([, t]) => t));
  for (const id of ids)
    if (!reachable.has(id))
      problems.push({ path: ['nodes', id], reason: 'unreachable from the start' });
  // Nodes from which some end can be reached, found by walking the edges backwards from the ends.
  const into = new Map<string, string[]>();
  for (const [id, node] of Object.entries(flow.nodes))
    for (const [, t] of edges(node)) into.set(t, [...(into.get(t) ?? []), id]);
  const canEnd = walk(
    [...ids].filter((id) => ENDS.has(flow.nodes[id]!.verb)),
    (id) => into.get(id) ?? [],
  );
  for (const id of reachable)
    if (!canEnd.has(id))
      problems.push({
        path: ['nodes', id],
        reason: 'a loop with no exit: no path from here ever ends the call',
      });
  return problems;
}

/** Every node a node can lead to, with the key that names it. */
export function edges(node: FlowNode): [(string | number)[], string][] {
  switch (node.verb) {
    case 'answer':
    case 'play':
    case 'say':
    case 'set':
      return [[['next'], node.next]];
    case 'menu':
      return [
        ...Object.entries(node.options).map(([k, t]): [(string | number)[], string] => [
          ['options', k],
          t,
        ]),
        ...node.intents.map((it, i): [(string | number)[], string] => [
          ['intents', i, 'next'],
          it.next,
        ]),
        [['onFail'], node.onFail],
      ];
    case 'gather':
      return [
        [['next'], node.next],
        [['onFail'], node.onFail],
      ];
    case 'language':
      return [
        [['next'], node.next],
        [['onFail'], node.onFail],
      ];
    case 'branch':
      return [
        ...node.when.map((w, i): [(string | number)[], string] => [['when', i, 'goto'], w.goto]),
        [['otherwise'], node.otherwise],
      ];
    case 'http':
      return [
        [['next'], node.next],
        [['onError'], node.onError],
      ];
    case 'queue':
      return node.next === undefined ? [] : [[['next'], node.next]];
    case 'transfer':
      return [[['onFail'], node.onFail]];
    case 'voicemail':
    case 'callback':
    case 'hangup':
      return [];
  }
}

function soundsOf(node: FlowNode): [string, Sounds][] {
  const out: [string, Sounds | undefined][] = [];
  if ('prompt' in node && node.verb !== 'callback') out.push(['prompt', node.prompt]);
  if ('play' in node) out.push(['play', node.play]);
  if ('noInput' in node) out.push(['noInput', node.noInput]);
  if ('noMatch' in node) out.push(['noMatch', node.noMatch]);
  // The callback verb's built-in questions must exist too.
  if (node.verb === 'callback')
    out.push(
      ['prompt', node.prompt ?? 'callback-which-number'],
      ['prompt', 'callback-enter-number'],
      ['whenPrompt', node.whenPrompt ?? 'callback-when'],
      ['confirm', node.confirm ?? 'callback-confirmed'],
    );
  return out.filter((e): e is [string, Sounds] => e[1] !== undefined);
}

export function asList(s: Sounds): Sound[] {
  return Array.isArray(s) ? s : [s];
}

function promptOf(sound: Sound): string | undefined {
  if (typeof sound === 'string') return sound;
  return 'prompt' in sound ? sound.prompt : undefined;
}

function walk(from: string[], next: (id: string) => string[]): Set<string> {
  const seen = new Set<string>();
  const stack = [...from];
  while (stack.length > 0) {
    const id = stack.pop()!;
    if (seen.has(id)) continue;
    seen.add(id);
    stack.push(...next(id));
  }
  return seen;
}
