import { createHash } from 'node:crypto';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { HotlineError } from '../../lib/errors.js';
import { DictionaryCache } from './dictionary.js';
import { buildGrammar, type Grammar } from './grammar.js';
import { languageModel, requireModel } from './models.js';
import { phoneLoop } from './phone-loop.js';
import type { Intent } from './types.js';

/** What one decode needs on disk. */
export interface DecodeFiles {
  hmm: string;
  jsgf: string;
  dict: string;
}

export interface CompiledGrammar extends DecodeFiles {
  grammar: Grammar;
}

/**
 * Compiles grammars once and keeps them as files named by content hash: a .gram and a small
 * dictionary with only the grammar's words (the engine then starts in tens of ms instead of
 * loading a 100k-word dictionary). Same content, same name, so controllers sharing the folder
 * never disagree, and a rebuilt grammar is a new file rather than an edit under a running engine.
 */
export class GrammarFiles {
  readonly #dictionaries = new DictionaryCache();
  readonly #compiled = new Map<string, Promise<CompiledGrammar>>();
  readonly #loops = new Map<string, Promise<DecodeFiles>>();

  constructor(
    private readonly opts: {
      modelsDir: string;
      cacheDir: string;
      englishDictionary?: string | undefined;
    },
  ) {}

  /** Throws SPEECH_GRAMMAR_INVALID for phrases the dictionary cannot express. */
  grammar(language: 'en' | 'zh', intents: readonly Intent[]): Promise<CompiledGrammar> {
    return memo(this.#compiled, JSON.stringify([language, intents]), async () => {
      const model = languageModel(language, this.opts.modelsDir, this.opts.englishDictionary);
      await requireModel(model);
      const dict = await this.#dictionaries.get(model.dictionary);
      const grammar = buildGrammar(language, intents, dict);
      const dictText = grammar.words
        .flatMap((w) =>
          dict
            .pronunciations(w)
            .map((phones, i) => `${i === 0 ? w : `${w}(${String(i + 1)})`} ${phones}\n`),
        )
        .join('');
      return { grammar, hmm: model.hmm, ...(await this.#write(grammar.jsgf, dictText)) };
    });
  }

  phoneLoop(language: 'en' | 'zh'): Promise<DecodeFiles> {
    return memo(this.#loops, language, async () => {
      const model = languageModel(language, this.opts.modelsDir, this.opts.englishDictionary);
      await requireModel(model);
      const loop = phoneLoop(await this.#dictionaries.get(model.dictionary));
      return { hmm: model.hmm, ...(await this.#write(loop.jsgf, loop.dictText)) };
    });
  }

  async #write(jsgf: string, dictText: string): Promise<{ jsgf: string; dict: string }> {
    const hash = createHash('sha256')
      .update(jsgf)
      .update('\0')
      .update(dictText)
      .digest('hex')
      .slice(0, 24);
    await mkdir(this.opts.cacheDir, { recursive: true });
    const files = {
      jsgf: join(this.opts.cacheDir, `${hash}.gram`),
      dict: join(this.opts.cacheDir, `${hash}.dict`),
    };
    await writeAtomically(files.jsgf, jsgf);
    await writeAtomically(files.dict, dictText);
    return files;
  }
}

/** At most this many grammars stay compiled; IVR nodes are few, so eviction is rare. */
const MAX_ENTRIES = 256;

function memo<T>(map: Map<string, Promise<T>>, key: string, make: () => Promise<T>): Promise<T> {
  let p = map.get(key);
  if (!p) {
    p = make();
    map.set(key, p);
    p.catch(() => map.delete(key)); // a fixed file or phrase may succeed next time
    if (map.size > MAX_ENTRIES) map.delete(map.keys().next().value ?? key);
  }
  return p;
}

async function writeAtomically(file: string, text: string): Promise<void> {
  const tmp = `${file}.${String(process.pid)}.${Math.random().toString(36).slice(2)}`;
  try {
    await writeFile(tmp, text);
    await rename(tmp, file);
  } catch (err) {
    throw new HotlineError('SPEECH_FAILED', `[speech] cannot write ${file}`, {
      cause: err,
      details: { file },
    });
  }
}
