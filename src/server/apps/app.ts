/** What kind of client an app serves: a browser widget or server-to-server calls. */
export type AppType = 'web_client' | 'api';

/** The browser-facing settings of an app. */
export interface WebClientConfig {
  allowedDomains: string[];
  allowAnonymous: boolean;
}

/** The longest `config.systemPrompt` an app may carry, in characters. */
export const maxSystemPromptLength = 8000;

/** An app's settings, as the config file and the manage API write them. */
export interface AppConfig {
  webClient: WebClientConfig;
  /**
   * Instructions the app's agent gives the model first, before the visitor's messages. Kept on
   * the server: visitors never see or send it. Absent when the app has none.
   */
  systemPrompt?: string;
}

/** An app as the Run API stores and returns it. */
export interface App {
  id: string;
  tenantId: string;
  projectId: string;
  name: string;
  type: AppType;
  enabled: boolean;
  defaultAgentId: string;
  config: AppConfig;
  /**
   * Anonymous sessions issued before this time are refused (ISO 8601; absent when none were
   * ever revoked). Set only by revoking sessions, never by an app definition.
   */
  sessionsRevokedBefore?: string;
}
