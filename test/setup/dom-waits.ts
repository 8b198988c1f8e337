// Vitest setup file of the widget project: Testing Library's `waitFor` and `findBy*` wait for a
// state up to 15 s instead of 1 s, so a busy machine is slow, never failing. Tests never assert
// how long anything took.
import { configure } from '@testing-library/preact';

configure({ asyncUtilTimeout: 15_000 });
