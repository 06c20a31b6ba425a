import { join } from 'node:path';
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
