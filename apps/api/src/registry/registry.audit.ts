import type { AuditDescriber } from '../audit/audited.decorator';
import type { ModelDto } from './dto/model.dto';
import type { VersionDto } from './dto/version.dto';

/** What the audit log records of each registry change (see @Audited): the fields set, never file contents. */
export const REGISTRY_AUDIT = {
  modelCreated: ({ result }) => {
    const model = result as ModelDto;
    return { target: `model:${model.name}`, changes: { description: model.description, task: model.task, labels: model.labels } };
  },
  modelUpdated: ({ params, body }) => ({ target: `model:${params.name}`, changes: { ...(body as object) } }),
  modelDeleted: ({ params }) => ({ target: `model:${params.name}` }),
  versionUploaded: ({ params, result }) => {
    const version = result as VersionDto;
    return {
      target: `version:${params.name}/${version.version}`,
      changes: {
        status: version.status,
        format: version.format,
        sha256: version.artifact.sha256,
        size: version.artifact.size,
        filename: version.artifact.filename,
        config: version.config,
      },
    };
  },
  versionUpdated: ({ params, body }) => ({ target: `version:${params.name}/${params.version}`, changes: { ...(body as object) } }),
  versionDeleted: ({ params }) => ({ target: `version:${params.name}/${params.version}` }),
} satisfies Record<string, AuditDescriber>;
