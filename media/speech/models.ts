import { access } from 'node:fs/promises';
import { join } from 'node:path';
import { HotlineError } from '../../lib/errors.js';
import { PROJECT_ROOT } from '../../lib/project-root.js';

/**
 * Where the 8 kHz acoustic models live. They ship in this repository (media/speech/models/, about
 * 10.5 MB, CMU BSD-style licence; see the README there), so a bare clone or the package has them.
 *
 * Order: the `modelsDir` option (config `speech.modelsDir`), else env HOTLINE_SPEECH_MODELS_DIR,
 * else the shipped folder.
 */
export const DEFAULT_MODELS_DIR = join(PROJECT_ROOT, 'media', 'speech', 'models');
/** Debian pocketsphinx-en-us: the dictionary shares hub4wsj_sc_8k's phone set. */
export const DEBIAN_ENGLISH_DICTIONARY = '/usr/share/pocketsphinx/model/en-us/cmudict-en-us.dict';

export interface LanguageModel {
  /** The acoustic model folder (`-hmm`). */
  hmm: string;
  /** The full pronunciation dictionary grammars are checked against. */
  dictionary: string;
}

/** An empty option or variable counts as unset (the config's default for `speech.modelsDir` is ''). */
export function resolveModelsDir(option?: string, env: NodeJS.ProcessEnv = process.env): string {
  return option || env['HOTLINE_SPEECH_MODELS_DIR'] || DEFAULT_MODELS_DIR;
}

export function languageModel(
  language: 'en' | 'zh',
  modelsDir: string,
  englishDictionary = DEBIAN_ENGLISH_DICTIONARY,
): LanguageModel {
  if (language === 'en')
    return { hmm: join(modelsDir, 'hub4wsj_sc_8k'), dictionary: englishDictionary };
  return {
    hmm: join(modelsDir, 'tdt_sc_8k'),
    dictionary: join(modelsDir, 'tdt_sc_8k', 'mandarin_notone.dic'),
  };
}

/**
 * SPEECH_FAILED naming the folder when the acoustic model is not there. Without this check the
 * engine quietly falls back to its built-in 16 kHz front end and fails every decode with
 * "Upper frequency 6855.5 is higher than samprate/2", which does not say what is missing.
 */
export async function requireModel(model: LanguageModel): Promise<void> {
  const params = join(model.hmm, 'feat.params');
  await access(params).catch((err: unknown) => {
    throw new HotlineError(
      'SPEECH_FAILED',
      `[speech] no acoustic model at ${model.hmm} (see media/speech/README.md)`,
      { cause: err, details: { hmm: model.hmm } },
    );
  });
}
