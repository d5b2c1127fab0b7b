import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { loadConfig } from 'src/config/app-config';
import { buildDataSourceOptions } from 'src/database/data-source-options';

// Entry point of the TypeORM CLI (npm run migration:generate|run|revert).
export default new DataSource(buildDataSourceOptions(loadConfig()));
