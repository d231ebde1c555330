export { type Config, type LogLevel, loadConfig, loadConfigFromProcessEnv, type NodeEnv, servesOverHttps } from './config.ts';
export { ConfigError, type Env, redactUrl } from './env-readers.ts';
