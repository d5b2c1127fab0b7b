import { Controller, Get } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Roles } from 'src/auth/auth.decorators';
import { AuditService } from 'src/audit/audit.service';

class AuditVerificationResponse {
  @ApiProperty() valid: boolean;
  @ApiProperty({ description: 'Events checked.' }) events: number;
  @ApiPropertyOptional({ format: 'uuid' }) firstBrokenEventId?: string;
  @ApiPropertyOptional() reason?: string;
}

@ApiTags('audit')
@ApiBearerAuth()
@Roles('admin')
@Controller('audit')
export class AuditController {
  constructor(private readonly audit: AuditService) {}

  @Get('verify')
  @ApiOperation({ summary: 'Check the audit hash chain; reports the first changed, deleted or inserted event.' })
  @ApiOkResponse({ type: AuditVerificationResponse })
  async verify(): Promise<AuditVerificationResponse> {
    const result = await this.audit.verify();
    return result.valid
      ? { valid: true, events: result.events }
      : { valid: false, events: result.events, firstBrokenEventId: result.firstBrokenEventId, reason: result.reason };
  }
}
