import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
/** The checkout (or installed package) root, whether running from source (lib/) or from dist/lib/. */
export const PROJECT_ROOT = here.split('/').includes('dist')
  ? join(here, '..', '..')
  : join(here, '..');
