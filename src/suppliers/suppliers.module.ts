import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CpvModule } from 'src/cpv/cpv.module';
import { OrganisationsModule } from 'src/organisations/organisations.module';
import { QueueModule } from 'src/queue/queue.module';
import { SupplierProfileEntity } from 'src/suppliers/supplier-profile.entity';
import { SupplierProfilesRepository } from 'src/suppliers/supplier-profiles.repository';
import { SupplierProfilesService } from 'src/suppliers/supplier-profiles.service';
import { SuppliersController } from 'src/suppliers/suppliers.controller';

@Module({
  imports: [TypeOrmModule.forFeature([SupplierProfileEntity]), CpvModule, OrganisationsModule, QueueModule],
  controllers: [SuppliersController],
  providers: [SupplierProfilesRepository, SupplierProfilesService],
  exports: [SupplierProfilesService],
})
export class SuppliersModule {}
