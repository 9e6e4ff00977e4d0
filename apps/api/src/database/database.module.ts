import { DynamicModule, Global, Logger, Module, OnModuleInit } from '@nestjs/common';
import { InjectDataSource, TypeOrmModule } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from './data-source-options';
import { DATABASE_EMBEDDED } from './database-tokens';
import { migrate } from './migrate';
import { DatabaseNotifications } from './notifications';

export { DATABASE_EMBEDDED };

/** The database connection; migrations run before any other module starts using it. */
@Global()
@Module({})
export class DatabaseModule implements OnModuleInit {
  private readonly logger = new Logger('Database');

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  static forRoot(url: string, embedded: boolean): DynamicModule {
    return {
      module: DatabaseModule,
      imports: [TypeOrmModule.forRoot({ ...dataSourceOptions(url, embedded), retryAttempts: 3, retryDelay: 1000 })],
      providers: [{ provide: DATABASE_EMBEDDED, useValue: embedded }, DatabaseNotifications],
      exports: [DATABASE_EMBEDDED, DatabaseNotifications],
    };
  }

  async onModuleInit(): Promise<void> {
    const embedded = this.dataSource.options.extra?.max === 1;
    const applied = await migrate(this.dataSource, { lock: !embedded });
    if (applied.length > 0) this.logger.log(`applied migrations: ${applied.join(', ')}`);
  }
}
