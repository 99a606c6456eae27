import { Field, ObjectType } from 'type-graphql';

@ObjectType({ description: 'Where a page sits in a list (Relay cursor connections).' })
export class PageInfo {
  @Field({ description: 'True when more items follow this page: pass endCursor as `after` to get them.' })
  hasNextPage: boolean;

  @Field({ description: 'Always false: lists are read forwards only, with `first` and `after`.' })
  hasPreviousPage: boolean;

  @Field(() => String, { nullable: true, description: 'Cursor of the first item of the page; null for an empty page.' })
  startCursor: string | null;

  @Field(() => String, { nullable: true, description: 'Cursor of the last item of the page; null for an empty page.' })
  endCursor: string | null;
}
