/** The attributes of `<inkeep-chat>`, for JSX typings. */
export interface InkeepChatAttributes {
  'app-id'?: string;
  'base-url'?: string;
  mode?: 'floating' | 'inline';
  open?: boolean;
  'color-mode'?: 'light' | 'dark' | 'auto';
  position?: 'bottom-right' | 'bottom-left' | 'top-right' | 'top-left';
  title?: string;
  placeholder?: string;
  /** JSON object overriding any visible text. */
  strings?: string;
  nonce?: string;
}
