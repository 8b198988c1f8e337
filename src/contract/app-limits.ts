/** The longest `config.systemPrompt` an app may carry, in characters (zod-free for the dashboard). */
export const maxSystemPromptLength = 8000;
