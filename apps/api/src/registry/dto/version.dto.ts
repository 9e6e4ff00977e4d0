import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsOptional, IsString, MaxLength, ValidateNested } from 'class-validator';
import { MODEL_FORMATS, type ModelFormat } from '@modelgate/runtime';
import { VersionConfigDto } from './version-config.dto';

export class TensorSpecDto {
  @ApiProperty({ example: 'features' })
  name!: string;

  @ApiProperty({ example: 'FP32', description: 'Open Inference Protocol datatype' })
  datatype!: string;

  @ApiProperty({ example: [-1, 4], type: [Number], description: '-1 marks a free dimension' })
  shape!: number[];
}

export class SignatureDto {
  @ApiProperty({ type: [TensorSpecDto] })
  inputs!: TensorSpecDto[];

  @ApiProperty({ type: [TensorSpecDto] })
  outputs!: TensorSpecDto[];
}

export class ArtifactDto {
  @ApiProperty({ example: '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08' })
  sha256!: string;

  @ApiProperty({ example: 2048, description: 'Size of the uploaded file in bytes' })
  size!: number;

  @ApiProperty({ example: 'iris.onnx', nullable: true, type: String })
  filename!: string | null;
}

export class BatchingStateDto {
  @ApiProperty({ example: 0, nullable: true, type: Number, description: 'Axis requests are joined along; null: served one by one' })
  axis!: number | null;

  @ApiProperty({ example: 'dimension 0 is free in every input and output', description: 'Why it joins, or why not' })
  reason!: string;

  @ApiProperty({ example: 32 })
  maxBatchSize!: number;

  @ApiProperty({ example: 1 })
  maxQueueDelayMs!: number;

  @ApiProperty({ example: 1024 })
  maxQueueSize!: number;

  @ApiProperty({ example: 30000 })
  defaultTimeoutMs!: number;
}

export class ExecutionStateDto {
  @ApiProperty({ enum: ['inline', 'workers'], example: 'workers', description: 'inline: on the HTTP thread, without a worker; workers: in its worker threads' })
  mode!: 'inline' | 'workers';

  @ApiProperty({ example: 'a warm batch-1 run takes 0.031 ms and one of 32 rows 0.120 ms, within 0.25 and 1 ms', description: 'Why it runs there' })
  reason!: string;
}

export class InstanceLanesDto {
  @ApiProperty({ example: 1, description: "Intra-op threads of the primary's narrow session" })
  narrowThreads!: number;

  @ApiProperty({ example: 1, description: 'Intra-op threads of the helper worker that runs beside it under load' })
  helperThreads!: number;

  @ApiProperty({ example: true })
  helperReady!: boolean;
}

export class InstanceStateDto {
  @ApiProperty({ example: 0 })
  instance!: number;

  @ApiProperty({ example: 'cpu', description: 'cpu, or gpu:N' })
  device!: string;

  @ApiProperty({ example: true, description: 'Loaded and taking requests' })
  ready!: boolean;

  @ApiProperty({ example: 2, description: "Its share of the host's cores, as intra-op threads" })
  intraOpThreads!: number;

  @ApiPropertyOptional({
    example: 1,
    description: 'Once loaded: the intra-op threads its lone requests run on; one, below its share, where its model measured as fast on one thread at load',
  })
  threadsInUse?: number;

  @ApiPropertyOptional({
    example: 'one thread: warm runs of 1 row take 0.027 ms on one thread and 0.027 ms on 2; 32 rows take 0.028 ms on one thread and 0.027 ms on 2',
    description: 'Why it runs on that many threads',
  })
  threadsReason?: string;

  @ApiPropertyOptional({ type: InstanceLanesDto, description: 'Present while the instance is split in two lanes (a slow model under load)' })
  lanes?: InstanceLanesDto;

  @ApiPropertyOptional({ example: true, description: 'Runs on the HTTP thread, without a worker (the inline setting)' })
  inline?: boolean;

  @ApiProperty({ example: 0, description: 'Batches sent to it and not answered yet' })
  inFlightBatches!: number;
}

export class ObservedRequestsDto {
  @ApiProperty({ example: 1200, description: 'Taken into the queue' })
  accepted!: number;

  @ApiProperty({ example: 1195, description: 'Answered with outputs' })
  completed!: number;

  @ApiProperty({ example: 0, description: 'Failed in the engine, or lost with a worker' })
  failed!: number;

  @ApiProperty({ example: 2, description: 'Refused with 429: the queue already held maxQueueSize requests' })
  refusedQueueFull!: number;

  @ApiProperty({ example: 3, description: 'Answered 504 while still queued: never computed' })
  deadlineExceededQueued!: number;

  @ApiProperty({ example: 0, description: 'Answered 504 while their batch ran: the result was discarded' })
  deadlineExceededComputing!: number;

  @ApiProperty({
    example: 0,
    description:
      'Answered 504 while they waited to be retried apart (see retriedApart): the batch they were joined in ran and failed, and their deadline passed before they were run again',
  })
  deadlineExceededRetrying!: number;

  @ApiProperty({
    example: 0,
    description:
      'Times a request was queued again, in a smaller group, because the engine failed the batch it was joined in: the request at fault then fails alone and the others are answered (each halving counts its members again)',
  })
  retriedApart!: number;
}

export class QueueDepthDto {
  @ApiProperty({ example: 0 })
  online!: number;

  @ApiProperty({ example: 0, description: 'Requests marked batch priority, which wait while online ones are queued' })
  batch!: number;
}

export class ObservedServingDto {
  @ApiProperty({ type: ObservedRequestsDto, description: 'Requests by outcome' })
  requests!: ObservedRequestsDto;

  @ApiProperty({ example: 160, description: 'Engine calls: the batches computed' })
  engineCalls!: number;

  @ApiProperty({ example: 7.47, nullable: true, type: Number, description: 'Requests per engine call on average; null before the first call' })
  meanBatchSize!: number | null;

  @ApiProperty({
    example: { '1': 40, '8': 100, '32': 20 },
    type: 'object',
    additionalProperties: { type: 'integer' },
    description: 'Requests joined per engine call -> engine calls that joined that many (all 1: nothing was batched)',
  })
  batchSizes!: Record<string, number>;

  @ApiProperty({ type: QueueDepthDto, description: 'Requests waiting now, by priority' })
  queueDepth!: QueueDepthDto;
}

export class ServingDto {
  @ApiProperty({ enum: ['ready', 'loading', 'unavailable', 'not loaded'], example: 'ready', description: 'State in this server process' })
  state!: string;

  @ApiPropertyOptional({ type: BatchingStateDto })
  batching?: BatchingStateDto;

  @ApiPropertyOptional({ type: ExecutionStateDto, description: 'Where its engine calls run (the version config\'s inline setting), once loaded' })
  execution?: ExecutionStateDto;

  @ApiPropertyOptional({ type: [InstanceStateDto], description: 'Its instances as they are now, once loaded: device, threads, lanes' })
  instances?: InstanceStateDto[];

  @ApiPropertyOptional({
    type: ObservedServingDto,
    description:
      'What this server process has served of the version since it was last loaded (at start, upload, or a config change): requests by outcome, and how many each engine call joined',
  })
  observed?: ObservedServingDto;

  @ApiPropertyOptional({ description: 'Why the version is not serving', type: String })
  reason?: string;
}

export class VersionDto {
  @ApiProperty({ example: 'iris' })
  model!: string;

  @ApiProperty({ example: 2 })
  version!: number;

  @ApiProperty({ enum: ['validating', 'ready', 'failed', 'retired'], example: 'ready' })
  status!: string;

  @ApiPropertyOptional({ description: 'Why the version failed', type: String })
  statusDetail?: string;

  @ApiProperty({ enum: MODEL_FORMATS, example: 'onnx' })
  format!: ModelFormat;

  @ApiProperty({ type: SignatureDto })
  signature!: SignatureDto;

  @ApiProperty({ type: VersionConfigDto })
  config!: VersionConfigDto;

  @ApiProperty({ type: ArtifactDto })
  artifact!: ArtifactDto;

  @ApiProperty({ example: 'onnxruntime-node 1.30.0 (cpu)', nullable: true, type: String })
  engine!: string | null;

  @ApiProperty({ type: ServingDto, description: 'How this server serves the version now: loaded or not, how it batches' })
  serving!: ServingDto;

  @ApiProperty({ example: '' })
  description!: string;

  @ApiProperty()
  createdAt!: string;
}

export class UpdateVersionDto {
  @ApiPropertyOptional({ example: 'retrained on November data' })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  description?: string;

  @ApiPropertyOptional({ type: VersionConfigDto, description: 'Serving settings; the version is reloaded with them without a restart' })
  @IsOptional()
  @ValidateNested()
  @Type(() => VersionConfigDto)
  config?: VersionConfigDto;

  @ApiPropertyOptional({ enum: ['ready', 'retired'], description: 'retired: stop serving the version but keep it in the registry' })
  @IsOptional()
  @IsIn(['ready', 'retired'], { message: 'status must be "ready" or "retired"' })
  status?: 'ready' | 'retired';
}

export class UploadVersionBodyDto {
  @ApiProperty({ type: 'string', format: 'binary', description: '.onnx file, or .zip / .tar.gz of a TF.js model folder or TF SavedModel' })
  file!: unknown;

  @ApiPropertyOptional({ type: 'string', description: 'JSON object of serving settings, e.g. {"instances": 2}', example: '{"instances": 1}' })
  config?: string;

  @ApiPropertyOptional({ type: 'string', description: 'Free-text description of this version' })
  description?: string;
}
