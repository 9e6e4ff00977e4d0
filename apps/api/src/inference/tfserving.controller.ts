import { applyDecorators, Body, Controller, Get, HttpCode, Param, Post, Res } from '@nestjs/common';
import { ApiBody, ApiExtraModels, ApiHeader, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { RequireScope } from '../auth/access.decorator';
import { ApiErrors } from '../common/api-errors.decorator';
import { BadRequestError } from '../common/errors';
import { parseVersionNumber } from '../common/version-number.pipe';
import { TF_EXTRA_MODELS, TfModelMetadataDto, TfModelStatusDto, TfPredictRequestDto, TfPredictResponseDto } from './dto/tfserving.dto';
import { InferenceService, type Answer } from './inference.service';
import { PredictionRequest, type PredictionCall } from './request-options';
import { PREDICTION_HEADER_DOCS, ROUTING_KEY_DOC } from './v2.examples';
import { JSON_CONTENT_TYPE, setPredictionHeaders } from './response-headers';

const PREDICT_EXAMPLE = { instances: [[5.1, 3.5, 1.4, 0.2]] };
const COLUMNAR_EXAMPLE = { inputs: { features: [[5.1, 3.5, 1.4, 0.2]] } };
/** What every predict route documents: its summary, the body and answer examples, its errors. */
function PredictDocs(summary: string) {
  return applyDecorators(
    HttpCode(200),
    ApiOperation({ summary, description: 'X-Model-Version says which version answered and X-Route how it was chosen.' }),
    ApiBody({ type: TfPredictRequestDto, examples: { rows: { summary: 'Row format', value: PREDICT_EXAMPLE }, columns: { summary: 'Columnar format', value: COLUMNAR_EXAMPLE } } }),
    ApiOkResponse({ type: TfPredictResponseDto, description: 'predictions for the row format, outputs for the columnar one' }),
    ApiErrors(400, 401, 404, 413, 429, 503, 504),
    ...PREDICTION_HEADER_DOCS.map((header) => ApiHeader(header)),
  );
}

/**
 * TensorFlow Serving's REST API, so that a client or gateway written for TF Serving (port 8501)
 * works unchanged when pointed here. For Fastify's router the literal ":predict" is written
 * "::predict", and the parameter before it needs a pattern that stops at the colon.
 */
@RequireScope('predict')
@ApiTags('inference: TensorFlow Serving REST')
@ApiExtraModels(...TF_EXTRA_MODELS)
@Controller('v1/models')
export class TfServingController {
  constructor(private readonly inference: InferenceService) {}

  @Post(':name(^[^/:]+)::predict')
  @PredictDocs('Predict (row "instances" or columnar "inputs"); the deployment chooses the version')
  @ApiHeader(ROUTING_KEY_DOC)
  async predict(@Param('name') _name: string, @PredictionRequest() call: PredictionCall, @Body() body: unknown, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.send(reply, await this.inference.tfPredict(call, body));
  }

  @Post(':name/versions/:version(^[^/:]+)::predict')
  @PredictDocs('Predict with one version')
  async predictVersion(
    @Param('name') _name: string,
    @Param('version') _version: string,
    @PredictionRequest() call: PredictionCall,
    @Body() body: unknown,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return this.send(reply, await this.inference.tfPredict(call, body));
  }

  @Post(':name/labels/:label(^[^/:]+)::predict')
  @PredictDocs("Predict with the version a label of the deployment points to ('stable' or 'canary')")
  async predictLabel(
    @Param('name') _name: string,
    @Param('label') _label: string,
    @PredictionRequest() call: PredictionCall,
    @Body() body: unknown,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return this.send(reply, await this.inference.tfPredict(call, body));
  }

  @Post([':name(^[^/:]+)::classify', ':name/versions/:version(^[^/:]+)::classify', ':name/labels/:label(^[^/:]+)::classify'])
  @ApiOperation({
    summary: 'Not served: TF Serving\'s Classify API (tf.Example inputs); 400 naming what to call instead',
    description:
      'Classify reads tf.Example features through a classification signature, which models other than TF SavedModels do not have; ' +
      'TF Serving answers 400 for a model without one, and so does Modelgate, for every model.',
  })
  @ApiErrors(400, 401, 404)
  classify(@Param('name') name: string): never {
    this.inference.tfStatus(name); // 404 for a model that does not exist
    throw notServed(name, 'classify');
  }

  @Post([':name(^[^/:]+)::regress', ':name/versions/:version(^[^/:]+)::regress', ':name/labels/:label(^[^/:]+)::regress'])
  @ApiOperation({
    summary: 'Not served: TF Serving\'s Regress API (tf.Example inputs); 400 naming what to call instead',
    description:
      'Regress reads tf.Example features through a regression signature, which models other than TF SavedModels do not have; ' +
      'TF Serving answers 400 for a model without one, and so does Modelgate, for every model.',
  })
  @ApiErrors(400, 401, 404)
  regress(@Param('name') name: string): never {
    this.inference.tfStatus(name); // 404 for a model that does not exist
    throw notServed(name, 'regress');
  }

  @Get(':name')
  @ApiOperation({ summary: 'Model status: the state of each version' })
  @ApiOkResponse({ type: TfModelStatusDto, description: 'The state of each version, as TF Serving reports it' })
  @ApiErrors(401, 404)
  status(@Param('name') name: string) {
    return this.inference.tfStatus(name);
  }

  @Get(':name/versions/:version')
  @ApiOperation({ summary: 'Status of one version' })
  @ApiOkResponse({ type: TfModelStatusDto, description: 'The state of each version, as TF Serving reports it' })
  @ApiErrors(400, 401, 404)
  versionStatus(@Param('name') name: string, @Param('version') version: string) {
    return this.inference.tfStatus(name, parseVersionNumber(version));
  }

  @Get(':name/metadata')
  @ApiOperation({ summary: 'Model metadata: the serving_default signature' })
  @ApiOkResponse({ type: TfModelMetadataDto, description: 'The serving_default signature, as TF Serving writes it' })
  @ApiErrors(401, 404, 503)
  metadata(@Param('name') name: string) {
    return this.inference.tfMetadata(name);
  }

  @Get(':name/labels/:label/metadata')
  @ApiOperation({ summary: "Metadata of the version a label points to ('stable' or 'canary')" })
  @ApiOkResponse({ type: TfModelMetadataDto, description: 'The serving_default signature, as TF Serving writes it' })
  @ApiErrors(401, 404, 503)
  labelMetadata(@Param('name') name: string, @Param('label') label: string) {
    return this.inference.tfMetadata(name, undefined, label);
  }

  @Get(':name/versions/:version/metadata')
  @ApiOperation({ summary: 'Metadata of one version' })
  @ApiOkResponse({ type: TfModelMetadataDto, description: 'The serving_default signature, as TF Serving writes it' })
  @ApiErrors(400, 401, 404, 503)
  versionMetadata(@Param('name') name: string, @Param('version') version: string) {
    return this.inference.tfMetadata(name, parseVersionNumber(version));
  }

  private send(reply: FastifyReply, answer: Answer<string>): string {
    setPredictionHeaders(reply, answer);
    void reply.headers(JSON_CONTENT_TYPE);
    return answer.body;
  }
}

/**
 * The refusal of TF Serving's tf.Example APIs, naming the model's routes that serve the same need:
 * a 400, as TF Serving answers for a model without a classification or regression signature.
 */
function notServed(name: string, api: 'classify' | 'regress'): BadRequestError {
  const classes = api === 'classify' ? `, or its top classes from POST /v2/models/${name}/infer with "outputs": [{"name": <output>, "parameters": {"classification": <k>}}]` : '';
  return new BadRequestError(
    `TensorFlow Serving's :${api} API (tf.Example inputs) is not served by Modelgate; send the model's input tensors to ` +
      `POST /v1/models/${name}:predict ({"instances": [...]}) instead${classes}`,
  );
}
