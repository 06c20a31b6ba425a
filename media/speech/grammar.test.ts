import { describe, expect, it } from 'vitest';
import { isHotlineError } from '../../lib/errors.js';
import { CARRIERS } from './carriers.js';
import { parseDictionary } from './dictionary.js';
import { buildGrammar } from './grammar.js';
import type { Intent } from './types.js';

/** Every carrier word plus the intents' words, each with a dummy pronunciation. */
function dictFor(language: 'en' | 'zh', extra: string[]): ReturnType<typeof parseDictionary> {
  const c = CARRIERS[language];
  const all = [...c.greetings, ...c.leads, ...c.determiners, ...c.tails, ...extra].flatMap((p) =>
    p.split(' '),
  );
  return parseDictionary(`${language}.dict`, [...new Set(all)].map((w) => `${w} AH`).join('\n'));
}

const EN: Intent[] = [
  { id: 'billing', phrases: ['Billing', 'pay my bill'] },
  { id: 'agent', phrases: ['speak to an agent', 'agent'] },
  { id: 'order_status', phrases: ['order status', 'check my order status'] },
];
const enDict = dictFor('en', [
  'billing',
  'pay',
  'my',
  'bill',
  'speak',
  'to',
  'an',
  'agent',
  'order',
  'status',
  'check',
  'weather',
]);

describe('speech grammar', () => {
  it('writes one JSGF rule per intent, phrases as alternatives, carriers optional around them', () => {
    const g = buildGrammar('en', EN, enDict);
    expect(g.jsgf).toMatch(
      /^#JSGF V1\.0;\ngrammar hotline;\npublic <request> = \[<greet>\] \[<lead> \[<det>\]\] <intent> \[<tail>\];/,
    );
    expect(g.jsgf).toContain('<intent> = <i0> | <i1> | <i2>;');
    expect(g.jsgf).toContain('<i0> = billing | pay my bill;');
    expect(g.jsgf).toContain("<lead> = please | i want to | i want | i'd like to");
    expect(g.words).toEqual(
      expect.arrayContaining(['billing', 'agent', 'hello', "i'd", 'thank', 'you']),
    );
  });

  it('maps what was heard back to the intent whose phrase it contains', () => {
    const g = buildGrammar('en', EN, enDict);
    expect(g.intentOf('billing')).toBe('billing');
    expect(g.intentOf('i would like to check my order status')).toBe('order_status');
    expect(g.intentOf('hello i would like to speak to an agent please')).toBe('agent');
    expect(g.intentOf('i want to pay my bill thank you')).toBe('billing');
    expect(g.intentOf('could i an agent')).toBe('agent');
  });

  it('text the grammar cannot produce maps to no intent', () => {
    const g = buildGrammar('en', EN, enDict);
    expect(g.intentOf('')).toBeUndefined();
    expect(g.intentOf('weather')).toBeUndefined();
    expect(g.intentOf('billing agent')).toBeUndefined();
    // A determiner only after a lead: a bare "the" in front swallowed syllables on the corpus.
    expect(g.intentOf('the billing')).toBeUndefined();
  });

  it('Mandarin phrases are segmented into dictionary words', () => {
    const dict = dictFor('zh', ['查询', '订单', '转', '人工', '客', '服', '找']);
    const g = buildGrammar(
      'zh',
      [
        { id: 'order_status', phrases: ['查询订单'] },
        { id: 'agent', phrases: ['转人工', '找客服'] },
      ],
      dict,
    );
    expect(g.jsgf).toContain('<i0> = 查询 订单;');
    expect(g.jsgf).toContain('<i1> = 转 人工 | 找 客 服;');
    expect(g.intentOf('我 想 查询 订单')).toBe('order_status');
    expect(g.intentOf('请 帮 我 转 人工 谢谢')).toBe('agent');
    expect(g.intentOf('你好 找 客 服 吧')).toBe('agent');
  });

  it('refuses grammars it cannot build, with SPEECH_GRAMMAR_INVALID', () => {
    const codeOf = (intents: Intent[]): unknown => {
      try {
        buildGrammar('en', intents, enDict);
      } catch (err) {
        return isHotlineError(err) ? err.code : err;
      }
      return 'built';
    };
    expect(codeOf([])).toBe('SPEECH_GRAMMAR_INVALID');
    expect(codeOf([{ id: 'a', phrases: [] }])).toBe('SPEECH_GRAMMAR_INVALID');
    expect(
      codeOf([
        { id: 'a', phrases: ['agent'] },
        { id: 'a', phrases: ['billing'] },
      ]),
    ).toBe('SPEECH_GRAMMAR_INVALID');
    expect(
      codeOf([
        { id: 'a', phrases: ['agent'] },
        { id: 'b', phrases: ['Agent!'] },
      ]),
    ).toBe('SPEECH_GRAMMAR_INVALID');
    expect(codeOf([{ id: 'a', phrases: ['speak to a wizard'] }])).toBe('SPEECH_GRAMMAR_INVALID');
  });
});
