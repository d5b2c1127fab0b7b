import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { OrganisationEntity } from 'src/organisations/organisation.entity';
import { OrganisationsController } from 'src/organisations/organisations.controller';
import { OrganisationsRepository } from 'src/organisations/organisations.repository';
import { OrganisationsService } from 'src/organisations/organisations.service';

@Module({
  imports: [TypeOrmModule.forFeature([OrganisationEntity])],
  controllers: [OrganisationsController],
  providers: [OrganisationsRepository, OrganisationsService],
  exports: [OrganisationsService],
})
export class OrganisationsModule {}
