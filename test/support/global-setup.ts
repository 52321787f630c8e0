import { runMigrations } from '../../src/prisma/migrate';
import { newRunId, runEnvironment } from './test-env';

export default async function globalSetup(): Promise<void> {
  const env = runEnvironment(newRunId());
  Object.assign(process.env, env);
  await runMigrations({ databaseUrl: env.DATABASE_URL });
}
