import 'reflect-metadata';
import { Type } from 'class-transformer';
import { ArrayMinSize, IsEmail, IsInt, IsString, Length, Min, ValidateNested } from 'class-validator';
import { SerializationError } from '../errors/serialization-error.js';
import { classValidatorDeserializer, classValidatorSerializer } from './class-validator-serde.js';
import { PayloadValidationError } from './payload-validation-error.js';

class Customer {
  @IsEmail()
  email!: string;

  @Length(1, 40)
  name!: string;
}

class OrderLine {
  @IsString()
  sku!: string;

  @IsInt()
  @Min(1)
  quantity!: number;
}

class OrderCreated {
  @IsString()
  orderId!: string;

  @Min(0)
  amount!: number;

  @ValidateNested()
  @Type(() => Customer)
  customer!: Customer;

  @ArrayMinSize(1)
  @ValidateNested({ each: true })
  @Type(() => OrderLine)
  lines!: OrderLine[];

  itemCount(): number {
    return this.lines.reduce((sum, line) => sum + line.quantity, 0);
  }
}

const validOrder = {
  orderId: 'o-1',
  amount: 25,
  customer: { email: 'ada@example.com', name: 'Ada' },
  lines: [
    { sku: 'sku-1', quantity: 2 },
    { sku: 'sku-2', quantity: 1 },
  ],
};

const json = (value: unknown) => Buffer.from(JSON.stringify(value), 'utf8');
const at = { topic: 'orders', partition: 3, offset: 42n };

/** Runs `fn`, expecting it to throw, and returns what it threw. */
function thrownBy(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error to be thrown');
}

describe('classValidatorDeserializer', () => {
  const deserializer = classValidatorDeserializer(OrderCreated);

  it('turns valid JSON into an instance of the class, nested objects included', () => {
    const order = deserializer.deserialize(json(validOrder), at);
    expect(order).toBeInstanceOf(OrderCreated);
    expect(order?.customer).toBeInstanceOf(Customer);
    expect(order?.lines[1]).toBeInstanceOf(OrderLine);
    expect(order?.itemCount()).toBe(3);
    expect(order).toMatchObject(validOrder);
  });

  it('lists every violated constraint at once, with property, value and message', () => {
    const error = thrownBy(() =>
      deserializer.deserialize(json({ ...validOrder, orderId: 17, amount: -5, lines: [] }), at),
    ) as PayloadValidationError;
    expect(error).toBeInstanceOf(PayloadValidationError);
    expect(error).toBeInstanceOf(SerializationError);
    expect(error.targetName).toBe('OrderCreated');
    expect(error.violations).toEqual([
      { property: 'orderId', value: 17, constraints: { isString: 'orderId must be a string' } },
      { property: 'amount', value: -5, constraints: { min: 'amount must not be less than 0' } },
      {
        property: 'lines',
        value: [],
        constraints: { arrayMinSize: 'lines must contain at least 1 elements' },
      },
    ]);
    expect(error.message).toBe(
      "topic 'orders' partition 3 offset 42: OrderCreated breaks 3 constraints: " +
        'orderId = 17: orderId must be a string; amount = -5: amount must not be less than 0; ' +
        'lines = []: lines must contain at least 1 elements',
    );
  });

  it('reports violations inside nested objects and arrays by their path', () => {
    const payload = {
      ...validOrder,
      customer: { email: 'not-an-email', name: '' },
      lines: [
        { sku: 'sku-1', quantity: 2 },
        { sku: 'sku-2', quantity: 0.5 },
      ],
    };
    const error = thrownBy(() => deserializer.deserialize(json(payload), at)) as PayloadValidationError;
    expect(error.violations.map((v) => [v.property, v.value, Object.keys(v.constraints)])).toEqual([
      ['customer.email', 'not-an-email', ['isEmail']],
      ['customer.name', '', ['isLength']],
      ['lines.1.quantity', 0.5, ['min', 'isInt']],
    ]);
    expect(error.message).toContain('customer.email = "not-an-email": email must be an email');
    expect(error.message).toContain('lines.1.quantity = 0.5: quantity must be an integer number');
    expect(error.message).toContain('OrderCreated breaks 4 constraints');
  });

  it('cuts long values short in the message but keeps them whole in the violations', () => {
    const name = 'x'.repeat(500);
    const error = thrownBy(() =>
      deserializer.deserialize(json({ ...validOrder, customer: { email: 'ada@example.com', name } })),
    ) as PayloadValidationError;
    expect(error.violations[0]?.value).toBe(name);
    expect(error.message).toMatch(/customer\.name = "x{78}…: name must be shorter/);
  });

  it('fails with a SerializationError, not a validation error, when the bytes are not JSON', () => {
    const error = thrownBy(() => deserializer.deserialize(Buffer.from('orderId=o-1'), at));
    expect(error).toBeInstanceOf(SerializationError);
    expect(error).not.toBeInstanceOf(PayloadValidationError);
    expect((error as Error).message).toMatch(
      /^topic 'orders' partition 3 offset 42: cannot deserialize JSON: /,
    );
  });

  it.each([
    ['[1,2]', 'an array'],
    ['"o-1"', 'a string'],
    ['null', 'null'],
  ])('refuses JSON %s, which is not an object', (text, kind) => {
    expect(() => deserializer.deserialize(Buffer.from(text), at)).toThrow(
      `topic 'orders' partition 3 offset 42: expected a JSON object for OrderCreated, got ${kind}`,
    );
  });

  it('keeps a tombstone null', () => {
    expect(deserializer.deserialize(null, at)).toBeNull();
  });

  it('passes validator options through, e.g. to reject unknown properties', () => {
    const strict = classValidatorDeserializer(OrderCreated, {
      validator: { whitelist: true, forbidNonWhitelisted: true },
    });
    const error = thrownBy(() =>
      strict.deserialize(json({ ...validOrder, coupon: 'FREE' })),
    ) as PayloadValidationError;
    expect(error.violations).toEqual([
      {
        property: 'coupon',
        value: 'FREE',
        constraints: { whitelistValidation: 'property coupon should not exist' },
      },
    ]);
  });
});

describe('classValidatorSerializer', () => {
  const serializer = classValidatorSerializer(OrderCreated);

  it('writes a valid plain object or instance as JSON that reads back', () => {
    const bytes = serializer.serialize(validOrder as OrderCreated, { topic: 'orders' });
    const order = classValidatorDeserializer(OrderCreated).deserialize(bytes);
    expect(order).toMatchObject(validOrder);
    expect(serializer.serialize(order, { topic: 'orders' })).toEqual(bytes);
  });

  it('refuses an invalid payload before it reaches the topic', () => {
    const invalid = { ...validOrder, amount: -1 } as OrderCreated;
    expect(() => serializer.serialize(invalid, { topic: 'orders' })).toThrow(
      "topic 'orders': OrderCreated breaks 1 constraint: amount = -1: amount must not be less than 0",
    );
  });

  it('keeps null as null', () => {
    expect(serializer.serialize(null)).toBeNull();
  });
});
