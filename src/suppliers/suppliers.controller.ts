import { Body, Controller, Get, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Public, Roles } from 'src/auth/auth.decorators';
import { Principal } from 'src/auth/roles';
import { IdParam } from 'src/common/http/id-param';
import {
  PublicSupplierResponse,
  PutSupplierProfileDto,
  SupplierProfileResponse,
  toPublicSupplierResponse,
  toSupplierProfileResponse,
} from 'src/suppliers/dto/supplier-profile.dto';
import { SupplierProfilesService } from 'src/suppliers/supplier-profiles.service';

@ApiTags('suppliers')
@Controller('suppliers')
export class SuppliersController {
  constructor(private readonly profiles: SupplierProfilesService) {}

  @Get('me/profile')
  @Roles('supplier')
  @ApiBearerAuth()
  @ApiOperation({ summary: "The calling supplier's capability profile (version 0 until first saved)." })
  @ApiOkResponse({ type: SupplierProfileResponse })
  async getOwn(@CurrentPrincipal() principal: Principal): Promise<SupplierProfileResponse> {
    return toSupplierProfileResponse(principal.organisationId as string, await this.profiles.getOwn(principal));
  }

  @Put('me/profile')
  @Roles('supplier')
  @ApiBearerAuth()
  @ApiOperation({ summary: 'Replace the calling supplier\'s profile; bumps version and re-scores it against open needs.' })
  @ApiOkResponse({ type: SupplierProfileResponse })
  async replaceOwn(@CurrentPrincipal() principal: Principal, @Body() body: PutSupplierProfileDto): Promise<SupplierProfileResponse> {
    return toSupplierProfileResponse(principal.organisationId as string, await this.profiles.replaceOwn(principal, body));
  }

  @Get(':id')
  @Public()
  @ApiOperation({ summary: 'The public part of a supplier and its profile.' })
  @ApiOkResponse({ type: PublicSupplierResponse })
  async getPublic(@IdParam() id: string): Promise<PublicSupplierResponse> {
    const { organisation, profile } = await this.profiles.getPublic(id);
    return toPublicSupplierResponse(organisation, profile);
  }
}
