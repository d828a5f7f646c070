/**
 * Where an installation's current Salesforce tokens live. With refresh-token rotation every refresh
 * returns a new refresh token and retires the old one, so the latest pair must be shared by every
 * worker process: the runtime's implementation re-seals them into the installation's credentials.
 */
export interface SalesforceTokens {
  accessToken: string;
  refreshToken: string;
  /** Salesforce may move an org to another instance; a refresh response says where. */
  instanceUrl?: string;
}

export interface TokenStore {
  load(): Promise<SalesforceTokens>;
  save(tokens: SalesforceTokens): Promise<void>;
}

/** A store for one process (tests, a CLI run): the tokens live only in memory. */
export function createInMemoryTokenStore(initial: SalesforceTokens): TokenStore {
  let current = { ...initial };
  return {
    load: () => Promise.resolve({ ...current }),
    save: (tokens) => {
      current = { ...tokens };
      return Promise.resolve();
    },
  };
}
