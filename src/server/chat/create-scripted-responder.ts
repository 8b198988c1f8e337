import { lastUserText, type Responder, sleep } from './responder.ts';

/** Options of {@link createScriptedResponder}. */
export interface ScriptedResponderOptions {
  /** Pause before each token, in ms (`INKEEP_RESPONDER_TOKEN_DELAY_MS`). */
  tokenDelayMs?: number;
}

function oneLine(text: string, max: number): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

/** The deterministic markdown answer to `question`: heading, list, code, link and table. */
export function scriptedReply(question: string): string {
  const topic = oneLine(question, 80) || 'your question';
  const cell = topic.replace(/\|/g, '\\|');
  const code = JSON.stringify(question.slice(0, 200)).replace(/`/g, '\\u0060');
  return [
    `## About: ${topic}`,
    '',
    `You asked **${topic}**. This is the scripted responder of the inkeep-chat development server, so the answer is always the same shape:`,
    '',
    '- It starts with a heading that repeats your question.',
    '- It streams one token at a time, like a real model.',
    '- It ends with a table, so every piece of markdown gets exercised.',
    '',
    '```ts',
    `const question = ${code};`,
    "console.log('You asked:', question);",
    '```',
    '',
    'Read more in the [Inkeep documentation](https://docs.inkeep.com).',
    '',
    '| Step | What happens |',
    '| --- | --- |',
    `| 1 | You asked: ${cell} |`,
    '| 2 | The server streamed this answer |',
    '',
  ].join('\n');
}

/** Splits text into word-sized tokens that keep their trailing whitespace. */
export function tokenize(text: string): string[] {
  return text.match(/\s*\S+\s*/g) ?? [];
}

/** Creates the default responder: a deterministic markdown reply that mentions the question. */
export function createScriptedResponder({
  tokenDelayMs = 15,
}: ScriptedResponderOptions = {}): Responder {
  return {
    model: 'inkeep-scripted',
    async *respond({ messages, signal }) {
      for (const token of tokenize(scriptedReply(lastUserText(messages)))) {
        await sleep(tokenDelayMs, signal);
        if (signal.aborted) return;
        yield token;
      }
    },
  };
}
