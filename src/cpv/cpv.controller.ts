import { Public } from 'src/auth/auth.decorators';
import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CpvCodeResponse, CpvPageResponse, CpvSearchQueryDto, toCpvCodeResponse } from 'src/cpv/dto/cpv.dto';
import { CpvService } from 'src/cpv/cpv.service';

@ApiTags('cpv')
@Public()
@Controller('cpv')
export class CpvController {
  constructor(private readonly cpv: CpvService) {}

  @Get()
  @ApiOperation({ summary: 'Search the Common Procurement Vocabulary by description words and code prefix.' })
  @ApiOkResponse({ type: CpvPageResponse })
  async search(@Query() query: CpvSearchQueryDto): Promise<CpvPageResponse> {
    const page = await this.cpv.search(query);
    return { ...page, items: page.items.map(toCpvCodeResponse) };
  }

  @Get(':code')
  @ApiOperation({ summary: 'One CPV code (400 when malformed, 404 when unknown).' })
  @ApiOkResponse({ type: CpvCodeResponse })
  async get(@Param('code') code: string): Promise<CpvCodeResponse> {
    return toCpvCodeResponse(await this.cpv.get(code));
  }
}
