import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsBoolean, IsInt, IsNumber, IsOptional, Matches, Max, Min, ValidateBy, ValidateNested } from 'class-validator';
import { INLINE_MAX_BATCH_MS, INLINE_MAX_FILE_BYTES, INLINE_MAX_RUN_MS, type Device } from '@modelgate/runtime';

const MAX_LABELLED_OUTPUTS = 64;
const MAX_CLASS_LABELS = 100_000;
const MAX_CLASS_LABEL_LENGTH = 256;

/** An object of output names to lists of class names (strings of up to 256 characters; "" for a class with no name). */
const IsClassLabels = () =>
  ValidateBy({
    name: 'isClassLabels',
    validator: {
      validate: (value: unknown) =>
        typeof value === 'object' &&
        value !== null &&
        !Array.isArray(value) &&
        Object.keys(value).length <= MAX_LABELLED_OUTPUTS &&
        Object.entries(value).every(
          ([output, labels]) =>
            output.length > 0 &&
            Array.isArray(labels) &&
            labels.length <= MAX_CLASS_LABELS &&
            labels.every((label) => typeof label === 'string' && label.length <= MAX_CLASS_LABEL_LENGTH),
        ),
      defaultMessage: () =>
        `classLabels must be an object of at most ${MAX_LABELLED_OUTPUTS} outputs, each naming its classes in index order as an array of ` +
        `at most ${MAX_CLASS_LABELS} strings of up to ${MAX_CLASS_LABEL_LENGTH} characters, e.g. {"probabilities": ["setosa", "versicolor", "virginica"]}`,
    },
  });

export class BatchingConfigDto {
  @ApiPropertyOptional({ description: 'Most rows joined into one engine call; 1 turns batching off', minimum: 1, maximum: 4096, example: 32 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(4096)
  maxBatchSize?: number;

  @ApiPropertyOptional({
    description: 'Under load, how long the oldest queued request may wait for company (ms); 0 joins only what is already queued. A lone request never waits.',
    minimum: 0,
    maximum: 1000,
    example: 1,
  })
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  @Max(1000)
  maxQueueDelayMs?: number;

  @ApiPropertyOptional({ description: 'Most requests waiting; beyond it requests answer 429 with Retry-After', minimum: 1, maximum: 1_000_000, example: 1024 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(1_000_000)
  maxQueueSize?: number;

  @ApiPropertyOptional({ description: 'Default deadline of a request (ms); past it the request answers 504 and is not computed', minimum: 1, maximum: 3_600_000, example: 30000 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(3_600_000)
  defaultTimeoutMs?: number;

  @ApiPropertyOptional({ description: 'Axis to join requests along when it is not 0 (e.g. 1 for recurrent state [layers, batch, units]); it must be free in every input and output', minimum: 0, maximum: 16 })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(16)
  batchAxis?: number;
}

export class VersionConfigDto {
  @ApiPropertyOptional({ description: 'Worker instances serving this version', minimum: 1, maximum: 16, example: 1 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(16)
  instances?: number;

  @ApiPropertyOptional({ type: String, description: 'Device each instance runs on: "cpu" or "gpu:<index>"', example: 'cpu' })
  @IsOptional()
  @Matches(/^(cpu|gpu:\d{1,2})$/, { message: 'device must be "cpu" or "gpu:<index>", e.g. "gpu:0"' })
  device?: Device;

  @ApiPropertyOptional({ type: BatchingConfigDto, description: 'Dynamic batching; left out: batch where the signature allows it, up to 32 rows' })
  @IsOptional()
  @ValidateNested()
  @Type(() => BatchingConfigDto)
  batching?: BatchingConfigDto;

  @ApiPropertyOptional({
    description:
      'Let each CPU instance of an ONNX model split its threads into two lanes under load: one session on all its threads for a lone request, ' +
      'two sessions on half the threads each, computing two batches at once, while requests queue. Applies to instances with two threads or more ' +
      'whose model takes at least 0.5 ms a run on half the threads; costs the memory of two more sessions per instance. Default true.',
    example: true,
  })
  @IsOptional()
  @IsBoolean({ message: 'splitUnderLoad must be true or false' })
  splitUnderLoad?: boolean;

  @ApiPropertyOptional({
    description:
      'Let a model whose engine calls take microseconds run on the HTTP thread, without a worker: no message or wake-up per batch. ' +
      `Applies to an ONNX model on the CPU with one instance and a file of ${INLINE_MAX_FILE_BYTES / 2 ** 20} MiB at most, when a warm batch-1 run ` +
      `takes at most ${INLINE_MAX_RUN_MS} ms and a full batch at most ${INLINE_MAX_BATCH_MS} ms (measured at load; the event loop waits that long). ` +
      'It halves the CPU a request costs at low load (no worker to wake, ' +
      'no idle spin) and saves the worker\'s memory; under load the compute takes the HTTP thread\'s time instead. Where and why it runs shows in ' +
      'serving.execution. Default false.',
    example: true,
  })
  @IsOptional()
  @IsBoolean({ message: 'inline must be true or false' })
  inline?: boolean;

  @ApiPropertyOptional({
    description:
      'Class names of classifying outputs, by output name, in class index order. A v2 request that asks for an output\'s top classes ' +
      '(`"outputs": [{"name": ..., "parameters": {"classification": k}}]`, Triton\'s classification extension) gets `<value>:<index>:<label>` ' +
      'strings. Checked against the signature: a known output, and one name per class where its shape fixes them. Replaced as a whole by a change; {} removes them.',
    type: 'object',
    additionalProperties: { type: 'array', items: { type: 'string' } },
    example: { probabilities: ['setosa', 'versicolor', 'virginica'] },
  })
  @IsOptional()
  @IsClassLabels()
  classLabels?: Record<string, string[]>;
}
