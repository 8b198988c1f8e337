import type { AppStore } from './apps/create-app-store.ts';
import type { Responder } from './chat/responder.ts';
import type { ServerSettings } from './config/read-settings.ts';
import type { ConversationStore } from './conversations/create-conversation-store.ts';
import type { RateLimiter } from './limits/create-rate-limiter.ts';
import type { PowService } from './pow/create-pow-service.ts';
import type { TokenService } from './session/create-token-service.ts';

/** The collaborators every route receives; built once per server by `createServerApp`. */
export interface ServerContext {
  settings: ServerSettings;
  apps: AppStore;
  conversations: ConversationStore;
  tokens: TokenService;
  pow: PowService | undefined;
  sessionLimiter: RateLimiter;
  chatLimiter: RateLimiter;
  responder: Responder;
  now: () => number;
}
