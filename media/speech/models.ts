import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { HotlineError } from '../../lib/errors.js';

/**
 * Where the 8 kHz acoustic models live. They are data (about 11 MB, CMU BSD-style licence) and
 * are never part of this repository: an admin names a folder, or `fetchModels` downloads them.
 *
 * Order: the `modelsDir` option, else env HOTLINE_SPEECH_MODELS_DIR (the tests point it at the
 * workspace copy), else /var/lib/hotline/speech-models.
 */
export const DEFAULT_MODELS_DIR = '/var/lib/hotline/speech-models';
/** Debian pocketsphinx-en-us: the dictionary shares hub4wsj_sc_8k's phone set. */
export const DEBIAN_ENGLISH_DICTIONARY = '/usr/share/pocketsphinx/model/en-us/cmudict-en-us.dict';

export interface LanguageModel {
  /** The acoustic model folder (`-hmm`). */
  hmm: string;
  /** The full pronunciation dictionary grammars are checked against. */
  dictionary: string;
}

export function resolveModelsDir(option?: string, env: NodeJS.ProcessEnv = process.env): string {
  return option ?? env['HOTLINE_SPEECH_MODELS_DIR'] ?? DEFAULT_MODELS_DIR;
}

export function languageModel(language: 'en' | 'zh', modelsDir: string, englishDictionary = DEBIAN_ENGLISH_DICTIONARY): LanguageModel {
  if (language === 'en') return { hmm: join(modelsDir, 'hub4wsj_sc_8k'), dictionary: englishDictionary };
  return { hmm: join(modelsDir, 'tdt_sc_8k'), dictionary: join(modelsDir, 'tdt_sc_8k', 'mandarin_notone.dic') };
}

/** The public commit the models come from (they were removed from the tree in 2015). */
export const MODELS_COMMIT = '8c6f06ed63867735eabddc815ede23d374469905';
const RAW = `https://raw.githubusercontent.com/cmusphinx/pocketsphinx/${MODELS_COMMIT}`;
const HMM_FILES = ['feat.params', 'mdef', 'means', 'noisedict', 'sendump', 'transition_matrices', 'variances'];

/** Folder → [file name in the folder, path in the repository at MODELS_COMMIT]. */
export const MODEL_FILES: Readonly<Record<string, ReadonlyArray<readonly [string, string]>>> = {
  hub4wsj_sc_8k: [...HMM_FILES.map((f) => [f, `model/hmm/en_US/hub4wsj_sc_8k/${f}`] as const), ['LICENSE', 'COPYING']],
  tdt_sc_8k: [
    ...HMM_FILES.map((f) => [f, `model/hmm/zh/tdt_sc_8k/${f}`] as const),
    ['mandarin_notone.dic', 'model/lm/zh_CN/mandarin_notone.dic'],
    ['LICENSE', 'COPYING'],
  ],
};

/**
 * Downloads both model folders into `targetDir` (for users; the tests never call it).
 * UNVERIFIED HERE: the development machines have no internet, so this has not been run against
 * GitHub. The file list matches the workspace copy described in its SOURCE.txt files. Each folder
 * is written under a temporary name and renamed when complete, so a failed run leaves nothing
 * half-written in place.
 */
export async function fetchModels(targetDir: string, opts: { timeoutMs?: number; signal?: AbortSignal } = {}): Promise<void> {
  for (const [folder, files] of Object.entries(MODEL_FILES)) {
    const partial = join(targetDir, `.${folder}.partial`);
    await rm(partial, { recursive: true, force: true });
    await mkdir(partial, { recursive: true });
    for (const [name, repoPath] of files) {
      const url = `${RAW}/${repoPath}`;
      const signals = [AbortSignal.timeout(opts.timeoutMs ?? 120_000), ...(opts.signal ? [opts.signal] : [])];
      let res: Response;
      try {
        res = await fetch(url, { signal: AbortSignal.any(signals) });
      } catch (err) {
        throw new HotlineError('SPEECH_FAILED', `[speech] [models] cannot download ${url}`, { cause: err, details: { url } });
      }
      if (!res.ok) throw new HotlineError('SPEECH_FAILED', `[speech] [models] ${url} answered ${String(res.status)}`, { details: { url, status: res.status } });
      await writeFile(join(partial, name), Buffer.from(await res.arrayBuffer()));
    }
    await writeFile(join(partial, 'SOURCE.txt'), `Downloaded from ${RAW}/ (cmusphinx/pocketsphinx at ${MODELS_COMMIT}).\n`);
    await rm(join(targetDir, folder), { recursive: true, force: true });
    await rename(partial, join(targetDir, folder));
  }
}
