import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Roles } from 'src/auth/auth.decorators';
import { Principal } from 'src/auth/roles';
import { CreateUserDto, toUserResponse, UserResponse } from 'src/users/dto/user.dto';
import { UsersService } from 'src/users/users.service';
import { AcceptsIdempotencyKey } from 'src/idempotency/idempotency.interceptor';

@ApiTags('users')
@ApiBearerAuth()
@Roles('admin')
@Controller('users')
export class UsersController {
  constructor(private readonly users: UsersService) {}

  @Post()
  @AcceptsIdempotencyKey()
  @HttpCode(201)
  @ApiOperation({ summary: 'Create a user of an organisation (admin). The password hash is never returned.' })
  @ApiCreatedResponse({ type: UserResponse })
  async create(@CurrentPrincipal() principal: Principal, @Body() body: CreateUserDto): Promise<UserResponse> {
    return toUserResponse(await this.users.create(principal, body));
  }
}
