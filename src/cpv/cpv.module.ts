import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CpvCodeEntity } from 'src/cpv/cpv-code.entity';
import { CpvController } from 'src/cpv/cpv.controller';
import { CpvRepository } from 'src/cpv/cpv.repository';
import { CpvService } from 'src/cpv/cpv.service';

@Module({
  imports: [TypeOrmModule.forFeature([CpvCodeEntity])],
  controllers: [CpvController],
  providers: [CpvRepository, CpvService],
  exports: [CpvService],
})
export class CpvModule {}
