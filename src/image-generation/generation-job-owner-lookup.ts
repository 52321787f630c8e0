import { Injectable } from '@nestjs/common';
import type { GenerationJobLookup } from '../assets/generation-job-lookup';
import type { Prisma } from '../generated/prisma/client';
import { PrismaService } from '../prisma/prisma.service';

/** The jobs side of GenerationJobLookup: one indexed read of generation_jobs. */
@Injectable()
export class GenerationJobOwnerLookup implements GenerationJobLookup {
  constructor(private readonly prisma: PrismaService) {}

  async isJobOfUser(jobId: string, userId: string, tx: Prisma.TransactionClient = this.prisma): Promise<boolean> {
    return (await tx.generationJob.findFirst({ where: { id: jobId, userId }, select: { id: true } })) !== null;
  }
}
