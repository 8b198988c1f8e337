/** @jsxImportSource react */
// Only typechecked (by `npm test`'s typecheck), never run: React TSX accepts <inkeep-chat>
// with typed attributes once `inkeep-chat/jsx-react` is imported.
import type {} from '../../types/jsx-react.d.ts';

export const accepted = <inkeep-chat app-id="app_demo" color-mode="dark" className="chat" />;
// @ts-expect-error color-mode only takes light, dark or auto
export const refused = <inkeep-chat color-mode="purple" />;
