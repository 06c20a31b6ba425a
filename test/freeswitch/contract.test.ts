import { mediaServerContract } from '../contract/media-server.contract.js';
import { peerHarness } from './peer-harness.js';

mediaServerContract('freeswitch (ESL peer, test/esl-peer)', () => peerHarness());
