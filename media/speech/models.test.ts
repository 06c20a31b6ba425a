import { describe, expect, it } from 'vitest';
import { DEFAULT_MODELS_DIR, MODEL_FILES, MODELS_COMMIT, languageModel, resolveModelsDir } from './models.js';

describe('speech models', () => {
  it('an option beats the environment, which beats the default folder', () => {
    expect(resolveModelsDir('/opt/m', { HOTLINE_SPEECH_MODELS_DIR: '/env/m' })).toBe('/opt/m');
    expect(resolveModelsDir(undefined, { HOTLINE_SPEECH_MODELS_DIR: '/env/m' })).toBe('/env/m');
    expect(resolveModelsDir(undefined, {})).toBe(DEFAULT_MODELS_DIR);
  });

  it('English uses hub4wsj_sc_8k with the Debian dictionary; Mandarin tdt_sc_8k with its own', () => {
    expect(languageModel('en', '/m')).toEqual({ hmm: '/m/hub4wsj_sc_8k', dictionary: '/usr/share/pocketsphinx/model/en-us/cmudict-en-us.dict' });
    expect(languageModel('zh', '/m')).toEqual({ hmm: '/m/tdt_sc_8k', dictionary: '/m/tdt_sc_8k/mandarin_notone.dic' });
  });

  it('the download list names every file of both folders at one pinned commit', () => {
    expect(MODELS_COMMIT).toMatch(/^[0-9a-f]{40}$/);
    expect(Object.keys(MODEL_FILES)).toEqual(['hub4wsj_sc_8k', 'tdt_sc_8k']);
    for (const files of Object.values(MODEL_FILES)) {
      expect(files.map(([name]) => name)).toEqual(expect.arrayContaining(['feat.params', 'mdef', 'means', 'noisedict', 'sendump', 'transition_matrices', 'variances', 'LICENSE']));
    }
    expect(MODEL_FILES['tdt_sc_8k']?.map(([name]) => name)).toContain('mandarin_notone.dic');
  });
});
