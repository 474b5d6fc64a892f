import { applyDecorators } from '@nestjs/common';
import { isEmail, IsString, Length, ValidateBy } from 'class-validator';

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * Text Postgres can store and validators can read: no NUL (text and jsonb reject it) and no
 * lone UTF-16 surrogate (class-validator's isEmail throws URIError on one).
 */
export function isCleanText(value: unknown): value is string {
  return typeof value === 'string' && !value.includes('\u0000') && !LONE_SURROGATE.test(value);
}

const CleanText = () =>
  ValidateBy({
    name: 'isCleanText',
    validator: {
      validate: (value: unknown) => isCleanText(value),
      defaultMessage: () => '$property must not contain NUL characters or unpaired surrogates',
    },
  });

/** A string of `min`–`max` characters that is clean text (see isCleanText). */
export function IsText(max: number, min = 0) {
  return applyDecorators(IsString(), Length(min, max), CleanText());
}

/** An email address; unlike a bare @IsEmail it never throws on malformed Unicode. */
export function IsEmailAddress(max = 320) {
  return applyDecorators(
    IsText(max),
    ValidateBy({
      name: 'isEmailAddress',
      validator: {
        validate: (value: unknown) => isCleanText(value) && isEmail(value),
        defaultMessage: () => '$property must be an email',
      },
    }),
  );
}
