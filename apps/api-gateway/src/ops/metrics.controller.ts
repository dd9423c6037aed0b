import { Controller, Get, Res } from '@nestjs/common';
import { Response } from 'express';
import { ForbiddenError } from '@sid/shared/errors';
import { Actor } from '@sid/shared/items';
import { gatewayMetricsText } from '@sid/shared/observability';
import { CurrentActor } from '../auth/current-actor.decorator';

/**
 * Prometheus text of the gateway, for admins only (the scraper is given the admin token as a
 * bearer token, see k8s/monitoring): it tells request rates and queue depths of every account,
 * which no partner should see. In cluster mode (GATEWAY_WORKERS > 1) it is every worker's
 * metrics aggregated, whichever worker the scrape reached.
 */
@Controller('metrics')
export class MetricsController {
  @Get()
  async metrics(@CurrentActor() actor: Actor, @Res() res: Response): Promise<void> {
    if (!actor.admin) throw new ForbiddenError('Metrics are for admins.');
    const { contentType, body } = await gatewayMetricsText();
    res.type(contentType).send(body);
  }
}
