import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { ModelServer } from '../inference/model-server.service';

export interface Readiness {
  ready: boolean;
  checks: { database: boolean; migrations: boolean; models: boolean };
}

@Injectable()
export class HealthService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly modelServer: ModelServer,
  ) {}

  /** Ready when the database answers, no migration is pending and every servable version is loaded. */
  async readiness(): Promise<Readiness> {
    let database = false;
    let migrations = false;
    try {
      await this.dataSource.query('SELECT 1');
      database = true;
      migrations = !(await this.dataSource.showMigrations());
    } catch {
      // Reported as not ready below.
    }
    const models = this.modelServer.allReady();
    return { ready: database && migrations && models, checks: { database, migrations, models } };
  }
}
