import { testStorageDriver } from '../../test/contract/storage.contract.js';
import { memoryStorage } from './memory.js';

testStorageDriver('memory', async () => ({
  driver: memoryStorage(),
  close: async () => undefined,
}));
