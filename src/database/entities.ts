import { AuditEventEntity } from 'src/audit/audit-event.entity';
import { ContractEntity, ContractOutcomeEntity, OutcomeReviewEntity, ReviewMeasurementEntity } from 'src/contracts/contract.entity';
import { CpvCodeEntity } from 'src/cpv/cpv-code.entity';
import { ImportChunkEntity, ImportEntity } from 'src/imports/import.entity';
import { MatchEntity, NeedMatchingStateEntity, SupplierMatchingStateEntity } from 'src/matching/match.entity';
import { ProcurementNeedEntity } from 'src/needs/procurement-need.entity';
import { OrganisationEntity } from 'src/organisations/organisation.entity';
import { RoadmapAimEntity } from 'src/roadmap/roadmap-aim.entity';
import { RoadmapCommitmentEntity } from 'src/roadmap/roadmap-commitment.entity';
import { RoadmapIndicatorEntity } from 'src/roadmap/roadmap-indicator.entity';
import { RoadmapPriorityEntity } from 'src/roadmap/roadmap-priority.entity';
import { SupplierProfileEntity } from 'src/suppliers/supplier-profile.entity';
import { UserEntity } from 'src/users/user.entity';
import { WebhookDeliveryEntity, WebhookEventEntity, WebhookSubscriptionEntity } from 'src/webhooks/webhook.entity';

// Every entity of the service, listed once for the DataSource used by Nest and by the migration CLI.
export const ENTITIES = [
  RoadmapAimEntity,
  RoadmapPriorityEntity,
  RoadmapCommitmentEntity,
  RoadmapIndicatorEntity,
  CpvCodeEntity,
  OrganisationEntity,
  UserEntity,
  AuditEventEntity,
  ProcurementNeedEntity,
  SupplierProfileEntity,
  MatchEntity,
  NeedMatchingStateEntity,
  SupplierMatchingStateEntity,
  ContractEntity,
  ContractOutcomeEntity,
  OutcomeReviewEntity,
  ReviewMeasurementEntity,
  ImportEntity,
  ImportChunkEntity,
  WebhookSubscriptionEntity,
  WebhookEventEntity,
  WebhookDeliveryEntity,
];
