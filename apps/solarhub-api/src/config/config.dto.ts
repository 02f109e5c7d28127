import { ApiProperty } from '@nestjs/swagger';
import { SUCCESS } from '../common/responses';

export class SidebarDto {
  @ApiProperty() bess_type!: string;
  @ApiProperty() bess_number!: number;
  @ApiProperty() pcs_number!: number;
  @ApiProperty() inverter_number!: number;
  @ApiProperty() rack_number!: number;
  @ApiProperty() meter_number!: number;
  @ApiProperty({ description: 'BESS + PCS + inverters + racks' }) number_of_devices!: number;
  @ApiProperty({ type: String, nullable: true }) cctv_url!: string | null;
  @ApiProperty(SUCCESS) status!: string;
}

export class AlertListDto {
  @ApiProperty() count!: number;
  @ApiProperty({ type: [String], description: 'the alert messages, oldest first' }) items!: string[];
}

export class HeaderDto {
  @ApiProperty({ type: AlertListDto }) protection_info!: AlertListDto;
  @ApiProperty({ type: AlertListDto }) warning_info!: AlertListDto;
  @ApiProperty({ type: AlertListDto }) fault_info!: AlertListDto;
  @ApiProperty(SUCCESS) status!: string;
}
