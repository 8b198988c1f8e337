// The one react-dom entry the host page uses; @types/react-dom is not among the dependencies.
declare module 'react-dom/client' {
  import type { ReactNode } from 'react';

  /** A React 19 root rendering into `container`. */
  export function createRoot(container: Element): {
    render(children: ReactNode): void;
    unmount(): void;
  };
}
