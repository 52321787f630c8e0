import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { createApp, logStartupFailure } from './bootstrap';
import { loadConfig } from './config/engine-config';

async function main(): Promise<void> {
  const config = loadConfig(process.env);
  const app = await createApp(config);
  await app.listen(config.port, config.host);
  new Logger('CreativeEngine').log(
    `Listening on http://${config.host}:${config.port} (Swagger at /docs; worker ${config.worker.enabled ? 'on' : 'off'})`,
  );
}

main().catch(logStartupFailure);
