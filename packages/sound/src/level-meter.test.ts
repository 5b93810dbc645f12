import { describe, expect, it } from 'vitest';
import { createLevelMeter, parseLevelLine } from './level-meter.ts';

// Shape of a real `gst-launch-1.0 -m` line (GStreamer 1.22).
const line = (rms: number[], peak: number[]) =>
  `Got message #90 from element "meter" (element): level, endtime=(guint64)250000000, timestamp=(guint64)0, stream-time=(guint64)0, running-time=(guint64)0, duration=(guint64)250000000, rms=(GValueArray)< ${rms.join(', ')} >, peak=(GValueArray)< ${peak.join(', ')} >, decay=(GValueArray)< ${peak.join(', ')} >;`;

describe('parseLevelLine', () => {
  it('takes the loudest channel of rms and peak', () => {
    expect(parseLevelLine(line([-17.2, -16.98], [-14.1, -13.9]))).toEqual({
      rmsDb: -16.98,
      peakDb: -13.9,
    });
  });
  it('ignores other messages and maps -inf to -200', () => {
    expect(
      parseLevelLine(
        'Got message #33 from element "level0" (state-changed): GstMessageStateChanged',
      ),
    ).toBeNull();
    expect(parseLevelLine(line([-Infinity, -Infinity], [-Infinity, -Infinity]))).toEqual({
      rmsDb: -200,
      peakDb: -200,
    });
  });
});

describe('createLevelMeter', () => {
  it('flags silence after 3 s below -60 dBFS and clears it on sound', () => {
    let now = 0;
    const meter = createLevelMeter({ now: () => now });
    expect(meter.level().silent).toBe(true); // nothing measured yet
    meter.feed(line([-96], [-90]));
    now = 2000;
    meter.feed(line([-96], [-90]));
    expect(meter.level().silent).toBe(false);
    now = 3100;
    meter.feed(line([-96], [-90]));
    expect(meter.level().silent).toBe(true);
    meter.feed(line([-17], [-14]));
    expect(meter.level()).toMatchObject({
      silent: false,
      clipping: false,
      peakDb: -14,
      rmsDb: -17,
    });
  });
  it('flags clipping for 2 s after a full-scale peak', () => {
    let now = 0;
    const meter = createLevelMeter({ now: () => now });
    meter.feed(line([-3], [0]));
    expect(meter.level().clipping).toBe(true);
    now = 1000;
    meter.feed(line([-20], [-17]));
    expect(meter.level().clipping).toBe(true);
    now = 2500;
    meter.feed(line([-20], [-17]));
    expect(meter.level().clipping).toBe(false);
  });
  it('counts a meter that stopped reporting as silent', () => {
    let now = 0;
    const meter = createLevelMeter({ now: () => now });
    meter.feed(line([-17], [-14]));
    now = 3500;
    expect(meter.level().silent).toBe(true);
  });
});
