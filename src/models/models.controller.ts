import { Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import { CreativeController } from '../http/creative-controller.decorator';
import { ListModelsQueryDto } from './dto/list-models-query.dto';
import { ModelListResponseDto } from './dto/model-response.dto';
import { ModelsService } from './models.service';

@CreativeController('models')
export class ModelsController {
  constructor(private readonly models: ModelsService) {}

  @Get('models')
  @ApiOperation({
    summary: 'The models of this server: status (active, deprecated, retired), successor, capabilities, configured',
  })
  @ApiOkResponse({ type: ModelListResponseDto })
  list(@Query() query: ListModelsQueryDto): ModelListResponseDto {
    return this.models.listModels(query);
  }
}
