// Markdown rendering cost in Chromium: main-thread time to render a ~50 KB answer streamed one
// token per chunk (each token in its own task, as network chunks arrive), the same for 4× the
// text (the ratio shows linear vs quadratic growth; goal ≤ 4.5), and the longest task seen
// while streaming (goal: none over 50 ms).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from '@playwright/test';
import { build } from 'vite';

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

const pageScript = `
import { createMarkdownRenderer } from '${join(root, 'src/ui/markdown/create-markdown-renderer.ts')}';
window.renderStreamed = (tokens) => new Promise((resolve) => {
  const host = document.createElement('div');
  document.body.replaceChildren(host);
  const renderer = createMarkdownRenderer(host);
  let index = 0;
  let busy = 0;
  let longest = 0;
  const channel = new MessageChannel();
  channel.port1.onmessage = () => {
    const started = performance.now();
    // As the widget does: each streamed piece is appended, the whole text is never re-read.
    renderer.append(tokens[index++]);
    if (index === tokens.length) renderer.finish();
    const spent = performance.now() - started;
    busy += spent;
    longest = Math.max(longest, spent);
    if (index < tokens.length) channel.port2.postMessage(0);
    else resolve({ busy, longest, nodes: host.querySelectorAll('*').length });
  };
  channel.port2.postMessage(0);
});
`;

export async function run() {
  const work = mkdtempSync(join(tmpdir(), 'inkeep-chat-markdown-bench-'));
  writeFileSync(join(work, 'entry.js'), pageScript);
  await build({
    configFile: false,
    root: work,
    logLevel: 'silent',
    build: {
      outDir: join(work, 'out'),
      lib: {
        entry: join(work, 'entry.js'),
        formats: ['iife'],
        name: 'Bench',
        fileName: () => 'bench.js',
      },
    },
  });
  const script = readFileSync(join(work, 'out/bench.js'));
  const server = createServer((request, response) => {
    if (request.url === '/bench.js') {
      response.writeHead(200, { 'content-type': 'text/javascript' }).end(script);
    } else {
      response
        .writeHead(200, { 'content-type': 'text/html' })
        .end('<!doctype html><meta charset="utf-8"><script src="/bench.js"></script>');
    }
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  try {
    const page = await browser.newPage();
    await page.goto(`http://127.0.0.1:${server.address().port}/`);
    await page.evaluate(() => {
      window.longTasks = [];
      new PerformanceObserver((list) => {
        for (const entry of list.getEntries()) window.longTasks.push(entry.duration);
      }).observe({ type: 'longtask' });
    });
    // Main-thread time from Chromium's own counters: it includes work a renderer defers to
    // animation frames, not only the time spent inside update().
    const devtools = await page.context().newCDPSession(page);
    await devtools.send('Performance.enable');
    const taskSeconds = async () => {
      const { metrics } = await devtools.send('Performance.getMetrics');
      return metrics.find((metric) => metric.name === 'TaskDuration')?.value ?? 0;
    };
    const measure = async (text) => {
      await page.evaluate(() => {
        window.longTasks.length = 0;
      });
      const tokens = tokensOf(text);
      const before = await taskSeconds();
      const result = await page.evaluate((tokens) => window.renderStreamed(tokens), tokens);
      // Let a deferred final frame land before reading the counters.
      await page.evaluate(
        () => new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 50))),
      );
      const busy = ((await taskSeconds()) - before) * 1000;
      const longTasks = await page.evaluate(() => window.longTasks.slice());
      return { ...result, busy, longTasks };
    };
    const small = answerOf(50_000);
    const large = answerOf(200_000);
    await measure(answerOf(10_000)); // warm-up: JIT and style caches
    const one = await measure(small);
    const four = await measure(large);
    const ratio = four.busy / one.busy;
    const longest = Math.max(one.longest, four.longest);
    const longTasks = [...one.longTasks, ...four.longTasks];
    return [
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
        value: `${Math.max(longest, ...longTasks).toFixed(1)} ms`,
        note: `tasks over 50 ms: ${longTasks.length} (goal none); longest update() call ${longest.toFixed(1)} ms`,
      },
    ];
  } finally {
    await browser.close();
    server.close();
    rmSync(work, { recursive: true, force: true });
  }
}
