import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { testStorageDriver } from '../../test/contract/storage.contract.js';
import { folderStorage } from './folder.js';

testStorageDriver('folder', async () => {
  const root = await mkdtemp(join(tmpdir(), 'hotline-folder-'));
  return {
    driver: folderStorage({ name: 'hot', root }),
    close: () => rm(root, { recursive: true, force: true }),
  };
});
