/** What kind of client an app serves: a browser widget or server-to-server calls. */
export type AppType = 'web_client' | 'api';

/** The browser-facing settings of an app. */
export interface WebClientConfig {
  allowedDomains: string[];
  allowAnonymous: boolean;
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
  config: { webClient: WebClientConfig };
}
