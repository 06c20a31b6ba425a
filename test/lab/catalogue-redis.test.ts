import { Redis } from 'ioredis';
import { RedisCatalogue } from '../../recordings/catalogue/redis.js';
import { testCatalogue } from '../contract/catalogue.contract.js';
import { labConfig } from './lab-config.js';

/** The catalogue contract against the lab's Redis (db 15), under a key prefix of this run's own. */
testCatalogue('redis', async () => {
  const prefix = `hotline-cattest-${process.pid}-`;
  const redis = new Redis(labConfig().redis.url);
  return {
    catalogue: new RedisCatalogue(redis, prefix),
    close: async () => {
      const keys = await redis.keys(`${prefix}*`);
      if (keys.length) await redis.del(...keys);
      redis.disconnect();
    },
  };
});
