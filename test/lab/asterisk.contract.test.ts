import { mediaServerContract } from '../contract/media-server.contract.js';
import { asteriskHarness } from './harness.js';

mediaServerContract('asterisk (real lab over ARI)', () => asteriskHarness());
