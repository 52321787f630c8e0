import { Get, HttpCode, HttpStatus, MessageEvent, Post, Query, Sse } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProduces } from '@nestjs/swagger';
import type { Observable } from 'rxjs';
import type { AuthUser } from '../auth/current-user.decorator';
import { CurrentUser } from '../auth/current-user.decorator';
import { CreativeController } from '../http/creative-controller.decorator';
import { ApiErrorResponse } from '../common/error-response.dto';
import { UuidParam } from '../common/validation';
import { CancelJobResponseDto, JobPageResponseDto, JobStatusResponseDto } from './dto/job-response.dto';
import { ListJobsQueryDto } from './dto/list-jobs-query.dto';
import { GenerationJobsService } from './generation-jobs.service';

const NOT_FOUND = 'No such job of yours';

@CreativeController('jobs')
export class JobsController {
  constructor(private readonly jobs: GenerationJobsService) {}

  @Get('jobs')
  @ApiOperation({ summary: 'Your generation jobs, newest first, filtered by status and type' })
  @ApiOkResponse({ type: JobPageResponseDto })
  list(@CurrentUser() user: AuthUser, @Query() query: ListJobsQueryDto): Promise<JobPageResponseDto> {
    return this.jobs.listJobs(user.id, query);
  }

  @Get('jobs/:jobId')
  @ApiOperation({ summary: 'A job of any kind: status, progress, steps, result assets, error, cost and times' })
  @ApiOkResponse({ type: JobStatusResponseDto })
  @ApiErrorResponse(404, NOT_FOUND)
  get(@CurrentUser() user: AuthUser, @UuidParam('jobId') jobId: string): Promise<JobStatusResponseDto> {
    return this.jobs.getJobStatus(user.id, jobId);
  }

  @Post('jobs/:jobId/cancel')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: 'Cancel a queued or running job: it stops at its next step and stores nothing' })
  @ApiOkResponse({ type: CancelJobResponseDto })
  @ApiErrorResponse(404, NOT_FOUND)
  @ApiErrorResponse(409, 'The job already finished')
  cancel(@CurrentUser() user: AuthUser, @UuidParam('jobId') jobId: string): Promise<CancelJobResponseDto> {
    return this.jobs.cancelJob(user.id, jobId);
  }

  @Sse('jobs/:jobId/events')
  @ApiOperation({
    summary:
      'Server-sent events: `progress` events (data = the job status) until an event named completed, failed or cancelled; then the stream ends',
  })
  @ApiProduces('text/event-stream')
  @ApiOkResponse({ description: 'An event stream' })
  @ApiErrorResponse(404, NOT_FOUND)
  events(@CurrentUser() user: AuthUser, @UuidParam('jobId') jobId: string): Promise<Observable<MessageEvent>> {
    return this.jobs.jobEvents(user.id, jobId);
  }
}
