import type { TestProject } from 'vitest/node';
import {
  controllerPid,
  startControllerProcess,
  stopControllerProcess,
} from '../../tools/lab/controller-process.js';
import { asteriskPid, stopAsterisk } from '../../tools/lab/asterisk.js';
import { freeswitchAvailability } from '../../tools/lab/freeswitch-build.js';
import { freeswitchPid, stopFreeswitch } from '../../tools/lab/freeswitch.js';
import { labFreeswitch, labInfra } from '../../tools/lab/lab.js';
import { freeswitchLabPaths, labPaths } from '../../tools/lab/paths.js';
import { redisPid, stopRedis } from '../../tools/lab/redis.js';
import type { FreeswitchLabState } from './freeswitch-lab.js';
import { labConfig } from './lab-config.js';

/**
 * Brings the lab's Asterisk and Redis up for the lab tests (installing them on a fresh machine),
 * and gives the tests the Stasis application: a lab controller that is running is paused for the
 * run and started again afterwards. Real FreeSWITCH too, where the machine has its source kit (or
 * a build of it): the first run builds it (about 10 minutes), later runs restore it in seconds.
 * Whatever this setup started, it stops.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const config = labConfig();
  const paths = labPaths(config.lab);
  const fsPaths = freeswitchLabPaths(config.lab);
  const had = {
    redis: await redisPid(paths),
    asterisk: await asteriskPid(paths),
    freeswitch: await freeswitchPid(fsPaths),
    controller: await controllerPid(paths),
  };
  if (had.controller) await stopControllerProcess(paths);
  await labInfra(config);
  project.provide('freeswitchLab', await startFreeswitchLab(config));
  return async () => {
    if (!had.freeswitch) await stopFreeswitch(fsPaths);
    if (!had.asterisk) await stopAsterisk(paths);
    if (!had.redis) await stopRedis(paths);
    if (had.controller)
      await startControllerProcess(
        paths,
        process.env.HOTLINE_CONFIG,
        `http://${config.api.host}:${config.api.port}/readyz`,
      );
  };
}

/** A FreeSWITCH that cannot start fails its own suites (see freeswitch-lab.ts), not the Asterisk ones. */
async function startFreeswitchLab(
  config: ReturnType<typeof labConfig>,
): Promise<FreeswitchLabState> {
  const availability = freeswitchAvailability(freeswitchLabPaths(config.lab));
  if (!availability.available) {
    process.stderr.write(`\n!!! ${availability.reason}: real-FreeSWITCH suites NOT RUN\n\n`);
    return { state: 'missing', reason: availability.reason };
  }
  try {
    return { state: 'running', pid: await labFreeswitch(config) };
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    process.stderr.write(`\n!!! the FreeSWITCH lab did not start: ${reason}\n\n`);
    return { state: 'failed', reason };
  }
}
