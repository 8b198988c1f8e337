/** A start-up problem (bad config file, flag or environment variable), shown as one line. */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}
