import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { createApp, logShutdownSignals, logStartupFailure } from './bootstrap';
import { loadConfig } from './config/engine-config';

async function main(): Promise<void> {
  const config = loadConfig(process.env);
  const app = await createApp(config);
  const logger = new Logger('CreativeEngine');
  logShutdownSignals(logger, config.worker.enabled ? 'finishing requests and running jobs' : 'finishing requests');
  await app.listen(config.port, config.host);
  logger.log(
    `Listening on http://${config.host}:${config.port} (Swagger at /docs; worker ${config.worker.enabled ? 'on' : 'off'})`,
  );
}

main().catch(logStartupFailure);
