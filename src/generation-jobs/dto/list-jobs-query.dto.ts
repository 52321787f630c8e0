import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { PageQueryDto } from '../../common/pagination';
import { ToStringList } from '../../common/validation';
import { JobStatus, JobType } from '../../generated/prisma/client';

const JOB_STATUSES = Object.values(JobStatus);
const JOB_TYPES = Object.values(JobType);

/** GET /jobs: newest first; `status` and `type` take one value or a comma-separated list. */
export class ListJobsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ description: `Comma-separated: ${JOB_STATUSES.join(', ')}`, example: 'queued,processing' })
  @IsOptional()
  @ToStringList()
  @IsIn(JOB_STATUSES, { each: true, message: `status must be among ${JOB_STATUSES.join(', ')}` })
  status?: JobStatus[];

  @ApiPropertyOptional({ description: `Comma-separated: ${JOB_TYPES.join(', ')}` })
  @IsOptional()
  @ToStringList()
  @IsIn(JOB_TYPES, { each: true, message: `type must be among ${JOB_TYPES.join(', ')}` })
  type?: JobType[];
}
