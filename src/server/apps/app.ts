// An app is wire data of the manage API: one definition, shared with the dashboard.
export type { App, AppConfig, AppType, WebClientConfig } from '../../contract/app.ts';
export { maxSystemPromptLength } from '../../contract/app.ts';
