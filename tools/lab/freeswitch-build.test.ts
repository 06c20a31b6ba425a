import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../lib/project-root.js';
import { freeswitchAvailability, KIT_FILES } from './freeswitch-build.js';
import { freeswitchLabPaths, type FreeswitchLabPaths } from './paths.js';

describe('the FreeSWITCH lab: where it comes from', () => {
  const dirs: string[] = [];
  afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

  function lab(): FreeswitchLabPaths {
    const dir = mkdtempSync(join(tmpdir(), 'hotline-fs-lab-'));
    dirs.push(dir);
    return freeswitchLabPaths(
      { dir: join(dir, 'lib'), cache: join(dir, 'cache', 'asterisk.tar.zst'), redisPort: 6399 },
      { HOTLINE_FS_SOURCES: join(dir, 'kit') },
    );
  }

  it('the kit is beside the checkout unless HOTLINE_FS_SOURCES says where (relative to the working folder)', () => {
    const config = {
      dir: '/var/lib/hotline-lab',
      cache: '/var/cache/hotline-lab/asterisk-sid.tar.zst',
      redisPort: 6399,
    };
    expect(freeswitchLabPaths(config, {}).sources).toBe(
      resolve(PROJECT_ROOT, '..', 'shared', 'sources', 'freeswitch'),
    );
    expect(freeswitchLabPaths(config, { HOTLINE_FS_SOURCES: 'kit' }).sources).toBe(resolve('kit'));
    expect(freeswitchLabPaths(config, {}).cache).toBe(
      '/var/cache/hotline-lab/freeswitch-1.10.12-bookworm.tar.zst',
    );
    expect(freeswitchLabPaths(config, {}).root).toBe('/var/lib/hotline-lab/freeswitch-root');
  });

  it('a bare clone has none: the reason names the folder and what is missing', () => {
    const paths = lab();
    const a = freeswitchAvailability(paths);
    expect(a.available).toBe(false);
    if (!a.available)
      expect(a.reason).toMatch(
        new RegExp(
          `FreeSWITCH kit not found at ${paths.sources} \\(missing freeswitch-1\\.10\\.12\\.tar\\.xz.*SHA256SUMS`,
        ),
      );
  });

  it('the kit, a cached runtime or a finished root each make it available, the root first', () => {
    const paths = lab();
    mkdirSync(paths.sources, { recursive: true });
    for (const f of KIT_FILES) writeFileSync(join(paths.sources, f), '');
    expect(freeswitchAvailability(paths)).toEqual({ available: true, from: 'kit' });
    mkdirSync(join(paths.cache, '..'), { recursive: true });
    writeFileSync(paths.cache, '');
    expect(freeswitchAvailability(paths)).toEqual({ available: true, from: 'cache' });
    // A root without its stamp is an unfinished one: not counted.
    mkdirSync(paths.root, { recursive: true });
    expect(freeswitchAvailability(paths)).toEqual({ available: true, from: 'cache' });
    writeFileSync(join(paths.root, '.hotline-ready'), '');
    expect(freeswitchAvailability(paths)).toEqual({ available: true, from: 'root' });
  });
});
