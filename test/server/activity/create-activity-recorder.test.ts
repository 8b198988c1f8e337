import { describe, expect, it } from 'vitest';
import {
  type ActivityCount,
  createActivityRecorder,
} from '../../../src/server/activity/create-activity-recorder.ts';

const hour = 3_600_000;
const start = Date.parse('2030-01-01T10:15:00Z');

function setup(options: { maxKeys?: number; fail?: () => boolean } = {}) {
  let clock = start;
  const written: ActivityCount[][] = [];
  const recorder = createActivityRecorder({
    now: () => clock,
    flushMs: 0,
    ...(options.maxKeys ? { maxKeys: options.maxKeys } : {}),
    async write(counts) {
      if (options.fail?.()) throw new Error('database down');
      written.push(counts);
    },
  });
  return {
    recorder,
    written,
    advance(ms: number) {
      clock += ms;
    },
  };
}

describe('createActivityRecorder', () => {
  it('counts per app, hour, kind and reason, and writes one batch a flush', async () => {
    const { recorder, written, advance } = setup();
    recorder.record('app_a', 'session_issued');
    recorder.record('app_a', 'session_issued');
    recorder.record('app_a', 'session_refused', 'pow_invalid');
    recorder.record('app_b', 'chat');
    advance(hour);
    recorder.record('app_a', 'session_issued');
    expect(recorder.pending).toBe(4);
    await recorder.flush();
    expect(recorder.pending).toBe(0);
    expect(written).toHaveLength(1);
    const tenOClock = Date.parse('2030-01-01T10:00:00Z');
    expect(written[0]).toEqual(
      expect.arrayContaining([
        { appId: 'app_a', hour: tenOClock, kind: 'session_issued', reason: '', count: 2 },
        {
          appId: 'app_a',
          hour: tenOClock,
          kind: 'session_refused',
          reason: 'pow_invalid',
          count: 1,
        },
        { appId: 'app_b', hour: tenOClock, kind: 'chat', reason: '', count: 1 },
        { appId: 'app_a', hour: tenOClock + hour, kind: 'session_issued', reason: '', count: 1 },
      ]),
    );
    await recorder.flush();
    expect(written).toHaveLength(1);
  });

  it('holds at most maxKeys keys, counting what it drops', async () => {
    const { recorder, written } = setup({ maxKeys: 3 });
    for (let index = 0; index < 10; index++) recorder.record(`app_${index}`, 'chat');
    recorder.record('app_0', 'chat');
    expect(recorder.pending).toBe(3);
    expect(recorder.dropped).toBe(7);
    await recorder.close();
    expect(written[0]).toHaveLength(3);
    expect(written[0]?.find((entry) => entry.appId === 'app_0')?.count).toBe(2);
  });

  it('keeps the counts of a failed write for the next one', async () => {
    let down = true;
    const { recorder, written } = setup({ fail: () => down });
    recorder.record('app_a', 'chat');
    await expect(recorder.flush()).rejects.toThrow('database down');
    recorder.record('app_a', 'chat');
    down = false;
    await recorder.flush();
    expect(written).toEqual([[expect.objectContaining({ appId: 'app_a', count: 2 })]]);
  });

  it('writes on its timer', async () => {
    const written: ActivityCount[][] = [];
    const recorder = createActivityRecorder({
      flushMs: 10,
      async write(counts) {
        written.push(counts);
      },
    });
    recorder.record('app_a', 'chat');
    await expect.poll(() => written.length).toBe(1);
    await recorder.close();
  });
});
