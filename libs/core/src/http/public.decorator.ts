import { SetMetadata } from '@nestjs/common';

export const IS_PUBLIC = 'auth:public';
/** The route needs no API key (health, docs, metrics). Rate limiting still applies per IP. */
export const Public = () => SetMetadata(IS_PUBLIC, true);
