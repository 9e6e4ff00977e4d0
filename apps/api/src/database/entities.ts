import { AuditEntryEntity } from '../audit/audit-entry.entity';
import { ApiKeyEntity } from '../auth/api-key.entity';
import { OperatorEntity } from '../auth/operator.entity';
import { SessionEntity } from '../auth/session.entity';
import { ModelEntity } from '../registry/model.entity';
import { ModelVersionEntity } from '../registry/model-version.entity';

/** Every entity the DataSource maps; the schema itself comes only from migrations/. */
export const ENTITIES = [ModelEntity, ModelVersionEntity, ApiKeyEntity, OperatorEntity, SessionEntity, AuditEntryEntity];
