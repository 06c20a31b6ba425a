import { mediaServerContract } from '../contract/media-server.contract.js';
import { peerHarness } from './peer-harness.js';

mediaServerContract('freeswitch (ESL peer, test/esl-peer)', () => peerHarness());

// The same suite with every message from the peer cut into random pieces of at most 300 bytes, sent up to a
// millisecond apart: frames split across packets, and headers split mid-line.
mediaServerContract('freeswitch (ESL peer, replies and events split into small packets)', () =>
  peerHarness({ splitOutgoing: { maxChunk: 300, maxDelayMs: 1 } }),
);
