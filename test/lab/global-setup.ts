import { controllerPid, startControllerProcess, stopControllerProcess } from '../../tools/lab/controller-process.js';
import { asteriskPid, stopAsterisk } from '../../tools/lab/asterisk.js';
import { labInfra } from '../../tools/lab/lab.js';
import { labPaths } from '../../tools/lab/paths.js';
import { redisPid, stopRedis } from '../../tools/lab/redis.js';
import { labConfig } from './lab-config.js';

/**
 * Brings the lab's Asterisk and Redis up for the lab tests (installing them on a fresh machine),
 * and gives the tests the Stasis application: a lab controller that is running is paused for the
 * run and started again afterwards. Whatever this setup started, it stops.
 */
export default async function setup(): Promise<() => Promise<void>> {
  const config = labConfig();
  const paths = labPaths(config.lab);
  const had = { redis: await redisPid(paths), asterisk: await asteriskPid(paths), controller: await controllerPid(paths) };
  if (had.controller) await stopControllerProcess(paths);
  await labInfra(config);
  return async () => {
    if (!had.asterisk) await stopAsterisk(paths);
    if (!had.redis) await stopRedis(paths);
    if (had.controller) await startControllerProcess(paths, process.env.HOTLINE_CONFIG, `http://${config.api.host}:${config.api.port}/readyz`);
  };
}
