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

/** What billing will price; the same limits as order-service's `POST /orders`. */
export const QUOTE_LIMITS = {
  maxItems: 100,
  maxQuantity: 10_000,
  maxUnitPrice: 1_000_000,
  maxIdLength: 100,
} as const;

export class QuoteItemDto {
  @IsString()
  @Length(1, QUOTE_LIMITS.maxIdLength)
  sku!: string;

  @IsInt()
  @Min(1)
  @Max(QUOTE_LIMITS.maxQuantity)
  quantity!: number;

  /** At most two decimals, so that the total adds up exactly in cents. */
  @IsNumber({ allowNaN: false, allowInfinity: false, maxDecimalPlaces: 2 })
  @Min(0)
  @Max(QUOTE_LIMITS.maxUnitPrice)
  unitPrice!: number;
}

/** `billing.quote` request: `{ customerId, items }`. */
export class QuoteRequestDto {
  @IsString()
  @Length(1, QUOTE_LIMITS.maxIdLength)
  customerId!: string;

  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(QUOTE_LIMITS.maxItems)
  @ValidateNested({ each: true })
  @Type(() => QuoteItemDto)
  items!: QuoteItemDto[];
}
