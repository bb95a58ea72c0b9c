import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsInt,
  IsNumber,
  IsString,
  Length,
  Max,
  Min,
  ValidateNested,
} from 'class-validator';

/** Limits of an order, checked before anything is asked of billing or written to the log. */
export const ORDER_LIMITS = {
  maxItems: 100,
  maxQuantity: 10_000,
  maxUnitPrice: 1_000_000,
  maxIdLength: 100,
} as const;

export class OrderItemDto {
  @IsString()
  @Length(1, ORDER_LIMITS.maxIdLength)
  sku!: string;

  @IsInt()
  @Min(1)
  @Max(ORDER_LIMITS.maxQuantity)
  quantity!: number;

  /** At most two decimals, so that prices add up exactly in cents. */
  @IsNumber({ allowNaN: false, allowInfinity: false, maxDecimalPlaces: 2 })
  @Min(0)
  @Max(ORDER_LIMITS.maxUnitPrice)
  unitPrice!: number;
}

/** `POST /orders` body: `{ customerId, items: [{ sku, quantity, unitPrice }] }`. */
export class PlaceOrderDto {
  @IsString()
  @Length(1, ORDER_LIMITS.maxIdLength)
  customerId!: string;

  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(ORDER_LIMITS.maxItems)
  @ValidateNested({ each: true })
  @Type(() => OrderItemDto)
  items!: OrderItemDto[];
}
