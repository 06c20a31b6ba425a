import { realpathSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CONFIGURATION_DOC, renderConfigurationDoc } from './render-configuration.js';

/**
 * `npm run docs:config`: writes docs/configuration.md from the configuration schema. Imported (by
 * the test that compares the file with the schema) it only lends its renderer.
 */
export {
  CONFIGURATION_DOC,
  renderConfigurationDoc,
  undescribedKeys,
} from './render-configuration.js';

export async function writeConfigurationDoc(): Promise<string> {
  await writeFile(CONFIGURATION_DOC, renderConfigurationDoc());
  return CONFIGURATION_DOC;
}

/** The script node was started with, resolved as import.meta.url is; '' when there is none. */
function invokedScript(): string {
  try {
    return process.argv[1] === undefined ? '' : realpathSync(process.argv[1]);
  } catch {
    return '';
  }
}

if (invokedScript() === fileURLToPath(import.meta.url)) {
  const file = await writeConfigurationDoc();
  process.stdout.write(`wrote ${relative(process.cwd(), file)}\n`);
}
