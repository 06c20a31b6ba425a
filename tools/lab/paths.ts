import { dirname, join, resolve } from 'node:path';
import type { Config } from '../../controller/config/schema.js';
import { PROJECT_ROOT } from '../../lib/project-root.js';

export { PROJECT_ROOT };

export interface LabPaths {
  dir: string;
  root: string;
  cache: string;
  run: string;
  logs: string;
  prompts: string;
  /** The same prompts folder as Asterisk sees it inside the chroot. */
  promptsInside: string;
  asteriskConfig: string;
  script: string;
}

export function labPaths(lab: Config['lab']): LabPaths {
  return {
    dir: lab.dir,
    root: join(lab.dir, 'asterisk-root'),
    cache: lab.cache,
    run: join(lab.dir, 'run'),
    logs: join(lab.dir, 'log'),
    prompts: join(lab.dir, 'asterisk-root', 'var', 'lib', 'hotline', 'prompts'),
    promptsInside: '/var/lib/hotline/prompts',
    asteriskConfig: join(PROJECT_ROOT, 'dialplan', 'asterisk'),
    script: join(PROJECT_ROOT, 'tools', 'lab', 'asterisk-chroot.sh'),
  };
}

/** The FreeSWITCH lab: a Debian bookworm root holding FreeSWITCH built from the project's source kit. */
export interface FreeswitchLabPaths {
  root: string;
  /** The finished runtime as a tarball, restored in seconds instead of building again. */
  cache: string;
  /**
   * The source kit (tarballs + SHA256SUMS): HOTLINE_FS_SOURCES, else ../shared/sources/freeswitch
   * beside the checkout.
   */
  sources: string;
  run: string;
  logs: string;
  script: string;
  /** dialplan/freeswitch, the project's configuration for FreeSWITCH. */
  config: string;
  /** FreeSWITCH's prefix inside the root (a source build's layout, not the Debian packages'). */
  prefix: string;
}

export const FREESWITCH_PREFIX = '/usr/local/freeswitch';

export function freeswitchLabPaths(
  lab: Config['lab'],
  env: NodeJS.ProcessEnv = process.env,
): FreeswitchLabPaths {
  return {
    root: join(lab.dir, 'freeswitch-root'),
    cache: join(dirname(lab.cache), 'freeswitch-1.10.12-bookworm.tar.zst'),
    sources: env.HOTLINE_FS_SOURCES
      ? resolve(env.HOTLINE_FS_SOURCES)
      : resolve(PROJECT_ROOT, '..', 'shared', 'sources', 'freeswitch'),
    run: join(lab.dir, 'run'),
    logs: join(lab.dir, 'log'),
    script: join(PROJECT_ROOT, 'tools', 'lab', 'freeswitch-root.sh'),
    config: join(PROJECT_ROOT, 'dialplan', 'freeswitch'),
    prefix: FREESWITCH_PREFIX,
  };
}
