/**
 * The ESL protocol peer: an in-process stand-in for FreeSWITCH 1.10.12's mod_event_socket
 * (inbound mode), with a model of channels, dialplan applications and conferences. See README.md.
 */
export { EslPeer, type EslPeerOptions } from './server.js';
export { PeerCall, type PressOptions } from './call.js';
export type { EndpointBehaviour, EndpointFn, PlaceCallOptions } from './dial.js';
export { defaultEndpoint } from './dial.js';
export type { FailMode } from './connection.js';
export type { PeerEvent } from './events.js';
export type { CallLogEntry } from './world.js';
export { readWavInfo, writeSilenceWav, type WavInfo } from './wav.js';
export { CommandParser, GOODBYE, SHUTTING_DOWN, urlEncode, type Header } from './frames.js';
