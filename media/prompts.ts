import { execFile } from 'node:child_process';
import { access, mkdir, readFile, rename, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { parse } from 'yaml';
import { z } from 'zod';
import { HotlineError } from '../lib/errors.js';
import { PROJECT_ROOT } from '../lib/project-root.js';

const run = promisify(execFile);

/** media/ in the source tree, whether running from source or from dist/. */
export const MEDIA_DIR = join(PROJECT_ROOT, 'media');
export const CATALOGUE = join(MEDIA_DIR, 'prompts', 'catalogue.yaml');
/** Words media/say.ts concatenates to say numbers, amounts, dates and times. */
export const FRAGMENTS = join(MEDIA_DIR, 'prompts', 'fragments.yaml');

const entry = z.union([
  z.strictObject({
    id: z.string().regex(/^[a-z0-9_-]+$/),
    language: z.literal('en'),
    text: z.string().min(1),
  }),
  z.strictObject({
    id: z.string().regex(/^[a-z0-9_-]+$/),
    language: z.literal('zh'),
    pinyin: z.string().min(1),
  }),
]);
const catalogueSchema = z.strictObject({ prompts: z.array(entry) });
export type PromptEntry = z.infer<typeof entry>;

/**
 * The prompts of one catalogue file, or of several read as one (by default both the catalogue and
 * the fragments). An id may appear once per language: a second entry would make which text gets
 * synthesised depend on file order.
 */
export async function readCatalogue(
  files: string | readonly string[] = [CATALOGUE, FRAGMENTS],
): Promise<PromptEntry[]> {
  const seen = new Map<string, string>();
  const all: PromptEntry[] = [];
  for (const file of typeof files === 'string' ? [files] : files) {
    for (const p of catalogueSchema.parse(parse(await readFile(file, 'utf8'))).prompts) {
      const key = `${p.language}/${p.id}`;
      const first = seen.get(key);
      if (first !== undefined) {
        throw new HotlineError(
          'CONFIG_INVALID',
          `[prompts] ${key} is in ${file} and already in ${first}`,
          { details: { id: p.id, language: p.language, file, first } },
        );
      }
      seen.set(key, file);
      all.push(p);
    }
  }
  return all;
}

/**
 * Makes sure every catalogue prompt exists as 8 kHz mono 16-bit WAV under `outDir/<lang>/<id>.wav`
 * (what Asterisk plays without transcoding from slin). Recorded files already there are kept;
 * missing ones are synthesised with espeak-ng and resampled with sox.
 */
export async function ensurePrompts(
  outDir: string,
  catalogue?: PromptEntry[],
): Promise<{ generated: string[] }> {
  const generated: string[] = [];
  for (const p of catalogue ?? (await readCatalogue())) {
    const target = join(outDir, p.language, `${p.id}.wav`);
    if (await exists(target)) continue;
    await mkdir(dirname(target), { recursive: true });
    const raw = `${target}.espeak.wav`;
    const voice =
      p.language === 'zh' ? ['-v', 'cmn-latn-pinyin', '-s', '150'] : ['-v', 'en-us', '-s', '165'];
    const text = p.language === 'zh' ? p.pinyin : p.text;
    await run('espeak-ng', [...voice, '-w', raw, text], { timeout: 30_000 });
    const tmp = `${target}.tmp.wav`;
    await run(
      'sox',
      [raw, '-r', '8000', '-c', '1', '-b', '16', '-e', 'signed-integer', tmp, 'gain', '-n', '-3'],
      { timeout: 30_000 },
    );
    await rename(tmp, target);
    await rm(raw, { force: true });
    generated.push(`${p.language}/${p.id}`);
  }
  return { generated };
}

/** A short, soft two-tone phrase for music on hold, so the lab needs no music package. */
export async function ensureHoldMusic(file: string): Promise<void> {
  if (await exists(file)) return;
  await mkdir(dirname(file), { recursive: true });
  const tmp = `${file}.tmp.wav`;
  await run(
    'sox',
    [
      '-n',
      '-r',
      '8000',
      '-c',
      '1',
      '-b',
      '16',
      tmp,
      'synth',
      '0.6',
      'sine',
      '523',
      'sine',
      '659',
      'synth',
      '0.6',
      'sine',
      'mix',
      '392',
      'repeat',
      '4',
      'vol',
      '0.3',
    ],
    { timeout: 30_000 },
  );
  await rename(tmp, file);
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}
