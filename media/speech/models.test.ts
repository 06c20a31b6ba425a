import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isHotlineError } from '../../lib/errors.js';
import { DEFAULT_MODELS_DIR, languageModel, requireModel, resolveModelsDir } from './models.js';

const HMM_FILES = [
  'feat.params',
  'mdef',
  'means',
  'noisedict',
  'sendump',
  'transition_matrices',
  'variances',
  'LICENSE',
  'SOURCE.txt',
];

describe('speech models', () => {
  it('an option beats the environment, which beats the shipped folder; empty counts as unset', () => {
    expect(resolveModelsDir('/opt/m', { HOTLINE_SPEECH_MODELS_DIR: '/env/m' })).toBe('/opt/m');
    expect(resolveModelsDir(undefined, { HOTLINE_SPEECH_MODELS_DIR: '/env/m' })).toBe('/env/m');
    expect(resolveModelsDir('', { HOTLINE_SPEECH_MODELS_DIR: '' })).toBe(DEFAULT_MODELS_DIR);
    expect(resolveModelsDir(undefined, {})).toBe(DEFAULT_MODELS_DIR);
  });

  it('the default is the folder shipped beside this file', () => {
    expect(DEFAULT_MODELS_DIR).toBe(join(import.meta.dirname, 'models'));
  });

  it('English uses hub4wsj_sc_8k with the Debian dictionary; Mandarin tdt_sc_8k with its own', () => {
    expect(languageModel('en', '/m')).toEqual({
      hmm: '/m/hub4wsj_sc_8k',
      dictionary: '/usr/share/pocketsphinx/model/en-us/cmudict-en-us.dict',
    });
    expect(languageModel('zh', '/m')).toEqual({
      hmm: '/m/tdt_sc_8k',
      dictionary: '/m/tdt_sc_8k/mandarin_notone.dic',
    });
  });

  it('the repository ships both 8 kHz models whole, with licence and source, from one pinned commit', () => {
    for (const folder of ['hub4wsj_sc_8k', 'tdt_sc_8k']) {
      for (const file of HMM_FILES)
        expect(existsSync(join(DEFAULT_MODELS_DIR, folder, file)), `${folder}/${file}`).toBe(true);
      expect(readFileSync(join(DEFAULT_MODELS_DIR, folder, 'SOURCE.txt'), 'utf8')).toContain(
        '8c6f06ed63867735eabddc815ede23d374469905',
      );
      // 8 kHz front end: the engine's own default (6855.5 Hz) would not fit below samprate/2.
      expect(readFileSync(join(DEFAULT_MODELS_DIR, folder, 'feat.params'), 'utf8')).toMatch(
        /-upperf\s+(3500|4000)\b/,
      );
    }
    expect(existsSync(join(DEFAULT_MODELS_DIR, 'tdt_sc_8k', 'mandarin_notone.dic'))).toBe(true);
  });

  it('a missing acoustic model is SPEECH_FAILED naming the folder, not the engine fallback', async () => {
    await expect(requireModel(languageModel('en', DEFAULT_MODELS_DIR))).resolves.toBeUndefined();
    const err = await requireModel(languageModel('en', '/nonexistent/models')).catch(
      (e: unknown) => e,
    );
    expect(isHotlineError(err, 'SPEECH_FAILED')).toBe(true);
    expect(err).toMatchObject({ details: { hmm: '/nonexistent/models/hub4wsj_sc_8k' } });
  });
});
