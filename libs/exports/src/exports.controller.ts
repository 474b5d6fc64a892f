import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Param,
  Post,
  Query,
  StreamableFile,
} from '@nestjs/common';
import {
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiSecurity,
  ApiTags,
} from '@nestjs/swagger';
import { listEnvelope, ListQueryDto, paging, Public } from '@app/core';
import { Auth, AuthContext, ProjectId } from '@app/tenancy';
import { CreateExportDto, DownloadQueryDto, ExportResponse } from './exports.dto';
import { ExportsService } from './exports.service';

@ApiTags('exports')
@Controller('v1/exports')
export class ExportsController {
  constructor(private readonly exports: ExportsService) {}

  @Post()
  @ApiOperation({ summary: 'Schedule a CSV export of vouchers, customers or orders' })
  @ApiOkResponse({ type: ExportResponse })
  create(@Auth() auth: AuthContext, @Body() body: CreateExportDto) {
    return this.exports.create(auth.projectId, auth.channel, body);
  }

  @Get()
  @ApiOperation({ summary: 'List exports, newest first' })
  async list(@ProjectId() projectId: string, @Query() query: ListQueryDto) {
    const { exports, total } = await this.exports.list(projectId, paging(query));
    return listEnvelope('exports', exports, total);
  }

  @Get(':id')
  @ApiOkResponse({ type: ExportResponse })
  get(@ProjectId() projectId: string, @Param('id') id: string) {
    return this.exports.get(projectId, id);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiNoContentResponse()
  async remove(@ProjectId() projectId: string, @Param('id') id: string): Promise<void> {
    await this.exports.remove(projectId, id);
  }

  /** Authenticated by the export's token (the URL in `result.url`), so a browser can fetch it. */
  @Public()
  @Get(':id/download')
  @ApiSecurity({})
  @ApiOperation({ summary: 'Download the CSV (streamed from the database in batches)' })
  @ApiProduces('text/csv')
  async download(@Param('id') id: string, @Query() query: DownloadQueryDto) {
    const { filename, stream } = await this.exports.download(id, query.token);
    return new StreamableFile(stream, {
      type: 'text/csv; charset=utf-8',
      disposition: `attachment; filename="${filename}"`,
    });
  }
}
