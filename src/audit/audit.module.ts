import { Global, Module } from '@nestjs/common';
import { AuditController } from 'src/audit/audit.controller';
import { AuditService } from 'src/audit/audit.service';

// Global: every feature records its writes here.
@Global()
@Module({
  controllers: [AuditController],
  providers: [AuditService],
  exports: [AuditService],
})
export class AuditModule {}
