// @vitest-environment happy-dom
import { it } from 'vitest';
import { costOf } from './ui/markdown/cost-helpers.ts';
function adversarialOf(bytes: number) {
  const pieces = ['*a ', '**b _c ', '```d ', '``e ', '[f [g ', '[h](i ', '](j) ', 'k* l_ '];
  let text = '';
  for (let index = 0; text.length < bytes; index++) text += pieces[index % pieces.length];
  return text;
}
it('x', () => {
  for (const n of [3000, 12000]) { const t0 = performance.now(); const c = costOf(adversarialOf(n), 4); console.log(n, c, performance.now() - t0); }
});
