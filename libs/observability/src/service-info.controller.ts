import { Controller, DynamicModule, Get, Module } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';

export class ServiceInfoDto {
  @ApiProperty({ example: 'ocpp-csms' }) service!: string;
  @ApiProperty({ example: '0.1.0' }) version!: string;
  @ApiProperty({ example: 'what the service does' }) description!: string;
  @ApiProperty({ example: '/docs' }) docs!: string;
  @ApiProperty({ example: '/health/ready' }) health!: string;
}

/** `GET /`: what this service is and where its docs and health are, for apps whose document names no root. */
@Module({})
export class ServiceInfoModule {
  static forApp(info: Pick<ServiceInfoDto, 'service' | 'version' | 'description'>): DynamicModule {
    const body: ServiceInfoDto = { ...info, docs: '/docs', health: '/health/ready' };
    @ApiTags('health')
    @Controller()
    class ServiceInfoController {
      @Get()
      @ApiOperation({ summary: 'Service info: name, version, docs and health' })
      @ApiOkResponse({ type: ServiceInfoDto })
      root(): ServiceInfoDto {
        return body;
      }
    }
    return { module: ServiceInfoModule, controllers: [ServiceInfoController] };
  }
}
