// HTTP helpers the server benches share: requests over a keep-alive agent, and questions to a
// server running in a worker thread.
import { request } from 'node:http';

/** One HTTP request over `agent`; resolves with its status and body text. */
export function send(agent, url, { method = 'POST', headers = {}, body } = {}) {
  return new Promise((resolve, reject) => {
    const outgoing = request(url, { method, agent, headers, timeout: 30_000 }, (incoming) => {
      const chunks = [];
      incoming.on('data', (chunk) => chunks.push(chunk));
      incoming.on('end', () =>
        resolve({ status: incoming.statusCode, text: Buffer.concat(chunks).toString('utf8') }),
      );
      incoming.on('error', reject);
    });
    outgoing.on('timeout', () => outgoing.destroy(new Error('timeout')));
    outgoing.on('error', reject);
    outgoing.end(body);
  });
}

/** Posts `message` to `worker` and resolves with the `key` field of its first reply that has it. */
export function ask(worker, message, key) {
  return new Promise((resolve) => {
    const listener = (reply) => {
      if (key in reply) {
        worker.off('message', listener);
        resolve(reply[key]);
      }
    };
    worker.on('message', listener);
    worker.postMessage(message);
  });
}

/** Runs `count` requests, `concurrency` at a time; returns requests/s and the error count. */
export async function measure(count, concurrency, attempt) {
  let next = 0;
  let errors = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) {
        next++;
        if (!(await attempt().catch(() => false))) errors++;
      }
    }),
  );
  return { perSecond: count / ((performance.now() - started) / 1000), errors };
}
