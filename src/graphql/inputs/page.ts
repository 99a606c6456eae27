import { ArgsType, Field, Int } from 'type-graphql';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '../../services/pagination.js';

@ArgsType()
export class PageArgs {
  @Field(() => Int, { nullable: true, description: `How many items to return: 1 to ${MAX_PAGE_SIZE}, default ${DEFAULT_PAGE_SIZE}.` })
  first?: number | null;

  @Field(() => String, { nullable: true, description: 'Return the items after this cursor (a previous page\'s endCursor).' })
  after?: string | null;
}
