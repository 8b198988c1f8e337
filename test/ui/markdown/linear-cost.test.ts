// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';
import { growth } from './cost-helpers.ts';

const lines = (count: number, lineOf: (index: number) => string) =>
  Array.from({ length: count }, (_, index) => lineOf(index)).join('\n');

/**
 * Each input at a size (repetitions); four times the size must cost at most 4.5 times. Sizes
 * are well past `reach` (how far back a construct may open), where streaming costs settle to
 * a constant per character.
 */
const worstCases: Record<string, [(count: number) => string, number]> = {
  'unclosed emphasis': [(count) => '*a '.repeat(count), 500],
  'unclosed strong and underscores': [(count) => '**a __b '.repeat(count), 200],
  'mismatched emphasis': [(count) => '*a _b **c_ d* __e** f__ '.repeat(count), 60],
  'emphasis closed far away': [(count) => `*${'a '.repeat(count)}*`, 800],
  'a long single-line paragraph': [
    (count) => 'Some **bold** words, `code` and *more* text. '.repeat(count),
    40,
  ],
  'runs of backticks': [
    (count) =>
      Array.from({ length: count }, (_, index) => `${'`'.repeat(1 + (index % 9))}a `).join(''),
    250,
  ],
  'nested brackets': [(count) => '[a '.repeat(count) + '](x) '.repeat(count), 200],
  'unclosed brackets': [(count) => '[a '.repeat(count), 500],
  'link syntax without an end': [(count) => '[a](b '.repeat(count), 250],
  'links with half titles': [(count) => '[a](https://x.example "t '.repeat(count), 60],
  'deep list nesting': [
    (count) => lines(count, (index) => `${'  '.repeat(index % 40)}- item ${index}`),
    400,
  ],
  'deep quote nesting': [
    (count) => lines(count, (index) => `${'> '.repeat(index % 40)}quote ${index}`),
    400,
  ],
  '10,000 short lines': [(count) => lines(count, (index) => `l${index}`), 2500],
};

/** Single tokens with no space in them, checked whole (see the report on streaming them). */
const longTokens: Record<string, [(count: number) => string, number]> = {
  'one long run of backticks': [(count) => '`'.repeat(count), 4000],
  'bare URLs with parentheses': [(count) => `https://x.example/${')'.repeat(count)} `, 4000],
};

describe('markdown cost grows linearly with the input', () => {
  for (const [name, [textOf, count]] of Object.entries(worstCases)) {
    it(`${name}, whole`, () => {
      const { nodes, steps } = growth(textOf, count);
      expect(nodes).toBeLessThanOrEqual(4.5);
      expect(steps).toBeLessThanOrEqual(4.5);
    });

    it(`${name}, streamed four characters at a time`, () => {
      const { nodes, steps } = growth(textOf, count, 4);
      expect(nodes).toBeLessThanOrEqual(4.5);
      expect(steps).toBeLessThanOrEqual(4.5);
    });
  }

  for (const [name, [textOf, count]] of Object.entries(longTokens)) {
    it(`${name}, whole`, () => {
      const { nodes, steps } = growth(textOf, count);
      expect(nodes).toBeLessThanOrEqual(4.5);
      expect(steps).toBeLessThanOrEqual(4.5);
    });
  }
});
