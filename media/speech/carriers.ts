/**
 * The words callers wrap around an intent. Callers paraphrase ("I would like to speak to an agent,
 * please"): a grammar holding only the bare phrase forces such sentences onto whichever phrase
 * sounds closest, often the wrong one. Every phrase here is checked against the dictionary like an
 * intent phrase. Short, sound-alike carriers cost accuracy (they absorb syllables of the intent),
 * so the lists stay short; see media/speech/README.md for what was measured.
 */
export interface Carriers {
  /** An opening word: "hello", 你好. */
  greetings: readonly string[];
  /** One lead-in right before the intent: "I'd like to", 我 想. */
  leads: readonly string[];
  /** One optional word after a lead ("I want a refund", "a question about my bill"). */
  determiners: readonly string[];
  /** Said after the intent: "please", 谢谢. */
  tails: readonly string[];
}

const EN: Carriers = {
  greetings: ['hello', 'hi', 'yes', 'okay'],
  leads: [
    'please',
    'i want to',
    'i want',
    "i'd like to",
    "i'd like",
    'i would like to',
    'i would like',
    'i need to',
    'i need',
    'can i',
    'could i',
    'can you',
    'could you',
    'may i',
    "i'm calling about",
    "i'm calling to",
    'i have a question about',
    'let me',
    'help me',
  ],
  determiners: ['a', 'an', 'the', 'my', 'some'],
  tails: ['please', 'thank you', 'thanks', 'now'],
};

const ZH: Carriers = {
  greetings: ['你好', '您好', '喂'],
  leads: [
    '我 想',
    '我 要',
    '我 想 要',
    '我 需要',
    '请',
    '请 帮 我',
    '帮 我',
    '麻烦',
    '麻烦 你',
    '那个',
    '就是',
  ],
  determiners: [],
  tails: ['谢谢', '一下', '吧', '啊', '了'],
};

export const CARRIERS: Readonly<Record<'en' | 'zh', Carriers>> = { en: EN, zh: ZH };
