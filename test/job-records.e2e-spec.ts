import { GenerationJobsRepository, type NewJob } from '../src/jobs/generation-jobs.repository';
import { createTestApp, TestApp } from './support/app';
import { newUserId } from './support/factories';

/** GenerationJobsRepository.create: one INSERT through pg, or inside the active-job guard's transaction. */
describe('recording a queued job', () => {
  let t: TestApp;
  let jobs: GenerationJobsRepository;

  beforeAll(async () => {
    t = await createTestApp();
    jobs = t.app.get(GenerationJobsRepository);
  });
  afterAll(() => t.close());

  const newJob = (userId: string, overrides: Partial<NewJob> = {}): NewJob => ({
    userId,
    type: 'image_generation',
    priority: 3,
    prompt: 'a lighthouse at dawn',
    provider: 'placeholder',
    model: 'placeholder',
    parameters: { size: '256x256', n: 2, nested: { quoted: '"x"' } },
    estimatedTime: null,
    ...overrides,
  });
  const guard = async () => undefined;

  it.each([
    ['one INSERT', undefined],
    ['inside the guard transaction', guard],
  ])('%s: the row has what was given, the table defaults and updatedAt', async (_way, withGuard) => {
    const userId = newUserId();
    const { job, created } = await jobs.create(newJob(userId, { estimatedTime: 1234 }), withGuard);
    expect(created).toBe(true);
    expect(job).toMatchObject({
      userId,
      type: 'image_generation',
      status: 'queued',
      priority: 3,
      progress: 0,
      attempts: 0,
      negativePrompt: null,
      templateId: null,
      estimatedTime: 1234,
      parameters: { size: '256x256', n: 2, nested: { quoted: '"x"' } },
    });
    expect(job.updatedAt.getTime()).toBe(job.createdAt.getTime());
    expect(await t.prisma.generationJob.findUniqueOrThrow({ where: { id: job.id } })).toEqual(job);
  });

  it.each([
    ['one INSERT', undefined],
    ['inside the guard transaction', guard],
  ])(
    '%s: a key a concurrent request recorded first answers with that job (the unique index decides)',
    async (_way, withGuard) => {
      const userId = newUserId();
      const keyed = newJob(userId, { idempotencyKey: `key-${userId}`, idempotencyFingerprint: 'f' });
      const first = await jobs.create(keyed, withGuard);
      const second = await jobs.create(keyed, withGuard);
      expect(second).toEqual({ job: first.job, created: false });
      expect(await t.prisma.generationJob.count({ where: { userId } })).toBe(1);
    },
  );
});
