// Only typechecked (by `npm test`'s typecheck), never run: Preact TSX accepts <inkeep-chat>
// with typed attributes once `inkeep-chat/jsx-preact` is imported.
import type {} from '../../types/jsx-preact.d.ts';

export const accepted = (
  <inkeep-chat app-id="app_demo" base-url="https://x.example" mode="inline" />
);
// @ts-expect-error mode only takes floating or inline
export const refused = <inkeep-chat mode="sideways" />;
