import { describe, expect, it } from 'vitest';
import { isHotlineError } from '../../lib/errors.js';
import { parseDictionary } from './dictionary.js';
import { englishWords, mandarinWords, phraseWords } from './words.js';

const en = parseDictionary(
  'en.dict',
  [
    "i'd AY D",
    'speak S P IY K',
    'to T UW',
    'to(2) T AH',
    'an AE N',
    'agent EY JH AH N T',
    'a AH',
  ].join('\n'),
);
const zh = parseDictionary(
  'zh.dict',
  [
    '查询\tch a x uxn',
    '订单\td ing d an',
    '订\td ing',
    '单\td an',
    '客\tk e',
    '服\tf u',
    '人工\tr en g ong',
    '转\tzh uan',
  ].join('\n'),
);

function code(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return isHotlineError(err) ? { code: err.code, details: err.details } : err;
  }
  return undefined;
}

describe('phrase words', () => {
  it('English: lowercase, punctuation dropped, apostrophes inside words kept', () => {
    expect(englishWords("I'd  speak, to AN agent!", en)).toEqual([
      "i'd",
      'speak',
      'to',
      'an',
      'agent',
    ]);
    expect(englishWords('‘I’d’ speak', en)).toEqual(["i'd", 'speak']);
  });

  it('English: an unknown word is SPEECH_GRAMMAR_INVALID naming the word and the phrase', () => {
    expect(code(() => englishWords('speak to a wizard', en))).toEqual({
      code: 'SPEECH_GRAMMAR_INVALID',
      details: { phrase: 'speak to a wizard', word: 'wizard' },
    });
  });

  it('Mandarin: greedy longest match against the dictionary', () => {
    expect(mandarinWords('查询订单', zh)).toEqual(['查询', '订单']);
    expect(mandarinWords('转人工。', zh)).toEqual(['转', '人工']);
  });

  it('Mandarin: a word missing from the dictionary falls back to its characters', () => {
    expect(mandarinWords('客服', zh)).toEqual(['客', '服']);
  });

  it('Mandarin: the author’s spaces are word boundaries', () => {
    expect(mandarinWords('订 单', zh)).toEqual(['订', '单']);
  });

  it('Mandarin: a character the dictionary lacks is SPEECH_GRAMMAR_INVALID naming the phrase', () => {
    expect(code(() => mandarinWords('查询天气', zh))).toEqual({
      code: 'SPEECH_GRAMMAR_INVALID',
      details: { phrase: '查询天气', word: '天' },
    });
  });

  it('an empty phrase is refused', () => {
    expect(code(() => phraseWords('en', ' ?! ', en))).toMatchObject({
      code: 'SPEECH_GRAMMAR_INVALID',
    });
    expect(code(() => phraseWords('zh', '。', zh))).toMatchObject({
      code: 'SPEECH_GRAMMAR_INVALID',
    });
  });
});
