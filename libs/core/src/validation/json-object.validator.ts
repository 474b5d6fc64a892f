import { registerDecorator, ValidationArguments, ValidationOptions } from 'class-validator';

/** Serialized size bound for free-form JSON objects (metadata): big enough for real use, small enough to index and ship. */
export const MAX_METADATA_BYTES = 16_384;
const MAX_DEPTH = 8;

function depthOf(value: unknown, depth = 0): number {
  if (value === null || typeof value !== 'object') return depth;
  let max = depth + 1;
  for (const child of Object.values(value as Record<string, unknown>)) {
    max = Math.max(max, depthOf(child, depth + 1));
    if (max > MAX_DEPTH) return max;
  }
  return max;
}

/** True for a plain JSON object (not an array, not null) within the size and depth bounds. */
export function isBoundedJsonObject(value: unknown, maxBytes = MAX_METADATA_BYTES): boolean {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  if (depthOf(value) > MAX_DEPTH) return false;
  return Buffer.byteLength(JSON.stringify(value), 'utf8') <= maxBytes;
}

/** A JSON object (metadata and the like) of bounded serialized size and nesting depth. */
export function IsBoundedJsonObject(maxBytes = MAX_METADATA_BYTES, options?: ValidationOptions) {
  return (target: object, propertyName: string) =>
    registerDecorator({
      name: 'isBoundedJsonObject',
      target: target.constructor,
      propertyName,
      options,
      validator: {
        validate: (value: unknown) => isBoundedJsonObject(value, maxBytes),
        defaultMessage: (args: ValidationArguments) =>
          `${args.property} must be a JSON object of at most ${maxBytes} bytes and ${MAX_DEPTH} levels`,
      },
    });
}
