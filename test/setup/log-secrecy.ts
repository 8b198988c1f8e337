// Vitest setup file of the server project: after each test file, no line the file's test
// servers logged may hold a secret they were given, a JWT or a whole API key (the log is
// captured in memory by test/server/log-capture.ts, which createTestApp wires in).
import { afterAll, beforeAll, expect } from 'vitest';
import { capturedLog, findLeak } from '../server/log-capture.ts';

beforeAll(() => {
  capturedLog.lines.length = 0;
  capturedLog.secrets.clear();
});

afterAll(() => {
  const leak = findLeak(capturedLog.lines, capturedLog.secrets);
  capturedLog.lines.length = 0;
  capturedLog.secrets.clear();
  expect(leak, 'the server log of this test file').toBeUndefined();
});
