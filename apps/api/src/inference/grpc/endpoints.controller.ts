import { Controller, Get, Inject } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { RequireScope } from '../../auth/access.decorator';
import { ApiErrors } from '../../common/api-errors.decorator';
import type { AppConfig } from '../../config/config';
import { APP_CONFIG } from '../../config/config.module';
import { GrpcServer } from './grpc-server.service';

export class GrpcEndpointDto {
  @ApiProperty({ example: 8081, description: 'The port the Open Inference Protocol over gRPC listens on (MODELGATE_GRPC_PORT)' })
  port!: number;
  @ApiProperty({ description: "Whether it serves TLS (with the HTTP server's certificate)" })
  tls!: boolean;
}

export class EndpointsDto {
  @ApiProperty({ description: 'Whether the HTTP API serves TLS' })
  httpTls!: boolean;
  @ApiProperty({ type: GrpcEndpointDto, nullable: true, description: 'The gRPC port, or null when gRPC is off' })
  grpc!: GrpcEndpointDto | null;
}

/** Where clients reach this server beside the HTTP address they used: the dashboard's "Call this model" examples. */
@ApiTags('server')
@Controller('api/endpoints')
export class EndpointsController {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly grpc: GrpcServer,
  ) {}

  @Get()
  @RequireScope('models:read')
  @ApiOperation({ summary: 'The protocols this server answers on, beside its HTTP address: the gRPC port and whether each serves TLS' })
  @ApiOkResponse({ type: EndpointsDto, description: 'The endpoints' })
  @ApiErrors(401, 403)
  get(): EndpointsDto {
    const tls = this.config.tls !== undefined;
    const port = this.grpc.port;
    return { httpTls: tls, grpc: port === undefined ? null : { port, tls } };
  }
}
