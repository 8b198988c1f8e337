/** The attributes of `<inkeep-chat>`, for JSX typings. */
export interface InkeepChatAttributes {
  'app-id'?: string;
  'base-url'?: string;
  /** A JWT the site's backend signed for its signed-in user (prefer the getAuthToken property). */
  'auth-token'?: string;
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
