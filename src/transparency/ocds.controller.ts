import { Controller, Get, Query, Req } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { Public } from 'src/auth/auth.decorators';
import { OcdsReleasePackageResponse, OcdsReleasesQueryDto } from 'src/transparency/dto/ocds-release.mapper';
import { OcdsService } from 'src/transparency/ocds.service';

@ApiTags('transparency')
@Public()
@Controller('transparency/ocds')
export class OcdsController {
  constructor(private readonly ocds: OcdsService) {}

  @Get('releases')
  @ApiOperation({
    summary: 'The transparency register as an OCDS 1.1 release package, oldest release first.',
    description:
      'Tender releases of published needs, award-and-contract releases of awarded ones, and implementation releases for ' +
      'approved outcome reviews (milestones, and transactions for outcome payments). Values are pounds (GBP). ' +
      'Page with `limit` and the `cursor` in `links.next`; there is no next link on the last page.',
  })
  @ApiOkResponse({ type: OcdsReleasePackageResponse })
  releases(@Req() request: FastifyRequest, @Query() query: OcdsReleasesQueryDto): Promise<OcdsReleasePackageResponse> {
    // The package names itself with the URL it was asked for (behind a proxy, X-Forwarded-Proto/-Host).
    const pageUrl = `${request.protocol}://${request.host}${request.url.split('?')[0]}`;
    return this.ocds.releasePackage(query, pageUrl);
  }
}
