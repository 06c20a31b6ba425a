import { testCatalogue } from '../../test/contract/catalogue.contract.js';
import { MemoryCatalogue } from './memory.js';

testCatalogue('memory', async () => ({
  catalogue: new MemoryCatalogue(),
  close: async () => undefined,
}));
