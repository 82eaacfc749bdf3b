/** Sends one message down an open event stream (API Gateway's management API, or the local server). */
export interface LivePush {
  /** `gone`: the connection no longer exists (API Gateway's 410); its record can go. */
  post(connectionId: string, body: string): Promise<'sent' | 'gone'>;
  /** Whether the connection is still open (a record whose `$disconnect` never came is not). */
  isOpen(connectionId: string): Promise<boolean>;
}

/** Where no stream can be open (no WebSocket API configured): every connection is gone. */
export const noLivePush: LivePush = {
  async post() {
    return 'gone';
  },
  async isOpen() {
    return false;
  },
};
