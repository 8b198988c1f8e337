/** Column alignment of a table, from its delimiter row. */
export type Align = 'left' | 'center' | 'right' | undefined;

/** A block of markdown; `line` is the index of the line it starts on. */
export type Block = { line: number } & (
  | { type: 'paragraph'; text: string }
  | { type: 'heading'; level: number; text: string }
  | { type: 'code'; lang: string; text: string }
  | { type: 'rule' }
  | { type: 'quote'; children: Block[] }
  | { type: 'list'; start: number | undefined; loose: boolean; items: Block[][] }
  | { type: 'table'; align: Align[]; head: string[]; rows: string[][] }
);

const blankLine = /^[ \t]*$/;
const headingLine = /^ {0,3}(#{1,6})(?:[ \t]+(.*))?$/;
const ruleLine = /^ {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$/;
const quoteLine = /^ {0,3}> ?(.*)$/;
const itemLine = /^ {0,3}([-*+]|(\d{1,9})[.)])(?:([ \t]+)(.*))?$/;
const delimiterRow = /^ {0,3}\|?[ \t]*:?-+:?[ \t]*(?:\|[ \t]*:?-+:?[ \t]*)*\|?[ \t]*$/;

/** The fence (`` ``` `` or `~~~`, with indent and info) opening a code block, if `line` is one. */
export function fenceOf(
  line: string,
): { indent: number; marker: string; lang: string } | undefined {
  const match = /^( {0,3})(`{3,}|~{3,})[ \t]*(.*)$/.exec(line);
  if (!match || (match[2]![0] === '`' && match[3]!.includes('`'))) return undefined;
  return { indent: match[1]!.length, marker: match[2]!, lang: match[3]!.split(/[ \t]/)[0]! };
}

/** True when `line` closes a fence opened with `marker`. */
export function closesFence(line: string, marker: string): boolean {
  const match = /^ {0,3}(`{3,}|~{3,})[ \t]*$/.exec(line);
  return !!match && match[1]![0] === marker[0] && match[1]!.length >= marker.length;
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

function indentOf(line: string): number {
  return line.length - stripIndent(line, 99).trimStart().length;
}

function cellsOf(row: string): string[] {
  const cells = row
    .trim()
    .replace(/^\|/, '')
    .split(/(?<!\\)\|/);
  if (cells.length > 1 && /^\s*$/.test(cells[cells.length - 1]!)) cells.pop();
  return cells.map((cell) => cell.trim().replace(/\\\|/g, '|'));
}

function isTableStart(lines: string[], index: number): boolean {
  const delimiter = lines[index + 1];
  return (
    !!delimiter?.includes('|') &&
    delimiterRow.test(delimiter) &&
    cellsOf(lines[index]!).length === cellsOf(delimiter).length
  );
}

/** True when `line` starts a block that ends a paragraph (CommonMark's interruption rules). */
function interrupts(lines: string[], index: number): boolean {
  const line = lines[index]!;
  if (
    blankLine.test(line) ||
    fenceOf(line) ||
    headingLine.test(line) ||
    ruleLine.test(line) ||
    quoteLine.test(line)
  ) {
    return true;
  }
  const item = itemLine.exec(line);
  if (item?.[4]?.trim() && (item[2] === undefined || item[2] === '1')) return true;
  return isTableStart(lines, index);
}

function parseList(lines: string[], index: number, blocks: Block[]): number {
  const first = itemLine.exec(lines[index]!)!;
  const kind = first[1]!.slice(-1);
  const items: Block[][] = [];
  let loose = false;
  let line = index;
  for (let item = itemLine.exec(lines[line] ?? ''); item; item = itemLine.exec(lines[line] ?? '')) {
    if (item[1]!.slice(-1) !== kind || ruleLine.test(lines[line]!)) break;
    const spacing = item[3] ?? ' ';
    const content = item[4] ?? '';
    const gap = content && spacing.length <= 4 ? spacing.length : 1;
    const contentIndent = lines[line]!.indexOf(item[1]!) + item[1]!.length + gap;
    const body = [content ? ' '.repeat(Math.max(0, spacing.length - gap)) + content : ''];
    for (line++; line < lines.length; line++) {
      const next = lines[line]!;
      if (blankLine.test(next)) body.push('');
      else if (indentOf(next) >= contentIndent) body.push(stripIndent(next, contentIndent));
      else if (body[body.length - 1] !== '' && !interrupts(lines, line) && !itemLine.test(next)) {
        body.push(next.trimStart());
      } else break;
    }
    const gapBefore = body.length > 1 && body[body.length - 1] === '';
    while (body.length > 1 && body[body.length - 1] === '') body.pop();
    if (gapBefore && itemLine.exec(lines[line] ?? '')?.[1]?.slice(-1) === kind) loose = true;
    const children = parseBlocks(body);
    if (children.length > 1 && body.includes('')) loose = true;
    items.push(children);
  }
  const start = first[2] === undefined ? undefined : Number(first[2]);
  blocks.push({ type: 'list', line: index, start, loose, items });
  return line;
}

function parseQuote(lines: string[], index: number, blocks: Block[]): number {
  const body: string[] = [];
  let line = index;
  for (; line < lines.length; line++) {
    const next = lines[line]!;
    const quoted = quoteLine.exec(next);
    if (quoted) body.push(quoted[1]!);
    else if (body[body.length - 1] && !interrupts(lines, line) && !itemLine.test(next)) {
      body.push(next);
    } else break;
  }
  blocks.push({ type: 'quote', line: index, children: parseBlocks(body) });
  return line;
}

function parseTable(lines: string[], index: number, blocks: Block[]): number {
  const head = cellsOf(lines[index]!);
  const align = cellsOf(lines[index + 1]!).map((cell): Align => {
    if (cell.endsWith(':')) return cell.startsWith(':') ? 'center' : 'right';
    return cell.startsWith(':') ? 'left' : undefined;
  });
  const rows: string[][] = [];
  let line = index + 2;
  for (; line < lines.length && !interrupts(lines, line); line++) {
    const cells = cellsOf(lines[line]!);
    rows.push(head.map((_, column) => cells[column] ?? ''));
  }
  blocks.push({ type: 'table', line: index, align, head, rows });
  return line;
}

/** Splits markdown lines into blocks (containers parsed recursively). */
export function parseBlocks(lines: string[]): Block[] {
  const blocks: Block[] = [];
  let line = 0;
  while (line < lines.length) {
    const text = lines[line]!;
    const fence = fenceOf(text);
    const heading = headingLine.exec(text);
    if (blankLine.test(text)) line++;
    else if (fence) {
      const start = line;
      const body: string[] = [];
      for (line++; line < lines.length && !closesFence(lines[line]!, fence.marker); line++) {
        body.push(stripIndent(lines[line]!, fence.indent));
      }
      line++;
      blocks.push({ type: 'code', line: start, lang: fence.lang, text: body.join('\n') });
    } else if (heading) {
      const content = (heading[2] ?? '').replace(/(?:^|[ \t]+)#+[ \t]*$/, '').trim();
      blocks.push({ type: 'heading', line: line++, level: heading[1]!.length, text: content });
    } else if (ruleLine.test(text)) blocks.push({ type: 'rule', line: line++ });
    else if (quoteLine.test(text)) line = parseQuote(lines, line, blocks);
    else if (itemLine.test(text)) line = parseList(lines, line, blocks);
    else if (isTableStart(lines, line)) line = parseTable(lines, line, blocks);
    else {
      const start = line;
      const body = [text.trimStart()];
      for (line++; line < lines.length && !interrupts(lines, line); line++) {
        body.push(lines[line]!.trimStart());
      }
      blocks.push({ type: 'paragraph', line: start, text: body.join('\n').trimEnd() });
    }
  }
  return blocks;
}
