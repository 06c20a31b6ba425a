import { ensureHoldMusic, ensurePrompts } from '../../media/prompts.js';
import { commandExists, exec, execLoud } from './exec.js';
import type { LabPaths } from './paths.js';
import { join } from 'node:path';

/** Debian packages the lab uses on the host, keyed by the command that proves they are there. */
const HOST_PACKAGES: Record<string, string> = {
  debootstrap: 'debootstrap',
  sipp: 'sip-tester',
  'redis-server': 'redis-server',
  zstd: 'zstd',
  // The FreeSWITCH source kit is xz tarballs.
  xz: 'xz-utils',
  'espeak-ng': 'espeak-ng',
  sox: 'sox',
  // Recordings' warm tier: WAV to Ogg Opus (libopus) and the decoded-length check.
  ffmpeg: 'ffmpeg',
  mountpoint: 'util-linux',
  // Speech menus: the engine, and its English dictionary (a file proves that package).
  pocketsphinx_continuous: 'pocketsphinx',
  '/usr/share/pocketsphinx/model/en-us/cmudict-en-us.dict': 'pocketsphinx-en-us',
  // test/unit/docker-stack.test.ts: `docker-compose config` checks docker/compose.yml (no engine needed).
  'docker-compose': 'docker-compose',
};

export async function ensureHostPackages(log: (line: string) => void): Promise<void> {
  const missing: string[] = [];
  for (const [cmd, pkg] of Object.entries(HOST_PACKAGES))
    if (!(await commandExists(cmd))) missing.push(pkg);
  if (missing.length === 0) return;
  if (process.getuid?.() !== 0)
    throw new Error(`the lab needs root to install: ${missing.join(' ')}`);
  log(`[lab] installing Debian packages: ${missing.join(' ')}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  await execLoud('apt-get', ['update', '-qq'], { timeoutMs: 300_000, env });
  await execLoud('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...missing], {
    timeoutMs: 900_000,
    env,
  });
}

/** The Asterisk chroot: restored from the cache or built once (see asterisk-chroot.sh). */
export async function ensureChroot(paths: LabPaths): Promise<void> {
  await execLoud('bash', [paths.script, 'ensure', paths.root, paths.cache], {
    timeoutMs: 1_200_000,
  });
}

export async function ensureMedia(paths: LabPaths, log: (line: string) => void): Promise<void> {
  const { generated } = await ensurePrompts(paths.prompts);
  if (generated.length) log(`[lab] generated prompts: ${generated.join(', ')}`);
  await ensureHoldMusic(join(paths.root, 'var', 'lib', 'hotline', 'moh', 'hold.wav'));
  // Asterisk runs as its own user inside the chroot; it must read the prompts.
  await exec('chmod', ['-R', 'a+rX', join(paths.root, 'var', 'lib', 'hotline')], {
    timeoutMs: 10_000,
  });
}
