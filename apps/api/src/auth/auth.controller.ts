import { Body, Controller, Get, HttpCode, Post, Req, Res } from '@nestjs/common';
import { ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { CurrentOrigin, originOf, type RequestOrigin } from '../audit/request-origin';
import { ApiErrors } from '../common/api-errors.decorator';
import { Public, RequireSession } from './access.decorator';
import { CurrentPrincipal } from './current-principal.decorator';
import { ChangePasswordDto, LoginDto, SessionDto } from './dto/login.dto';
import { LoginService } from './login.service';
import { OperatorsService } from './operators.service';
import type { Principal } from './principal';

@ApiTags('auth')
@Controller('api/auth')
export class AuthController {
  constructor(
    private readonly login: LoginService,
    private readonly operators: OperatorsService,
  ) {}

  @Post('login')
  @Public()
  @HttpCode(200)
  @ApiOperation({
    summary: 'Operator login: sets an HttpOnly, SameSite=Strict session cookie',
    description: 'Repeated failures slow down (429 with Retry-After) and then lock the account for a while.',
  })
  @ApiOkResponse({ type: SessionDto, description: 'Logged in: the session cookie is set' })
  @ApiErrors(400, 401, 429)
  async logIn(@Body() dto: LoginDto, @Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<SessionDto> {
    const { cookie, body } = await this.login.login(dto, { ip: request.ip, userAgent: request.headers['user-agent'] }, originOf(request));
    void reply.header('Set-Cookie', cookie);
    return body;
  }

  @Post('logout')
  @RequireSession()
  @HttpCode(204)
  @ApiOperation({ summary: 'End this session (server-side) and clear the cookie' })
  @ApiNoContentResponse({ description: 'Logged out: the cookie is cleared' })
  @ApiErrors(401, 403)
  async logOut(@CurrentPrincipal() caller: Principal, @CurrentOrigin() origin: RequestOrigin, @Res({ passthrough: true }) reply: FastifyReply): Promise<void> {
    void reply.header('Set-Cookie', await this.login.logout(caller, origin));
  }

  @Get('session')
  @RequireSession()
  @ApiOperation({ summary: 'Who is logged in, with what scopes, until when' })
  @ApiOkResponse({ type: SessionDto, description: 'The session' })
  @ApiErrors(401, 403)
  session(@CurrentPrincipal() caller: Principal): Promise<SessionDto> {
    return this.operators.session(caller);
  }

  @Post('password')
  @RequireSession()
  @HttpCode(204)
  @ApiOperation({ summary: 'Change your own password; your other sessions end' })
  @ApiNoContentResponse({ description: 'Changed; your other sessions have ended' })
  @ApiErrors(400, 401, 403, 429)
  changePassword(@CurrentPrincipal() caller: Principal, @Body() dto: ChangePasswordDto, @CurrentOrigin() origin: RequestOrigin): Promise<void> {
    return this.operators.changeOwnPassword(caller, dto, origin);
  }
}
