import { describe, expect, it } from 'vitest';
import { channelInfo, translateEvent } from './translate.js';

// Shapes as Asterisk 22 (ARI 10) sends them.
const channel = {
  id: '1795647067.0',
  name: 'PJSIP/carrier-00000000',
  state: 'Ring',
  caller: { name: 'caller', number: '13812345678' },
  connected: { name: '', number: '' },
  dialplan: {
    context: 'from-carrier',
    exten: '4008001234',
    priority: 2,
    app_name: 'Stasis',
    app_data: 'hotline,inbound,4008001234,abc@127.0.0.1',
  },
  language: 'en',
};

describe('translateEvent', () => {
  it('StasisStart of a dialled-in call is an inbound call with its numbers', () => {
    const t = translateEvent(
      {
        type: 'StasisStart',
        application: 'hotline',
        args: ['inbound', '4008001234', 'abc@127.0.0.1'],
        channel,
      },
      'ast-1',
      'hotline',
    );
    expect(t).toEqual({
      kind: 'inbound',
      info: {
        id: channel.id,
        serverId: 'ast-1',
        state: 'ringing',
        callerNumber: '13812345678',
        calledNumber: '4008001234',
        sipCallId: 'abc@127.0.0.1',
        inApplication: true,
        role: 'inbound',
      },
    });
  });

  it('StasisStart of a leg we originated is its answer', () => {
    expect(
      translateEvent({ type: 'StasisStart', args: ['originated'], channel }, 'a', 'hotline'),
    ).toEqual({ kind: 'originated-start', channelId: channel.id });
  });

  it('DTMF, with unknown digits dropped', () => {
    expect(
      translateEvent(
        { type: 'ChannelDtmfReceived', digit: '#', duration_ms: 120, channel },
        'a',
        'hotline',
      ),
    ).toEqual({
      kind: 'channel',
      event: { type: 'dtmf', channelId: channel.id, digit: '#', durationMs: 120 },
    });
    expect(
      translateEvent({ type: 'ChannelDtmfReceived', digit: 'X', channel }, 'a', 'hotline'),
    ).toEqual({ kind: 'ignored' });
  });

  it('state Up is answered; other states are not events', () => {
    expect(
      translateEvent(
        { type: 'ChannelStateChange', channel: { ...channel, state: 'Up' } },
        'a',
        'h',
      ),
    ).toEqual({ kind: 'channel', event: { type: 'answered', channelId: channel.id } });
    expect(translateEvent({ type: 'ChannelStateChange', channel }, 'a', 'h')).toEqual({
      kind: 'ignored',
    });
  });

  it('hang-up request carries the cause; destroy and StasisEnd end the channel', () => {
    expect(translateEvent({ type: 'ChannelHangupRequest', cause: 16, channel }, 'a', 'h')).toEqual({
      kind: 'hangup-cause',
      channelId: channel.id,
      code: 16,
      text: 'normal clearing',
    });
    expect(
      translateEvent(
        { type: 'ChannelDestroyed', cause: 17, cause_txt: 'User busy', channel },
        'a',
        'h',
      ),
    ).toEqual({
      kind: 'channel',
      event: { type: 'ended', channelId: channel.id, cause: { code: 17, text: 'User busy' } },
    });
    expect(translateEvent({ type: 'StasisEnd', channel }, 'a', 'h')).toMatchObject({
      kind: 'channel',
      event: { type: 'ended' },
    });
  });

  it('playbacks are routed by their target channel; only state done counts as complete', () => {
    const playback = {
      id: 'p1',
      media_uri: 'sound:beep',
      target_uri: `channel:${channel.id}`,
      state: 'done',
    };
    expect(translateEvent({ type: 'PlaybackFinished', playback }, 'a', 'h')).toEqual({
      kind: 'channel',
      event: {
        type: 'playback-finished',
        channelId: channel.id,
        playbackId: 'p1',
        completed: true,
      },
    });
    expect(
      translateEvent(
        { type: 'PlaybackFinished', playback: { ...playback, state: 'failed' } },
        'a',
        'h',
      ),
    ).toMatchObject({ event: { completed: false } });
    expect(
      translateEvent(
        { type: 'PlaybackStarted', playback: { ...playback, target_uri: 'bridge:b1' } },
        'a',
        'h',
      ),
    ).toEqual({ kind: 'ignored' });
  });

  it('recordings', () => {
    expect(
      translateEvent(
        { type: 'RecordingFinished', recording: { name: 'r1', duration: 3 } },
        'a',
        'h',
      ),
    ).toEqual({
      kind: 'recording',
      event: { type: 'recording-finished', name: 'r1', durationMs: 3000 },
    });
    expect(
      translateEvent(
        { type: 'RecordingFailed', recording: { name: 'r1', cause: 'disk' } },
        'a',
        'h',
      ),
    ).toMatchObject({ event: { type: 'recording-failed', reason: 'disk' } });
  });

  it('unknown and malformed events are ignored, never thrown', () => {
    for (const raw of [
      { type: 'Dial' },
      { type: 'StasisStart' },
      { type: 'PlaybackFinished' },
      {},
      { type: 'ChannelDestroyed' },
    ]) {
      expect(translateEvent(raw, 'a', 'h')).toEqual({ kind: 'ignored' });
    }
  });
});

describe('channelInfo (from GET /channels)', () => {
  it('tells our application’s channels from others', () => {
    expect(channelInfo(channel, 'a', 'hotline').inApplication).toBe(true);
    expect(channelInfo(channel, 'a', 'hotline').calledNumber).toBe('4008001234');
    expect(
      channelInfo(
        { ...channel, dialplan: { app_name: 'Dial', app_data: 'PJSIP/x' } },
        'a',
        'hotline',
      ).inApplication,
    ).toBe(false);
    expect(
      channelInfo(
        { ...channel, dialplan: { app_name: 'Stasis', app_data: 'hotline-other,x' } },
        'a',
        'hotline',
      ).inApplication,
    ).toBe(false);
  });

  it('tells a caller’s call from an agent leg the controller originated (adoption needs both)', () => {
    expect(channelInfo(channel, 'a', 'hotline').role).toBe('inbound');
    expect(
      channelInfo(
        { ...channel, dialplan: { app_name: 'Stasis', app_data: 'hotline,originated' } },
        'a',
        'hotline',
      ).role,
    ).toBe('originated');
  });
});
