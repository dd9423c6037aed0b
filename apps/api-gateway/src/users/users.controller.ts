import { Body, Controller, HttpCode, Get, Param, Patch, Post, Query } from '@nestjs/common';
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

  /** Names and password of the caller (Directus' `PATCH /users/me`); the password is never shown. */
  @Patch('me')
  async updateMe(
    @CurrentActor() actor: Actor,
    @Body() body: unknown,
    @Query() query: Record<string, unknown>,
  ) {
    await this.users.update(actor, actor.userId, body);
    return { data: await this.reads.readOne(actor, 'users', actor.userId, query) };
  }

  /** Admins change any user, a user only themself. */
  @Patch(':id')
  async update(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Body() body: unknown,
    @Query() query: Record<string, unknown>,
  ) {
    await this.users.update(actor, id, body);
    return { data: await this.reads.readOne(actor, 'users', id, query) };
  }

  /** Answers with the user and, this once, its static token (never the password). */
  @Post()
  @HttpCode(200) // Directus answers creations with 200
  async create(@CurrentActor() actor: Actor, @Body() body: unknown) {
    return { data: await this.users.create(actor, body) };
  }
}
