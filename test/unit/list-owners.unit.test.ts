import { listHubSpotOwners } from '../../connectors/hubspot/owners/list-owners';
import { HubSpotApiError } from '../../connectors/hubspot/hubspot-api-error';
import type { HubSpotHttp, JsonRequest } from '../../connectors/hubspot/hubspot-http';
import { listSalesforceUsers, USERS_SOQL } from '../../connectors/salesforce/owners/list-users';
import type { SalesforceApi, SfQueryPage, SfRecord } from '../../connectors/salesforce/salesforce-api.types';

describe('HubSpot owners', () => {
  const pages: Record<string, unknown> = {
    first: {
      results: [
        { id: '1', email: 'a@x.com', type: 'PERSON', firstName: 'Ann', lastName: 'Lee', archived: false, teams: [{ id: '9', name: 'Second', primary: false }, { id: '8', name: 'Main', primary: true }] },
        { id: '2', type: 'QUEUE', firstName: 'Inbound', archived: false },
      ],
      paging: { next: { after: 'cursor-2', link: 'https://api.hubapi.com/crm/v3/owners?after=cursor-2' } },
    },
    'cursor-2': { results: [{ id: '3', email: null, type: 'PERSON', firstName: '', lastName: null, archived: false }] },
  };

  it('reads every page (archived=false, 500 a page), skips queues, puts the primary team first', async () => {
    const requests: JsonRequest[] = [];
    const http = { json: async (_kind: string, _endpoint: string, request: JsonRequest) => (requests.push(request), pages[request.qs?.after ?? 'first']) } as unknown as HubSpotHttp;
    expect(await listHubSpotOwners(http)).toEqual([
      { id: '1', name: 'Ann Lee', email: 'a@x.com', timeZone: null, managerId: null, teams: ['Main', 'Second'], active: true },
      { id: '3', name: null, email: null, timeZone: null, managerId: null, teams: [], active: true },
    ]);
    expect(requests.map((r) => r.qs)).toEqual([{ limit: '500', archived: 'false' }, { limit: '500', archived: 'false', after: 'cursor-2' }]);
  });

  it('answers null when the installation lacks the owners scope (403), and passes other errors on', async () => {
    const refusing = (status: number) => ({ json: async () => { throw new HubSpotApiError('refused', 'GET /crm/v3/owners', status, status >= 500); } }) as unknown as HubSpotHttp;
    expect(await listHubSpotOwners(refusing(403))).toBeNull();
    await expect(listHubSpotOwners(refusing(502))).rejects.toThrow(HubSpotApiError);
  });
});

describe('Salesforce users', () => {
  it('queries standard users with zone, manager and role, follows nextRecordsUrl, and reads GMT as UTC', async () => {
    const queries: string[] = [];
    const page = (records: SfRecord[], next?: string): SfQueryPage => ({ records, totalSize: 2, done: next === undefined, ...(next ? { nextRecordsUrl: next } : {}) });
    const api = {
      query: async (soql: string) => (queries.push(soql), page([{ Id: '005A', Name: 'Ann Lee', Email: 'a@x.com', TimeZoneSidKey: 'GMT', ManagerId: '005B', IsActive: true, UserRole: { Name: 'Inside Sales' } }], '/next')),
      queryMore: async (url: string) => (queries.push(url), page([{ Id: '005B', Name: 'Bo', Email: null, TimeZoneSidKey: 'Asia/Tokyo', ManagerId: null, IsActive: false, UserRole: null }])),
    } as unknown as SalesforceApi;
    expect(await listSalesforceUsers(api)).toEqual([
      { id: '005A', name: 'Ann Lee', email: 'a@x.com', timeZone: 'UTC', managerId: '005B', teams: ['Inside Sales'], active: true },
      { id: '005B', name: 'Bo', email: null, timeZone: 'Asia/Tokyo', managerId: null, teams: [], active: false },
    ]);
    expect(queries).toEqual([USERS_SOQL, '/next']);
  });
});
