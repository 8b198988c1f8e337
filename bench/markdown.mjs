// Markdown rendering cost of the real widget in Chromium: main-thread time (Chromium's own
// TaskDuration: scripts, style, layout, paint) to render a ~50 KB answer streamed one token
// per chunk, each chunk in its own task as network chunks arrive, and the same for 4× the text:
// the ratio shows linear vs quadratic growth (goal ≤ 4.5). Also the longest task while
// streaming (goal: none over 50 ms). The page loads dist/inkeep-chat.js; its fetch is replaced
// by a fake Run API whose chat stream yields one SSE event per task.
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { launchChromium } from './lib/launch-chromium.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** A varied model answer of about `bytes` characters, built from every markdown construct. */
function answerOf(bytes) {
  const blocks = [];
  for (let index = 0; blocks.join('\n\n').length < bytes; index++) {
    blocks.push(
      `## Step ${index}: configure **part ${index}**`,
      `Paragraph ${index} explains *why* this matters, with \`inline code\`, a [link](https://example.com/${index}) and ~~old~~ text that goes on for a while to look like prose.`,
      `- first point about ${index}\n- second point\n  1. nested detail\n  2. another detail\n- third point`,
      `\`\`\`ts\nconst value${index} = compute(${index});\nconsole.log(value${index});\n\`\`\``,
      `| Option | Value | Notes |\n|:--|:-:|--:|\n| a${index} | ${index} | first |\n| b${index} | ${index * 2} | second |`,
      `> A quote for step ${index}, with **emphasis**.`,
    );
  }
  return blocks.join('\n\n');
}

/**
 * A hostile answer of about `bytes` characters: unclosed and mismatched emphasis, backtick runs,
 * bracket nests and half-written links, all in one long paragraph.
 */
function adversarialOf(bytes) {
  const pieces = ['*a ', '**b _c ', '```d ', '``e ', '[f [g ', '[h](i ', '](j) ', 'k* l_ '];
  let text = '';
  for (let index = 0; text.length < bytes; index++) text += pieces[index % pieces.length];
  return text;
}

/** Splits text into model-like tokens of 1–6 characters. */
function tokensOf(text) {
  const tokens = [];
  for (let index = 0; index < text.length; ) {
    const size = 1 + ((index * 7) % 6);
    tokens.push(text.slice(index, index + size));
    index += size;
  }
  return tokens;
}

const fakeRunApi = `
window.benchTokens = [];
const realFetch = window.fetch.bind(window);
window.fetch = async (input, init = {}) => {
  const url = new URL(typeof input === 'string' ? input : input.url);
  if (url.pathname === '/run/auth/pow/challenge') return new Response('', { status: 404 });
  if (url.pathname.endsWith('/anonymous-session')) {
    const expiresAt = new Date(Date.now() + 3600e3).toISOString();
    return Response.json({ token: 'bench-token', expiresAt });
  }
  if (url.pathname !== '/run/v1/chat/completions') return realFetch(input, init);
  const tokens = window.benchTokens;
  const encoder = new TextEncoder();
  const event = (delta, finish) => encoder.encode('data: ' + JSON.stringify({
    id: 'bench', object: 'chat.completion.chunk', created: 0, model: 'bench',
    choices: [{ index: 0, delta: finish ? {} : { content: delta }, finish_reason: finish ? 'stop' : null }],
  }) + '\\n\\n');
  let index = 0;
  const channel = new MessageChannel();
  const nextTask = () => new Promise((resolve) => { channel.port1.onmessage = resolve; channel.port2.postMessage(0); });
  const body = new ReadableStream({
    async pull(controller) {
      await nextTask();
      if (index < tokens.length) controller.enqueue(event(tokens[index++], false));
      else { controller.enqueue(event('', true)); controller.close(); }
    },
  });
  return new Response(body, { headers: { 'content-type': 'text/event-stream', 'x-inkeep-conversation-id': 'conv_bench' } });
};
window.renderStreamed = (tokens) => new Promise((resolve) => {
  window.benchTokens = tokens;
  const element = document.querySelector('inkeep-chat');
  element.newConversation();
  element.addEventListener('inkeep-chat-message', () => resolve({}), { once: true });
  element.send('go');
});
`;

export async function run() {
  const bundle = readFileSync(join(root, 'dist/inkeep-chat.js'));
  const page = `<!doctype html><meta charset="utf-8"><script src="/fake-run-api.js"></script>
<script src="/inkeep-chat.js"></script>
<inkeep-chat mode="inline" app-id="app_bench" base-url="http://127.0.0.1:9"></inkeep-chat>`;
  const server = createServer((request, response) => {
    const files = {
      '/inkeep-chat.js': bundle,
      '/fake-run-api.js': fakeRunApi,
    };
    const file = files[request.url];
    if (file) response.writeHead(200, { 'content-type': 'text/javascript' }).end(file);
    else response.writeHead(200, { 'content-type': 'text/html' }).end(page);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const browser = await launchChromium();
  try {
    const tab = await browser.newPage();
    await tab.goto(`http://127.0.0.1:${server.address().port}/`);
    await tab.evaluate(() => {
      window.longTasks = [];
      new PerformanceObserver((list) => {
        for (const entry of list.getEntries()) window.longTasks.push(entry.duration);
      }).observe({ type: 'longtask' });
    });
    // Main-thread time from Chromium's own counters: it includes work a renderer defers to
    // animation frames, not only the time spent inside update().
    const devtools = await tab.context().newCDPSession(tab);
    await devtools.send('Performance.enable');
    const taskSeconds = async () => {
      const { metrics } = await devtools.send('Performance.getMetrics');
      return metrics.find((metric) => metric.name === 'TaskDuration')?.value ?? 0;
    };
    const measure = async (text) => {
      await tab.evaluate(() => {
        window.longTasks.length = 0;
        // The longest gap between animation frames: a frame the stream held up.
        window.longestFrame = 0;
        window.framing = true;
        let last = performance.now();
        const frame = (now) => {
          window.longestFrame = Math.max(window.longestFrame, now - last);
          last = now;
          if (window.framing) requestAnimationFrame(frame);
        };
        requestAnimationFrame(frame);
      });
      const tokens = tokensOf(text);
      const before = await taskSeconds();
      const result = await tab.evaluate((tokens) => window.renderStreamed(tokens), tokens);
      // Let a deferred final frame land before reading the counters.
      await tab.evaluate(
        () => new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 50))),
      );
      const busy = ((await taskSeconds()) - before) * 1000;
      const longTasks = await tab.evaluate(() => window.longTasks.slice());
      const longestFrame = await tab.evaluate(() => {
        window.framing = false;
        return window.longestFrame;
      });
      return { ...result, busy, longTasks, longestFrame };
    };
    const small = answerOf(50_000);
    const large = answerOf(200_000);
    await measure(answerOf(10_000)); // warm-up: JIT and style caches
    const one = await measure(small);
    const four = await measure(large);
    const ratio = four.busy / one.busy;
    const longTasks = [...one.longTasks, ...four.longTasks];
    const hostile = await measure(adversarialOf(50_000));
    const hostileFour = await measure(adversarialOf(200_000));
    const hostileRatio = hostileFour.busy / hostile.busy;
    const hostileLongTasks = [...hostile.longTasks, ...hostileFour.longTasks];
    return [
      {
        metric: 'render 49 KB adversarial streamed',
        value: `${hostile.busy.toFixed(0)} ms`,
        note: 'unclosed emphasis, backtick runs, bracket nests, one paragraph',
      },
      {
        metric: 'render adversarial 4x / 1x',
        value: hostileRatio.toFixed(2),
        note: `goal ≤ 4.5 (linear): ${hostileRatio <= 4.5 ? 'met' : 'NOT met'}`,
      },
      {
        metric: 'longest frame, adversarial 49 KB',
        value: `${hostile.longestFrame.toFixed(1)} ms`,
        note: `gap between animation frames (goal ≤ 50 ms): ${hostile.longestFrame <= 50 ? 'met' : 'NOT met'}`,
      },
      {
        metric: 'longest task while streaming adversarial',
        value: `${Math.max(0, ...hostileLongTasks).toFixed(1)} ms`,
        note: `tasks over 50 ms: ${hostileLongTasks.length} (goal none)`,
      },
      {
        metric: `render ${(small.length / 1024).toFixed(0)} KB streamed`,
        value: `${one.busy.toFixed(0)} ms`,
        note: `${tokensOf(small).length} tokens, one per task; Chromium TaskDuration`,
      },
      {
        metric: `render ${(large.length / 1024).toFixed(0)} KB streamed`,
        value: `${four.busy.toFixed(0)} ms`,
        note: `${tokensOf(large).length} tokens`,
      },
      {
        metric: 'render 4x text / 1x text',
        value: ratio.toFixed(2),
        note: `goal ≤ 4.5 (linear): ${ratio <= 4.5 ? 'met' : 'NOT met'}`,
      },
      {
        metric: 'longest task while streaming',
        value: `${Math.max(0, ...longTasks).toFixed(1)} ms`,
        note: `tasks over 50 ms: ${longTasks.length} (goal none); 0 ms means every task stayed under 50 ms`,
      },
      {
        metric: `longest frame, ${(large.length / 1024).toFixed(0)} KB answer`,
        value: `${four.longestFrame.toFixed(1)} ms`,
        note: `gap between animation frames (goal ≤ 50 ms): ${four.longestFrame <= 50 ? 'met' : 'NOT met'}`,
      },
    ];
  } finally {
    await browser.close();
    server.close();
  }
}
