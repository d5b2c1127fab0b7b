import { Module } from '@nestjs/common';
import { OcdsController } from 'src/transparency/ocds.controller';
import { OcdsRepository } from 'src/transparency/ocds.repository';
import { OcdsService } from 'src/transparency/ocds.service';

/** The public transparency register (OCDS), read straight from the published rows. */
@Module({
  controllers: [OcdsController],
  providers: [OcdsRepository, OcdsService],
  exports: [OcdsService],
})
export class TransparencyModule {}
