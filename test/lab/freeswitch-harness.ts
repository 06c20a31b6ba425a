import { FreeswitchServer } from '../../controller/media-server/freeswitch/server.js';
import { LAB_FREESWITCH, labFreeswitchServer } from '../../tools/lab/freeswitch-config.js';
import { freeswitchLabPaths } from '../../tools/lab/paths.js';
import type { ContractHarness } from '../contract/media-server.contract.js';
import { placeSippCall, silentLog, waitReady } from './harness.js';
import { labConfig } from './lab-config.js';

/** SIPp's calls go to the FreeSWITCH lab's carrier trunk. */
export const FREESWITCH_TRUNK = `127.0.0.1:${LAB_FREESWITCH.trunkPort}`;

/** The FreeSWITCH adapter on the real FreeSWITCH lab, as the contract suite wants it. */
export async function freeswitchHarness(): Promise<ContractHarness & { server: FreeswitchServer }> {
  const server = new FreeswitchServer(
    labFreeswitchServer(freeswitchLabPaths(labConfig().lab)),
    silentLog,
  );
  server.start();
  await waitReady(server);
  return {
    server,
    placeCall: (opts) => placeSippCall({ ...opts, target: FREESWITCH_TRUNK }),
    // A loopback leg into the stock default context's echo extension: it answers at once.
    answeringEndpoint: 'loopback/9196/default',
    shortMedia: { type: 'sound', name: 'beep' },
    longMedia: { type: 'tone', tone: 'ring' },
    close: () => server.close(),
  };
}
