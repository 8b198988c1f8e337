/** Small inline SVG icons (stroke-drawn, sized by CSS). */
const path = (d: string) => () => (
  <svg viewBox="0 0 24 24" aria-hidden="true" focusable="false">
    <path d={d} />
  </svg>
);

export const ChatIcon = path('M21 12a8 8 0 0 1-11.6 7.1L4 20l1-4.6A8 8 0 1 1 21 12z');
export const CloseIcon = path('M6 6l12 12M18 6L6 18');
export const PlusIcon = path('M12 5v14M5 12h14');
export const SendIcon = path('M5 12h13M13 6l6 6-6 6');
export const StopIcon = path('M7 7h10v10H7z');
