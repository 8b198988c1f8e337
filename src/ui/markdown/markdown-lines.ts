// What a markdown line is, decided from the line alone: streaming needs no lookahead.

const blankLine = /^[ \t]*$/;
const headingLine = /^ {0,3}(#{1,6})(?:[ \t]+(.*))?$/;
const ruleLine = /^ {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$/;
const quoteLine = /^ {0,3}> ?(.*)$/;
const itemLine = /^ {0,3}([-*+]|(\d{1,9})[.)])(?:([ \t]+)(.*))?$/;
const delimiterRow = /^ {0,3}\|?[ \t]*:?-+:?[ \t]*(?:\|[ \t]*:?-+:?[ \t]*)*\|?[ \t]*$/;

/** A fence opening a code block. */
export interface Fence {
  indent: number;
  marker: string;
  lang: string;
}

/** A list item's first line: `kind` is its bullet or delimiter, `indent` its content column. */
export interface ListItem {
  kind: string;
  number: number | undefined;
  indent: number;
  content: string;
}

/** True for an empty or whitespace-only line. */
export function isBlank(line: string): boolean {
  return blankLine.test(line);
}

/** True for a thematic break (`---`, `* * *`, `___`). */
export function isRule(line: string): boolean {
  return ruleLine.test(line);
}

/** The fence (`` ``` `` or `~~~`, with indent and info) opening a code block, if `line` is one. */
export function fenceOf(line: string): Fence | undefined {
  const match = /^( {0,3})(`{3,}|~{3,})[ \t]*(.*)$/.exec(line);
  if (!match || (match[2]![0] === '`' && match[3]!.includes('`'))) return undefined;
  return { indent: match[1]!.length, marker: match[2]!, lang: match[3]!.split(/[ \t]/)[0]! };
}

/** True when `line` closes a fence opened with `marker`. */
export function closesFence(line: string, marker: string): boolean {
  const match = /^ {0,3}(`{3,}|~{3,})[ \t]*$/.exec(line);
  return !!match && match[1]![0] === marker[0] && match[1]!.length >= marker.length;
}

/** The level and text of an ATX heading line. */
export function headingOf(line: string): { level: number; text: string } | undefined {
  const match = headingLine.exec(line);
  if (!match) return undefined;
  const text = (match[2] ?? '').replace(/(?:^|[ \t]+)#+[ \t]*$/, '').trim();
  return { level: match[1]!.length, text };
}

/** The content of a blockquote line without its `>`. */
export function quoteOf(line: string): string | undefined {
  return quoteLine.exec(line)?.[1];
}

/** The list item started by `line`, if any (a thematic break is not one). */
export function itemOf(line: string): ListItem | undefined {
  const match = itemLine.exec(line);
  if (!match || ruleLine.test(line)) return undefined;
  const [, marker = '', number, spacing = ' ', content = ''] = match;
  const gap = content && spacing.length <= 4 ? spacing.length : 1;
  return {
    kind: marker.slice(-1),
    number: number === undefined ? undefined : Number(number),
    indent: line.indexOf(marker) + marker.length + gap,
    content: content && ' '.repeat(spacing.length - gap) + content,
  };
}

/** Removes up to `columns` columns of indentation (a tab reaches the next multiple of 4). */
export function stripIndent(line: string, columns: number): string {
  let column = 0;
  let index = 0;
  for (; index < line.length && column < columns; index++) {
    const char = line[index];
    if (char === ' ') column++;
    else if (char === '\t') column += 4 - (column % 4);
    else break;
  }
  return ' '.repeat(Math.max(0, column - columns)) + line.slice(index);
}

/** The columns of indentation of `line`. */
export function indentOf(line: string): number {
  return line.length - stripIndent(line, 99).trimStart().length;
}

/** The cells of a table row, trimmed, with `\|` unescaped. */
export function cellsOf(row: string): string[] {
  const cells = row
    .trim()
    .replace(/^\|/, '')
    .split(/(?<!\\)\|/);
  if (cells.length > 1 && isBlank(cells[cells.length - 1]!)) cells.pop();
  return cells.map((cell) => cell.trim().replace(/\\\|/g, '|'));
}

/** True when `line` is a table's delimiter row for a header row of `header`. */
export function delimitsTable(line: string, header: string): boolean {
  return (
    line.includes('|') && delimiterRow.test(line) && cellsOf(header).length === cellsOf(line).length
  );
}

/** True when `line` ends a paragraph: blank, or the start of another block. */
export function breaksParagraph(line: string): boolean {
  const item = itemOf(line);
  return (
    isBlank(line) ||
    !!fenceOf(line) ||
    headingLine.test(line) ||
    isRule(line) ||
    quoteLine.test(line) ||
    (!!item?.content.trim() && (item.number === undefined || item.number === 1))
  );
}
