import { Body, Controller, Get, HttpCode, Post, Query } from '@nestjs/common';
import { Actor } from '@sid/shared/items';
import { CurrentActor } from '../auth/current-actor.decorator';
import { GraphqlRequest, GraphqlResponse, GraphqlService } from './graphql.service';

/**
 * Directus' `/graphql` endpoint for the item collections: `POST` with a JSON body
 * `{ query, variables?, operationName? }`, or `GET ?query=...&variables=<json>` (queries only).
 * The global bearer guard authenticates, as for every other route.
 */
@Controller('graphql')
export class GraphqlController {
  constructor(private readonly graphql: GraphqlService) {}

  @Post()
  @HttpCode(200)
  post(@CurrentActor() actor: Actor, @Body() body: unknown): Promise<GraphqlResponse> {
    return this.graphql.execute(actor, asRequest(body), 'POST');
  }

  @Get()
  get(@CurrentActor() actor: Actor, @Query() query: GraphqlRequest): Promise<GraphqlResponse> {
    return this.graphql.execute(actor, query, 'GET');
  }
}

function asRequest(body: unknown): GraphqlRequest {
  return typeof body === 'object' && body !== null && !Array.isArray(body) ? body : {};
}
