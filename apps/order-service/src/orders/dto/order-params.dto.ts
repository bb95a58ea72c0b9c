import { IsUUID } from 'class-validator';

/** `:id` of the order routes: order ids are UUIDs, given by order-service. */
export class OrderParamsDto {
  @IsUUID()
  id!: string;
}
