import { ApiKeyEntity } from '../auth/api-key.entity';
import { ModelEntity } from '../registry/model.entity';
import { ModelVersionEntity } from '../registry/model-version.entity';

/** Every entity the DataSource maps; the schema itself comes only from migrations/. */
export const ENTITIES = [ModelEntity, ModelVersionEntity, ApiKeyEntity];
