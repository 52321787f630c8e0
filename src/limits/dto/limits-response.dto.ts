import { ApiProperty } from '@nestjs/swagger';

export class LimitsResponseDto {
  @ApiProperty({
    type: Number,
    nullable: true,
    description: 'Spend cap per UTC day in USD (USER_DAILY_BUDGET_USD); null: no cap',
  })
  dailyBudgetUsd: number | null;

  @ApiProperty({
    description: "Cost (USD) of the caller's jobs and other assets since 00:00 UTC, as the budget counts it",
  })
  spentTodayUsd: number;

  @ApiProperty({ description: 'Queued + processing jobs allowed at once (USER_MAX_ACTIVE_JOBS); 0: no cap' })
  maxActiveJobs: number;
}
