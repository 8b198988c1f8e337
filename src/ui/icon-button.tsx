import type { ComponentChildren } from 'preact';

export interface IconButtonProps {
  /** The accessible name, also shown as the tooltip. */
  label: string;
  onClick(): void;
  children: ComponentChildren;
}

/** A square button showing only an icon, named by `label`. */
export function IconButton({ label, onClick, children }: IconButtonProps) {
  return (
    <button type="button" class="icon" aria-label={label} title={label} onClick={onClick}>
      {children}
    </button>
  );
}
