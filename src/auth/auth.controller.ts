import { Body, Controller, Get, HttpCode, Ip, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Public } from 'src/auth/auth.decorators';
import { AuthService } from 'src/auth/auth.service';
import { LoginDto, MeResponse, RegisterSupplierDto, TokenResponse } from 'src/auth/dto/auth.dto';
import { Principal } from 'src/auth/roles';
import { AcceptsIdempotencyKey } from 'src/idempotency/idempotency.interceptor';

@ApiTags('auth')
@Controller('auth')
export class AuthController {
  constructor(private readonly auth: AuthService) {}

  @Public()
  @Post('login')
  @AcceptsIdempotencyKey()
  @HttpCode(200)
  @ApiOperation({ summary: 'Exchange email and password for a bearer token (429 after repeated failures).' })
  @ApiOkResponse({ type: TokenResponse })
  login(@Body() body: LoginDto, @Ip() address: string): Promise<TokenResponse> {
    return this.auth.login(body.email, body.password, address);
  }

  @Public()
  @Post('register-supplier')
  @AcceptsIdempotencyKey()
  @HttpCode(201)
  @ApiOperation({ summary: 'A supplier signs itself up: creates the organisation and its first user.' })
  @ApiCreatedResponse({ type: TokenResponse })
  registerSupplier(@Body() body: RegisterSupplierDto): Promise<TokenResponse> {
    return this.auth.registerSupplier(body);
  }

  @Get('me')
  @ApiBearerAuth()
  @ApiOperation({ summary: 'Who the bearer token belongs to.' })
  @ApiOkResponse({ type: MeResponse })
  async me(@CurrentPrincipal() principal: Principal): Promise<MeResponse> {
    const user = await this.auth.me(principal);
    return { id: user.id, email: user.email, role: user.role, organisationId: user.organisationId };
  }
}
