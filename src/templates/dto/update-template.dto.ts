import { PartialType } from '@nestjs/swagger';
import { CreateTemplateDto } from './create-template.dto';

/**
 * Every field optional; nullable columns (description, category, negativePrompt, model, parameters,
 * thumbnailUrl) are cleared with null, the others refuse null (TemplatesService checks, so host apps
 * calling the service get the same rule). Prompt and variables are checked together after the change.
 */
export class UpdateTemplateDto extends PartialType(CreateTemplateDto) {}
