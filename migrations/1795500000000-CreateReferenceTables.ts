import { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateReferenceTables1795500000000 implements MigrationInterface {
  name = 'CreateReferenceTables1795500000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE roadmap_aims (
        code varchar(64) PRIMARY KEY,
        title varchar(300) NOT NULL,
        description text NOT NULL,
        position int NOT NULL
      )`);
    await queryRunner.query(`
      CREATE TABLE roadmap_priorities (
        number int PRIMARY KEY CHECK (number BETWEEN 1 AND 6),
        code varchar(64) NOT NULL UNIQUE,
        title varchar(300) NOT NULL,
        description text NOT NULL
      )`);
    await queryRunner.query(`
      CREATE TABLE cpv_codes (
        code varchar(10) PRIMARY KEY CHECK (code ~ '^[0-9]{8}-[0-9]$'),
        description text NOT NULL,
        significant varchar(8) NOT NULL
      )`);
    // Prefix look-ups (?prefix=72) use LIKE '72%', which needs the pattern operator class.
    await queryRunner.query(`CREATE INDEX cpv_codes_code_pattern_idx ON cpv_codes (code varchar_pattern_ops)`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE cpv_codes`);
    await queryRunner.query(`DROP TABLE roadmap_priorities`);
    await queryRunner.query(`DROP TABLE roadmap_aims`);
  }
}
