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
export const HistoryIcon = path('M3 12a9 9 0 1 0 3-6.7L3 8M3 3v5h5M12 7v5l3 3');
export const BackIcon = path('M15 18l-6-6 6-6');
export const TrashIcon = path('M4 7h16M9 7V4h6v3M6 7l1 13h10l1-13');
export const CopyIcon = path('M9 9h11v11H9zM5 15H4V4h11v1');
export const RefreshIcon = path('M20 11a8 8 0 1 0-2.3 5.7M20 4v7h-7');
export const DownIcon = path('M12 5v14M6 13l6 6 6-6');
export const ThumbIcon = path(
  'M7 11v9H4v-9zM7 11l4-8a2 2 0 0 1 3 2l-1 5h6a2 2 0 0 1 2 2l-2 7a2 2 0 0 1-2 1H7',
);
