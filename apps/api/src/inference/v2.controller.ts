import { applyDecorators, Body, Controller, Get, HttpCode, Param, Post, Res } from '@nestjs/common';
import { ApiBody, ApiExtension, ApiExtraModels, ApiHeader, ApiOkResponse, ApiOperation, ApiParam, ApiTags, getSchemaPath } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { RequireScope } from '../auth/access.decorator';
import { CurrentPrincipal } from '../auth/current-principal.decorator';
import type { Principal } from '../auth/principal';
import { ApiErrors } from '../common/api-errors.decorator';
import { parseVersionNumber } from '../common/version-number.pipe';
import { BINARY_BODY_EXTENSION, writeV2Body, type V2EncodedBody } from './binary-body';
import { BINARY_TENSOR_DATA_EXTENSION } from './codecs/v2.binary';
import { CLASSIFICATION_EXTENSION } from './codecs/classification';
import { STATISTICS_EXTENSION, type V2StatisticsResponse } from './codecs/v2.statistics';
import { MODEL_CONFIGURATION_EXTENSION, type V2ModelConfig } from './codecs/v2.model-config';
import { v2ServerMetadata, type V2ModelMetadata, type V2ServerMetadata } from './codecs/v2.metadata';
import {
  V2InferenceRequestDto,
  V2InferenceResponseDto,
  V2ModelConfigDto,
  V2ModelMetadataDto,
  V2ModelReadyDto,
  V2ServerMetadataDto,
  V2StatisticsDto,
} from './dto/v2.dto';
import { InferenceService, type Answer } from './inference.service';
import { PredictionRequest, type PredictionCall } from './request-options';
import { setPredictionHeaders } from './response-headers';
import {
  PREDICTION_HEADER_DOCS,
  ROUTING_KEY_DOC,
  V2_CLASSIFY_REQUEST_EXAMPLE,
  V2_CLASSIFY_RESPONSE_EXAMPLE,
  V2_INFER_REQUEST_EXAMPLE,
  V2_INFER_RESPONSE_EXAMPLE,
  V2_MODEL_CONFIG_EXAMPLE,
  V2_STATISTICS_EXAMPLE,
} from './v2.examples';

export const SERVER_VERSION = '0.1.0';
/** The Open Inference Protocol extensions this server speaks, as Triton names them. */
const SERVER_EXTENSIONS = [BINARY_TENSOR_DATA_EXTENSION, CLASSIFICATION_EXTENSION, STATISTICS_EXTENSION, MODEL_CONFIGURATION_EXTENSION];

/** A 200 whose JSON schema is `type`'s, with a whole example (a type alone shows its properties' examples). */
function JsonAnswer(type: new () => object, example: object, description: string) {
  return applyDecorators(ApiExtraModels(type), ApiOkResponse({ description, content: { 'application/json': { schema: { $ref: getSchemaPath(type) }, example } } }));
}

/** The binary tensor data extension's body, either way. */
const BINARY_BODY_DOC =
  'Binary tensor data extension: the JSON (this operation\'s JSON schema), whose length the Inference-Header-Content-Length header gives, ' +
  'then the raw little-endian bytes of each tensor marked with parameters.binary_data_size, in order (BYTES elements each after a 4-byte length).';

/** What both infer routes document: summary, examples, errors, and the response headers. */
function InferDocs(summary: string) {
  return applyDecorators(
    HttpCode(200),
    ApiOperation({
      summary,
      description:
        "X-Model-Version says which version answered and X-Route how it was chosen (pinned, latest, stable, canary, weighted, fallback); X-Fallback says why a deployment's fallback answered. " +
        'Extensions (as Triton): binary tensor data (an Inference-Header-Content-Length header, the JSON, then raw tensor bytes; `binary_data_output` or `binary_data` asks for binary outputs), ' +
        'and classification (`"parameters": {"classification": k}` on a requested output answers its top k classes as BYTES `<value>:<index>[:<label>]`, labels from the version\'s config.classLabels).',
    }),
    ApiBody({
      type: V2InferenceRequestDto,
      examples: {
        tensor: { summary: 'A tensor in, the output tensors back', value: V2_INFER_REQUEST_EXAMPLE },
        topClasses: { summary: 'The top 2 classes of an output (classification extension)', value: V2_CLASSIFY_REQUEST_EXAMPLE },
      },
    }),
    ApiOkResponse({
      description: `JSON; or, where outputs were asked for as binary data, application/octet-stream: ${BINARY_BODY_DOC}`,
      content: {
        'application/json': {
          schema: { $ref: getSchemaPath(V2InferenceResponseDto) },
          examples: {
            tensor: { summary: 'Output tensors', value: V2_INFER_RESPONSE_EXAMPLE },
            topClasses: { summary: 'Top classes as <value>:<index>:<label>', value: V2_CLASSIFY_RESPONSE_EXAMPLE },
          },
        },
        'application/octet-stream': { schema: { type: 'string', format: 'binary' } },
      },
    }),
    // The request may be binary too: buildOpenApiDocument adds that body where it finds this mark.
    ApiExtension(BINARY_BODY_EXTENSION, BINARY_BODY_DOC),
    ApiErrors(400, 401, 404, 413, 429, 503, 504),
    ...PREDICTION_HEADER_DOCS.map((header) => ApiHeader(header)),
  );
}

/** Open Inference Protocol (KServe v2) REST. */
@RequireScope('predict')
@ApiTags('inference: Open Inference Protocol v2')
@ApiExtraModels(V2InferenceResponseDto)
@Controller('v2')
export class V2Controller {
  constructor(private readonly inference: InferenceService) {}

  @Get()
  @ApiOperation({ summary: 'Server metadata' })
  @ApiOkResponse({ type: V2ServerMetadataDto, description: 'The server, its version and the protocol extensions it serves' })
  @ApiErrors(401)
  serverMetadata(): V2ServerMetadata {
    return v2ServerMetadata(SERVER_VERSION, SERVER_EXTENSIONS);
  }

  @Get('models/stats')
  @ApiOperation({
    summary: 'Statistics of every loaded version (Triton\'s statistics extension)',
    description:
      'What this process has served of each loaded version since it was last loaded: requests, rows, engine calls, and the time spent ' +
      'queued and computing, with engine calls by the rows they joined (batch_stats). A key limited to some models sees only those. ' +
      'POST /api/models refuses the name "stats", which this route takes; a model so named before that has its metadata at ' +
      '/v2/models/stats/versions/{v} instead.',
  })
  @JsonAnswer(V2StatisticsDto, V2_STATISTICS_EXAMPLE, 'Counts and nanoseconds since each version was last loaded here')
  @ApiErrors(401)
  statistics(@CurrentPrincipal() caller: Principal): V2StatisticsResponse {
    return this.inference.v2Statistics(caller.models);
  }

  @Get('models/:name/stats')
  @ApiOperation({ summary: 'Statistics of the loaded versions of a model (Triton\'s statistics extension)' })
  @JsonAnswer(V2StatisticsDto, V2_STATISTICS_EXAMPLE, 'Counts and nanoseconds since each version was last loaded here')
  @ApiErrors(401, 404)
  modelStatistics(@Param('name') name: string, @CurrentPrincipal() caller: Principal): V2StatisticsResponse {
    return this.inference.v2Statistics(caller.models, name);
  }

  @Get('models/:name/versions/:version/stats')
  @ApiOperation({ summary: 'Statistics of one version (Triton\'s statistics extension)' })
  @ApiParam({ name: 'version', example: '1' })
  @JsonAnswer(V2StatisticsDto, V2_STATISTICS_EXAMPLE, 'Counts and nanoseconds since each version was last loaded here')
  @ApiErrors(400, 401, 404, 503)
  versionStatistics(@Param('name') name: string, @Param('version') version: string, @CurrentPrincipal() caller: Principal): V2StatisticsResponse {
    return this.inference.v2Statistics(caller.models, name, parseVersionNumber(version));
  }

  @Get('models/:name/config')
  @ApiOperation({
    summary: 'Model configuration in Triton\'s shape (model configuration extension): the version the traffic goes to now',
    description:
      'max_batch_size, input and output dims (without the batch axis where max_batch_size > 0), dynamic_batching and instance_group, ' +
      'as Triton\'s tools (perf_analyzer, Model Analyzer) read them. Read-only: change settings with PATCH /api/models/{name}/versions/{v}.',
  })
  @JsonAnswer(V2ModelConfigDto, V2_MODEL_CONFIG_EXAMPLE, 'The configuration in Triton\'s shape')
  @ApiErrors(401, 404, 503)
  modelConfig(@Param('name') name: string): V2ModelConfig {
    return this.inference.v2ModelConfig(name);
  }

  @Get('models/:name/versions/:version/config')
  @ApiOperation({ summary: 'Model configuration of one version in Triton\'s shape (model configuration extension)' })
  @ApiParam({ name: 'version', example: '1' })
  @JsonAnswer(V2ModelConfigDto, V2_MODEL_CONFIG_EXAMPLE, 'The configuration in Triton\'s shape')
  @ApiErrors(400, 401, 404, 503)
  versionConfig(@Param('name') name: string, @Param('version') version: string): V2ModelConfig {
    return this.inference.v2ModelConfig(name, parseVersionNumber(version));
  }

  @Get('models/:name')
  @ApiOperation({ summary: 'Model metadata (latest ready version), with the ready versions' })
  @ApiOkResponse({ type: V2ModelMetadataDto, description: 'The signature: inputs and outputs with their datatypes and shapes' })
  @ApiErrors(401, 404, 503)
  modelMetadata(@Param('name') name: string): V2ModelMetadata {
    return this.inference.v2Metadata(name);
  }

  @Get('models/:name/versions/:version')
  @ApiOperation({ summary: 'Model version metadata' })
  @ApiParam({ name: 'version', example: '1' })
  @ApiOkResponse({ type: V2ModelMetadataDto, description: 'The signature: inputs and outputs with their datatypes and shapes' })
  @ApiErrors(400, 401, 404, 503)
  versionMetadata(@Param('name') name: string, @Param('version') version: string): V2ModelMetadata {
    return this.inference.v2Metadata(name, parseVersionNumber(version));
  }

  @Get('models/:name/ready')
  @ApiOperation({ summary: 'Model ready: 200 when a version can answer, 503 when none is loaded' })
  @ApiOkResponse({ type: V2ModelReadyDto, description: 'Ready: a version can answer' })
  @ApiErrors(401, 404, 503)
  modelReady(@Param('name') name: string, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.readyAnswer(reply, name, undefined);
  }

  @Get('models/:name/versions/:version/ready')
  @ApiOperation({ summary: 'Model version ready' })
  @ApiOkResponse({ type: V2ModelReadyDto, description: 'Ready: a version can answer' })
  @ApiErrors(400, 401, 404, 503)
  versionReady(@Param('name') name: string, @Param('version') version: string, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.readyAnswer(reply, name, parseVersionNumber(version));
  }

  @Post('models/:name/infer')
  @InferDocs('Inference; the deployment chooses the version')
  @ApiHeader(ROUTING_KEY_DOC)
  async infer(@Param('name') _name: string, @PredictionRequest() call: PredictionCall, @Body() body: unknown, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.send(reply, await this.inference.v2Infer(call, body));
  }

  @Post('models/:name/versions/:version/infer')
  @InferDocs('Inference pinned to one version')
  async inferVersion(
    @Param('name') _name: string,
    @Param('version') _version: string,
    @PredictionRequest() call: PredictionCall,
    @Body() body: unknown,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return this.send(reply, await this.inference.v2Infer(call, body));
  }

  /** JSON, or header + tensor bytes with Content-Type application/octet-stream and Inference-Header-Content-Length. */
  private send(reply: FastifyReply, answer: Answer<V2EncodedBody>): string | Buffer {
    setPredictionHeaders(reply, answer);
    return writeV2Body(reply, answer.body);
  }

  private readyAnswer(reply: FastifyReply, name: string, version: number | undefined) {
    const ready = this.inference.isReady(name, version);
    if (!ready) void reply.status(503);
    return version === undefined ? { name, ready } : { name, version: String(version), ready };
  }
}
