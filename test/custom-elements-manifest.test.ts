import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { InkeepChatElement } from '../src/element.ts';
import { styles } from '../src/ui/styles.ts';

const manifest = JSON.parse(
  readFileSync(new URL('../custom-elements.json', import.meta.url), 'utf8'),
);
const declaration = manifest.modules[0].declarations[0];

describe('custom-elements.json', () => {
  it('lists exactly the attributes the element observes', () => {
    const listed = declaration.attributes.map((attribute: { name: string }) => attribute.name);
    expect([...listed].sort()).toEqual([...InkeepChatElement.observedAttributes].sort());
  });

  it('lists every custom property the stylesheet reads', () => {
    const used = new Set(styles.match(/--inkeep-chat-[a-z-]+/g));
    const listed = declaration.cssProperties.map((property: { name: string }) => property.name);
    expect([...listed].sort()).toEqual([...used].sort());
  });

  it('lists methods the element has', () => {
    for (const member of declaration.members) {
      if (member.kind !== 'method') continue;
      const owner = member.static ? InkeepChatElement : InkeepChatElement.prototype;
      expect(typeof (owner as unknown as Record<string, unknown>)[member.name], member.name).toBe(
        'function',
      );
    }
  });
});
