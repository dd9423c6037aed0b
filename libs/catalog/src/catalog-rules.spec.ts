import { Repository } from 'typeorm';
import { AppConfig } from '@sid/shared/config';
import { ForbiddenError, InvalidPayloadError, RecordNotUniqueError } from '@sid/shared/errors';
import { Actor } from '@sid/shared/items';
import { DomainRepository } from './domain.repository';
import { DomainService } from './domain.service';
import { OrganisationEntity } from './organisation.entity';
import { OrganisationWriter } from './organisation.writer';
import { ProductEntity } from './product.entity';
import { ProductWriter } from './product.writer';

/**
 * Catalog rules over mocked repositories: a product's id and link come from its (checked) GTIN,
 * an organisation's from its (checked) GLN, a link uses the account's own domain, and only an
 * admin acts for another account. The SQL is covered by the gateway's integration tests.
 */

const USER: Actor = { userId: 'user-1', accountId: 'acc-1', admin: false };
const ADMIN: Actor = { userId: 'admin-1', accountId: 'acc-admin', admin: true };

function typeormRepository<T extends object>() {
  return {
    insert: jest.fn(async (_row: Partial<T>) => ({ identifiers: [] })),
    update: jest.fn(async () => ({ affected: 1 })),
    delete: jest.fn(async () => ({ affected: 1 })),
    exists: jest.fn(async () => true),
  };
}

function domains(hosts: { byId?: Record<string, string>; defaults?: Record<string, string> }) {
  return {
    hostOf: jest.fn(async (id: string) => hosts.byId?.[id]),
    defaultHost: jest.fn(async (account: string) => hosts.defaults?.[account]),
  };
}

function domainService(hosts: Parameters<typeof domains>[0]) {
  return new DomainService(
    domains(hosts) as unknown as DomainRepository,
    {
      LINK_DOMAIN: 'id.platform.example',
    } as AppConfig,
  );
}

describe('ProductWriter', () => {
  function writer(hosts: Parameters<typeof domains>[0] = {}) {
    const products = typeormRepository<ProductEntity>();
    const service = new ProductWriter(
      products as unknown as Repository<ProductEntity>,
      domainService(hosts),
    );
    return { products, service };
  }

  it('derives the id and the link from the GTIN, as GTIN-14, on the account’s default domain', async () => {
    const { products, service } = writer({ defaults: { 'acc-1': 'id.brand.example' } });
    await expect(
      service.create(USER, { gtin: '9506000134352', product_name: 'AP-2' }),
    ).resolves.toBe('/01/09506000134352');
    expect(products.insert).toHaveBeenCalledWith({
      product_name: 'AP-2',
      id: '/01/09506000134352',
      gtin: '09506000134352',
      account: 'acc-1',
      digital_link: 'https://id.brand.example/01/09506000134352',
      user_created: 'user-1',
    });
  });

  it('falls back to the platform’s link domain, and keeps a link given', async () => {
    const { products, service } = writer();
    await service.create(USER, { gtin: '09506000134352' });
    expect(products.insert.mock.calls[0][0].digital_link).toBe(
      'https://id.platform.example/01/09506000134352',
    );
    await service.create(USER, { gtin: '09506000134352', digital_link: 'https://x.example/p' });
    expect(products.insert.mock.calls[1][0].digital_link).toBe('https://x.example/p');
  });

  it('refuses a wrong check digit and an id that is not the GTIN’s path, writing nothing', async () => {
    const { products, service } = writer();
    await expect(service.create(USER, { gtin: '09506000134353' })).rejects.toThrow(
      /wrong check digit/,
    );
    await expect(
      service.create(USER, { gtin: '09506000134352', id: '/01/09506000134359' }),
    ).rejects.toThrow(
      new InvalidPayloadError(
        '"id" must be "/01/09506000134352", the Digital Link path of the GTIN.',
      ),
    );
    expect(products.insert).not.toHaveBeenCalled();
  });

  it('lets only an admin create for another account', async () => {
    const { products, service } = writer();
    await service.create(USER, {
      gtin: '09506000134352',
      account: '11111111-1111-4111-8111-111111111111',
    });
    await service.create(ADMIN, {
      gtin: '09506000134352',
      account: '11111111-1111-4111-8111-111111111111',
    });
    expect(products.insert.mock.calls.map(([row]) => row.account)).toEqual([
      'acc-1',
      '11111111-1111-4111-8111-111111111111',
    ]);
  });

  it('answers a duplicate GTIN as not unique, and another account’s product as forbidden', async () => {
    const { products, service } = writer();
    products.insert.mockRejectedValueOnce({ code: '23505', detail: 'Key (id) exists.' });
    await expect(service.create(USER, { gtin: '09506000134352' })).rejects.toBeInstanceOf(
      RecordNotUniqueError,
    );
    products.exists.mockResolvedValue(false);
    await expect(service.update(USER, '/01/09506000134352', {})).rejects.toBeInstanceOf(
      ForbiddenError,
    );
    await expect(service.delete(USER, '/01/09506000134352')).rejects.toBeInstanceOf(ForbiddenError);
    expect(products.exists).toHaveBeenCalledWith({
      where: { id: '/01/09506000134352', account: 'acc-1' },
    });
    expect(products.update).not.toHaveBeenCalled();
    expect(products.delete).not.toHaveBeenCalled();
  });
});

describe('OrganisationWriter', () => {
  function writer() {
    const organisations = typeormRepository<OrganisationEntity>();
    const service = new OrganisationWriter(
      organisations as unknown as Repository<OrganisationEntity>,
    );
    return { organisations, service };
  }

  it('keys an organisation by its GLN’s path once the check digit holds', async () => {
    const { organisations, service } = writer();
    await expect(service.create(USER, { id: '/417/9312345000012', name: 'Brand' })).resolves.toBe(
      '/417/9312345000012',
    );
    expect(organisations.insert).toHaveBeenCalledWith({
      name: 'Brand',
      id: '/417/9312345000012',
      account: 'acc-1',
      user_created: 'user-1',
    });
  });

  it('refuses a GLN with a wrong check digit or not in /417/ form', async () => {
    const { organisations, service } = writer();
    await expect(service.create(USER, { id: '/417/9312345000013', name: 'B' })).rejects.toThrow(
      'GLN "9312345000013" has a wrong check digit.',
    );
    await expect(service.create(USER, { id: '9312345000012', name: 'B' })).rejects.toBeInstanceOf(
      InvalidPayloadError,
    );
    expect(organisations.insert).not.toHaveBeenCalled();
  });

  it('scopes updates to the caller’s account unless admin', async () => {
    const { organisations, service } = writer();
    await service.update(USER, '/417/9312345000012', { name: 'New' });
    await service.update(ADMIN, '/417/9312345000012', { name: 'New' });
    expect(organisations.exists.mock.calls).toEqual([
      [{ where: { id: '/417/9312345000012', account: 'acc-1' } }],
      [{ where: { id: '/417/9312345000012' } }],
    ]);
  });
});

describe('DomainService', () => {
  it('uses a named domain only if it is the account’s own', async () => {
    const service = domainService({ byId: { 'dom-1': 'id.brand.example' } });
    await expect(service.linkHost('acc-1', 'dom-1')).resolves.toBe('id.brand.example');
    await expect(service.linkHost('acc-1', 'dom-2')).rejects.toThrow(
      new InvalidPayloadError('Domain "dom-2" does not exist.'),
    );
  });

  it('else the account’s default domain, else the platform’s', async () => {
    const service = domainService({ defaults: { 'acc-1': 'id.brand.example' } });
    await expect(service.linkHost('acc-1')).resolves.toBe('id.brand.example');
    await expect(service.linkHost('acc-2', null)).resolves.toBe('id.platform.example');
  });
});
