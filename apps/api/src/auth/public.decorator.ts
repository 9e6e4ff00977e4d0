import { SetMetadata } from '@nestjs/common';

export const IS_PUBLIC = 'modelgate:public';

/** Marks a route as callable without credentials. Everything else needs an API key (deny by default). */
export const Public = () => SetMetadata(IS_PUBLIC, true);
