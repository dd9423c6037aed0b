import { Body, Controller, HttpCode, Get, Post, Query } from '@nestjs/common';
import { UsersService } from '@sid/accounts';
import { Actor } from '@sid/shared/items';
import { CurrentActor } from '../auth/current-actor.decorator';
import { ItemsReadService } from '../items/items-read.service';

/** Directus' `/users`: list (own account; admins all), `/users/me`, and creation by admins. */
@Controller('users')
export class UsersController {
  constructor(
    private readonly users: UsersService,
    private readonly reads: ItemsReadService,
  ) {}

  @Get()
  list(@CurrentActor() actor: Actor, @Query() query: Record<string, unknown>) {
    return this.reads.readMany(actor, 'users', query);
  }

  @Get('me')
  async me(@CurrentActor() actor: Actor, @Query() query: Record<string, unknown>) {
    return { data: await this.reads.readOne(actor, 'users', actor.userId, query) };
  }

  /** Answers with the user and, this once, its static token. */
  @Post()
  @HttpCode(200) // Directus answers creations with 200
  async create(@CurrentActor() actor: Actor, @Body() body: unknown) {
    return { data: await this.users.create(actor, body) };
  }
}
