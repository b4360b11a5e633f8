import { buildApp } from './app';
import { ConfigError, loadConfig, loadDotEnv } from './config';

/** How long SIGTERM/SIGINT waits for requests in flight and the pools before exiting anyway. */
const SHUTDOWN_TIMEOUT_MS = 15_000;

/** Starts the live service: config from the environment (and server/.env), then listen until SIGTERM/SIGINT. */
async function main(): Promise<void> {
  // Tests start main with an exact environment: a developer's server/.env must not leak in.
  if (process.env.NODE_ENV !== 'test') loadDotEnv();
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(`Configuration error: ${error.message}`);
      process.exit(1);
    }
    throw error;
  }

  const app = await buildApp(config);
  if (config.authMode === 'dev') {
    app.log.warn(
      'AUTH_MODE=dev: anyone can sign in with just a nickname (POST /api/auth/dev). Never use this in production.',
    );
  }
  if (config.zego === null) {
    app.log.warn(
      'ZEGO_APP_ID / ZEGO_SERVER_SECRET are not set: every token request will answer 503 ZEGO_NOT_CONFIGURED.',
    );
  }
  if (config.consoleToken === null)
    app.log.warn('CONSOLE_TOKEN is not set: operator endpoints are disabled.');
  if (config.zegoCallbackSecret === null)
    app.log.warn('ZEGO_CALLBACK_SECRET is not set: ZEGO stream callbacks answer 503.');

  let closing = false;
  const shutdown = (signal: string): void => {
    if (closing) return;
    closing = true;
    app.log.info(`${signal} received, shutting down`);
    // A request or a connection that never finishes must not keep the process alive forever.
    setTimeout(() => {
      app.log.error(`shutdown took longer than ${SHUTDOWN_TIMEOUT_MS} ms; exiting anyway`);
      process.exit(1);
    }, SHUTDOWN_TIMEOUT_MS).unref();
    // app.close() stops accepting connections, waits for in-flight requests, then closes the database.
    app.close().then(
      () => process.exit(0),
      (error: unknown) => {
        app.log.error({ err: error }, 'error during shutdown');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));

  await app.listen({ port: config.port, host: config.host });
}

main().catch((error: unknown) => {
  console.error('Failed to start:', error instanceof Error ? error.message : error);
  process.exit(1);
});
