import { ApiProperty } from '@nestjs/swagger';

/** The answer of every DELETE of a row: the row is gone. */
export class DeletedResponseDto {
  @ApiProperty({ enum: [true] }) success: true;
}
